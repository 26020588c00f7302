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

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, Protocol

from advisor.knowledge.models import AcceleratorSpec, AlgorithmStage, InstanceType, Knowledge
from advisor.pricing.costs import money
from advisor.pricing.models import Price, PriceSnapshot
from advisor.recommend.models import Alternative, FrozenDict, PerHour
from advisor.stages import StageSpec, offer
from advisor.stages import stage as stage_spec
from advisor.workload import (
    BYTES_PER_PARAMETER,
    DEFAULT_SPEEDUP,
    Derived,
    Workload,
    in_flight_sequences,
    scales_to_zero,
    serving_memory,
    training_memory,
    weights_gib,
)

MEMORY_HEADROOM = 1.5
"""Host RAM per GiB of working set: libraries, copies during training and the OS need room beside the data."""
TARGET_UTILISATION = 0.7
"""Endpoints are sized to run at 70% of capacity, leaving room for spikes and a lost instance."""
SLOTS_PER_ACCELERATOR = 4
"""Concurrent requests one GPU or Inferentia device serves with dynamic batching (an assumption, stated)."""
BATCH_EFFICIENCY = 0.8
"""Batch transform workers are assumed busy 80% of a run (start-up, uneven records)."""
BALANCED_BAND = 1.2
"""Balanced priority: the most usable compute among the types costing at most 20% more than the cheapest that fits."""
TIME_UTILISATION = 0.5
"""At priority time, endpoints are sized to run at 50% of capacity: headroom that keeps latency low in bursts."""
LATENCY_MARGIN = 2.0
"""At priority time, a type serves fast enough when its estimated request time is at most half the p99 target."""
TIME_BAND = 1.1
"""At priority time, jobs estimated within 10% of the fastest count as equally fast; the cheapest of them wins."""
REFERENCE_TFLOPS = 65.0
"""The dense FP16 peak of a T4, the device the default speed-ups below are stated for."""
GPU_PER_BILLION_PARAMETERS = 1.0
"""Data-parallel training keeps about one accelerator busy per billion parameters (or per 100 GB of data):
beyond that, extra devices of a small model mostly wait on gradient exchange (an assumption, stated)."""
DATA_GB_PER_DEVICE = 100.0
VCPU_PER_GB_WORKING_SET = 1.0
"""CPU training of tabular models keeps about one vCPU busy per GB of working set (at least 4): the algorithms
are memory-bound (AWS: XGBoost), so more cores than that do not shorten the job much (an assumption, stated)."""
VCPU_DEEP_MODEL_ON_CPU = 16
"""A deep model trained on CPUs (DeepAR, BlazingText, NTM with training.gpu none) keeps about 16 vCPUs of one
instance busy, or one per GB of working set if that is more: its framework's threads scale poorly past that, which
is why AWS starts DeepAR on ml.c4.2xlarge or ml.c4.4xlarge (8-16 vCPUs) (an assumption, stated)."""
ALTERNATIVES_SHOWN = 3
DEVICE_MEMORY_USABLE = 0.9
"""At most this share of an accelerator's memory holds a job's weights, KV cache, activations and runtime: serving
and training stacks never fill a device to the last GiB (vLLM's --gpu-memory-utilization defaults to 0.9; the
CUDA or Neuron context and the allocator's fragmentation take the rest). A need is compared with this share."""


# ---- the types sizing weighs --------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Spec:
    """An instance type as sizing reads it: its record, its peak compute, its generation's place, and the figures
    of the type every weighing compares (worked out once, when the catalogue is built, not per workload)."""

    itype: InstanceType
    name: str
    tflops: float
    generation_rank: int
    """The place of its generation in its family's list (newer = higher)."""
    accelerator: AcceleratorSpec | None
    """What its accelerator can run (accelerators.yaml); None without one."""
    vcpu: int
    memory_gib: float
    accelerator_gib: float
    """Accelerator memory across all its devices; 0 without accelerators."""
    usable_accelerator_gib: float
    """The accelerator memory a job may fill (DEVICE_MEMORY_USABLE of it)."""
    devices: int
    """Accelerator devices; 0 without accelerators."""
    accelerated: bool
    """It has accelerator devices: what a stage's need depends on (Sizer.need)."""
    device_gib: float
    """The accelerator memory one device may fill (usable_accelerator_gib / devices); 0 without accelerators."""
    units: int
    """What its peak compute is spread over: its devices, or its vCPUs without accelerators."""
    tflops_per_unit: float
    """Peak TFLOPS of one unit (device, or vCPU without accelerators)."""
    workers: int
    """Requests one instance serves at once: one per vCPU, or a few per accelerator device."""
    device_speed: float
    """One device's small-batch speed against a T4-class device: the square root of their peak TFLOPS' ratio
    (see DEFAULT_SPEEDUP); 1 without accelerators."""
    sharding: str = ""
    """Why less than all its accelerator memory holds one model (usable_accelerator_gib): a Neuron instance whose
    NeuronCores are not a tensor-parallelism degree the runtime supports; empty otherwise."""

    @classmethod
    def of(cls, t: InstanceType, tflops: float, generation_rank: int, accelerator: AcceleratorSpec | None) -> Spec:
        devices = t.accelerator.count if t.accelerator else 0
        accelerator_gib = t.accelerator.memory_gib if t.accelerator else 0.0
        cores, degree = tensor_parallel_degree(accelerator, devices)
        shardable_gib = accelerator_gib * degree / cores if cores else accelerator_gib
        usable_gib = round(shardable_gib * DEVICE_MEMORY_USABLE, 3)
        units = devices or t.vcpu
        sharding = "" if degree == cores or accelerator is None else (
            f"a model sharded over its NeuronCores uses {degree} of its {cores}: the Neuron runtime supports "
            f"tensor-parallelism degrees {', '.join(map(str, accelerator.tensor_parallel_degrees or ()))} on "
            f"{accelerator.model}, so only {degree} cores' memory ({shardable_gib:g} GiB) holds the weights and KV "
            "cache (AWS Neuron: NxD Inference features guide, tensor parallelism)")
        return cls(t, t.name, tflops, generation_rank, accelerator, t.vcpu, t.memory_gib, accelerator_gib,
                   usable_gib, devices, devices > 0, accelerator_gib * DEVICE_MEMORY_USABLE / devices if devices
                   else 0.0, units, tflops / units, devices * SLOTS_PER_ACCELERATOR or t.vcpu,
                   math.sqrt(tflops / devices / REFERENCE_TFLOPS) if devices else 1.0, sharding)


def tensor_parallel_degree(accelerator: AcceleratorSpec | None, devices: int) -> tuple[int, int]:
    """(NeuronCores of `devices`, the largest tensor-parallelism degree the Neuron runtime supports on them); (0, 0)
    for an accelerator without such a list (GPUs shard over any count of devices)."""
    if accelerator is None or not accelerator.tensor_parallel_degrees or not accelerator.cores_per_device:
        return 0, 0
    cores = devices * accelerator.cores_per_device
    return cores, max((d for d in accelerator.tensor_parallel_degrees if d <= cores), default=1)


def devices_for_shard(spec: Spec, need_gib: float) -> int:
    """Devices one copy of a model needing `need_gib` of accelerator memory takes on `spec`: enough devices' memory,
    and on Neuron whole devices of the smallest supported tensor-parallelism degree whose cores hold it; more than
    `spec.devices` when no degree on the instance does."""
    devices = max(1, math.ceil(need_gib / spec.device_gib))
    acc = spec.accelerator
    if acc is None or not acc.tensor_parallel_degrees or not acc.cores_per_device:
        return devices
    core_gib = spec.device_gib / acc.cores_per_device
    cores = math.ceil(need_gib / core_gib)
    degree = min((d for d in acc.tensor_parallel_degrees if d >= cores), default=cores)
    return max(1, math.ceil(degree / acc.cores_per_device))


class Catalogue(NamedTuple):
    """The current instance types by (instance stage, family), and the current families in knowledge order."""

    types: Mapping[tuple[str, str], tuple[Spec, ...]]
    current_families: tuple[str, ...]
    stock_only: frozenset[str]
    """model.algorithm values that run only in stock (CPU/CUDA) containers: every built-in algorithm and the
    frameworks that never reach Neuron (algorithms.yaml)."""
    training_guidance: Mapping[tuple[str, str | None], AlgorithmStage]
    """(built-in algorithm, training mode or None) -> AWS's training guidance (algorithms.yaml)."""
    accelerated_families: frozenset[str]
    """Families whose processor is an accelerator (a CPU need is never widened onto them, nor the reverse)."""
    gpu_generations: Mapping[tuple[str, str | None, bool], frozenset[str]]
    """(built-in algorithm, training mode or None, training?) -> the accelerated generations AWS lists for it
    (algorithms.yaml): its container is a CUDA build documented on those, so newer GPUs are not offered."""
    gpu_generations_unlisted: frozenset[str] = frozenset()
    """Built-in algorithms whose page documents GPU training but names no generation (DeepAR): they keep to the
    generations the other built-in algorithm pages list, the GPUs their containers are documented on."""
    option_gpus: Mapping[str, tuple[frozenset[str], str]] = {}
    """Inference option id -> (the GPU generations AWS lists for it, its name), for options that list some
    (hosting_options.yaml gpu_generations: a multi-model endpoint's GPU types)."""

    @classmethod
    def of(cls, knowledge: Knowledge) -> Catalogue:
        grouped: dict[tuple[str, str], list[Spec]] = defaultdict(list)
        capabilities = {a.model: a for a in knowledge.accelerators}
        for t in knowledge.instance_types:
            if t.status != "current":
                continue  # previous-generation and retired types are taught, never recommended
            generations = knowledge.family(t.family).generations
            spec = Spec.of(t, knowledge.tflops(t),
                           generations.index(t.generation) if t.generation in generations else 0,
                           capabilities.get(t.accelerator.model) if t.accelerator else None)
            for stage in t.stages:
                grouped[(stage, t.family)].append(spec)
        stock_only = {a.id for a in knowledge.algorithms} | {
            f.id for f in knowledge.frameworks if f.runs_on_neuron == "no"}
        guidance: dict[tuple[str, str | None], AlgorithmStage] = {}
        accelerated = frozenset(f.id for f in knowledge.families if f.processor != "cpu")
        accelerated_generations = {t.generation for t in knowledge.instance_types if t.family in accelerated}
        listed: dict[tuple[str, str | None, bool], frozenset[str]] = {}
        built_in_gpus = frozenset(g for a in knowledge.algorithms for g in a.training.generations
                                  if g in accelerated_generations)
        unlisted: set[str] = set()
        for a in knowledge.algorithms:
            guidance[(a.id, None)] = a.training
            guidance.update({(a.id, m.id): m.training for m in a.modes})
            trains = frozenset(g for g in a.training.generations if g in accelerated_generations)
            if not trains and "gpu" in a.training.processors:  # GPU training documented, no generation named
                trains = built_in_gpus
                unlisted.add(a.id)
            serves = frozenset(g for g in a.inference.generations if g in accelerated_generations) or trains
            listed[(a.id, None, True)], listed[(a.id, None, False)] = trains, serves
            for m in a.modes:
                listed[(a.id, m.id, True)] = frozenset(
                    g for g in m.training.generations if g in accelerated_generations) or trains
        guidance.update({(f.id, None): f.training for f in knowledge.frameworks if f.training is not None})
        return cls({key: tuple(specs) for key, specs in grouped.items()},
                   tuple(f.id for f in knowledge.families if f.status == "current"), frozenset(stock_only),
                   guidance, accelerated, {key: gens for key, gens in listed.items() if gens}, frozenset(unlisted),
                   {o.id: (frozenset(o.gpu_generations), o.name) for o in knowledge.hosting_options
                    if o.gpu_generations})

    def training_of(self, w: Workload) -> AlgorithmStage | None:
        """AWS's training guidance for the workload's built-in algorithm (and mode), or for its framework's container
        where AWS documents one (Framework.training); None otherwise."""
        return (self.training_guidance.get((w.model.algorithm, w.model.mode))
                or self.training_guidance.get((w.model.algorithm, None)))

    def specs(self, instance_stage: str | None, families: Iterable[str]) -> list[Spec]:
        return [spec for family in families for spec in self.types.get((instance_stage or "", family), ())]

    def asks(self, w: Workload, training: bool) -> ModelAsks:
        """What the workload's model asks of a type's accelerator at a training or an inference stage."""
        algorithm, mode = w.model.algorithm, w.model.mode
        guidance = self.training_of(w) if training else None
        generations = self.gpu_generations.get((algorithm, mode, training)) or self.gpu_generations.get(
            (algorithm, None, training)) or frozenset()
        return ModelAsks(
            None if training else w.inference.accelerator, generations,
            self._unlisted_reason(algorithm, generations, training) if generations else "",
            algorithm, None if training else w.model.precision,
            guidance is not None and guidance.multi_gpu is False, w.model.kind == "llm", algorithm in self.stock_only,
            training and w.training.distributed and w.model.kind == "llm")

    def _unlisted_reason(self, algorithm: str, generations: frozenset[str], training: bool) -> str:
        """Why a GPU of a generation not in `generations` cannot run the built-in `algorithm`: AWS lists those, or,
        where its page names none, the other built-in algorithm pages do (gpu_generations_unlisted)."""
        gens = ', '.join(sorted(generations))
        if algorithm in self.gpu_generations_unlisted:
            return (f"the {algorithm} page documents GPU training but names no GPU generation; the other "
                    f"built-in algorithm pages list {gens}, the GPUs their containers are documented on")
        return (f"AWS lists {gens} for {algorithm} {'training' if training else 'inference'}; its built-in container "
                "is not documented on other GPU generations")


