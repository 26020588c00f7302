"""The stage registry: every SageMaker stage the advisor sizes, prices, explains and builds requests for.

Every stage-shaped table in the product comes from here: the Workload's `stages` values, the CLI's `--stage`
and `--component` choices, the price component a stage is billed under, its cost period, the report's section
titles, the questionnaire's stage-dependent sections, the requests built for it and the instance types it may
use. This module sits at the bottom layer (no pydantic, nothing of ours imported) so knowledge, recommend,
pricing, builders, cli and tui can all read it.

How a stage is sized and costed is named here and implemented above: `sizing` and `costing` are keys of the
strategy tables in `advisor.recommend.sizing` (SIZERS) and `advisor.recommend.costing` (COSTERS).

How to add a stage (README.md, "Adding a stage", has the whole list; at most four Python files):

1. a `StageSpec(...)` row below, in the order it should appear (after its closest relative);
2. a Workload section in `advisor/workload.py`, only when it reads inputs no section has (the questionnaire
   asks it beside the stage's other sections);
3. when no existing strategy fits, its sizing strategy registered under a new name in
   `advisor/recommend/sizing.py` (and a costing strategy in `advisor/recommend/costing.py` when none fits); a
   stage without instances (`instance_stage=None`, e.g. serverless_inference) is sized as its request's settings
   instead, in SETTINGS_SIZERS and SETTINGS_COSTERS of the same modules, and its StageChoice carries them in
   `settings`;
4. when its requests differ from what the builders write, `advisor/builders/sagemaker.py` (a new operation: a
   builder function and its row in that module's OPERATIONS, in the order requests are sent). Builders find
   their stage by operation, so a stage that lists existing operations gets those requests from its own choice.

YAML: a families decision in `rules/decisions/` whose `stages:` lists it (the knowledge check insists) unless it
draws from no instance enum, and its rows in the exclusion, security and Lambda-check decisions. Tests and the
JSON Schema pick the new stage up from here (regenerate schemas/ with `advisor kb schemas`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, NamedTuple

CostPeriod = Literal["month", "run", "job"]


class InstanceStage(NamedTuple):
    """A place an ml.* instance type runs, as botocore's SageMaker model enumerates them."""

    id: str
    enum_shape: str
    """The botocore shape whose enum lists the types allowed here."""
    price_component: str
    """The component its on-demand prices are filed under in a price snapshot."""


#: botocore's instance-type enums; an instance type's `stages` in rules/knowledge lists these ids.
INSTANCE_STAGES: dict[str, InstanceStage] = {s.id: s for s in (
    InstanceStage("notebook", "InstanceType", "notebook"),
    InstanceStage("training", "TrainingInstanceType", "training"),
    InstanceStage("hosting", "ProductionVariantInstanceType", "hosting"),
    InstanceStage("batch_transform", "TransformInstanceType", "batch_transform"),
    InstanceStage("processing", "ProcessingInstanceType", "processing"),
)}

#: Every price component a snapshot may hold: one per instance stage, plus managed spot training.
PRICE_COMPONENTS: tuple[str, ...] = (
    "notebook", "training", "spot_training", "hosting", "batch_transform", "processing")


class StageSpec(NamedTuple):
    """One workload stage: what it is called, what it runs on, how it is billed, sized and built."""

    id: str
    title: str
    """The report's section title, e.g. "Real-time endpoint"."""
    instance_stage: str | None
    """The INSTANCE_STAGES id its types come from; None for a serverless stage (no instance type)."""
    price_component: str | None
    """The snapshot component its instance-hours are priced under (None: priced some other way)."""
    cost_period: CostPeriod
    """What one estimated cost covers: a month of running, one run, or one job."""
    sections: tuple[str, ...]
    """The Workload sections it reads (the questionnaire asks them only when the stage is chosen)."""
    operations: tuple[str, ...]
    """The AWS requests that carry it out (names of Operation rows: builders/sagemaker.py OPERATIONS, ...)."""
    instance_operation: str | None
    """Of those, the request whose instance type is this stage's choice (None: no instance)."""
    sizing: str
    """Key of its sizing strategy in advisor.recommend.sizing.SIZERS."""
    costing: str
    """Key of its costing strategy in advisor.recommend.costing.COSTERS."""
    max_count: int
    """The most instances sizing may recommend before the stage is called a misfit (1 for a stage without
    instances)."""
    aliases: tuple[str, ...] = ()
    """Other names users may type for it (botocore's: hosting, batch_transform)."""
    max_count_basis: str = ""
    """Where max_count comes from, in the words that follow "more than the N" when a stage would need more (a
    service quota or the API's bound); empty: "this stage allows"."""
    hosting_option: str | None = None
    """The SageMaker inference option it is (an id in rules/knowledge/hosting_options.yaml), for inference stages."""
    limits_are_errors: bool = False
    """Its option's payload and time limits, and a GPU it lacks, are workload errors naming the field (serverless,
    asynchronous); a real-time endpoint's limits are warnings naming the option that fits instead."""
    data_job_hours: float | None = None
    """For a job that runs the user's own code over a data set in S3 (processing), the most hours one run may take
    (its StoppingCondition.MaxRuntimeInSeconds / 3600). Such a job has no request payload and no per-request time
    limit, so it is the stage offered for records and requests no inference option takes (its code loads the
    model and reads each object itself). None for every other stage."""


