"""From a workload to a recommendation: instances per stage, security settings, Lambda fit, costs."""