@dataclass(frozen=True, slots=True)
class ModelAsks:
    """What a workload's model asks of a type's accelerator at one stage (Catalogue.asks), read from the workload
    once per stage; `cannot_run` weighs each type against it."""

    accelerator: str | None
    """The accelerator model inference.accelerator names (inference only)."""
    generations: frozenset[str]
    """The GPU generations AWS lists for the built-in algorithm at this stage; empty: no list."""
    unlisted: str
    """Why a GPU of another generation cannot run it (Catalogue._unlisted_reason); empty without a list."""
    algorithm: str
    precision: str | None
    """The precision of the served weights (inference only)."""
    one_gpu: bool
    """A built-in algorithm that trains on one GPU per instance (AWS's guidance)."""
    llm: bool
    stock_only: bool
    """The algorithm runs only in stock (CPU/CUDA) containers."""
    across_instances: bool = False
    """An LLM trained across instances (training.distributed): it shards its weights and exchanges gradients every
    step, which AWS runs on multi-accelerator instances with NVLink/NeuronLink inside and EFA between them (the
    rules train-llm-distributed and train-llm-distributed-gpu say so), never on single-accelerator types."""

    def cannot_run(self, spec: Spec) -> str | None:
        """Why `spec` cannot run this workload's model at all: the accelerator the workload names, its
        accelerator's capability flags (decoder LLMs, stock containers, the precision of the served weights),
        the GPU generations AWS lists for a built-in algorithm, and for training a built-in algorithm that uses
        one GPU per instance (AWS's guidance)."""
        acc = spec.accelerator
        if self.accelerator is not None and (acc is None or acc.model != self.accelerator):
            return f"inference.accelerator is {self.accelerator}"
        if acc is None:
            return None
        if self.generations and spec.itype.generation not in self.generations:
            return self.unlisted
        if self.precision == "bf16" and not acc.bf16:
            return f"{acc.model} cannot compute in bf16 (model.precision)"
        if self.precision == "fp8" and not acc.fp8:
            return f"{acc.model} has no FP8 (model.precision)"
        if self.precision == "int4" and not acc.int4:
            return (f"{acc.model} serves no int4 weights (model.precision): its serving stack quantises weights to "
                    "8 bits at the least (Neuron: INT8 or FP8)")
        if self.one_gpu and spec.devices > 1:
            return (f"their sizes with more than one GPU: {self.algorithm} trains on one GPU per instance (AWS), so "
                    "the other GPUs would sit idle")
        if self.across_instances and spec.devices == 1:
            return ("their single-accelerator sizes: an LLM trained across instances (training.distributed) shards "
                    "its weights and exchanges gradients every step, which SageMaker's distributed libraries and "
                    "Neuron's NxD Training run on multi-accelerator instances with NVLink/NeuronLink inside and EFA "
                    "between them (p4d, p4de, p5, trn1.32xlarge, trn1n), not on one device per instance")
        if self.llm and not acc.decoder_llms:
            return f"{acc.model} cannot run decoder (text-generation) LLMs"
        if self.stock_only and not acc.stock_containers:
            return (f"{self.algorithm} runs only in stock CPU/CUDA containers, which do not run on {acc.model}"
                    + (" (it needs a Neuron-compiled model)" if acc.needs_compilation else ""))
        return None


# ---- how fast a type serves one request ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Serving:
    """What one request asks of a type, read from the workload once per stage: every type an endpoint or a batch
    transform weighs is measured against the same figures."""

    seconds_per_request: float
    """Compute time of one request on one vCPU (inference.seconds_per_request)."""
    stated_speedup: float | None
    """inference.accelerator_speedup: what the workload measured on its accelerator, if it did."""
    assumed_speedup: float
    """DEFAULT_SPEEDUP for the model's kind, on a T4-class device."""
    memory_mb: float
    """Memory one request needs (inference.memory_mb)."""
    sequences: int | None = None
    """An LLM's inference.concurrent_sequences: the sequences one instance runs at once, as its KV cache is sized
    (per_instance_need); None otherwise."""

    @classmethod
    def of(cls, w: Workload) -> Serving:
        return cls(w.inference.seconds_per_request, w.inference.accelerator_speedup,
                   DEFAULT_SPEEDUP[w.model.kind], w.inference.memory_mb,
                   w.inference.concurrent_sequences if w.model.kind == "llm" else None)

    def speedup(self, spec: Spec) -> float:
        """How many times faster one device of `spec` serves a request than one vCPU (1 for a CPU type)."""
        if not spec.devices:
            return 1.0
        return self.stated_speedup or self.assumed_speedup * spec.device_speed

    def request_seconds(self, spec: Spec) -> float:
        """Estimated compute time of one request on one worker of `spec`: seconds_per_request is for one vCPU, so it
        is a CPU type's as stated, and a device's divided by its speed-up."""
        if not spec.devices:
            return self.seconds_per_request
        return self.seconds_per_request / self.speedup(spec)

    def workers(self, spec: Spec) -> int:
        """Requests one instance of `spec` serves at once: its workers (Spec.workers). On a CPU type, where a
        request's work and memory are the host's, at most as many as its memory holds at inference.memory_mb each
        (the memory one unit of work needs): a request that needs 8 GB runs one at a time on an 8 GiB instance
        whatever its vCPUs. An accelerator's batching slots work in device memory, which the model's need already
        sizes: an LLM's KV cache holds the inference.concurrent_sequences one instance runs, so no more are served
        at once than that."""
        if spec.devices:
            return min(spec.workers, self.sequences or spec.workers)
        held = math.floor(spec.memory_gib * 1024 / self.memory_mb)
        return spec.workers if held >= spec.workers else max(1, held)

    def capacity_rps(self, spec: Spec) -> float:
        """Requests a second one instance serves flat out: each worker one request at a time."""
        return self.workers(spec) / self.request_seconds(spec)


def speedup(spec: Spec, w: Workload) -> float:
    return Serving.of(w).speedup(spec)


def speedup_basis(spec: Spec, w: Workload) -> str:
    t = spec.itype
    if t.accelerator is None:
        return ""
    if w.inference.accelerator_speedup:
        return f"{w.inference.accelerator_speedup:g}x a vCPU per request, as inference.accelerator_speedup states"
    per_device = spec.tflops / spec.devices
    kind = {"deep_learning": "a deep-learning model", "llm": "an LLM", "classical": "a classical model",
            "tree_based": "a tree model"}[w.model.kind]
    return (f"{speedup(spec, w):.3g}x a vCPU per request on one {t.accelerator.model} (assumed "
            f"{DEFAULT_SPEEDUP[w.model.kind]:g}x on a T4-class device for {kind}, scaled by the square root "
            f"of {per_device:g} / {REFERENCE_TFLOPS:g} peak TFLOPS; set inference.accelerator_speedup if you "
            "measured it)")


def request_seconds(spec: Spec, w: Workload) -> float:
    return Serving.of(w).request_seconds(spec)


def a_rate(per_second: float) -> str:
    """A rate as a reader writes it: 0.35, 47.9, 6,840 (never 6.84e+03)."""
    return f"{per_second:,.0f}" if per_second >= 1000 else f"{per_second:.3g}"


def in_ms(seconds: float) -> str:
    """A request time in milliseconds as a reader writes it: 0.25, 42.5, 9,300 (never 9.3e+03)."""
    ms = seconds * 1000
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.3g}"


def workers(spec: Spec, w: Workload) -> int:
    return Serving.of(w).workers(spec)


def capacity_rps(spec: Spec, w: Workload) -> float:
    return Serving.of(w).capacity_rps(spec)


def workers_text(spec: Spec, w: Workload, noun: str) -> str:
    """`n <noun>`, and why fewer than the instance's vCPUs or batching slots when its memory is the bound."""
    n = workers(spec, w)
    if n >= spec.workers:
        return f"{n} {noun}"
    if spec.devices:  # an LLM's KV cache holds fewer sequences than the batching slots (Serving.workers)
        return (f"{n} {noun}: inference.concurrent_sequences, the sequences one instance's KV cache is sized for, "
                f"though it has {spec.workers} batching slots")
    return (f"{n} {noun}: {spec.memory_gib:g} GiB holds {n} request{'s' if n > 1 else ''} of inference.memory_mb "
            f"{w.inference.memory_mb:g} MB at once, though it has {spec.workers} vCPUs")


# ---- sizing strategies --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
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
    if need.accelerator_gib and spec.accelerator_gib and spec.usable_accelerator_gib < need.accelerator_gib:
        return (f"too little accelerator memory: {spec.usable_accelerator_gib:g} GiB usable of "
                f"{spec.accelerator_gib:g} GiB ({DEVICE_MEMORY_USABLE:.0%}"
                + (f"; {spec.sharding}" if spec.sharding else "") + f") < {need.accelerator_gib:g} GiB needed")
    return None


def sequences_held(spec: Spec, w: Workload) -> int | None:
    """LLM sequences one instance of `spec` holds a KV cache for, as its need was sized (per_instance_need):
    inference.concurrent_sequences where stated, else the sequences in flight up to its batching slots; None for
    any other model or a type without accelerators, whose requests hold no KV cache."""
    if w.model.kind != "llm" or spec.itype.accelerator is None or not w.model.parameters_millions:
        return None
    return w.inference.concurrent_sequences or min(in_flight_sequences(w, request_seconds(spec, w)), spec.workers)


def per_instance_need(spec: Spec, w: Workload, derived: Derived, need: Need) -> Need:
    """An LLM's need on one instance of `spec`: the KV cache of the sequences that instance runs at once, at most
    its batching slots (the others run on the other instances the count adds), unless
    inference.concurrent_sequences states one instance's. Any other need is the same on every type."""
    sequences = sequences_held(spec, w)
    if sequences is None or not need.accelerator_gib or w.inference.concurrent_sequences \
            or sequences == in_flight_sequences(w):  # as many as `need` was sized for
        return need
    total = in_flight_sequences(w, request_seconds(spec, w))
    memory, words = serving_memory(w, derived.architecture, sequences)
    host = max(4.0, memory, w.inference.memory_mb / 1024)
    held = (f"one instance runs {sequences} of the {total} sequences in flight at a time (its {spec.workers} "
            "batching slots), the instance count carries the rest" if sequences < total else
            f"{total} sequence{'s' if total > 1 else ''} in flight on {spec.itype.accelerator.model}: "  # type: ignore[union-attr]
            f"{w.inference.requests_per_second:g} req/s x about {request_seconds(spec, w):.3g} s a sequence there")
    return Need(host, memory, (
        f"{memory:g} GiB of accelerator memory: {words}; {held}",
        f"{host:g} GiB of host memory (the model, and inference.memory_mb)"))


def working_set_need(working_set: float, factor: float) -> Need:
    memory = max(2.0, working_set * factor)
    return Need(memory, 0.0, (f"{memory:g} GiB of memory: working set {working_set:g} GiB x{factor:g} headroom",))


@dataclass(frozen=True, slots=True)
class OneInstance:
    """One instance whose memory holds the working set (the base of the notebook and processing sizers)."""

    derived: Derived
    w: Workload | None = None

    def need(self, accelerated: bool) -> Need:
        return working_set_need(self.derived.working_set_gb, MEMORY_HEADROOM)

    def fit(self, spec: Spec, need: Need) -> tuple[int, str | None]:
        return 1, memory_misfit(spec, need)

    def count_reason(self, spec: Spec, count: int) -> str:
        return "1 instance"


PROCESSING_GB_PER_VCPU_HOUR = {"tabular": 25.0, "timeseries": 25.0, "text": 10.0, "other": 10.0, "images": 5.0,
                               "audio": 5.0}
"""Assumed GB one vCPU processes in an hour when processing.gb_per_vcpu_hour is not stated: cleaning, joining and
writing tables at about 7 MB/s a core (pandas parses CSV several times faster; feature engineering is slower),
tokenising text at less than half that, decoding, augmenting and re-encoding images or audio at a fifth (about 15
images of 100 KB a second). An assumption, stated in the reasons, meant to err on the slow side."""
PROCESSING_EFFICIENCY = 0.8
PROCESSING_FLOOR_HOURS = 0.1
"""Six minutes: about what a processing job spends starting its instances and pulling its image, so reading the
data faster than that does not make the job noticeably shorter (an assumption, stated)."""
"""Processing instances are assumed busy 80% of the job (start-up, download from S3, uneven shards)."""


def processing_rate(w: Workload) -> tuple[float, str]:
    """GB one vCPU processes in an hour, and where the figure comes from."""
    if w.processing.gb_per_vcpu_hour:
        return w.processing.gb_per_vcpu_hour, "as processing.gb_per_vcpu_hour states"
    kind = w.data.kind
    return PROCESSING_GB_PER_VCPU_HOUR[kind], f"assumed for {kind} data; set processing.gb_per_vcpu_hour if you " \
                                              "measured it"


def processing_data_gb(w: Workload) -> float:
    """Data one processing job reads: processing.data_gb, else the data set."""
    return w.processing.data_gb or w.data.size_gb


def processing_hours(w: Workload, spec: Spec, count: int) -> float:
    """Estimated hours of one processing job on `count` x `spec` (at least a minute, at most max_hours)."""
    per_hour = spec.vcpu * count * processing_rate(w)[0] * PROCESSING_EFFICIENCY
    return min(w.processing.max_hours, max(1 / 60, processing_data_gb(w) / per_hour))