_REGISTRY: dict[str, StageSpec] = {}
_GENERATION = [0]
"""Bumped on every register and unregister, so tables derived from the registry know when to rebuild."""
_READERS: dict[str, tuple[str, ...] | None] = {}
"""Workload section -> the stages that read it (stages_reading), emptied on every register and unregister."""


def generation() -> int:
    """How many times the registry has changed: a key for tables derived from it (Knowledge.inference_stages)."""
    return _GENERATION[0]


def register(spec: StageSpec) -> StageSpec:
    """Add a stage (last in order). Raises ValueError on a repeated id or alias, or an unknown instance stage."""
    if spec.id in _REGISTRY:
        raise ValueError(f"stage {spec.id!r} is already registered")
    if spec.instance_stage is not None and spec.instance_stage not in INSTANCE_STAGES:
        raise ValueError(f"stage {spec.id!r}: unknown instance stage {spec.instance_stage!r} "
                         f"(one of {', '.join(INSTANCE_STAGES)})")
    if spec.price_component is not None and spec.price_component not in PRICE_COMPONENTS:
        raise ValueError(f"stage {spec.id!r}: unknown price component {spec.price_component!r}")
    taken = {name for s in _REGISTRY.values() for name in (s.id, *s.aliases)}
    clash = [name for name in (spec.id, *spec.aliases) if name in taken]
    if clash:
        raise ValueError(f"stage {spec.id!r}: {', '.join(clash)} already names a stage")
    _REGISTRY[spec.id] = spec
    _GENERATION[0] += 1
    _READERS.clear()
    return spec


def unregister(stage_id: str) -> None:
    """Remove a stage (for tests that register a toy stage)."""
    del _REGISTRY[stage_id]
    _GENERATION[0] += 1
    _READERS.clear()


def stage(stage_id: str) -> StageSpec:
    """The stage with this id or alias; KeyError when none."""
    found = _REGISTRY.get(stage_id)
    if found is not None:
        return found
    for spec in _REGISTRY.values():
        if stage_id in spec.aliases:
            return spec
    raise KeyError(stage_id)


def stages() -> tuple[StageSpec, ...]:
    """Every registered stage, in registry order (the order reports and choices list them)."""
    return tuple(_REGISTRY.values())


def stage_ids() -> tuple[str, ...]:
    """The ids a workload's `stages` may hold."""
    return tuple(_REGISTRY)


def stage_names() -> tuple[str, ...]:
    """Ids and aliases: the choices of a CLI `--stage` that also accepts botocore's names."""
    return tuple(dict.fromkeys(name for s in _REGISTRY.values() for name in (s.id, *s.aliases)))


def instance_stage_of(name: str) -> str | None:
    """The INSTANCE_STAGES id a workload stage id, an alias or an instance stage id itself stands for."""
    if name in INSTANCE_STAGES:
        return name
    return stage(name).instance_stage


def component_names() -> tuple[str, ...]:
    """What `pricing show --component` accepts: the components, then every stage id (one billed per use, with no
    component, stands for the snapshot's blocks of other prices: a user types the stage names of the workload)."""
    return tuple(dict.fromkeys((*PRICE_COMPONENTS, *_REGISTRY)))


def component_of(name: str) -> str:
    """The price component a component name or a stage id stands for; KeyError when neither."""
    if name in PRICE_COMPONENTS:
        return name
    component = stage(name).price_component
    if component is None:
        raise KeyError(name)
    return component


