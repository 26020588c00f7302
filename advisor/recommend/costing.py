"""What a stage's winner costs, per the stage's cost period: costing strategies by name.

The stage registry (advisor/stages.py) names each stage's strategy (StageSpec.costing); the strategies here turn
the sized winner and the workload into a Cost from the region's price snapshot, plus the stage's details
(tuning wall-clock hours, batch runs a month, ...) that go in StageChoice.extra.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from advisor.pricing.costs import (
    HOURS_PER_MONTH,
    Cost,
    batch_transform_cost,
    endpoint_monthly_cost,
    notebook_monthly_cost,
    processing_cost,
    serverless_monthly_cost,
    training_cost,
    tuning_cost,
)
from advisor.pricing.models import PriceSnapshot
from advisor.recommend.sizing import (
    PROCESSING_EFFICIENCY,
    Candidate,
    SettingsSizing,
    batch_run_hours,
    capacity_rps,
    processing_data_gb,
    processing_hours,
    processing_rate,
)
from advisor.stages import StageSpec
from advisor.workload import Workload, scales_to_zero

Costed = tuple[Cost, dict[str, Any]]
Coster = Callable[[PriceSnapshot, Workload, Candidate, dt.date], Costed]
COSTERS: dict[str, Coster] = {}
"""Costing strategies by the name the stage registry gives (StageSpec.costing)."""


def register_coster(name: str) -> Callable[[Coster], Coster]:
    def add(coster: Coster) -> Coster:
        COSTERS[name] = coster
        return coster
    return add


HOSTING_COSTERS: dict[str, Coster] = {}
"""Costing strategies of an endpoint's way of hosting several models (realtime.hosting's option ids) where it is
billed otherwise than its stage."""


def cost(stage: StageSpec, w: Workload, winner: Candidate, snapshot: PriceSnapshot | None,
         today: dt.date, hosting: str | None = None) -> Costed:
    """The stage's cost and details; unknown (with the reason) when the region has no snapshot. `hosting`: the
    option realtime.hosting chose for several models, which may bill differently (HOSTING_COSTERS)."""
    if snapshot is None:
        return Cost.of(usd=None, period=stage.cost_period, formula=f"no price snapshot for {w.region}",
                       warnings=(f"no price snapshot for {w.region}",)), {}
    if not winner.fits:  # the nearest miss is shown, never priced: its cost would be one of a setup that fails
        return Cost.of(usd=None, period=stage.cost_period,
                       formula=f"not estimated: {winner.spec.name} does not meet the need ({winner.misfit})"), {}
    coster = HOSTING_COSTERS.get(hosting) if hosting is not None else None
    return (coster or COSTERS[stage.costing])(snapshot, w, winner, today)


@register_coster("notebook")
def _notebook(snapshot: PriceSnapshot, w: Workload, c: Candidate, today: dt.date) -> Costed:
    return notebook_monthly_cost(snapshot, c.spec.name, w.notebook.hours_per_day, today=today), {}


def _at_most(cost: Cost, caveat: str, why: str) -> Cost:
    """A job priced for its longest run: the most it can cost, said so beside the figure and why in words."""
    if cost.usd is None:  # no figure to qualify: its formula and warnings say why
        return cost
    return cost._replace(bound="upper", caveat=caveat, assumptions=(*cost.assumptions, why))


@register_coster("training")
def _training(snapshot: PriceSnapshot, w: Workload, c: Candidate, today: dt.date) -> Costed:
    job = training_cost(snapshot, c.spec.name, c.instances, w.training.max_hours, w.training.interruptible, today=today)
    return _at_most(job, "upper bound: training.max_hours", (
        f"priced for the whole of training.max_hours ({w.training.max_hours:g} h), when SageMaker stops the job "
        "(StoppingCondition.MaxRuntimeInSeconds); it is billed only for the time it runs, so a job that finishes "
        "sooner costs less")), {}


@register_coster("tuning")
def _tuning(snapshot: PriceSnapshot, w: Workload, c: Candidate, today: dt.date) -> Costed:
    job_cost, wall = tuning_cost(snapshot, c.spec.name, c.instances, w.training.max_hours, w.tuning.max_jobs,
                                 w.tuning.max_parallel_jobs, w.training.interruptible, today=today)
    job_cost = _at_most(job_cost, "upper bound: tuning.max_jobs x training.max_hours", (
        f"each of the {w.tuning.max_jobs} jobs (tuning.max_jobs) priced for the whole of training.max_hours "
        f"({w.training.max_hours:g} h), when SageMaker stops it; a job that finishes sooner costs less"))
    return job_cost, {"wall_clock_hours": wall, "max_jobs": w.tuning.max_jobs,
                      "max_parallel_jobs": w.tuning.max_parallel_jobs}


@register_coster("endpoint")
def _endpoint(snapshot: PriceSnapshot, w: Workload, c: Candidate, today: dt.date) -> Costed:
    return endpoint_monthly_cost(snapshot, c.spec.name, c.instances, today=today), {}


@register_coster("batch")
def _batch(snapshot: PriceSnapshot, w: Workload, c: Candidate, today: dt.date) -> Costed:
    hours = batch_run_hours(w.batch.records_per_run, capacity_rps(c.spec, w), c.instances)
    run = batch_transform_cost(snapshot, c.spec.name, c.instances, round(hours, 4), today=today)
    monthly = None if run.usd is None else round(run.usd * w.batch.runs_per_month, 2)
    return run, {"hours_per_run": round(hours, 3), "runs_per_month": w.batch.runs_per_month,
                 "usd_per_month": monthly}


@register_coster("processing")
def _processing(snapshot: PriceSnapshot, w: Workload, c: Candidate, today: dt.date) -> Costed:
    """Billed for the instances' run time: the estimated hours the job reads its data in (sizing's rate), never
    more than processing.max_hours, where SageMaker stops it."""
    hours = round(processing_hours(w, c.spec, c.instances), 4)
    job = processing_cost(snapshot, c.spec.name, c.instances, hours, today=today)
    rate, basis = processing_rate(w)
    run = (f"the job runs about {hours:g} h: {processing_data_gb(w):g} GB at {rate:g} GB per vCPU-hour ({basis}), "
           f"{PROCESSING_EFFICIENCY:.0%} busy, at most processing.max_hours ({w.processing.max_hours:g} h)")
    job = job._replace(assumptions=(*job.assumptions, run))
    monthly = None if job.usd is None else round(job.usd * w.processing.runs_per_month, 2)
    return job, {"hours_per_run": hours, "runs_per_month": w.processing.runs_per_month, "usd_per_month": monthly}


def active_hours(w: Workload) -> tuple[float, str]:
    """Hours a month requests arrive (inference.active_hours_per_day, else all of them) and that in words."""
    per_day = w.inference.active_hours_per_day
    if per_day is None:
        return HOURS_PER_MONTH, (f"requests arrive at the peak rate ({w.inference.requests_per_second:g}/s) all "
                                 f"{HOURS_PER_MONTH:g} h of the month, an upper bound (set "
                                 "inference.active_hours_per_day for less)")
    hours = HOURS_PER_MONTH * per_day / 24
    return hours, f"requests arrive {per_day:g} h a day (inference.active_hours_per_day): {hours:,.4g} h a month"


@register_coster("async")
def _async(snapshot: PriceSnapshot, w: Workload, c: Candidate, today: dt.date) -> Costed:
    """Instance-hours: all month when the endpoint keeps instances; only the active hours when it scales to zero
    (traffic with idle periods, callers that can wait for a cold start), a floor that the scale-in cool-down and
    cold starts raise a little."""
    if not scales_to_zero(w):
        return endpoint_monthly_cost(snapshot, c.spec.name, c.instances, today=today), {}
    return _active_hours_only(snapshot, w, c, today, "the endpoint scales to zero when the queue is empty")


def _components(snapshot: PriceSnapshot, w: Workload, c: Candidate, today: dt.date) -> Costed:
    """An endpoint of inference components: all month, unless it scales to zero (ManagedInstanceScaling
    MinInstanceCount 0 for traffic with idle periods and callers that can wait, the sizer's scales_to_zero), when
    its instances run only the hours requests arrive, as an asynchronous endpoint's do."""
    if not scales_to_zero(w):
        return _endpoint(snapshot, w, c, today)
    return _active_hours_only(snapshot, w, c, today, "with every component's copies at 0 the endpoint keeps no "
                              "instance (MinInstanceCount 0)")


def _active_hours_only(snapshot: PriceSnapshot, w: Workload, c: Candidate, today: dt.date, why: str) -> Costed:
    """An endpoint that scales to zero, costed on the hours requests arrive; `why` says what lets it scale in."""
    hours, basis = active_hours(w)
    cost = endpoint_monthly_cost(snapshot, c.spec.name, c.instances, hours, today=today)
    assumption = (f"{why}, so {c.instances} instance{'s' if c.instances > 1 else ''} run only while requests "
                  f"arrive: {basis}; scaling in after the cool-down and out again adds some minutes a day")
    return cost._replace(assumptions=(assumption,)), {"hours_per_month": round(hours, 3)}


HOSTING_COSTERS["inference_components"] = _components


# ---- stages without instances ---------------------------------------------------------------------------------

SettingsCoster = Callable[[PriceSnapshot, Workload, SettingsSizing, dt.date], Costed]
SETTINGS_COSTERS: dict[str, SettingsCoster] = {}
"""Costing strategies of stages without instances (StageSpec.instance_stage None), by StageSpec.costing."""


def cost_settings(stage: StageSpec, w: Workload, sized: SettingsSizing, snapshot: PriceSnapshot | None,
                  today: dt.date) -> Costed:
    """The cost of a stage sized as settings: unknown without a snapshot, not estimated when it does not fit."""
    if snapshot is None:
        return Cost.of(usd=None, period=stage.cost_period, formula=f"no price snapshot for {w.region}",
                       warnings=(f"no price snapshot for {w.region}",)), {}
    if not sized.fits:
        return Cost.of(usd=None, period=stage.cost_period,
                       formula="not estimated: the workload needs more than the option's largest settings"), {}
    return SETTINGS_COSTERS[stage.costing](snapshot, w, sized, today)


def _serverless(snapshot: PriceSnapshot, w: Workload, sized: SettingsSizing, today: dt.date) -> Costed:
    hours, basis = active_hours(w)
    requests = w.inference.requests_per_second * hours * 3600
    cost = serverless_monthly_cost(snapshot, requests, w.inference.seconds_per_request,
                                   sized.settings["MemorySizeInMB"], sized.settings.get("ProvisionedConcurrency", 0),
                                   today=today)
    return (cost._replace(assumptions=(basis, *cost.assumptions)),
            {"requests_per_month": round(requests)})


SETTINGS_COSTERS["serverless"] = _serverless
