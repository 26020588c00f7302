"""From candidate families to a concrete instance type and count: which type, how many, and why.

The rules decide which families fit the workload the way the chapter teaches; this module does what rules
should not: compute memory and accelerator needs with headroom, derive counts from throughput, distribution
and availability, rank the types that fit by the workload's priority, and say why each alternative lost.
Every number it uses is stated in the reasons it returns, so a user can check the sum.

One call in, one explained answer out: `size(stage, workload, derived, families, excluded, catalogue,
snapshot) -> Sizing`. How a stage's need and count are worked out is its sizing strategy, named in the stage
registry (advisor/stages.py) and registered here in SIZERS.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from advisor.knowledge.models import AcceleratorSpec, AlgorithmStage, InstanceType, Knowledge
from advisor.pricing.costs import money
from advisor.pricing.models import Price, PriceSnapshot
from advisor.recommend.models import Alternative, PerHour
from advisor.stages import StageSpec
from advisor.workload import Derived, Workload, serving_memory, training_memory

MEMORY_HEADROOM = 1.5
"""Host RAM per GiB of working set: libraries, copies during training and the OS need room beside the data."""
TARGET_UTILISATION = 0.7
"""Endpoints are sized to run at 70% of capacity, leaving room for spikes and a lost instance."""
SLOTS_PER_ACCELERATOR = 4
"""Concurrent requests one GPU or Inferentia device serves with dynamic batching (an assumption, stated)."""
BATCH_EFFICIENCY = 0.8
"""Batch transform workers are assumed busy 80% of a run (start-up, uneven records)."""
BALANCED_BAND = 1.2
"""Balanced priority: the most compute among the types costing at most 20% more than the cheapest that fits."""
ALTERNATIVES_SHOWN = 3


# ---- the types sizing weighs --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Spec:
    """An instance type as sizing reads it: its record, its peak compute and its generation's place."""

    itype: InstanceType
    tflops: float
    generation_rank: int
    """The place of its generation in its family's list (newer = higher)."""
    accelerator: AcceleratorSpec | None = None
    """What its accelerator can run (accelerators.yaml); None without one."""

    @property
    def name(self) -> str:
        return self.itype.name

    @property
    def memory_gib(self) -> float:
        return self.itype.memory_gib

    @property
    def accelerator_gib(self) -> float:
        """Accelerator memory across all its devices; 0 without accelerators."""
        return self.itype.accelerator.memory_gib if self.itype.accelerator else 0.0

    @property
    def workers(self) -> int:
        """Requests one instance serves at once: one per vCPU, or a few per accelerator device."""
        t = self.itype
        return t.accelerator.count * SLOTS_PER_ACCELERATOR if t.accelerator else t.vcpu


@dataclass(frozen=True)
class Catalogue:
    """The current instance types by (instance stage, family), and the current families in knowledge order."""

    types: Mapping[tuple[str, str], tuple[Spec, ...]]
    current_families: tuple[str, ...]
    stock_only: frozenset[str] = frozenset()
    """model.algorithm values that run only in stock (CPU/CUDA) containers: every built-in algorithm and the
    frameworks that never reach Neuron (algorithms.yaml)."""
    training_guidance: Mapping[tuple[str, str | None], AlgorithmStage] = dataclasses.field(default_factory=dict)
    """(built-in algorithm, training mode or None) -> AWS's training guidance (algorithms.yaml)."""

    @classmethod
    def of(cls, knowledge: Knowledge) -> Catalogue:
        grouped: dict[tuple[str, str], list[Spec]] = defaultdict(list)
        capabilities = {a.model: a for a in knowledge.accelerators}
        for t in knowledge.instance_types:
            if t.status != "current":
                continue  # previous-generation and retired types are taught, never recommended
            generations = knowledge.family(t.family).generations
            spec = Spec(t, knowledge.tflops(t),
                        generations.index(t.generation) if t.generation in generations else 0,
                        capabilities.get(t.accelerator.model) if t.accelerator else None)
            for stage in t.stages:
                grouped[(stage, t.family)].append(spec)
        stock_only = {a.id for a in knowledge.algorithms} | {
            f.id for f in knowledge.frameworks if f.runs_on_neuron == "no"}
        guidance: dict[tuple[str, str | None], AlgorithmStage] = {}
        for a in knowledge.algorithms:
            guidance[(a.id, None)] = a.training
            guidance.update({(a.id, m.id): m.training for m in a.modes})
        return cls({key: tuple(specs) for key, specs in grouped.items()},
                   tuple(f.id for f in knowledge.families if f.status == "current"), frozenset(stock_only),
                   guidance)

    def training_of(self, w: Workload) -> AlgorithmStage | None:
        """AWS's training guidance for the workload's built-in algorithm (and mode); None for a framework."""
        return (self.training_guidance.get((w.model.algorithm, w.model.mode))
                or self.training_guidance.get((w.model.algorithm, None)))

    def specs(self, instance_stage: str | None, families: Iterable[str]) -> list[Spec]:
        return [spec for family in families for spec in self.types.get((instance_stage or "", family), ())]

    def cannot_run(self, spec: Spec, w: Workload, training: bool = False) -> str | None:
        """Why `spec` cannot run this workload's model at all: its accelerator's capability flags, and for
        training a built-in algorithm that uses one GPU per instance (AWS's guidance)."""
        acc = spec.accelerator
        if acc is None:
            return None
        guidance = self.training_of(w) if training else None
        if guidance is not None and guidance.multi_gpu is False and spec.itype.accelerator \
                and spec.itype.accelerator.count > 1:
            return f"{w.model.algorithm} trains on one GPU per instance (AWS), so the other GPUs would sit idle"
        if w.model.kind == "llm" and not acc.decoder_llms:
            return f"{acc.model} cannot run decoder (text-generation) LLMs"
        if w.model.algorithm in self.stock_only and not acc.stock_containers:
            return (f"{w.model.algorithm} runs only in stock CPU/CUDA containers, which do not run on {acc.model}"
                    + (" (it needs a Neuron-compiled model)" if acc.needs_compilation else ""))
        return None