class ProcessingSizer(OneInstance):
    """A processing job: memory for the working set on each instance, and as many instances as it takes to read
    the job's data within processing.max_hours (the job's MaxRuntimeInSeconds), each given a share of the
    input objects (ProcessingS3Input S3DataDistributionType ShardedByS3Key)."""

    def need(self, accelerated: bool) -> Need:
        """The working set of the data the job reads (processing.data_gb), not of the whole data set."""
        return working_set_need(self.derived.processing_working_set_gb, MEMORY_HEADROOM)

    def rate(self) -> tuple[float, str]:
        assert self.w is not None
        return processing_rate(self.w)

    def data_gb(self) -> float:
        assert self.w is not None
        return processing_data_gb(self.w)

    def window_hours(self) -> float:
        """processing.max_hours, or half of it at priority time (as batch transform)."""
        assert self.w is not None
        return self.w.processing.max_hours / (2 if self.w.priority == "time" else 1)

    def by_time(self, spec: Spec) -> int:
        per_instance = spec.vcpu * self.rate()[0] * self.window_hours() * PROCESSING_EFFICIENCY
        return max(1, math.ceil(self.data_gb() / per_instance))

    def usable(self, spec: Spec, count: int) -> float:
        """The vCPUs the job keeps busy: each reads its share of the data, but no more of them than would read it
        all in PROCESSING_FLOOR_HOURS (a job that fast is dominated by starting its instances), so priority time
        never buys an idle 192-vCPU box for five gigabytes."""
        assert self.w is not None
        useful = math.ceil(self.data_gb() / (self.rate()[0] * PROCESSING_FLOOR_HOURS))
        return float(min(spec.vcpu * count, max(1, useful)))

    def fit(self, spec: Spec, need: Need) -> tuple[int, str | None]:
        """As many instances as the time window needs, and at least as many as hold the working set between them:
        each reads only its share of the objects, so it holds only its share in memory. A working set the user
        states (data.in_memory_gb: what must fit in RAM at once) is held whole by every instance."""
        if self.sharded():
            return max(self.by_time(spec), self.by_memory(spec, need)), None
        misfit = memory_misfit(spec, need)
        if misfit:
            return 1, misfit
        return self.by_time(spec), None

    def sharded(self) -> bool:
        """The working set is the data itself (derived, not stated), so the instances can split it."""
        return self.w is not None and self.w.data.in_memory_gb is None

    @staticmethod
    def by_memory(spec: Spec, need: Need) -> int:
        return max(1, math.ceil(need.memory_gib / spec.memory_gib))

    def count_reason(self, spec: Spec, count: int) -> str:
        assert self.w is not None
        need = self.need(False)
        if self.sharded() and self.by_memory(spec, need) > self.by_time(spec):
            return (f"{count} instances: {need.memory_gib:,.4g} GiB of working set and headroom is more than one "
                    f"{spec.itype.name} holds ({spec.memory_gib:g} GiB), so it is spread over them, "
                    f"{need.memory_gib / count:,.4g} GiB each: each reads a share of the input objects "
                    "(S3DataDistributionType ShardedByS3Key), so the data must be in several S3 objects that can be "
                    "processed apart (a job that must see all the data at once needs Spark, PySparkProcessor)")
        rate, basis = self.rate()
        hours = self.window_hours()
        per_instance = spec.vcpu * rate * hours * PROCESSING_EFFICIENCY
        # by value, not by which keys were written: a file, the questionnaire and Python read the same
        if self.w.processing.max_hours == type(self.w.processing).model_fields["max_hours"].default:
            basis += (f"; processing.max_hours is the default {self.w.processing.max_hours:g} h, after which "
                      "SageMaker stops the job")
        data = (f"processing.data_gb {self.data_gb():g} GB" if self.w.processing.data_gb
                else f"data.size_gb {self.data_gb():g} GB")
        arithmetic = (f"{data} at {rate:g} GB per vCPU-hour ({basis}): {per_instance:,.4g} GB per instance within "
                      f"{'half of ' if self.w.priority == 'time' else ''}processing.max_hours, {hours:g} h "
                      f"({spec.vcpu} vCPUs, {PROCESSING_EFFICIENCY:.0%} busy)")
        if count == 1:
            return f"1 instance: {arithmetic}"
        return (f"{count} instances: {arithmetic}; each reads a share of the input objects (S3DataDistributionType "
                "ShardedByS3Key), so the data must be in several S3 objects that can be processed apart")


class NotebookSizer(OneInstance):
    """A notebook instance: memory to explore the working set; on a GPU notebook, the model's serving memory in
    accelerator memory (loading a 7B model to try it needs its weights, KV cache and runtime on the device)."""

    def need(self, accelerated: bool) -> Need:
        working_set = self.derived.working_set_gb
        memory = max(2.0, working_set * 1.25)
        explain = f"{memory:g} GiB of memory to explore the {working_set:g} GiB working set (x1.25)"
        if accelerated and self.w is not None and self.w.model.kind in ("deep_learning", "llm"):
            model_gb = self.derived.model_memory_gb
            return Need(memory, model_gb, (explain, f"{model_gb:g} GiB of accelerator memory to load the model: "
                                                    f"{serving_memory(self.w, self.derived.architecture)[1]}"))
        return Need(memory, 0.0, (explain,))


@dataclass(frozen=True, slots=True)
class TrainingSizer:
    """Training and tuning: accelerator memory for the training state, or host memory for the working set;
    a distributed job spreads what one instance cannot hold."""

    derived: Derived
    distributed: bool
    w: Workload

    def need(self, accelerated: bool) -> Need:
        d = self.derived
        if accelerated and d.needs_gpu_training:
            # a working set the user says must sit in RAM (data.in_memory_gb) is held by the host that feeds the
            # accelerators; otherwise a deep model's data streams in mini-batches through a small host buffer
            stated = self.w.data.in_memory_gb
            host = max(8.0, stated * MEMORY_HEADROOM) if stated is not None else 8.0
            feed = ("8 GiB of host memory to feed the accelerators" if host == 8.0 else
                    f"{host:g} GiB of host memory: data.in_memory_gb {stated:g} GiB x{MEMORY_HEADROOM:g} "
                    "headroom, held in RAM to feed the accelerators")
            return Need(host, d.training_accelerator_gb,
                        (f"{d.training_accelerator_gb:g} GiB of accelerator memory for training: "
                         f"{training_memory(self.w)[1]}", feed))
        state = d.training_accelerator_gb if not accelerated else 0.0
        memory = max(2.0, d.working_set_gb * MEMORY_HEADROOM + state)
        return Need(memory, 0.0,
                    (f"{memory:g} GiB of memory: working set {d.working_set_gb:g} GiB x{MEMORY_HEADROOM:g} headroom"
                     + (f" + {state:g} GiB of training state" if state else ""),))

    def fit(self, spec: Spec, need: Need) -> tuple[int, str | None]:
        count = 2 if self.distributed else 1
        if need.accelerator_gib and spec.accelerator_gib:
            needed = math.ceil(need.accelerator_gib / spec.usable_accelerator_gib)
            if needed > 1 and not self.distributed:
                return 1, (f"too little accelerator memory: {spec.usable_accelerator_gib:g} GiB usable of "
                           f"{spec.accelerator_gib:g} GiB ({DEVICE_MEMORY_USABLE:.0%}) < {need.accelerator_gib:g} "
                           "GiB needed (set training.distributed to spread it)")
            hosts = math.ceil(need.memory_gib / spec.memory_gib)
            if hosts > 1 and not self.distributed:
                return 1, (f"too little host memory: {spec.memory_gib:g} GiB < {need.memory_gib:g} GiB needed "
                           "(set training.distributed to spread it)")
            return max(count, needed, hosts), None
        if spec.memory_gib < need.memory_gib:
            if not self.distributed:
                return 1, f"too little memory: {spec.memory_gib:g} GiB < {need.memory_gib:g} GiB needed"
            return max(count, math.ceil(need.memory_gib / spec.memory_gib)), None
        return count, None

    def count_reason(self, spec: Spec, count: int) -> str:
        if self.distributed:
            return f"{count} instances for distributed training"
        # training.distributed asked for, but the built-in algorithm trains on one instance (said above)
        return "1 instance (it trains on a single instance)" if self.w.training.distributed else \
            "1 instance (not distributed)"


def model_need(w: Workload, derived: Derived, accelerated: bool) -> Need:
    """Inference: accelerator memory for a deep model's weights, or host memory for the model and runtime."""
    model_gb = derived.model_memory_gb
    if accelerated and w.model.kind in ("deep_learning", "llm"):
        host = max(4.0, model_gb, w.inference.memory_mb / 1024)
        words = serving_memory(w, derived.architecture)[1]
        return Need(host, model_gb, (f"{model_gb:g} GiB of accelerator memory: {words}",
                                     f"{host:g} GiB of host memory (the model, and inference.memory_mb)"))
    memory = max(2.0, model_gb * MEMORY_HEADROOM + 1, w.inference.memory_mb / 1024)
    return Need(memory, 0.0, (f"{memory:g} GiB of memory: model {model_gb:g} GiB x{MEMORY_HEADROOM:g} + 1 GiB for "
                              f"the serving runtime, at least inference.memory_mb ({w.inference.memory_mb:g} MB)",))


@dataclass(frozen=True, slots=True)
class EndpointSizer:
    """A real-time endpoint: enough instances for the peak load at the target utilisation (lower at priority time),
    two or more when it serves production traffic. Whether a type's request time meets the p99 target is the
    ranking's concern (a type that meets it comes first), so a target nothing meets is said, not a dead end."""

    w: Workload
    derived: Derived
    serving: Serving
    requests_per_second: float
    """The peak load (inference.requests_per_second)."""
    utilisation: float
    """The share of an instance's capacity the count plans to use (lower at priority time)."""
    minimum: int
    """The fewest instances: 2 behind a production endpoint, else 1."""

    @classmethod
    def of(cls, w: Workload, derived: Derived) -> EndpointSizer:
        return cls(w, derived, Serving.of(w), w.inference.requests_per_second,
                   TIME_UTILISATION if w.priority == "time" else TARGET_UTILISATION, 2 if w.inference.production else 1)

    def need(self, accelerated: bool) -> Need:
        return model_need(self.w, self.derived, accelerated)

    def by_load(self, spec: Spec) -> int:
        """Instances of `spec` the peak load needs at the planned utilisation (1 without a stated load)."""
        if not self.requests_per_second:
            return 1
        return math.ceil(self.requests_per_second / (self.serving.capacity_rps(spec) * self.utilisation))

    def fit(self, spec: Spec, need: Need) -> tuple[int, str | None]:
        misfit = memory_misfit(spec, need)
        if misfit:
            return 1, misfit
        return max(self.minimum, self.by_load(spec)), None

    def count_reason(self, spec: Spec, count: int) -> str:
        inf = self.w.inference
        per_instance = self.serving.capacity_rps(spec) * self.utilisation
        speed = f"; {speedup_basis(spec, self.w)}" if spec.itype.accelerator else ""
        instances = "1 instance" if count == 1 else f"{count} instances"
        return (f"{instances}: {inf.requests_per_second:g} req/s at {a_rate(per_instance)} req/s each "
                f"({workers_text(spec, self.w, 'workers')}, about {in_ms(request_seconds(spec, self.w))} ms a request, "
                f"{self.utilisation:.0%} utilisation{' at priority time' if self.w.priority == 'time' else ''})"
                + (", at least 2 behind a production endpoint" if inf.production and self.by_load(spec) < 2 else "")
                + speed + large_model_reason(self.w, self.derived, spec))

    def settings(self, spec: Spec, count: int) -> dict[str, Any]:
        """The production variant's fields a large model needs (large_model_settings); none for most models."""
        return large_model_settings(self.w, self.derived, spec)


LARGE_MODEL_VOLUME_GB = 30
LARGE_MODEL_DOWNLOAD_GB = 40
"""AWS (large-model-inference-hosting.html): a model larger than 30 GB on an instance without a local disk needs
VolumeSizeInGB slightly larger than the model; one larger than 40 GB needs a longer ModelDataDownloadTimeoutInSeconds,
and loading it onto the accelerators a longer ContainerStartupHealthCheckTimeoutInSeconds."""
STARTUP_TIMEOUT_MAX_S = 3600
"""botocore 1.44.5 ProductionVariant.ModelDataDownloadTimeoutInSeconds and ContainerStartupHealthCheckTimeoutInSeconds
(60-3600): a timeout is a bound, not a wait, so a large model gets the most SageMaker allows."""
VOLUME_HEADROOM = 1.25
VOLUME_MAX_GB = 512
"""botocore 1.44.5 ProductionVariant.VolumeSizeInGB (1-512)."""


def model_artifact_gb(w: Workload, derived: Derived) -> float:
    """The model's weights as stored, in GB as AWS counts them: the parameters (stated, or model.architecture's) at
    the served precision, else model.size_mb."""
    params = w.model.parameters_millions or (derived.architecture.parameters_millions if derived.architecture else 0)
    if not params:
        return w.model.size_mb / 1000
    precision = w.model.precision or ("fp16" if w.model.kind == "llm" else "fp32")
    return params * 1e6 * BYTES_PER_PARAMETER[precision] / 1e9


def large_model_settings(w: Workload, derived: Derived, spec: Spec) -> dict[str, Any]:
    """ProductionVariant fields AWS asks a large model to raise (LARGE_MODEL_*); empty for a model of ordinary size."""
    size = model_artifact_gb(w, derived)
    settings: dict[str, Any] = {}
    if size > LARGE_MODEL_DOWNLOAD_GB:
        settings["ModelDataDownloadTimeoutInSeconds"] = STARTUP_TIMEOUT_MAX_S
        settings["ContainerStartupHealthCheckTimeoutInSeconds"] = STARTUP_TIMEOUT_MAX_S
    if size > LARGE_MODEL_VOLUME_GB and not spec.itype.instance_storage_gb:
        settings["VolumeSizeInGB"] = min(VOLUME_MAX_GB, math.ceil(size * VOLUME_HEADROOM))
    return settings


def large_model_reason(w: Workload, derived: Derived, spec: Spec) -> str:
    settings = large_model_settings(w, derived, spec)
    if not settings:
        return ""
    said = ", ".join(f"{key} {value}" for key, value in settings.items())
    return (f"; a {model_artifact_gb(w, derived):,.0f} GB model: the production variant sets {said} (AWS: over 30 GB "
            "on an instance without a local disk, a volume slightly larger than the model; over 40 GB, longer "
            "download and start-up health-check timeouts)")


def batch_run_hours(records: int, capacity_rps: float, count: int) -> float:
    """Hours a batch transform of `records` takes on `count` instances serving `capacity_rps` each (at least a
    minute): what a run is billed for, and what ranks batch types by cost per run."""
    return max(1 / 60, records / (capacity_rps * count * 3600))


