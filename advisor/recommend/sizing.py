"""From candidate families to a concrete instance type and count: the arithmetic behind a stage choice.

The rules decide which families fit the workload the way the chapter teaches; this module does what rules
should not: compute memory and accelerator needs with headroom, derive counts from throughput, distribution
and availability, and rank the types that fit by the workload's priority. Every number it uses is stated in
the reasons it returns, so a user can check the sum.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, NamedTuple

from advisor import stages as stage_registry
from advisor.knowledge.models import InstanceType
from advisor.pricing.costs import money
from advisor.pricing.models import Price
from advisor.workload import Workload

MEMORY_HEADROOM = 1.5
"""Host RAM per GiB of working set: libraries, copies during training and the OS need room beside the data."""
TARGET_UTILISATION = 0.7
"""Endpoints are sized to run at 70% of capacity, leaving room for spikes and a lost instance."""
SLOTS_PER_ACCELERATOR = 4
"""Concurrent requests one GPU or Inferentia device serves with dynamic batching (an assumption, stated)."""


@dataclass(frozen=True, slots=True)
class Need:
    """What one instance must hold at a stage, with the reasoning in words."""

    memory_gib: float
    accelerator_gib: float
    """0 for a type without accelerators: whether a stage needs a GPU at all is the family rules' decision."""
    explain: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Spec:
    """What sizing reads of an instance type, computed once per Advisor.

    A stage weighs about fifty types per recommendation; reading these from flat slots instead of model
    attributes and knowledge lookups is most of what keeps a recommendation within its time budget.
    """

    itype: InstanceType
    name: str
    memory_gib: float
    accelerator_gib: float
    """Accelerator memory across all its devices; 0 without accelerators."""
    workers: int
    tflops: float
    newest_first: int
    """Minus the generation's place in its family's list: a sort key that puts newer generations first."""

    @classmethod
    def of(cls, t: InstanceType, tflops: float, generation_rank: int) -> Spec:
        """`generation_rank`: the place of its generation in the family's list (newer = higher)."""
        return cls(t, t.name, t.memory_gib, t.accelerator.memory_gib if t.accelerator else 0.0, workers(t), tflops,
                   -generation_rank)


Priced = tuple[Spec, "Price | None", "float | None"]
"""A type with its price row for a stage's component and that row's USD per hour (None: unknown or no row)."""


def priced(specs: Iterable[Spec], prices: Mapping[str, Price] | None) -> tuple[Priced, ...]:
    """Pair types with their prices once per (stage, family, snapshot): the pairs do not depend on the workload."""
    rows = [(t, prices.get(t.name) if prices is not None else None) for t in specs]
    return tuple((t, row, None if row is None or row.usd_per_hour == "unknown" else float(row.usd_per_hour))
                 for t, row in rows)


class Candidate(NamedTuple):
    """One type weighed for a stage. A named tuple so the sizing loop, which runs ~50 times per recommendation,
    can build it in C with tuple.__new__ rather than through a Python __init__; fields still read like
    attributes."""

    spec: Spec
    count: int
    price: Price | None
    speed: float
    misfit: str | None
    per_hour: float | None
    """Total for `count` instances; None when the price is unknown."""
    price_order: float
    """per_hour, or infinity when unknown: a sort key that puts unknown prices last."""
    speed_order: float
    """-speed: a sort key that puts the fastest first."""

    @property
    def itype(self) -> InstanceType:
        return self.spec.itype

    @property
    def fits(self) -> bool:
        return self.misfit is None


def workers(t: InstanceType) -> int:
    """Requests one instance serves at once: one per vCPU, or a few per accelerator device."""
    return t.accelerator.count * SLOTS_PER_ACCELERATOR if t.accelerator else t.vcpu