# ---- sizing strategies --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Need:
    """What one instance must hold at a stage, with the reasoning in words."""

    memory_gib: float
    accelerator_gib: float
    """0 for a type without accelerators: whether a stage needs a GPU at all is the family rules' decision."""
    explain: tuple[str, ...]


class Sizer(Protocol):
    """A stage's sizing strategy for one workload."""

    def need(self, accelerated: bool) -> Need:
        """What one instance must hold; `accelerated`: for a type with accelerators."""

    def fit(self, spec: Spec, need: Need) -> tuple[int, str | None]:
        """How many of `spec` the stage needs, or 1 and why it cannot do the work at all."""

    def count_reason(self, spec: Spec, count: int) -> str:
        """Why the winner runs `count` instances, with the arithmetic."""


SizerFactory = Callable[[StageSpec, Workload, Derived], Sizer]
SIZERS: dict[str, SizerFactory] = {}
"""Sizing strategies by the name the stage registry gives (StageSpec.sizing)."""


def register_sizer(name: str) -> Callable[[SizerFactory], SizerFactory]:
    def add(factory: SizerFactory) -> SizerFactory:
        SIZERS[name] = factory
        return factory
    return add


def memory_misfit(spec: Spec, need: Need) -> str | None:
    """Why one instance of `spec` cannot hold the need; None when it can."""
    if spec.memory_gib < need.memory_gib:
        return f"too little memory: {spec.memory_gib:g} GiB < {need.memory_gib:g} GiB needed"
    if need.accelerator_gib and spec.accelerator_gib and spec.accelerator_gib < need.accelerator_gib:
        return f"too little accelerator memory: {spec.accelerator_gib:g} GiB < {need.accelerator_gib:g} GiB needed"
    return None


def working_set_need(working_set: float, factor: float) -> Need:
    memory = max(2.0, working_set * factor)
    return Need(memory, 0.0, (f"{memory:g} GiB of memory: working set {working_set:g} GiB x{factor:g} headroom",))


@dataclass(frozen=True)
class OneInstance:
    """A job on one instance whose memory holds the working set (processing; the default for a job)."""

    derived: Derived

    def need(self, accelerated: bool) -> Need:
        return working_set_need(self.derived.working_set_gb, MEMORY_HEADROOM)

    def fit(self, spec: Spec, need: Need) -> tuple[int, str | None]:
        return 1, memory_misfit(spec, need)

    def count_reason(self, spec: Spec, count: int) -> str:
        return "1 instance"


@dataclass(frozen=True)
class NotebookSizer(OneInstance):
    def need(self, accelerated: bool) -> Need:
        working_set = self.derived.working_set_gb
        memory = max(2.0, working_set * 1.25)
        return Need(memory, 0.0, (f"{memory:g} GiB of memory to explore a {working_set:g} GiB working set (x1.25)",))