def stage_of_option(option_id: str) -> str:
    """The stage id a user puts in `stages` to get an inference option; KeyError when no stage is that option."""
    found = next((s.id for s in _REGISTRY.values() if s.hosting_option == option_id), None)
    if found is None:
        raise KeyError(option_id)
    return found


def offer(chosen: Iterable[str], *candidates: str) -> str | None:
    """The stages to suggest, written as a user puts them in `stages` ("stages: [a] or [b]"), leaving out those
    the workload has already chosen: advice never offers a stage the workload has. None when it has them all."""
    have = set(chosen)
    new = [c for c in candidates if c not in have]
    return "stages: " + " or ".join(f"[{c}]" for c in new) if new else None


def data_job_stages() -> tuple[StageSpec, ...]:
    """The stages that run the user's own code over a data set (StageSpec.data_job_hours), in registry order:
    what takes records and requests that no inference option's payload or time limit allows."""
    return tuple(s for s in _REGISTRY.values() if s.data_job_hours is not None)


def endpoint_stages() -> tuple[str, ...]:
    """The stages that create a SageMaker endpoint, in registry order."""
    return tuple(s.id for s in _REGISTRY.values() if "CreateEndpoint" in s.operations)


def stages_reading(section: str) -> tuple[str, ...] | None:
    """The stages that read a Workload section; None when no stage claims it (it matters to every stage)."""
    if section not in _READERS:
        _READERS[section] = tuple(s.id for s in _REGISTRY.values() if section in s.sections) or None
    return _READERS[section]


for _spec in (
    StageSpec("notebook", "Notebook instance", "notebook", "notebook", "month", ("notebook",),
              ("CreateNotebookInstanceLifecycleConfig", "CreateNotebookInstance"), "CreateNotebookInstance",
              sizing="notebook", costing="notebook", max_count=1),
    StageSpec("training", "Training job", "training", "training", "job", ("training",),
              ("CreateTrainingJob",), "CreateTrainingJob", sizing="training", costing="training", max_count=16),
    StageSpec("tuning", "Hyperparameter tuning job", "training", "training", "job", ("training", "tuning"),
              ("CreateHyperParameterTuningJob",), "CreateHyperParameterTuningJob",
              sizing="training", costing="tuning", max_count=16),
    StageSpec("realtime_inference", "Real-time endpoint", "hosting", "hosting", "month", ("inference",),
              ("CreateModel", "CreateEndpointConfig", "CreateEndpoint", "CreateInferenceComponent"),
              "CreateEndpointConfig", sizing="endpoint", costing="endpoint", max_count=40, aliases=("hosting",),
              hosting_option="realtime"),
    StageSpec("serverless_inference", "Serverless endpoint", None, None, "month", ("inference",),
              ("CreateModel", "CreateEndpointConfig", "CreateEndpoint"), None,
              sizing="serverless", costing="serverless", max_count=1, hosting_option="serverless",
              limits_are_errors=True),
    StageSpec("async_inference", "Asynchronous endpoint", "hosting", "hosting", "month", ("inference",),
              ("CreateModel", "CreateEndpointConfig", "CreateEndpoint", "RegisterScalableTarget", "PutScalingPolicy"),
              "CreateEndpointConfig", sizing="async", costing="async", max_count=40, hosting_option="async",
              limits_are_errors=True),
    StageSpec("batch_inference", "Batch transform", "batch_transform", "batch_transform", "run",
              ("inference", "batch"), ("CreateModel", "CreateTransformJob"), "CreateTransformJob",
              sizing="batch", costing="batch", max_count=40, aliases=("batch_transform",),
              hosting_option="batch_transform"),
    StageSpec("processing", "Processing job", "processing", "processing", "job", ("processing",),
              ("CreateProcessingJob",), "CreateProcessingJob", sizing="job", costing="processing", max_count=20,
              # a service quota, not the API's bound: botocore ProcessingClusterConfig.InstanceCount accepts 1-100,
              # but SageMaker's Service Quotas "Maximum number of instances per processing job" is 20 by default
              # (and "Number of instances across all processing jobs" bounds the account), so a job sized past 20
              # is refused with ResourceLimitExceeded unless the quota was raised
              max_count_basis="instances one processing job may have under SageMaker's default service quota "
                              "(Maximum number of instances per processing job; CreateProcessingJob's InstanceCount "
                              "itself accepts up to 100): ask for a higher quota in Service Quotas, or split the "
                              "input across several jobs",
              data_job_hours=216),  # botocore ProcessingStoppingCondition.MaxRuntimeInSeconds max 777,600 s
):
    register(_spec)