class StageSizer:
    """Sizes types for one stage of one workload.

    What does not depend on the type (the needs, the count parameters) is read from the workload once, so
    weighing the ~25 candidate types of a stage costs a few comparisons each.
    """

    __slots__ = ("stage", "w", "_ctx", "_cap", "_needs", "_training", "_distributed", "_realtime", "_spr", "_load",
                 "_floor", "_batch_hours", "_work_seconds")

    def __init__(self, stage: str, w: Workload, ctx: dict[str, object]) -> None:
        self.stage, self.w, self._ctx = stage, w, ctx
        self._cap = stage_registry.stage(stage).max_count
        self._needs: dict[bool, Need] = {}
        self._training = stage in ("training", "tuning")
        self._distributed = w.training.distributed
        inf = w.inference
        self._realtime = stage == "realtime_inference"
        self._spr = inf.seconds_per_request
        self._load = inf.requests_per_second
        self._floor = 2 if inf.production else 1
        self._batch_hours = w.batch.max_hours if stage == "batch_inference" else 0.0
        self._work_seconds = w.batch.records_per_run * inf.seconds_per_request

    def need(self, t: Spec) -> Need:
        """What one instance of `t` must hold (it differs only between accelerated and CPU types)."""
        accelerated = t.accelerator_gib > 0
        need = self._needs.get(accelerated)
        if need is None:
            need = self._needs[accelerated] = self._need(accelerated)
        return need

    def _need(self, accelerated: bool) -> Need:
        stage, w, ctx = self.stage, self.w, self._ctx
        working_set = float(ctx["derived.working_set_gb"])  # type: ignore[arg-type]
        model_gb = float(ctx["derived.model_memory_gb"])  # type: ignore[arg-type]
        train_accel = float(ctx["derived.training_accelerator_gb"])  # type: ignore[arg-type]
        if stage == "notebook":
            memory = max(2.0, working_set * 1.25)
            return Need(memory, 0.0,
                        (f"{memory:g} GiB of memory to explore a {working_set:g} GiB working set (x1.25)",))
        if self._training:
            if accelerated and bool(ctx["derived.needs_gpu_training"]):
                return Need(8.0, train_accel,
                            (f"{train_accel:g} GiB of accelerator memory for training (weights, gradients and "
                             "optimiser state, +20%)", "8 GiB of host memory to feed the accelerators"))
            memory = max(2.0, working_set * MEMORY_HEADROOM + (train_accel if not accelerated else 0))
            return Need(memory, 0.0,
                        (f"{memory:g} GiB of memory: working set {working_set:g} GiB x{MEMORY_HEADROOM:g} headroom"
                         + (f" + {train_accel:g} GiB of training state" if train_accel and not accelerated
                            else ""),))
        if stage in ("realtime_inference", "batch_inference"):
            deep = w.model.kind in ("deep_learning", "llm")
            if accelerated and deep:
                return Need(max(4.0, model_gb), model_gb,
                            (f"{model_gb:g} GiB of accelerator memory for the model's weights (+20%)",))
            memory = max(2.0, model_gb * MEMORY_HEADROOM + 1)
            return Need(memory, 0.0,
                        (f"{memory:g} GiB of memory: model {model_gb:g} GiB x{MEMORY_HEADROOM:g} + 1 GiB for the "
                         "serving runtime",))
        memory = max(2.0, working_set * MEMORY_HEADROOM)
        return Need(memory, 0.0,
                    (f"{memory:g} GiB of memory: working set {working_set:g} GiB x{MEMORY_HEADROOM:g} headroom",))

    def candidates(self, priced: Iterable[Priced]) -> list[Candidate]:
        """Size every type; `priced` pairs each with its price row for this stage (see `Priced`).

        A type's count, or the reason it does not fit, is worked out inline: this loop runs ~50 times per
        recommendation and a call per type was a third of its cost.
        """
        out: list[Candidate] = []
        append = out.append
        cap, training, distributed, realtime = self._cap, self._training, self._distributed, self._realtime
        spr, load, floor, batch_hours, work = self._spr, self._load, self._floor, self._batch_hours, self._work_seconds
        ceil, new = math.ceil, tuple.__new__
        by_workers: dict[int, int] = {}
        for t, price, usd in priced:
            acc_gib = t.accelerator_gib
            need = self.need(t)
            misfit = None
            count = 1
            if training:
                count = 2 if distributed else 1
                if need.accelerator_gib and acc_gib:
                    needed = ceil(need.accelerator_gib / acc_gib)
                    if needed > 1 and not distributed:
                        count, misfit = 1, (f"too little accelerator memory: {acc_gib:g} GiB < "
                                            f"{need.accelerator_gib:g} GiB needed (set training.distributed to "
                                            "spread it)")
                    else:
                        count = max(count, needed)
                elif t.memory_gib < need.memory_gib:
                    if distributed:
                        count = max(count, ceil(need.memory_gib / t.memory_gib))
                    else:
                        count, misfit = 1, f"too little memory: {t.memory_gib:g} GiB < {need.memory_gib:g} GiB needed"
            elif t.memory_gib < need.memory_gib:
                misfit = f"too little memory: {t.memory_gib:g} GiB < {need.memory_gib:g} GiB needed"
            elif need.accelerator_gib and acc_gib and acc_gib < need.accelerator_gib:
                misfit = f"too little accelerator memory: {acc_gib:g} GiB < {need.accelerator_gib:g} GiB needed"
            elif realtime or batch_hours:  # the count follows from the workers alone: many types share theirs
                workers = t.workers
                count = by_workers.get(workers)  # type: ignore[assignment]
                if count is None:
                    if realtime:  # enough workers for the load at the target utilisation
                        count = max(floor, ceil(load / (workers / spr * TARGET_UTILISATION)) if load else 1)
                    else:  # enough workers to score the records within the window, at 80% efficiency
                        count = max(1, ceil(work / (workers * batch_hours * 3600 * 0.8)))
                    by_workers[workers] = count
            if count > cap and misfit is None:
                misfit = f"would need {count} instances (more than {cap})"
            speed = t.tflops * count
            per_hour = None if usd is None else usd * count
            append(new(Candidate, (t, count, price, speed, misfit, per_hour, _LAST if per_hour is None else per_hour,
                                   -speed)))
        return out

    def count_reason(self, t: Spec, count: int) -> str:
        """Why the winner runs `count` instances, with the arithmetic."""
        w = self.w
        if self._training:
            return (f"{count} instances for distributed training" if self._distributed
                    else "1 instance (not distributed)")
        if self.stage == "realtime_inference":
            per_instance = t.workers / self._spr * TARGET_UTILISATION
            by_load = math.ceil(self._load / per_instance) if self._load else 1
            return (f"{count} instances: {self._load:g} req/s at {per_instance:.1f} req/s each "
                    f"({t.workers} workers, {w.inference.seconds_per_request:g} s per request, "
                    f"{TARGET_UTILISATION:.0%} utilisation)"
                    + (", at least 2 behind a production endpoint" if self._floor == 2 and by_load < 2 else ""))
        if self.stage == "batch_inference":
            return (f"{count} instance{'s' if count > 1 else ''} to score {w.batch.records_per_run:,} records within "
                    f"{w.batch.max_hours:g} h ({t.workers} workers each)")
        return "1 instance"