@dataclass(frozen=True)
class TrainingSizer:
    """Training and tuning: accelerator memory for the training state, or host memory for the working set;
    a distributed job spreads what one instance cannot hold."""

    derived: Derived
    distributed: bool
    w: Workload

    def need(self, accelerated: bool) -> Need:
        d = self.derived
        if accelerated and d.needs_gpu_training:
            return Need(8.0, d.training_accelerator_gb,
                        (f"{d.training_accelerator_gb:g} GiB of accelerator memory for training: "
                         f"{training_memory(self.w)[1]}", "8 GiB of host memory to feed the accelerators"))
        state = d.training_accelerator_gb if not accelerated else 0.0
        memory = max(2.0, d.working_set_gb * MEMORY_HEADROOM + state)
        return Need(memory, 0.0,
                    (f"{memory:g} GiB of memory: working set {d.working_set_gb:g} GiB x{MEMORY_HEADROOM:g} headroom"
                     + (f" + {state:g} GiB of training state" if state else ""),))

    def fit(self, spec: Spec, need: Need) -> tuple[int, str | None]:
        count = 2 if self.distributed else 1
        if need.accelerator_gib and spec.accelerator_gib:
            needed = math.ceil(need.accelerator_gib / spec.accelerator_gib)
            if needed > 1 and not self.distributed:
                return 1, (f"too little accelerator memory: {spec.accelerator_gib:g} GiB < {need.accelerator_gib:g} "
                           "GiB needed (set training.distributed to spread it)")
            return max(count, needed), None
        if spec.memory_gib < need.memory_gib:
            if not self.distributed:
                return 1, f"too little memory: {spec.memory_gib:g} GiB < {need.memory_gib:g} GiB needed"
            return max(count, math.ceil(need.memory_gib / spec.memory_gib)), None
        return count, None

    def count_reason(self, spec: Spec, count: int) -> str:
        return f"{count} instances for distributed training" if self.distributed else "1 instance (not distributed)"


def model_need(w: Workload, derived: Derived, accelerated: bool) -> Need:
    """Inference: accelerator memory for a deep model's weights, or host memory for the model and runtime."""
    model_gb = derived.model_memory_gb
    if accelerated and w.model.kind in ("deep_learning", "llm"):
        host = max(4.0, model_gb, w.inference.memory_mb / 1024)
        return Need(host, model_gb, (f"{model_gb:g} GiB of accelerator memory: {serving_memory(w)[1]}",
                                     f"{host:g} GiB of host memory (the model, and inference.memory_mb)"))
    memory = max(2.0, model_gb * MEMORY_HEADROOM + 1, w.inference.memory_mb / 1024)
    return Need(memory, 0.0, (f"{memory:g} GiB of memory: model {model_gb:g} GiB x{MEMORY_HEADROOM:g} + 1 GiB for "
                              f"the serving runtime, at least inference.memory_mb ({w.inference.memory_mb:g} MB)",))


@dataclass(frozen=True)
class EndpointSizer:
    """A real-time endpoint: enough workers for the peak load at the target utilisation, two or more when it
    serves production traffic."""

    w: Workload
    derived: Derived

    def need(self, accelerated: bool) -> Need:
        return model_need(self.w, self.derived, accelerated)

    def fit(self, spec: Spec, need: Need) -> tuple[int, str | None]:
        misfit = memory_misfit(spec, need)
        if misfit:
            return 1, misfit
        inf = self.w.inference
        floor = 2 if inf.production else 1
        by_load = (math.ceil(inf.requests_per_second / (spec.workers / inf.seconds_per_request * TARGET_UTILISATION))
                   if inf.requests_per_second else 1)
        return max(floor, by_load), None

    def count_reason(self, spec: Spec, count: int) -> str:
        inf = self.w.inference
        per_instance = spec.workers / inf.seconds_per_request * TARGET_UTILISATION
        by_load = math.ceil(inf.requests_per_second / per_instance) if inf.requests_per_second else 1
        return (f"{count} instances: {inf.requests_per_second:g} req/s at {per_instance:.1f} req/s each "
                f"({spec.workers} workers, {inf.seconds_per_request:g} s per request, "
                f"{TARGET_UTILISATION:.0%} utilisation)"
                + (", at least 2 behind a production endpoint" if inf.production and by_load < 2 else ""))


@dataclass(frozen=True)
class BatchSizer:
    """Batch transform: enough workers to score every record of a run within its window."""

    w: Workload
    derived: Derived

    def need(self, accelerated: bool) -> Need:
        return model_need(self.w, self.derived, accelerated)

    def fit(self, spec: Spec, need: Need) -> tuple[int, str | None]:
        misfit = memory_misfit(spec, need)
        if misfit:
            return 1, misfit
        work = self.w.batch.records_per_run * self.w.inference.seconds_per_request
        return max(1, math.ceil(work / (spec.workers * self.w.batch.max_hours * 3600 * BATCH_EFFICIENCY))), None

    def count_reason(self, spec: Spec, count: int) -> str:
        b = self.w.batch
        return (f"{count} instance{'s' if count > 1 else ''} to score {b.records_per_run:,} records within "
                f"{b.max_hours:g} h ({spec.workers} workers each)")


