"""Ready-to-send AWS requests from a recommendation: boto3 parameters, placeholders, botocore-validated.

    from advisor import Advisor, load_workload
    from advisor.builders import build_requests

    advisor = Advisor()
    workload = load_workload("examples/workloads/fraud-detector.yaml", advisor.knowledge)
    requests = build_requests(advisor.recommend(workload), workload, canary_percent=20)
    requests.requests["CreateTrainingJob"]      # boto3 sagemaker.create_training_job(**...)
    requests.placeholders                       # what to fill in: <<bucket>>, <<kms_key_arn>>, ...

botocore is loaded only when a security setting needs a field's shape or a request is validated.
"""

from __future__ import annotations

from advisor.builders.common import STATE_MACHINE, RequestOptions
from advisor.builders.request_set import (
                                          OPERATIONS,
                                          Placeholder,
                                          RequestSet,
                                          build_requests,
                                          covered_operations,
                                          render_requests,
)

__all__ = ["OPERATIONS", "STATE_MACHINE", "Placeholder", "RequestOptions", "RequestSet", "build_requests",
           "covered_operations", "render_requests"]