@dataclass(frozen=True, slots=True)
class BatchSizer:
    """Batch transform: enough workers to score every record of a run within its window (half of it at priority
    time)."""

    w: Workload
    derived: Derived
    serving: Serving
    records: int
    """Records one run scores (batch.records_per_run)."""
    window_hours: float
    """batch.max_hours, or half of it at priority time."""

    @classmethod
    def of(cls, w: Workload, derived: Derived) -> BatchSizer:
        return cls(w, derived, Serving.of(w), w.batch.records_per_run,
                   w.batch.max_hours / (2 if w.priority == "time" else 1))

    def need(self, accelerated: bool) -> Need:
        return model_need(self.w, self.derived, accelerated)

    def fit(self, spec: Spec, need: Need) -> tuple[int, str | None]:
        misfit = memory_misfit(spec, need)
        if misfit:
            return 1, misfit
        per_instance = self.serving.capacity_rps(spec) * self.window_hours * 3600 * BATCH_EFFICIENCY
        return max(1, math.ceil(self.records / per_instance)), None

    def run_hours(self, spec: Spec, count: int) -> float:
        """Hours one run takes on `count` x `spec` (a batch transform is billed while it runs)."""
        return batch_run_hours(self.records, self.serving.capacity_rps(spec), count)

    def count_reason(self, spec: Spec, count: int) -> str:
        speed = f"; {speedup_basis(spec, self.w)}" if spec.itype.accelerator else ""
        half = "; half the window at priority time" if self.w.priority == "time" else ""
        return (f"{count} instance{'s' if count > 1 else ''} to score {self.records:,} records within "
                f"{self.window_hours:g} h ({a_rate(self.serving.capacity_rps(spec))} records/s each at "
                f"{BATCH_EFFICIENCY:.0%} busy{half})" + speed + self.settings_reason(spec))

    def settings(self, spec: Spec, count: int) -> dict[str, Any]:
        """CreateTransformJob fields a record too large or too slow for their defaults needs: MaxPayloadInMB at
        least one record (default 6 MB, at most 100), one record a mini-batch and as many at once as the instance
        has workers, with MaxConcurrentTransforms x MaxPayloadInMB within 100 MB; and
        ModelClientConfig.InvocationsTimeoutInSeconds over one record's time (default 600 s, at most 3,600).
        Empty when the defaults hold the records (a record past the limits is warned about, not configured)."""
        settings: dict[str, Any] = {}
        payload = self.w.inference.payload_mb
        if BATCH_DEFAULT_PAYLOAD_MB < payload <= BATCH_MAX_PAYLOAD_MB:
            size = math.ceil(payload)
            at_once = max(1, min(self.serving.workers(spec), BATCH_MAX_PAYLOAD_MB // size))
            settings.update(MaxPayloadInMB=size, BatchStrategy="SingleRecord", MaxConcurrentTransforms=at_once)
        seconds = self.serving.request_seconds(spec)
        timeout = raised_timeout(seconds, BATCH_DEFAULT_INVOCATION_TIMEOUT_S, BATCH_MAX_INVOCATION_TIMEOUT_S)
        if timeout is not None and seconds <= BATCH_MAX_INVOCATION_TIMEOUT_S:
            settings["BatchStrategy"] = "SingleRecord"
            settings["InvocationsTimeoutInSeconds"] = timeout
        return settings

    def settings_reason(self, spec: Spec) -> str:
        settings = self.settings(spec, 1)
        said = []
        if "MaxPayloadInMB" in settings:
            said.append(f"MaxPayloadInMB {settings['MaxPayloadInMB']} (a record is {self.w.inference.payload_mb:g} MB; "
                        f"the default {BATCH_DEFAULT_PAYLOAD_MB} MB would refuse it), MaxConcurrentTransforms "
                        f"{settings['MaxConcurrentTransforms']} (x MaxPayloadInMB at most {BATCH_MAX_PAYLOAD_MB} MB)")
        if "InvocationsTimeoutInSeconds" in settings:
            said.append(f"ModelClientConfig.InvocationsTimeoutInSeconds {settings['InvocationsTimeoutInSeconds']} "
                        f"(about {self.serving.request_seconds(spec):,.0f} s a record +{TIMEOUT_MARGIN - 1:.0%}; "
                        f"the default {BATCH_DEFAULT_INVOCATION_TIMEOUT_S} s would time it out)")
        if not said:
            return ""
        return "; the transform job sets BatchStrategy SingleRecord, " + ", ".join(said)


BATCH_DEFAULT_PAYLOAD_MB = 6
BATCH_MAX_PAYLOAD_MB = 100
"""botocore 1.44.5 CreateTransformJob.MaxPayloadInMB: at least one record, 6 MB by default, at most 100, and
MaxConcurrentTransforms x MaxPayloadInMB at most 100 (rules/knowledge/hosting_options.yaml, batch payload_mb)."""
BATCH_DEFAULT_INVOCATION_TIMEOUT_S = 600
BATCH_MAX_INVOCATION_TIMEOUT_S = 3600
"""botocore 1.44.5 ModelClientConfig.InvocationsTimeoutInSeconds (1-3600, default 600): an invocation that runs
longer fails (rules/knowledge/hosting_options.yaml, batch timeout_s)."""


def async_floor(w: Workload, derived: Derived) -> int:
    """Instances an asynchronous endpoint keeps when its queue is empty: none when traffic has idle periods and
    callers can wait for a cold start (scales_to_zero), else the real-time floor."""
    if derived.idle_periods and w.inference.cold_starts_ok:
        return 0
    return 2 if w.inference.production else 1


class AsyncSizer(EndpointSizer):
    """An asynchronous endpoint: requests wait in a queue, so the count covers the peak load at the target
    utilisation (no latency target to beat), and the endpoint scales to zero between bursts when traffic has
    idle periods (AWS: async-inference-autoscale.html). Each instance takes as many invocations at once as it
    has workers (vCPUs, or batching slots of its accelerators): MaxConcurrentInvocationsPerInstance."""

    @classmethod
    def of(cls, w: Workload, derived: Derived) -> AsyncSizer:
        """At the target utilisation whatever the priority (no latency target to beat), at least one instance
        while it scales."""
        return cls(w, derived, Serving.of(w), w.inference.requests_per_second, TARGET_UTILISATION,
                   max(1, async_floor(w, derived)))

    def floor(self) -> int:
        """Instances kept when the queue is empty (async_floor)."""
        return async_floor(self.w, self.derived)

    def at_once(self, spec: Spec) -> int:
        """Invocations one instance takes at once (MaxConcurrentInvocationsPerInstance): its workers, at most the
        sequences an LLM's KV cache was sized for on it (sequences_held), since more would not fit its memory."""
        at_once = min(self.serving.workers(spec), ASYNC_MAX_CONCURRENT_PER_INSTANCE)
        return min(at_once, sequences_held(spec, self.w) or at_once)

    def settings(self, spec: Spec, count: int) -> dict[str, Any]:
        """The endpoint's async client config and its Application Auto Scaling bounds."""
        at_once = self.at_once(spec)
        settings: dict[str, Any] = {"MaxConcurrentInvocationsPerInstance": at_once, "MinCapacity": self.floor(),
                                    "MaxCapacity": count, "TargetBacklogPerInstance": at_once}
        timeout = self.invocation_timeout(spec)
        if timeout is not None:
            settings["InvocationTimeoutSeconds"] = timeout
        settings.update(large_model_settings(self.w, self.derived, spec))
        return settings

    def invocation_timeout(self, spec: Spec) -> int | None:
        """InvokeEndpointAsync.InvocationTimeoutSeconds each caller must set when a request runs longer than its
        default (900 s); None when the default covers it."""
        return raised_timeout(request_seconds(spec, self.w), ASYNC_DEFAULT_INVOCATION_TIMEOUT_S,
                              ASYNC_MAX_INVOCATION_TIMEOUT_S)

    def count_reason(self, spec: Spec, count: int) -> str:
        inf = self.w.inference
        per_instance = self.serving.capacity_rps(spec) * self.utilisation
        speed = f"; {speedup_basis(spec, self.w)}" if spec.itype.accelerator else ""
        floor = self.floor()
        scale = ("scales to zero when the queue is empty (traffic has idle periods): Application Auto Scaling "
                 "MinCapacity 0, and requests that arrive meanwhile wait in the queue while an instance starts"
                 if floor == 0 else f"keeps at least {floor} instance{'s' if floor > 1 else ''} when the queue is "
                 "empty (" + ("inference.cold_starts_ok is false: at zero instances the first request after idle "
                              "time would wait in the queue while an instance starts" if self.derived.idle_periods
                              else "no idle periods") + (", production traffic" if floor > 1 else "") + ")")
        target = self.at_once(spec)
        held = ("" if target >= min(self.serving.workers(spec), ASYNC_MAX_CONCURRENT_PER_INSTANCE) else
                f"; MaxConcurrentInvocationsPerInstance {target}, the sequences its KV cache is sized for (more "
                "would not fit its accelerator memory)")
        return (f"up to {count} instance{'s' if count > 1 else ''}: {inf.requests_per_second:g} req/s at "
                f"{a_rate(per_instance)} req/s each ({workers_text(spec, self.w, 'invocations')} at once per instance"
                f"{held}, "
                f"about {in_ms(request_seconds(spec, self.w))} ms a request, {self.utilisation:.0%} utilisation); "
                f"it {scale}; Application Auto Scaling tracks ApproximateBacklogSizePerInstance at {target} (the "
                "invocations one instance takes at once: more waiting than that adds an instance)" + speed
                + self.timeout_reason(spec) + large_model_reason(self.w, self.derived, spec))

    def timeout_reason(self, spec: Spec) -> str:
        timeout = self.invocation_timeout(spec)
        if timeout is None:
            return ""
        return (f"; each InvokeEndpointAsync call sets InvocationTimeoutSeconds {timeout} (about "
                f"{request_seconds(spec, self.w):,.0f} s a request +{TIMEOUT_MARGIN - 1:.0%}, at most "
                f"{ASYNC_MAX_INVOCATION_TIMEOUT_S}): by default a request expires after "
                f"{ASYNC_DEFAULT_INVOCATION_TIMEOUT_S} s")


ASYNC_MAX_CONCURRENT_PER_INSTANCE = 1000
"""botocore 1.44.5 AsyncInferenceClientConfig.MaxConcurrentInvocationsPerInstance (1-1000)."""
ASYNC_DEFAULT_INVOCATION_TIMEOUT_S = 900
ASYNC_MAX_INVOCATION_TIMEOUT_S = 3600
"""botocore 1.44.5 sagemaker-runtime InvokeEndpointAsync.InvocationTimeoutSeconds (1-3600, default 900): a request
still processing then expires (rules/knowledge/hosting_options.yaml, async timeout_s)."""
TIMEOUT_MARGIN = 1.2
"""A raised invocation timeout leaves 20% over the estimated request time (an assumption, stated)."""


def raised_timeout(seconds: float, default: int, maximum: int) -> int | None:
    """The invocation timeout a request of `seconds` needs when its option's default is too short: the estimate
    with TIMEOUT_MARGIN, at most `maximum` (an asynchronous request, a batch transform's record); None when the
    default covers it."""
    if seconds <= default:
        return None
    return min(maximum, math.ceil(seconds * TIMEOUT_MARGIN))


# ---- several models behind one real-time endpoint (decision realtime.hosting) ----------------------------------

MME_DOC = "AWS: multi-model-endpoint-instance.html"


def models_held_need(need: Need, held: int, words: str, model_gb: float, loads_on_demand: bool) -> Need:
    """The need of an instance that holds `held` models at once (`words` says which), from one model's `need`:
    accelerator memory x held (each model's weights and runtime on the devices), host memory at least that; on
    CPUs one model's need plus each further model of `model_gb` with the same headroom (x MEMORY_HEADROOM), the
    serving runtime counted once. `loads_on_demand`: a multi-model container, whose slack lets an unused model be
    unloaded while another loads; else every container keeps its model loaded."""
    if held == 1:
        return need
    if need.accelerator_gib:
        accelerator = round(need.accelerator_gib * held, 3)
        host = round(max(need.memory_gib, accelerator), 3)
        return Need(host, accelerator, (
            f"{held} models held at once ({words}): {accelerator:g} GiB of accelerator memory = "
            f"{held} x {need.accelerator_gib:g} GiB, {host:g} GiB of host memory",
            *(f"one model: {line}" for line in need.explain)))
    per_model = model_gb * MEMORY_HEADROOM
    memory = round(need.memory_gib + (held - 1) * per_model, 3)
    return Need(memory, 0.0, (
        f"{memory:g} GiB of memory for {held} models held at once ({words}): one model's "
        f"{need.memory_gib:g} GiB + {held - 1} x {per_model:g} GiB (model {model_gb:g} GiB "
        f"x{MEMORY_HEADROOM:g}; " + ("the slack lets an unused model be unloaded while another loads)"
                                     if loads_on_demand else
                                     "every container keeps its model loaded, with the headroom one model gets)"),
        *(f"one model: {line}" for line in need.explain)))


class HostedModelsSizer(EndpointSizer):
    """A real-time endpoint whose instances each hold several models at once: a multi-model endpoint its hot set
    (the models in use; the rest wait in S3 and on the volume), a multi-container endpoint every container. One
    model's need (model_need, per_instance_need) is multiplied by the models held, so the instance's memory is the
    cache AWS describes, with the same headroom one model gets; the load is the endpoint's whole traffic."""

    def held(self) -> int:
        """Models one instance keeps in memory at once."""
        return self.w.inference.models

    def held_words(self) -> str:
        return f"all {self.held()} containers of inference.models run on every instance"

    def holding(self, need: Need) -> Need:
        """The need for held() models from one model's (models_held_need)."""
        return models_held_need(need, self.held(), self.held_words(), self.derived.model_memory_gb,
                                getattr(self, "loads_on_demand", False))

    def count_reason(self, spec: Spec, count: int) -> str:
        return (f"{super().count_reason(spec, count)}; requests_per_second is all {self.w.inference.models} "
                "models' traffic together")


class MultiModelSizer(HostedModelsSizer):
    """A multi-model endpoint: one container loads models from S3 on demand and caches them in memory, so an
    instance holds the hot set (inference.hot_models, else every model: an upper bound). AWS runs it on every CPU
    type and on single-GPU types only (Triton on GPUs)."""

    loads_on_demand = True
    """Models load from S3 when requested and are unloaded when room is needed (the others stay loaded)."""

    def held(self) -> int:
        return self.w.inference.hot_models or self.w.inference.models

    def held_words(self) -> str:
        inf = self.w.inference
        return ("the hot set, inference.hot_models" if inf.hot_models is not None else
                "every model: inference.hot_models is not stated, so the whole set is taken as hot, an upper bound")

    def fit(self, spec: Spec, need: Need) -> tuple[int, str | None]:
        if spec.devices > 1:
            return 1, f"a multi-model endpoint runs on CPU or single-GPU instance types only ({MME_DOC})"
        return super().fit(spec, need)

    def held_on(self, spec: Spec, one: Need) -> int:
        """Hot models one instance of `spec` holds: the whole hot set when it fits, else its even share over the
        fewest instances that hold it (a model that does not fit alone is the misfit's to say). AWS routes a
        model's requests to an instance that has it loaded, so the hot set may be spread over several instances
        (multi-model-endpoints.html, How multi-model endpoints work): on single-GPU types, whose device memory is
        small, that is the only way a large hot set fits. Worked out from models_held_need's arithmetic, as it
        runs for every type weighed."""
        held = self.held()
        if one.accelerator_gib:
            room = min(spec.usable_accelerator_gib if spec.accelerator_gib else math.inf, spec.memory_gib)
            most = math.floor(room / one.accelerator_gib) if one.memory_gib <= spec.memory_gib else 0
        else:
            per_model = self.derived.model_memory_gb * MEMORY_HEADROOM
            spare = spec.memory_gib - one.memory_gib
            most = held if per_model <= 0 else (math.floor(spare / per_model) + 1 if spare >= 0 else 0)
        if most >= held or most < 1:
            return held
        while most > 1 and memory_misfit(spec, self.holding_of(one, most)) is not None:  # rounding, at worst
            most -= 1
        return math.ceil(held / math.ceil(held / most))  # the hot set shared evenly by the instances it takes

    def holding_of(self, one: Need, n: int) -> Need:
        """The need of an instance that holds `n` of the hot set's models."""
        held = self.held()
        words = self.held_words() if n == held else (
            f"{n} of the {held} hot models on each instance ({self.held_words()}), the hot set spread over "
            f"{math.ceil(held / n)} instances, since AWS routes a model's requests to an instance that has it loaded")
        return models_held_need(one, n, words, self.derived.model_memory_gb, True)

    def spread(self, spec: Spec, one: Need) -> tuple[Need, int] | None:
        """One instance's share of the hot set on `spec` and the instances the hot set takes; None when one
        instance holds it all (Weighing: its need is then the one worked out once for every type)."""
        n = self.held_on(spec, one)
        if n >= self.held():
            return None
        return self.holding_of(one, n), math.ceil(self.held() / n)

    def count_reason(self, spec: Spec, count: int) -> str:
        inf = self.w.inference
        stored = inf.models * self.w.model.size_mb / 1000
        cold = (f"; the other {inf.models - self.held()} models stay in S3 and on the storage volume until "
                "requested (a cold load: the container downloads and loads the model on its next request)"
                if inf.models > self.held() else "")
        gpu = ("; on GPUs a multi-model endpoint runs NVIDIA Triton Inference Server (AWS: multi-model-support.html)"
               if spec.devices else "")
        n = self.held_on(spec, self.need(spec.accelerated))
        if n < self.held():
            cold = (f"; one {spec.name} holds fewer than the {self.held()} hot models, so the hot set takes "
                    f"{math.ceil(self.held() / n)} instances, {n} on each, each model's requests routed to an instance "
                    f"that has it loaded (AWS: multi-model-endpoints.html)") + cold
        return (f"{super().count_reason(spec, count)}; memory is the cache of loaded models and vCPUs the models "
                f"served at once ({MME_DOC}){cold}; all {inf.models} artifacts take about {stored:,.3g} GB on "
                f"each instance's volume once loaded (MultiModel mode gets a larger volume than a single model){gpu}")

    def settings(self, spec: Spec, count: int) -> dict[str, Any]:
        """MultiModel mode; the model cache disabled when each model is invoked once or rarely again
        (inference.models_reused false), AWS's advice for such use cases (multi-model-caching.html: higher TPS,
        as a model is unloaded and deleted right after its invocation)."""
        cache = {} if self.w.inference.models_reused else {"MultiModelConfig.ModelCacheSetting": "Disabled"}
        return {"PrimaryContainer.Mode": "MultiModel", **cache, **large_model_settings(self.w, self.derived, spec)}


class MultiContainerSizer(HostedModelsSizer):
    """A multi-container endpoint (direct invocation) or serial inference pipeline: every container runs on
    every instance, so an instance holds all of them."""

    def settings(self, spec: Spec, count: int) -> dict[str, Any]:
        mode = "Serial" if self.w.inference.serial else "Direct"
        return {"InferenceExecutionConfig.Mode": mode, "Containers": self.w.inference.models,
                **large_model_settings(self.w, self.derived, spec)}


PLACEMENT_SETTING = "SchedulingConfig.PlacementStrategy"
"""botocore 1.44.5 InferenceComponentSchedulingConfig.PlacementStrategy (SPREAD | BINPACK): SPREAD "distributes copies
evenly across available instances for better resilience", BINPACK "packs copies onto fewer instances"."""
ZONE_BALANCE_SETTING = "SchedulingConfig.AvailabilityZoneBalance.EnforcementMode"
"""botocore 1.44.5 InferenceComponentAvailabilityZoneBalance.EnforcementMode (its one value, PERMISSIVE): copies
balanced over Availability Zones where the instances allow, a copy still placed where they do not."""

MIN_INSTANCES_SETTING = "ManagedInstanceScaling.MinInstanceCount"
"""botocore 1.44.5 ProductionVariantManagedInstanceScaling.MinInstanceCount (min 0), the setting whose 0 lets an
endpoint of inference components keep no instance: hosting_options.yaml's inference_components min_instances
names it (its api_field, checked against this in tests/recommend/test_options.py); the sizer writes it, the
advice and the request builder read it under this one name."""
MAX_INSTANCES_SETTING = "ManagedInstanceScaling.MaxInstanceCount"
"""botocore 1.44.5 ProductionVariantManagedInstanceScaling.MaxInstanceCount: the most instances SageMaker runs."""

CPU_CORE_STEP = 0.25
"""botocore 1.44.5 InferenceComponentComputeResourceRequirements.NumberOfCpuCoresRequired: a float, at least 0.25."""


class ComponentsSizer(EndpointSizer):
    """Inference components: each model is a component with its own CPU cores or accelerator devices and memory
    (one copy each at least), placed on the endpoint's instances; the count is the most of the load's count and
    the instances the copies take."""

    def spec_need(self, spec: Spec) -> Need:
        """One copy's need on `spec`, as fit() was given it (an LLM's KV cache for the sequences one instance of
        `spec` runs, per_instance_need): the reservation written in the request is the one that was fitted."""
        return per_instance_need(spec, self.w, self.derived, self.need(spec.accelerated))

    def per_copy(self, spec: Spec, need: Need) -> tuple[float, int]:
        """(devices or CPU cores one copy reserves, copies one instance takes); (0, 0) when a copy does not fit.

        On CPUs a copy reserves cores in quarters (NumberOfCpuCoresRequired, at least 0.25: botocore), as many as
        its share of the load keeps busy and as one request needs to answer within the p99 target (a request
        takes seconds_per_request on one core), so lightly used models share a vCPU instead of each taking one;
        the copies memory allows split the instance's cores between them."""
        if need.accelerator_gib and spec.devices:
            devices = devices_for_shard(spec, need.accelerator_gib)
            return devices, spec.devices // devices
        inf = self.w.inference
        load = inf.requests_per_second / inf.models * inf.seconds_per_request / TARGET_UTILISATION
        latency = inf.seconds_per_request * 1000 / inf.latency_ms_p99
        least = min(spec.vcpu, max(CPU_CORE_STEP, math.ceil(max(load, latency) / CPU_CORE_STEP) * CPU_CORE_STEP))
        by_memory = int(spec.memory_gib // need.memory_gib) if need.memory_gib else spec.vcpu
        copies = min(by_memory, int(spec.vcpu / least))
        if not copies:
            return 0, 0
        cores = math.floor(spec.vcpu / copies / CPU_CORE_STEP) * CPU_CORE_STEP
        return (int(cores) if cores.is_integer() else cores), copies

    def fit(self, spec: Spec, need: Need) -> tuple[int, str | None]:
        misfit = memory_misfit(spec, need)
        if misfit:
            return 1, misfit
        _, copies = self.per_copy(spec, need)
        if not copies:
            return 1, "one model copy needs more devices than the instance has"
        return max(self.minimum, self.by_load(spec), math.ceil(self.w.inference.models / copies)), None

    def count_reason(self, spec: Spec, count: int) -> str:
        need = self.spec_need(spec)
        units, copies = self.per_copy(spec, need)
        what = "accelerator device" if need.accelerator_gib and spec.devices else "vCPU"
        models = self.w.inference.models
        if not copies:  # the nearest type shown when none fits: say why, as fit() did (no copies to count)
            return f"{super().count_reason(spec, count)}; one model copy needs more devices than the instance has"
        return (f"{super().count_reason(spec, count)}; {models} inference components, one copy each at least: a copy "
                f"reserves {units} {what}{'s' if units > 1 else ''}, so an instance takes {copies} "
                f"cop{'ies' if copies > 1 else 'y'} and the {models} models need at least "
                f"{math.ceil(models / copies)} instance{'s' if math.ceil(models / copies) > 1 else ''}; each "
                "component scales its copies on its own (Application Auto Scaling on the component's copy count)"
                + self.scaling_reason(spec, count, need))

    def scaling_reason(self, spec: Spec, count: int, need: Need) -> str:
        scaling = self.scaling(spec, count, need)
        low = scaling[MIN_INSTANCES_SETTING]
        high = scaling[MAX_INSTANCES_SETTING]
        zero = (" (0: the traffic has idle periods and callers can wait, so with every component's copies at 0 the "
                "endpoint keeps no instance; a request that arrives then fails with an error, and a step scaling "
                "policy on a CloudWatch alarm provisions an instance, which takes several minutes: callers retry "
                "until it is in service)" if low == 0 else "")
        runs = (f"keeps SageMaker at {high} instance{'s' if high > 1 else ''} (MinInstanceCount and "
                "MaxInstanceCount alike: the peak load needs no more instances than one copy of every model and "
                "availability take)"
                if low == high else f"lets SageMaker run {low}-{high} instances as the copies need them{zero}")
        spread = ("; a production endpoint places each component's copies with SchedulingConfig PlacementStrategy "
                  "SPREAD and AvailabilityZoneBalance (EnforcementMode PERMISSIVE), so the copies of a model go to "
                  "different instances and Availability Zones as they are added, for resilience, where BINPACK would "
                  "fill one instance first" if self.minimum > 1 else "")
        return (f"; each component starts with CopyCount {scaling['CopyCount']} (its share of the load, the "
                f"{self.w.inference.models} models taken as equally used), and ManagedInstanceScaling {runs}{spread}")

    def settings(self, spec: Spec, count: int) -> dict[str, Any]:
        """One component's ComputeResourceRequirements and its starting CopyCount (each model has its own)."""
        need = self.spec_need(spec)
        units, _ = self.per_copy(spec, need)
        settings: dict[str, Any] = {}
        if need.accelerator_gib and spec.devices:
            settings["NumberOfAcceleratorDevicesRequired"] = units
        else:
            settings["NumberOfCpuCoresRequired"] = units
        settings["MinMemoryRequiredInMb"] = max(128, math.ceil(need.memory_gib * 1024))
        settings.update(self.scaling(spec, count, need))
        if self.minimum > 1:  # production: each component's copies on different instances and zones
            settings[PLACEMENT_SETTING] = "SPREAD"
            settings[ZONE_BALANCE_SETTING] = "PERMISSIVE"
        return settings

    def scaling(self, spec: Spec, count: int, need: Need) -> dict[str, Any]:
        """Each component's starting copies and the variant's managed instance scaling (AWS: SageMaker adds and
        removes instances as the components' copies need them). A component starts with its share of the load's
        copies (the load spread evenly over the models, as nothing says otherwise), at least one, at most what
        the instances hold; the instances scale between those one copy of every model needs (and availability's
        minimum) and the peak count, or from zero when the traffic has idle periods and callers can wait
        (endpoint-auto-scaling-zero-instances.html: an endpoint scales to zero only with inference components,
        MinInstanceCount 0)."""
        _, copies = self.per_copy(spec, need)
        models = self.w.inference.models
        copies = max(1, copies)
        by_load = math.ceil(self.by_load(spec) * copies / models) if self.requests_per_second else 1
        copy_count = max(1, min(by_load, count * copies // models))
        floor = 0 if scales_to_zero(self.w) else min(count, max(self.minimum, math.ceil(models / copies)))
        return {"CopyCount": copy_count, MIN_INSTANCES_SETTING: floor, MAX_INSTANCES_SETTING: max(1, count)}


register_sizer("job")(lambda stage, w, derived: ProcessingSizer(derived, w))
register_sizer("notebook")(lambda stage, w, derived: NotebookSizer(derived, w))
register_sizer("training")(lambda stage, w, derived: TrainingSizer(derived, w.training.distributed, w))
register_sizer("endpoint")(lambda stage, w, derived: EndpointSizer.of(w, derived))
register_sizer("batch")(lambda stage, w, derived: BatchSizer.of(w, derived))
register_sizer("async")(lambda stage, w, derived: AsyncSizer.of(w, derived))
register_sizer("multi_model")(lambda stage, w, derived: MultiModelSizer.of(w, derived))
register_sizer("multi_container")(lambda stage, w, derived: MultiContainerSizer.of(w, derived))
register_sizer("inference_components")(lambda stage, w, derived: ComponentsSizer.of(w, derived))


# ---- candidates, ranking and the explained answer ----------------------------------------------------------

class Candidate(NamedTuple):
    """One type weighed for a stage: how many, at what price, whether it fits, and how fast it is for this work.

    A misfit carries only what shows it (how many, its price and why); the figures below are those of a type that
    fits, which ranking reads."""

    spec: Spec
    instances: int
    """How many of the type the stage runs."""
    price: Price | None
    misfit: str | None
    usable: float = 0.0
    """A job: peak TFLOPS of the devices (or vCPUs) the workload can keep busy on `instances` of this type (at an
    inference stage a type's speed is its request time)."""
    request_s: float | None = None
    """Inference: estimated seconds of one request on one worker; None for jobs."""
    mostly_idle: bool = False
    """A job on one instance keeps fewer than half of its devices (or vCPUs) busy: at priority time it ranks
    after the types it can use, so a small model never buys an 8-GPU instance for the speed of one of its GPUs.
    A distributed job is never so marked: how many devices it spreads over is the user's choice."""
    per_hour: float | None = None
    """Price of all its instances an hour; None when the price is unknown."""
    per_run: float | None = None
    """Price of one run where a run's hours depend on the type (a batch transform, billed while it runs: cheaper per
    hour is not cheaper per run when it runs longer); None elsewhere, or when the price is unknown."""
    per_job: float | None = None
    """A training job on CPUs at priority cost: its price an hour over the vCPUs it keeps busy, what one vCPU-hour
    of the job's work costs, so it compares what whole jobs cost (AWS bills a job its price x its billable time,
    and the job's hours fall as its busy vCPUs rise); None elsewhere, or when the price is unknown."""
    cost: float = math.inf
    """What ranking compares: `per_run` where runs differ in length by type, `per_job` for training at priority
    cost, else `per_hour`; infinite when the price is unknown (such a type ranks after every priced one)."""
    size: tuple[float, ...] = ()
    """How big it is, to rank by when prices are unknown or tie: accelerators, then vCPUs, then memory."""

    @classmethod
    def fitting(cls, spec: Spec, instances: int, price: Price | None, *, per_hour: float | None, usable: float = 0.0,
                request_s: float | None = None, mostly_idle: bool = False, per_run: float | None = None,
                per_job: float | None = None) -> Candidate:
        """A type that fits, with the cost ranking compares: its price a run, else a job, else an hour."""
        cost = per_run if per_run is not None else per_job if per_job is not None else per_hour
        size = (instances * spec.devices, instances * spec.vcpu, instances * spec.memory_gib)
        return cls(spec, instances, price, None, usable, request_s, mostly_idle, per_hour, per_run, per_job,
                   _cost(cost), size)

    @property
    def itype(self) -> InstanceType:
        return self.spec.itype

    @property
    def fits(self) -> bool:
        return self.misfit is None

    @property
    def speed(self) -> float:
        """How fast it does this workload's work: usable compute for a job, requests a second for inference."""
        return 1 / self.request_s if self.request_s is not None else self.usable

    @property
    def per_instance(self) -> PerHour:
        if self.price is None or not self.price.known:
            return "unknown"
        return float(self.price.usd_per_hour)


class Sizing(NamedTuple):
    """Sizing's answer for one stage: the winner, why, and the alternatives with why each lost."""

    winner: Candidate
    fits: bool
    """False when nothing meets the need: the winner is then the nearest of the chosen families."""
    reasons: tuple[str, ...]
    alternatives: tuple[Alternative, ...]
    settings: Mapping[str, Any] = FrozenDict()
    """The inference option's request settings (an asynchronous endpoint's client config and scaling)."""


@dataclass(frozen=True, slots=True)
class Weighing:
    """One stage's weighing of types for one workload. What the workload asks of any type (its needs, the vCPUs
    or devices it can keep busy, the prices) is worked out once here; each type is then weighed against it."""

    w: Workload
    sizer: Sizer
    needs: Mapping[bool, Need]
    """What one instance must hold, on a type without / with accelerators."""
    one_model: Mapping[bool, Need]
    """What one model needs, on a type without / with accelerators: `needs` before the sizer's holding (the same
    for one model)."""
    cap: int
    """The most instances the stage allows."""
    prices: Mapping[str, Price]
    """The stage's prices by type; empty without a snapshot."""
    guidance: AlgorithmStage | None
    """AWS's training guidance for a built-in algorithm (training only)."""
    serving: Serving | None
    """What one request asks of a type, at an inference stage; None for a job that serves no requests."""
    classical: bool
    busy_vcpus: float
    """vCPUs one CPU instance keeps busy: about one per GB of working set (at least 4); for a deep model at least
    VCPU_DEEP_MODEL_ON_CPU."""
    busy_devices: int
    """Devices the model's parameters and the data keep busy, whatever the type (at least 1)."""
    distributed: bool
    """training.distributed: how many devices a job spreads over is the user's choice, never "mostly idle"."""
    usable_of: Callable[[Spec, int], float] | None
    """The sizer's own count of the vCPUs or devices its instances keep busy, if it knows better (processing)."""
    run_hours: Callable[[Spec, int], float] | None
    """How long one run takes on a type, for a stage billed per run (batch transform); None otherwise."""
    derived: Derived
    llm_serving: bool
    """An LLM served at this stage: the KV cache one instance holds depends on the type (per_instance_need); any
    other need is the same on every type."""
    per_job: bool = False
    """A training job at priority cost: its CPU types are ranked by what a job costs (price x hours, and its hours
    fall as the vCPUs it keeps busy rise), not by the hour."""
    holding: Callable[[Need], Need] | None = None
    """The sizer's need for the models one instance holds at once, from one model's (a multi-model or
    multi-container endpoint: HostedModelsSizer.holding); None for one model."""
    cap_basis: str = ""
    """Where the stage's most instances comes from, in words (StageSpec.max_count_basis); empty: this stage's."""
    spread: Callable[[Spec, Need], tuple[Need, int] | None] | None = None
    """One instance's share of the models the sizer holds on a type, and the instances they take, when one
    instance of it cannot hold them all (a multi-model endpoint's hot set: MultiModelSizer.spread)."""

    @classmethod
    def of(cls, w: Workload, sizer: Sizer, cap: int, prices: Mapping[str, Price],
           guidance: AlgorithmStage | None, inference: bool, derived: Derived, per_job: bool = False,
           cap_basis: str = "") -> Weighing:
        by_data = max(4, math.ceil(w.data.size_gb if not w.data.in_memory_gb else w.data.in_memory_gb)
                      * VCPU_PER_GB_WORKING_SET)
        classical = w.model.kind in ("classical", "tree_based")
        holding = getattr(sizer, "holding", None)
        one_model = {False: sizer.need(False), True: sizer.need(True)}
        needs = one_model if holding is None else {
            accelerated: holding(need) for accelerated, need in one_model.items()}
        return cls(w, sizer, needs, one_model, cap, prices, guidance,
                   Serving.of(w) if inference else None,
                   classical, by_data if classical else max(VCPU_DEEP_MODEL_ON_CPU, by_data),
                   max(math.ceil(w.model.parameters_millions / 1000 * GPU_PER_BILLION_PARAMETERS),
                       math.ceil(w.data.size_gb / DATA_GB_PER_DEVICE), 1), w.training.distributed,
                   getattr(sizer, "usable", None), getattr(sizer, "run_hours", None),
                   derived, inference and w.model.kind == "llm", per_job, holding, cap_basis,
                   getattr(sizer, "spread", None))

    def need(self, spec: Spec) -> Need:
        """What one instance of `spec` must hold."""
        if self.spread is not None:
            shared = self.spread(spec, self.one_model[spec.accelerated])
            if shared is not None:
                return shared[0]
        need = self.needs[spec.accelerated]  # with the sizer's holding already applied (Weighing.of)
        if not self.llm_serving:
            return need
        if self.holding is None:
            return per_instance_need(spec, self.w, self.derived, need)
        return self.holding(per_instance_need(spec, self.w, self.derived, self.one_model[spec.accelerated]))

    def usable_devices(self, spec: Spec, count: int, need: Need) -> float:
        """How many of `count` x `spec`'s devices (or vCPUs) this workload keeps busy, holding `need` on each."""
        guidance = self.guidance
        instances = count if guidance is None or guidance.multi_instance is not False else 1
        if not spec.devices:
            return min(spec.units, self.busy_vcpus) * instances
        per_instance = 1 if guidance is not None and guidance.multi_gpu is False else spec.devices
        need_gib = need.accelerator_gib
        useful = max(math.ceil(need_gib / spec.device_gib) if need_gib and spec.device_gib else 1, self.busy_devices)
        return min(per_instance * instances, useful)

    def busy_reason(self, spec: Spec, count: int) -> str:
        """Why only some of `count` x `spec`'s devices (or vCPUs) are busy; empty when all of them are."""
        used = self.usable_devices(spec, count, self.need(spec))
        if not spec.devices:
            if used >= spec.units * count:
                return ""
            per_gb = "about one per GB of data (data.in_memory_gb, else data.size_gb)"
            basis = per_gb if self.classical else f"a deep model on CPUs: {per_gb}, at least {VCPU_DEEP_MODEL_ON_CPU}"
            return f"{used:g} vCPUs busy ({basis})"
        if used >= spec.devices * count:
            return ""
        one_gpu = self.guidance is not None and self.guidance.multi_gpu is False and spec.devices > 1
        limit = f"{self.w.model.algorithm} uses one GPU per instance" if one_gpu else \
            "the model and data keep no more busy"
        return f"{used:g} of {spec.devices * count} devices busy ({limit})"

    def candidate(self, spec: Spec) -> Candidate:
        """`spec` weighed: how many, whether they fit, how busy and fast they are for this work, at what price."""
        shared = self.spread(spec, self.one_model[spec.accelerated]) if self.spread is not None else None
        need = self.need(spec) if shared is None else shared[0]
        count, misfit = self.sizer.fit(spec, need)
        if shared is not None and misfit is None:
            count = max(count, shared[1])  # the instances the models take, each holding its share
        if count > self.cap and misfit is None:
            misfit = (f"would need {count:,} instances, more than the {self.cap} "
                      f"{self.cap_basis or 'this stage allows'}")
            count = self.cap  # never shown, nor priced, above the service's maximum
        price = self.prices.get(spec.name)
        if misfit is not None:  # never ranked: how busy or fast it would be says nothing
            return Candidate(spec, count, price, misfit)
        per_hour = float(price.usd_per_hour) * count if price is not None and price.known else None
        if self.serving is not None:  # serving requests, a type is as fast as its request time
            per_run = (per_hour * self.run_hours(spec, count) if self.run_hours is not None and per_hour is not None
                       else None)
            return Candidate.fitting(spec, count, price, request_s=self.serving.request_seconds(spec),
                                     per_hour=per_hour, per_run=per_run)
        usable = self.usable_of(spec, count) if self.usable_of is not None else self.usable_devices(spec, count, need)
        compute = usable * spec.tflops_per_unit
        # a CPU job's hours fall as the vCPUs it keeps busy rise; an accelerator's peak TFLOPS does not say how much
        # sooner a job finishes on another device (sizing assumes small batches gain only its square root)
        per_job = per_hour / usable if self.per_job and per_hour is not None and usable > 0 and not spec.devices \
            else None
        return Candidate.fitting(spec, count, price, usable=compute,
                                 mostly_idle=usable < spec.units * count / 2 and not self.distributed,
                                 per_hour=per_hour, per_job=per_job)


def size(stage: StageSpec, w: Workload, derived: Derived, families: Iterable[str], excluded: Iterable[str],
         catalogue: Catalogue, snapshot: PriceSnapshot | None, wrap: Callable[[Sizer], Sizer] | None = None
         ) -> Sizing:
    """The type and count for one stage from the families the rules chose (less those excluded).

    When no type of those families fits, the other current families of the same kind (CPU, or accelerated) that
    are not excluded are weighed; when none fits at all, the nearest type of the chosen families is returned
    with `fits=False`, the reason and what would have to change.
    """
    sizer = SIZERS[stage.sizing](stage, w, derived)
    target_ms = latency_target_ms(w, queued=isinstance(sizer, AsyncSizer))
    if wrap is not None:  # what the stage's model adds to its own strategy (a serial pipeline: recommend/pipeline.py)
        sizer = wrap(sizer)
    prices = (snapshot.prices_for(stage.price_component)  # type: ignore[arg-type]
              if snapshot is not None and stage.price_component else {})
    inference = stage.instance_stage in ("hosting", "batch_transform")
    jobs = stage.instance_stage != "hosting"  # a batch transform is a job too: it ends when its records are scored
    banned = set(excluded)
    training = stage.sizing == "training"
    guidance = catalogue.training_of(w) if training else None
    single = guidance is not None and guidance.multi_instance is False
    if single and isinstance(sizer, TrainingSizer) and sizer.distributed:
        sizer = replace(sizer, distributed=False)
        reasons_first = [f"training.distributed is set, but {w.model.algorithm} trains on a single instance only "
                         "(AWS), so one instance must hold the job"]
    else:
        reasons_first = []
    chosen = [f for f in dict.fromkeys(families) if f not in banned]

    reasons: list[str] = list(reasons_first)
    weighing = Weighing.of(w, sizer, stage.max_count, prices, guidance, inference, derived,
                           per_job=training and w.priority == "cost", cap_basis=stage.max_count_basis)
    asks = catalogue.asks(w, training)
    left_out: dict[str, list[str]] = defaultdict(list)

    gpus, option = catalogue.option_gpus.get(stage.sizing, (None, ""))  # a hosted option's listed GPU types

    def weigh(family_ids: Iterable[str]) -> list[Candidate]:
        out = []
        for spec in catalogue.specs(stage.instance_stage, family_ids):
            why = asks.cannot_run(spec) or (f"not among the GPU types AWS lists for a {option}"
                                            if gpus and spec.devices and spec.itype.generation not in gpus else None)
            if why:
                left_out[why].append(spec.itype.generation)
                continue
            out.append(weighing.candidate(spec))
        return out

    def ranked(weighed: list[Candidate]) -> list[Candidate]:
        return _ranked([c for c in weighed if c.misfit is None], w, inference, jobs, target_ms)

    candidates = weigh(chosen)
    fitting = ranked(candidates)
    if not fitting:
        accelerated = any(f in catalogue.accelerated_families for f in chosen)
        # every family the rules chose is excluded (a stated GPU need over a CPU rule): all allowed families
        wider = [f for f in catalogue.current_families if f not in banned and f not in chosen
                 and (not chosen or (f in catalogue.accelerated_families) == accelerated)]
        more = weigh(wider)
        fitting = ranked(more)
        if fitting and not chosen:
            reasons.append(f"every family the rules chose ({'/'.join(dict.fromkeys(families))}) is excluded at this "
                           "stage, so the families still allowed were weighed")
        elif fitting:
            reasons.append(f"no {'/'.join(chosen) or 'candidate'} type meets the need at this stage, so the other "
                           f"current {'accelerated' if accelerated else 'CPU'} families were considered")
        elif candidates:
            more = []  # the nearest miss is shown from the families the rules chose, never from others
        candidates += more

    if fitting:
        winner, others = fitting[0], fitting[1:ALTERNATIVES_SHOWN + 1]
    elif candidates:
        winner = _nearest(candidates, stage.max_count)
        others = [c for c in candidates if c.spec is not winner.spec][:ALTERNATIVES_SHOWN]
    else:  # no type of any allowed family runs this stage: the first allowed type, said to fit nothing
        allowed = [f for f in catalogue.current_families if f not in banned]
        first = (weigh(allowed) or weigh(catalogue.current_families))[0]
        winner, others = first._replace(misfit=first.misfit or "no family the workload allows has a type that "
                                        "runs this stage"), []
    if len(others) < ALTERNATIVES_SHOWN:
        misfits = sorted((c for c in candidates if c.misfit is not None and c.spec is not winner.spec),
                         key=lambda c: (-c.spec.memory_gib, c.spec.name))
        others += misfits[:ALTERNATIVES_SHOWN - len(others)]

    reasons += [f"left out {', '.join(dict.fromkeys(generations))}: {why}" for why, generations in left_out.items()]
    winner_need = weighing.need(winner.spec)
    reasons += winner_need.explain
    if winner.fits and winner_need.accelerator_gib and winner.spec.accelerator_gib:
        reasons.append(_device_share(winner, winner_need.accelerator_gib))
    accelerator = winner.spec.accelerator
    if accelerator is not None and accelerator.needs_compilation:
        reasons.append(f"{accelerator.model} runs a model compiled ahead of time with the AWS Neuron SDK "
                       "(torch-neuronx, Optimum Neuron, NxD, or the LMI NeuronX container for LLMs): the model is "
                       "compiled once, for its sequence lengths and batch sizes, before it runs")
    if winner.fits:
        reasons.append(sizer.count_reason(winner.spec, winner.instances))
        busy = weighing.busy_reason(winner.spec, winner.instances)
        if busy and not inference and weighing.usable_of is None:
            reasons.append(busy)
    if fitting:
        reasons.append(_ranking_reason(winner, fitting, w, inference, target_ms))
    else:
        reasons.append(f"nothing in {'/'.join(chosen) or 'the allowed families'} meets the need; nearest: "
                       f"{winner.misfit}")
        reasons.append(f"what would have to change: {_what_to_change(winner, w, stage)}")
    reasons.append(_price_reason(winner, snapshot))
    alternatives = tuple(Alternative(c.spec.name, c.instances, c.per_instance, lost_because(winner, c, w, inference))
                         for c in others)
    settings_of = getattr(sizer, "settings", None)  # only sizers of an option with settings have it
    settings = settings_of(winner.spec, winner.instances) if settings_of is not None and winner.fits else {}
    return Sizing(winner, bool(fitting), tuple(reasons), alternatives, settings)


def _device_share(c: Candidate, need_gib: float) -> str:
    """How full the winner's accelerator memory is, against the share a job may fill (DEVICE_MEMORY_USABLE)."""
    spread = need_gib > c.spec.usable_accelerator_gib  # a distributed job spreads its need over the instances
    held = c.spec.accelerator_gib * (c.instances if spread else 1)
    return (f"{need_gib:g} of {held:g} GiB of accelerator memory in use ({need_gib / held:.0%}; at most "
            f"{DEVICE_MEMORY_USABLE:.0%} of a device is filled: the CUDA or Neuron context and allocator "
            "fragmentation take the rest, as vLLM's default --gpu-memory-utilization 0.9 leaves)")


def _nearest(candidates: list[Candidate], cap: int) -> Candidate:
    """The miss closest to fitting: the most memory and accelerator memory, then the fewest instances."""
    return max(candidates, key=lambda c: (c.spec.accelerator_gib, c.spec.memory_gib, -c.instances, c.spec.name))


def _what_to_change(c: Candidate, w: Workload, stage: StageSpec) -> str:
    """What the user could change so the stage fits, in the fields that size this stage: how a job trains for
    training and tuning (model.precision never shrinks training state), what is served for the inference stages and
    notebooks, the data held in memory where a stage loads the data (one that is no inference option: the registry's
    hosting_option)."""
    misfit = c.misfit or ""
    if "instances" in misfit:
        return ("a lower load, a longer time window (batch.max_hours, processing.max_hours) or a larger type per "
                "instance; or split the work over several endpoints or jobs")
    deep = w.model.kind in ("deep_learning", "llm")
    changes = []
    if stage.sizing == "training":
        if deep and w.training.method != "qlora":
            changes.append("train adapters instead of every weight (training.method: "
                           + ("lora or qlora)" if w.training.method == "full" else "qlora, 4-bit frozen weights)"))
        if not w.training.distributed:
            changes.append("spread training over several instances (training.distributed: true)")
    elif deep and w.model.precision not in ("int4",):
        changes.append("quantise the served weights (model.precision: int8 or int4)")
        if w.model.kind == "llm" and stage.sizing != "notebook":
            changes.append("fewer sequences in flight or a shorter context (inference.concurrent_sequences, "
                           "inference.context_tokens) for a smaller KV cache")
    changes.append("another family with more memory per instance")
    if w.model.kind in ("classical", "tree_based"):
        changes.append("stream the data instead of loading it whole (data.in_memory_gb)" if stage.hosting_option is None
                       else "a smaller model artifact (model.size_mb) or less memory a request (inference.memory_mb)")
    return "; ".join(changes)


def _price(c: Candidate) -> float:
    """The price an hour to rank by: an unknown price ranks after every known one."""
    return _cost(c.per_hour)


def _cost(usd: float | None) -> float:
    """A price to rank by: an unknown price (None) ranks after every known one."""
    return math.inf if usd is None else usd


def latency_target_ms(w: Workload, queued: bool) -> float | None:
    """The p99 target the stage's types are ranked against: inference.latency_ms_p99, except on an asynchronous
    endpoint that was given none, whose requests wait in a queue (AWS: near-real-time latency, up to an hour a
    request), so its default 1,000 ms is no target there: the stage is sized for its load (AsyncSizer). Stated
    or not is read by value, as the Lambda check reads it (lambda_fit._changed): a target at the default is the
    default."""
    if queued and w.inference.latency_ms_p99 == type(w.inference).model_fields["latency_ms_p99"].default:
        return None
    return w.inference.latency_ms_p99


def _ranked(fitting: list[Candidate], w: Workload, inference: bool, jobs: bool,
            target_ms: float | None) -> list[Candidate]:
    """The fitting candidates in the priority's order (ties keep the knowledge's order; `jobs`: a stage that ends,
    whose ties go to fewer instances).

    cost: the cheapest that meets the need and targets (by size, smallest first, where prices are unknown).
    time: inference, the cheapest whose estimated request time is at most half the p99 target (else the fastest);
    jobs, the cheapest of those within 10% of the shortest estimated job, counting only the devices the workload
    keeps busy.
    balanced: the most usable speed among those costing at most 20% more than the cheapest.
    `target_ms`: the p99 target (latency_target_ms); None: none, so time takes the cheapest of the types within 10%
    of the shortest request time.
    """
    target_s = None if target_ms is None else target_ms / 1000

    def too_slow(c: Candidate) -> bool:  # a batch transform has a time window (sized), not a latency target
        return not jobs and target_s is not None and c.request_s is not None and c.request_s > target_s

    if jobs:
        # a job (training, processing, a batch transform) at the same price (to the cent an hour: 2 x $0.23 is 1 x
        # $0.461) and size runs on fewer, larger instances: fewer containers to start and fewer shards. A run of a
        # batch transform costs cents: it ties only to a hundredth of a cent, or a dearer run would tie with a
        # cheaper one. A CPU training job at priority cost is ranked by its cost a job (per_job), against CPU types
        # only: vCPUs and accelerators do different work, so which kind trains is still the cheaper by the hour.
        # Costs a job tie as prices do, to the cent an hour: each at the pace of the slowest type that fits.
        paces = [c.per_hour / c.per_job for c in fitting if c.per_job and c.per_hour is not None] \
            if w.priority == "cost" else []
        slowest = min(paces, default=1.0)
        first_kind = min(fitting, key=_price).spec.accelerated if paces else None  # of the cheapest by the hour

        def cost_order(c: Candidate) -> tuple[Any, ...]:
            cost = c.cost * slowest if c.per_job is not None else c.cost
            other_kind = first_kind is not None and c.spec.accelerated != first_kind
            return (other_kind, round(cost, 4 if c.per_run is not None else 2), c.size, c.instances,
                    -c.spec.generation_rank)
    else:
        # an endpoint keeps the knowledge's order (more, smaller instances lose less capacity with one)
        def cost_order(c: Candidate) -> tuple[Any, ...]:
            return too_slow(c), c.cost, c.size, -c.spec.generation_rank

    by_cost = sorted(fitting, key=cost_order)
    if w.priority == "cost" or not fitting:
        return by_cost
    if w.priority == "time":
        if inference:
            shortest = min((c.request_s for c in fitting if c.request_s is not None), default=0.0)
            fast_s = shortest * TIME_BAND if target_s is None else target_s / LATENCY_MARGIN

            def is_fast(c: Candidate) -> bool:
                return c.request_s is not None and c.request_s <= fast_s
        else:
            busy = [c for c in fitting if not c.mostly_idle]
            best = max(c.speed for c in busy or fitting)

            def is_fast(c: Candidate) -> bool:
                return not (busy and c.mostly_idle) and c.speed * TIME_BAND >= best
        rest = sorted((c for c in fitting if not is_fast(c)), key=lambda c: (-c.speed, _price(c), c.size))
        return [c for c in by_cost if is_fast(c)] + rest
    band = min(c.cost for c in fitting) * BALANCED_BAND
    within = sorted((c for c in fitting if c.cost <= band),
                    key=lambda c: (too_slow(c), -c.speed, c.cost, c.size, c.instances if jobs else 0,
                                   -c.spec.generation_rank))  # a full tie goes to the newer generation, as at cost
    return within + [c for c in by_cost if c.cost > band]

def _ranking_reason(winner: Candidate, fitting: list[Candidate], w: Workload, inference: bool,
                    target_ms: float | None) -> str:
    n = len(fitting)
    # a batch transform (priced a run) has a time window, which sizing met, not a latency target
    if winner.per_run is None and winner.request_s is not None and target_ms is not None and \
            winner.request_s * 1000 > target_ms:
        return (f"priority {w.priority}: no type that fits meets the p99 target of {target_ms:g} ms "
                f"(about {in_ms(winner.request_s)} ms a request here), so the "
                f"{'fastest' if w.priority == 'time' else 'cheapest'} of {n} is shown ({price_text(winner)} in total)")
    if all(c.per_hour is None for c in fitting):
        return (f"priority {w.priority}: prices are unknown, so the smallest adequate type of {n} that fit was "
                "taken (cost ranking was not possible)")
    slower = ""  # cheaper types the p99 target ranked after the winner: why the cheapest did not win
    if target_ms is not None and winner.per_run is None and winner.per_job is None:
        missed = [c for c in fitting if c.cost < winner.cost and c.request_s is not None
                  and c.request_s * 1000 > target_ms]
        if missed:
            best = min(missed, key=lambda c: c.request_s or 0.0)
            slower = (f"; {len(missed)} cheaper type{'s' if len(missed) > 1 else ''} that fit miss the p99 target of "
                      f"{target_ms:g} ms (about {in_ms(best.request_s or 0.0)} ms a request at best, on "
                      f"{best.spec.name}), so {'they rank' if len(missed) > 1 else 'it ranks'} after the types "
                      "that meet it")
    if n == 1 and winner.per_hour is not None:  # nothing to rank: "the cheapest of 1 types" says nothing
        return (f"priority {w.priority}: the only type that fits ({price_text(winner)} in total), so no other was "
                f"weighed against it{slower}")
    if w.priority == "cost":
        if winner.per_run is not None:
            return (f"priority cost: the cheapest run of {n} types that fit ({run_text(winner)} in total; a batch "
                    "transform is billed while it runs, so a type dearer by the hour that finishes sooner can cost "
                    "less a run)")
        if winner.per_job is not None:
            return (f"priority cost: the cheapest per job of {n} types that fit ({price_text(winner)} in total for "
                    f"{_busy(winner):g} busy vCPUs, {money(winner.per_job)} a vCPU-hour of the job's work; a job "
                    "costs its price x its hours, and its hours fall as the vCPUs it keeps busy rise, so a type "
                    "dearer by the hour that finishes sooner can cost less a job)")
        return f"priority cost: the cheapest of {n} types that fit ({price_text(winner)} in total){slower}"
    if w.priority == "time" and inference and target_ms is None:
        return (f"priority time: the cheapest of the types within {TIME_BAND - 1:.0%} of the shortest estimated "
                f"request time ({in_ms(winner.request_s or 0.0)} ms here; no p99 target: the requests wait in a "
                f"queue), of {n} types that fit ({price_text(winner)} in total){_premium(winner, fitting)}")
    if w.priority == "time" and inference:
        target = w.inference.latency_ms_p99 / LATENCY_MARGIN
        how = (f"the cheapest whose estimated request time ({in_ms(winner.request_s)} ms) is at most half the "
               f"p99 target ({target:g} ms)" if winner.request_s is not None and winner.request_s * 1000 <= target
               else f"nothing reaches half the p99 target ({target:g} ms), so the fastest")
        return (f"priority time: {how}, of {n} types that fit ({price_text(winner)} in total)"
                f"{_premium(winner, fitting)}")
    if w.priority == "time":
        idle = sum(c.mostly_idle for c in fitting)
        their = "their" if idle > 1 else "its"
        skipped = (f"; {idle} type{'s' if idle > 1 else ''} that would leave more than half {their} devices idle "
                   "ranked last" if idle and not winner.mostly_idle else "")
        return (f"priority time: the cheapest of the types within {TIME_BAND - 1:.0%} of the shortest estimated job "
                f"(usable compute {winner.usable:.4g} peak TFLOPS), of {n} that fit ({price_text(winner)} in total)"
                f"{_premium(winner, fitting)}{skipped}")
    return (f"priority balanced: the most usable speed among the types within {BALANCED_BAND - 1:.0%} of the cheapest "
            f"price, of {n} that fit ({price_text(winner)} in total){_premium(winner, fitting)}{slower}")


def _premium(winner: Candidate, fitting: list[Candidate]) -> str:
    """What the winner costs an hour over the cheapest type that fits, where a priority other than cost chose it."""
    cheapest = min(fitting, key=_price)
    if winner is cheapest or winner.per_hour is None or not cheapest.per_hour:
        return ""
    share = winner.per_hour / cheapest.per_hour - 1
    return (f"; {money(winner.per_hour - cheapest.per_hour)}/h ({share:.0%}) more than the cheapest that fits, "
            f"{cheapest.spec.name}")


def _price_reason(c: Candidate, snapshot: PriceSnapshot | None) -> str:
    if snapshot is None:
        return "price unknown: no snapshot for this region"
    if c.price is None or not c.price.known:
        return f"price unknown: {c.itype.name} has no price in the {snapshot.region} snapshot"
    source = "an estimate (" + (c.price.basis or "") + ")" if c.price.estimate else c.price.source
    return f"price ${c.price.usd_per_hour:g}/h per instance, {source}; snapshot as of {snapshot.as_of}"


def price_text(c: Candidate) -> str:
    return "unknown" if c.per_hour is None else f"{money(c.per_hour)}/h"


def run_text(c: Candidate) -> str:
    """A batch type's price of one run beside its price an hour."""
    return price_text(c) if c.per_run is None else f"{money(c.per_run)} a run ({price_text(c)})"


def lost_because(winner: Candidate, other: Candidate, w: Workload, inference: bool) -> str:
    """Why `other` ranked below `winner`, in the terms of the priority."""
    if other.misfit:
        return other.misfit
    if winner.per_job is not None and other.per_job is not None and w.priority == "cost":
        return _lost_per_job(winner, other)
    per_run = winner.per_run is not None and other.per_run is not None
    w_cost, o_cost = (winner.per_run, other.per_run) if per_run else (winner.per_hour, other.per_hour)
    unit = "a run" if per_run else "/h"
    if o_cost is None and w_cost is not None:
        return "no price in the snapshot, so it cannot be shown to be cheaper"
    if o_cost is None and w_cost is None:
        return "larger than needed (prices unknown, so the smallest adequate type was taken)"
    cost_diff = ""
    if o_cost is not None and w_cost is not None and per_run and round(o_cost, 4) == round(w_cost, 4):
        o_cost = w_cost  # runs that cost the same to a hundredth of a cent (as ranking ties them) are the same price
    if o_cost is not None and w_cost is not None and o_cost != w_cost:
        more = o_cost > w_cost
        pct = abs(o_cost - w_cost) / w_cost * 100 if w_cost else 0
        cost_diff = (f"costs {money(abs(o_cost - w_cost))}{' ' if per_run else ''}{unit} {'more' if more else 'less'}"
                     f" ({f'{pct:.0f}%' if pct >= 0.5 else 'under 1%'}) at "
                     f"{run_text(other) if per_run else price_text(other)}")
    if w.priority == "cost":
        if o_cost == w_cost:
            return (f"same {'cost a run' if per_run else 'price'}, "
                    f"{'less compute' if other.speed < winner.speed else _tie(winner, other)}")
        return cost_diff or "not cheaper"
    if w.priority == "time":
        if other.mostly_idle and not winner.mostly_idle and not inference:
            return "the work keeps fewer than half of its devices busy" + (f"; {cost_diff}" if cost_diff else "")
        if other.speed < winner.speed and not (o_cost is not None and w_cost is not None and o_cost < w_cost):
            return f"slower for this work ({_versus(other, winner, inference)})"
        if o_cost is not None and w_cost is not None and o_cost < w_cost:
            return f"not fast enough for priority time ({_versus(other, winner, inference)})"
        return f"no faster for this work, and {cost_diff}" if cost_diff else \
            f"as fast for this work at the same price, {_tie(winner, other)}"
    if o_cost is not None and w_cost is not None and o_cost > w_cost * BALANCED_BAND and o_cost > w_cost:
        return f"more than {BALANCED_BAND - 1:.0%} above the cheapest fitting price ({cost_diff})"
    if other.speed < winner.speed:
        return f"slower for this work ({_versus(other, winner, inference)})" + (
            f"; {cost_diff}" if cost_diff else "")
    return f"no faster, {cost_diff}" if cost_diff else f"as fast for this work at the same price, {_tie(winner, other)}"


def _tie(winner: Candidate, other: Candidate) -> str:
    """What broke a tie on speed and price, in the order the ranking breaks it: the smaller type or fewer
    instances, then the newer generation; else the knowledge's order."""
    if other.size > winner.size:
        return "larger"
    if other.instances > winner.instances:
        return "on more instances"
    if other.spec.generation_rank < winner.spec.generation_rank:
        return "older generation"
    return "listed after it (a full tie)"


def _busy(c: Candidate) -> float:
    """The vCPUs a CPU job keeps busy on `c`, from its cost a job (price an hour over them)."""
    return round(c.per_hour / c.per_job, 3) if c.per_job and c.per_hour is not None else 0.0


def _lost_per_job(winner: Candidate, other: Candidate) -> str:
    """Why a CPU type lost to another at priority cost: what a job costs on each (price x hours)."""
    assert winner.per_job is not None and other.per_job is not None
    at = f"{price_text(other)} for {_busy(other):g} busy vCPUs vs {price_text(winner)} for {_busy(winner):g}"
    ratio = other.per_job / winner.per_job - 1
    if round(ratio, 2) == 0:
        return f"same cost a job ({at}), {'less compute' if other.speed < winner.speed else _tie(winner, other)}"
    if ratio < 0:  # cheaper a job by a fraction of a cent an hour, which the ranking counts as a tie
        return (f"ties on cost a job, which the ranking counts to the cent an hour ({at}; {-ratio:.0%} less "
                f"before rounding), {_tie(winner, other)}")
    return f"costs {ratio:.0%} more a job ({at})"


def _versus(other: Candidate, winner: Candidate, inference: bool) -> str:
    if inference and other.request_s is not None and winner.request_s is not None:
        return f"about {in_ms(other.request_s)} ms a request vs {in_ms(winner.request_s)} ms"
    return f"{_compute(other)} vs {_compute(winner)}"


def _compute(c: Candidate) -> str:
    t = c.itype
    unit = f"{t.accelerator.count}x {t.accelerator.model}" if t.accelerator else f"{t.vcpu} vCPU"
    return f"{c.instances} x {unit}, {c.usable:.4g} usable peak TFLOPS"


# ---- stages without instances: sized as the settings of their request ------------------------------------------

class SettingsSizing(NamedTuple):
    """Sizing's answer for a stage that draws no instance type (serverless): its request's settings and why."""

    settings: Mapping[str, Any]
    fits: bool
    """False when the workload needs more than the option's largest setting (the largest is shown)."""
    reasons: tuple[str, ...]


SettingsSizer = Callable[[Workload, Derived, Knowledge], SettingsSizing]
SETTINGS_SIZERS: dict[str, SettingsSizer] = {}
"""Sizing strategies of stages without instances (StageSpec.instance_stage None), by StageSpec.sizing."""

SERVERLESS_STEP_MB = 1024
"""Serverless memory comes in 1 GB steps (botocore ProductionVariantServerlessConfig.MemorySizeInMB, AWS's
serverless-endpoints.html)."""
SERVERLESS_RUNTIME_GIB = 1.0
"""Serverless memory beside the model's serving memory (weights +20%) for the container's server: AWS sizes it
'at least as large as your model size' (serverless-endpoints.html, Memory size), one worker and one copy of the
model per container, so no per-worker multiple."""


def _option_limit(knowledge: Knowledge, option_id: str, limit_id: str, default: float) -> tuple[float, float]:
    """(min, max) of an inference option's limit from the knowledge, `default` where it says nothing."""
    option = next((o for o in knowledge.hosting_options if o.id == option_id), None)
    limit = next((x for x in option.limits if x.id == limit_id), None) if option else None
    if limit is None:
        return default, default
    low = limit.value.min if limit.value.min is not None else 1
    return low, limit.value.max if limit.value.max is not None else default


def size_serverless(w: Workload, derived: Derived, knowledge: Knowledge) -> SettingsSizing:
    """Memory from the model and the unit of work, concurrency from the load, provisioned concurrency when
    cold starts are not acceptable or the traffic is predictable (AWS: serverless-endpoints.html)."""
    inf = w.inference
    low_mb, top_mb = _option_limit(knowledge, "serverless", "memory_mb", 6144)
    _, top_concurrency = _option_limit(knowledge, "serverless", "max_concurrency", 200)
    model_gb = derived.model_memory_gb
    need_mb = max(inf.memory_mb, (model_gb + SERVERLESS_RUNTIME_GIB) * 1024)
    floor_mb = max(inf.memory_mb, weights_gib(w) * 1024)  # AWS's own bound: at least the model's size
    memory = int(max(low_mb, math.ceil(need_mb / SERVERLESS_STEP_MB) * SERVERLESS_STEP_MB))
    reasons = []
    fits = True
    if memory > top_mb and floor_mb <= top_mb:  # AWS's bound holds, the advisor's headroom does not
        memory = int(top_mb)
        reasons.append(f"MemorySizeInMB {memory}, the largest: it holds the model's {floor_mb:,.0f} MB, as AWS asks "
                       f"(a memory size at least as large as the model), but not the {need_mb:,.0f} MB the advisor "
                       "allows for activations and the serving runtime: watch the endpoint's MemoryUtilization "
                       "metric (serverless-endpoints-monitoring.html), and move to an instance-based endpoint if "
                       "it runs short")
    elif memory > top_mb:
        fits = False
        memory = int(top_mb)
        reasons.append(f"does not fit: {need_mb:,.0f} MB needed, more than Serverless Inference's largest memory "
                       f"size ({top_mb:g} MB); what would have to change: a smaller or quantised model "
                       "(model.precision: int8), or "
                       + (offer(w.stages, *(s for s, o in knowledge.inference_stages()
                                            if o.capabilities.persistent and stage_spec(s).instance_stage is not None))
                          or "this workload's instance-based endpoint stage alone")
                       + ", whose instances have more memory")
    if not reasons or not fits:
        reasons.append(f"MemorySizeInMB {memory}: at least the model's size (AWS), model {model_gb:g} GiB with room "
                       f"for activations + {SERVERLESS_RUNTIME_GIB:g} GiB for the serving runtime = "
                       f"{(model_gb + SERVERLESS_RUNTIME_GIB) * 1024:,.0f} MB, at least inference.memory_mb "
                       f"({inf.memory_mb:g} MB), rounded up to a 1 GB step ({low_mb:g}-{top_mb:g} MB; AWS gives "
                       "vCPUs in proportion to memory)")
    in_flight = inf.requests_per_second * inf.seconds_per_request
    wanted = max(1, math.ceil(in_flight / TARGET_UTILISATION))
    concurrency = min(wanted, int(top_concurrency))
    if math.ceil(in_flight) > top_concurrency:
        fits = False
        reasons.append(f"does not fit: {math.ceil(in_flight):,} requests in flight at peak, more than the "
                       f"{top_concurrency:g} concurrent invocations a serverless endpoint allows; what would have to "
                       "change: a lower load or a faster model, or "
                       + (offer(w.stages, *(s for s, o in knowledge.inference_stages() if o.always_on))
                          or "this workload's real-time endpoint alone"))
    reasons.append(f"MaxConcurrency {concurrency}: {inf.requests_per_second:g} req/s x "
                   f"{inf.seconds_per_request:g} s = {in_flight:.3g} requests in flight at peak, at "
                   f"{TARGET_UTILISATION:.0%} utilisation (requests beyond it are throttled)"
                   + (f"; capped at the {top_concurrency:g} allowed, so a peak leaves "
                      f"{concurrency / in_flight - 1:.0%} headroom instead of the 30% wanted"
                      if fits and wanted > concurrency else ""))
    settings: dict[str, Any] = {"MemorySizeInMB": memory, "MaxConcurrency": concurrency}
    predictable = inf.traffic in ("steady", "scheduled")
    if not inf.cold_starts_ok or predictable:
        provisioned = min(concurrency, max(1, math.ceil(in_flight)))
        settings["ProvisionedConcurrency"] = provisioned
        why = ("inference.cold_starts_ok is false" if not inf.cold_starts_ok else
               f"{inf.traffic} traffic is predictable and has a p99 target of {inf.latency_ms_p99:g} ms")
        reasons.append(f"ProvisionedConcurrency {provisioned} (the requests in flight at peak, kept warm): {why}; "
                       "AWS: provisioned concurrency keeps that many ready to answer within milliseconds and is "
                       "the cost-effective choice for predictable bursts, while on-demand serverless suits idle "
                       "periods that tolerate cold starts")
    else:
        reasons.append(f"no provisioned concurrency: {inf.traffic} traffic and cold starts acceptable "
                       "(inference.cold_starts_ok); the first request after idle time waits for a cold start")
    reasons.append("no instance type to choose: Serverless Inference runs on CPU, without a VPC or network isolation")
    return SettingsSizing(settings, fits, tuple(reasons))


SETTINGS_SIZERS["serverless"] = size_serverless
