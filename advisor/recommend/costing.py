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
    Cost,
    batch_transform_cost,
    endpoint_monthly_cost,
    notebook_monthly_cost,
    processing_cost,
    training_cost,
    tuning_cost,
)
from advisor.pricing.models import PriceSnapshot
from advisor.recommend.sizing import Candidate, capacity_rps
from advisor.stages import StageSpec
from advisor.workload import Workload

Costed = tuple[Cost, dict[str, Any]]
Coster = Callable[[PriceSnapshot, Workload, Candidate, dt.date], Costed]
COSTERS: dict[str, Coster] = {}
"""Costing strategies by the name the stage registry gives (StageSpec.costing)."""


def register_coster(name: str) -> Callable[[Coster], Coster]:
    def add(coster: Coster) -> Coster:
        COSTERS[name] = coster
        return coster
    return add


def cost(stage: StageSpec, w: Workload, winner: Candidate, snapshot: PriceSnapshot | None,
         today: dt.date) -> Costed:
    """The stage's cost and details; unknown (with the reason) when the region has no snapshot."""
    if snapshot is None:
        return Cost(usd=None, usd_high=None, period=stage.cost_period, formula=f"no price snapshot for {w.region}",
                    assumptions=(), warnings=(f"no price snapshot for {w.region}",)), {}
    if not winner.fits:  # the nearest miss is shown, never priced: its cost would be one of a setup that fails
        return Cost(usd=None, usd_high=None, period=stage.cost_period,
                    formula=f"not estimated: {winner.spec.name} does not meet the need ({winner.misfit})",
                    assumptions=(), warnings=()), {}
    return COSTERS[stage.costing](snapshot, w, winner, today)


@register_coster("notebook")
def _notebook(snapshot: PriceSnapshot, w: Workload, c: Candidate, today: dt.date) -> Costed:
    return notebook_monthly_cost(snapshot, c.spec.name, w.notebook.hours_per_day, today=today), {}


@register_coster("training")
def _training(snapshot: PriceSnapshot, w: Workload, c: Candidate, today: dt.date) -> Costed:
    return training_cost(snapshot, c.spec.name, c.count, w.training.max_hours, w.training.interruptible,
                         today=today), {}


@register_coster("tuning")
def _tuning(snapshot: PriceSnapshot, w: Workload, c: Candidate, today: dt.date) -> Costed:
    job_cost, wall = tuning_cost(snapshot, c.spec.name, c.count, w.training.max_hours, w.tuning.max_jobs,
                                 w.tuning.max_parallel_jobs, w.training.interruptible, today=today)
    return job_cost, {"wall_clock_hours": wall, "max_jobs": w.tuning.max_jobs,
                      "max_parallel_jobs": w.tuning.max_parallel_jobs}


@register_coster("endpoint")
def _endpoint(snapshot: PriceSnapshot, w: Workload, c: Candidate, today: dt.date) -> Costed:
    return endpoint_monthly_cost(snapshot, c.spec.name, c.count, today=today), {}


@register_coster("batch")
def _batch(snapshot: PriceSnapshot, w: Workload, c: Candidate, today: dt.date) -> Costed:
    hours = max(1 / 60, w.batch.records_per_run / (capacity_rps(c.spec, w) * c.count * 3600))
    run = batch_transform_cost(snapshot, c.spec.name, c.count, round(hours, 4), today=today)
    monthly = None if run.usd is None else round(run.usd * w.batch.runs_per_month, 2)
    return run, {"hours_per_run": round(hours, 3), "runs_per_month": w.batch.runs_per_month,
                 "usd_per_month": monthly}


@register_coster("processing")
def _processing(snapshot: PriceSnapshot, w: Workload, c: Candidate, today: dt.date) -> Costed:
    job = processing_cost(snapshot, c.spec.name, c.count, w.processing.max_hours, today=today)
    monthly = None if job.usd is None else round(job.usd * w.processing.runs_per_month, 2)
    return job, {"runs_per_month": w.processing.runs_per_month, "usd_per_month": monthly}