register_sizer("job")(lambda stage, w, derived: OneInstance(derived))
register_sizer("notebook")(lambda stage, w, derived: NotebookSizer(derived))
register_sizer("training")(lambda stage, w, derived: TrainingSizer(derived, w.training.distributed, w))
register_sizer("endpoint")(lambda stage, w, derived: EndpointSizer(w, derived))
register_sizer("batch")(lambda stage, w, derived: BatchSizer(w, derived))


# ---- candidates, ranking and the explained answer ----------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """One type weighed for a stage: how many, at what price, and whether it fits."""

    spec: Spec
    count: int
    price: Price | None
    misfit: str | None

    @property
    def itype(self) -> InstanceType:
        return self.spec.itype

    @property
    def fits(self) -> bool:
        return self.misfit is None

    @property
    def speed(self) -> float:
        return self.spec.tflops * self.count

    @property
    def per_hour(self) -> float | None:
        """Total for `count` instances; None when the price is unknown."""
        if self.price is None or not self.price.known:
            return None
        return float(self.price.usd_per_hour) * self.count

    @property
    def per_instance(self) -> PerHour:
        if self.price is None or not self.price.known:
            return "unknown"
        return float(self.price.usd_per_hour)


@dataclass(frozen=True)
class Sizing:
    """Sizing's answer for one stage: the winner, why, and the alternatives with why each lost."""

    winner: Candidate
    fits: bool
    """False when nothing meets the need: the winner is then the closest."""
    reasons: tuple[str, ...]
    alternatives: tuple[Alternative, ...]


def size(stage: StageSpec, w: Workload, derived: Derived, families: Iterable[str], excluded: Iterable[str],
         catalogue: Catalogue, snapshot: PriceSnapshot | None) -> Sizing:
    """The type and count for one stage from the families the rules chose (less those excluded).

    When no type of those families fits, every other current family that is not excluded is weighed; when
    none fits at all, the closest type is returned with `fits=False` and the reason.
    """
    sizer = SIZERS[stage.sizing](stage, w, derived)
    prices = (snapshot.prices_for(stage.price_component)  # type: ignore[arg-type]
              if snapshot is not None and stage.price_component else None)
    banned = set(excluded)
    training = stage.sizing == "training"
    single = training and (g := catalogue.training_of(w)) is not None and g.multi_instance is False
    if single and isinstance(sizer, TrainingSizer) and sizer.distributed:
        sizer = dataclasses.replace(sizer, distributed=False)
        reasons_first = [f"training.distributed is set, but {w.model.algorithm} trains on a single instance only "
                         "(AWS), so one instance must hold the job"]
    else:
        reasons_first = []
    ranking = w.priority
    if w.priority == "time" and stage.sizing in ("endpoint", "batch"):
        ranking = "cost"  # every fitting type meets the target with the utilisation margin: more would sit idle
    chosen = [f for f in dict.fromkeys(families) if f not in banned]

    reasons: list[str] = list(reasons_first)
    left_out: dict[str, list[str]] = defaultdict(list)

    def weigh(family_ids: Iterable[str]) -> list[Candidate]:
        out = []
        for spec in catalogue.specs(stage.instance_stage, family_ids):
            why = catalogue.cannot_run(spec, w, training)
            if why:
                left_out[why].append(spec.itype.generation)
                continue
            out.append(_candidate(spec, sizer, stage.max_count, prices))
        return out

    candidates = weigh(chosen)
    fitting = _ranked(candidates, ranking)
    if not fitting:
        wider = [f for f in catalogue.current_families if f not in banned and f not in chosen]
        more = weigh(wider)
        fitting = _ranked(more, ranking)
        if fitting:
            reasons.append(f"no {'/'.join(chosen) or 'candidate'} type meets the need at this stage, so every "
                           "other current family was considered")
        candidates += more

    if fitting:
        winner, others = fitting[0], fitting[1:ALTERNATIVES_SHOWN + 1]
    elif candidates:
        winner = max(candidates, key=lambda c: (c.spec.memory_gib, c.speed))
        others = [c for c in candidates if c is not winner][:ALTERNATIVES_SHOWN]
    else:  # no type of any allowed family runs this stage
        winner, others = weigh(catalogue.current_families)[0], []
    if len(others) < ALTERNATIVES_SHOWN:
        misfits = sorted((c for c in candidates if not c.fits and c is not winner),
                         key=lambda c: (-c.spec.memory_gib, c.spec.name))
        others += misfits[:ALTERNATIVES_SHOWN - len(others)]

    reasons += [f"left out {', '.join(dict.fromkeys(generations))}: {why}" for why, generations in left_out.items()]
    reasons += sizer.need(winner.spec.accelerator_gib > 0).explain
    if winner.fits:
        reasons.append(sizer.count_reason(winner.spec, winner.count))
    if fitting and ranking != w.priority:
        reasons.append(f"priority {w.priority} at an inference stage: every one of the {len(fitting)} types that "
                       f"fit meets the throughput target at {TARGET_UTILISATION:.0%} utilisation, so the cheapest "
                       f"is the fastest that can be used ({price_text(winner)} in total); more peak TFLOPS would "
                       "sit idle")
    elif fitting:
        reasons.append(f"priority {w.priority}: {_RANKED_BY[w.priority]} of {len(fitting)} types that fit "
                       f"({price_text(winner)} in total)")
        cheapest = min((c for c in fitting if c.per_hour is not None), key=lambda c: c.per_hour or 0.0,
                       default=None)
        if w.priority != "cost" and cheapest is not None and winner.per_hour is not None \
                and winner.per_hour > cheapest.per_hour:  # type: ignore[operator]
            premium = winner.per_hour - cheapest.per_hour  # type: ignore[operator]
            reasons.append(f"costs {money(premium)}/h ({premium / cheapest.per_hour:.0%}) more than the cheapest "  # type: ignore[operator]
                           f"that fits, {cheapest.count} x {cheapest.spec.name} at {price_text(cheapest)}")
    else:
        reasons.append(f"closest available: {winner.misfit}")
    reasons.append(_price_reason(winner, snapshot))
    alternatives = tuple(Alternative(c.spec.name, c.count, c.per_instance, lost_because(winner, c, ranking))
                         for c in others)
    return Sizing(winner, bool(fitting), tuple(reasons), alternatives)