@dataclass(frozen=True, slots=True)
class Ranked:
    winner: Candidate
    others: tuple[Candidate, ...]
    fitting: int


BALANCED_BAND = 1.2
"""Balanced priority: the most compute among the types costing at most 20% more than the cheapest that fits."""

RankKey = Callable[[Candidate], tuple]  # type: ignore[type-arg]


_LAST = float("inf")
#: cost: cheapest first (unknown prices last), then most compute, then newest generation;
#: time: most compute first, then newest generation, then cheapest. Read in C by attrgetter.
_BY_COST = operator.attrgetter("price_order", "speed_order", "spec.newest_first")
_BY_TIME = operator.attrgetter("speed_order", "spec.newest_first", "price_order")


def rank_key(priority: str, fitting: list[Candidate]) -> RankKey:
    far = _LAST
    if priority == "cost":
        return _BY_COST
    if priority == "time":
        return _BY_TIME
    cheapest = min((c.per_hour for c in fitting if c.per_hour is not None), default=far)
    band = cheapest * BALANCED_BAND

    def balanced(c: Candidate) -> tuple:  # type: ignore[type-arg]
        if c.per_hour is not None and c.per_hour <= band:
            return (0, -c.speed, c.per_hour, c.spec.newest_first)
        return (1, c.per_hour is None, c.per_hour or far, -c.speed)

    return balanced


def rank(cands: list[Candidate], priority: str) -> Ranked | None:
    """The fitting candidates in the priority's order (ties keep the knowledge's order); None if none fits."""
    fitting = [c for c in cands if c.misfit is None]
    if not fitting:
        return None
    fitting.sort(key=rank_key(priority, fitting))
    return Ranked(fitting[0], tuple(fitting[1:]), len(fitting))


def price_text(c: Candidate) -> str:
    return "unknown" if c.per_hour is None else f"{money(c.per_hour)}/h"


def lost_because(winner: Candidate, other: Candidate, priority: str) -> str:
    """Why `other` ranked below `winner`, in the terms of the priority."""
    w_cost, o_cost = winner.per_hour, other.per_hour
    if other.misfit:
        return other.misfit
    if o_cost is None and w_cost is not None:
        return "no price in the snapshot, so it cannot be shown to be cheaper"
    cost_diff = ""
    if o_cost is not None and w_cost is not None and o_cost != w_cost:
        more = o_cost > w_cost
        pct = abs(o_cost - w_cost) / w_cost * 100 if w_cost else 0
        cost_diff = (f"costs {money(abs(o_cost - w_cost))}/h {'more' if more else 'less'} ({pct:.0f}%)"
                     f" at {price_text(other)}")
    if priority == "cost":
        if o_cost is not None and w_cost is not None and o_cost == w_cost:
            return (f"same price, less compute ({_versus(other, winner)})" if other.speed < winner.speed
                    else "same price, older generation")
        return cost_diff or "not cheaper"
    if priority == "time":
        if other.speed < winner.speed:
            return f"less compute ({_versus(other, winner)})"
        return (f"same compute, {cost_diff}" if cost_diff else "same compute, older generation")
    band = (w_cost or 0) * BALANCED_BAND if w_cost is not None else None
    if o_cost is not None and band is not None and o_cost > band and o_cost > w_cost:  # type: ignore[operator]
        return f"more than {BALANCED_BAND - 1:.0%} above the cheapest fitting price ({cost_diff})"
    if other.speed < winner.speed:
        return f"less compute ({_versus(other, winner)})" + (f"; {cost_diff}" if cost_diff else "")
    return f"same compute, {cost_diff}" if cost_diff else "same compute, older generation"


def _versus(other: Candidate, winner: Candidate) -> str:
    return f"{_compute(other)} vs {_compute(winner)}"


def _compute(c: Candidate) -> str:
    t = c.itype
    unit = f"{t.accelerator.count}x {t.accelerator.model}" if t.accelerator else f"{t.vcpu} vCPU"
    return f"{c.count} x {unit} = {c.speed:g} peak TFLOPS"