def _candidate(spec: Spec, sizer: Sizer, cap: int, prices: Mapping[str, Price] | None) -> Candidate:
    count, misfit = sizer.fit(spec, sizer.need(spec.accelerator_gib > 0))
    if count > cap and misfit is None:
        misfit = f"would need {count} instances (more than {cap})"
    return Candidate(spec, count, prices.get(spec.name) if prices is not None else None, misfit)


def _ranked(candidates: list[Candidate], priority: str) -> list[Candidate]:
    """The fitting candidates in the priority's order (ties keep the knowledge's order)."""
    fitting = [c for c in candidates if c.fits]
    return sorted(fitting, key=rank_key(priority, fitting))


def rank_key(priority: str, fitting: list[Candidate]) -> Callable[[Candidate], tuple[float, ...]]:
    """cost: cheapest first (unknown prices last), then most compute, then newest generation;
    time: most compute first, then newest generation, then cheapest;
    balanced: the most compute within BALANCED_BAND of the cheapest price, then the rest by price."""
    def price(c: Candidate) -> float:
        return math.inf if c.per_hour is None else c.per_hour

    if priority == "cost":
        return lambda c: (price(c), -c.speed, -c.spec.generation_rank)
    if priority == "time":
        return lambda c: (-c.speed, -c.spec.generation_rank, price(c))
    band = min((price(c) for c in fitting), default=math.inf) * BALANCED_BAND

    def balanced(c: Candidate) -> tuple[float, ...]:
        if c.per_hour is not None and c.per_hour <= band:
            return (0, -c.speed, c.per_hour, -c.spec.generation_rank)
        return (1, c.per_hour is None, c.per_hour or math.inf, -c.speed)

    return balanced


_RANKED_BY = {"cost": "the cheapest", "time": "the most peak FP16 TFLOPS (newest generation on a tie)",
              "balanced": f"the most peak TFLOPS within {BALANCED_BAND - 1:.0%} of the cheapest price"}


def _price_reason(c: Candidate, snapshot: PriceSnapshot | None) -> str:
    if snapshot is None:
        return "price unknown: no snapshot for this region"
    if c.price is None or not c.price.known:
        return f"price unknown: {c.itype.name} has no price in the {snapshot.region} snapshot"
    source = "an estimate (" + (c.price.basis or "") + ")" if c.price.estimate else c.price.source
    return f"price ${c.price.usd_per_hour:g}/h per instance, {source}; snapshot as of {snapshot.as_of}"


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
    if o_cost is not None and w_cost is not None and o_cost > w_cost * BALANCED_BAND and o_cost > w_cost:
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
