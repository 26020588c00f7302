"""The workload: what a user tells the advisor about their ML job (the public contract of the engine).

Defaults are what a user who says nothing most likely means (a small, internal, tabular job); every default is
visible in the JSON Schema and in `advisor explain`, so nothing is decided behind the user's back. Facts the
rules need but the user does not state (the working set, the memory a model takes) are derived here, in one
place, and shown in the trace under `derived.*`.
"""

import dataclasses
import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self, Union, get_args, get_origin

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from advisor import stages as stage_registry
from advisor.base import Frozen, Id
from advisor.documents import parse_yaml, problems_of_values, read_yaml, validate_document
from advisor.engine.conditions import FieldSpec
from advisor.errors import Problem, WorkloadError
from advisor.numbers import MAX_MAGNITUDE, Finite, FiniteInt, not_finite, written_infinite
from advisor.regions import region_problem

if TYPE_CHECKING:
    from advisor.knowledge.models import HostingOption, Knowledge, LlmArchitecture



class WorkloadStage(str):
    """A stage id from the stage registry (advisor/stages.py), checked when a workload validates.

    Not a Literal: the registry decides which ids exist, so a stage registered there is a valid workload stage
    with no edit here. A wrong id fails like a Literal would (literal_error, the allowed ids listed).
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_known_stage, core_schema.str_schema())

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> dict[str, Any]:
        return {"enum": list(stage_registry.stage_ids()), "type": "string"}


MAX_STAGES_LISTED = 64
"""A workload lists each stage once; far more is not a workload (a 16 MiB list of them was a million errors)."""


def _few_enough(value: Any) -> Any:
    """Refuse an overlong stage list before its items are validated: pydantic checks a tuple's length only after
    validating every item, and a 16 MiB list of bad names took minutes and gigabytes to report."""
    if isinstance(value, (list, tuple)) and len(value) > MAX_STAGES_LISTED:
        raise ValueError(f"lists {len(value)} stages; a workload lists each of its stages once (at most "
                         f"{MAX_STAGES_LISTED})")
    return value


def _known_stage(value: str) -> str:
    """The stage's id; an alias the registry knows (botocore's `hosting`, `batch_transform`, which `--stage` also
    takes) stands for its stage, so the workload holds ids only."""
    ids = stage_registry.stage_ids()
    if value in ids:
        return value
    if value in stage_registry.stage_names():
        return stage_registry.stage(value).id
    expected = " or ".join((", ".join(repr(i) for i in ids[:-1]), repr(ids[-1])))
    raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": expected})


_EXPONENT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+")


def _exponent_number(value: Any) -> Any:
    """`2e7` as the number it is: YAML 1.1 (PyYAML) reads an exponent without a dot as text although nobody
    quoted it, where YAML 1.2 and JSON read a number. Any other text stays text, for the strict check to refuse.
    A figure too large for a float (`1e400`) is refused as written: as the infinity it reads as, it was "got inf"."""
    if value.__class__ is str and _EXPONENT.fullmatch(value):
        too_large = written_infinite(value)
        if too_large:
            raise ValueError(not_finite(too_large))
        return float(value)
    return value


YamlNumber = BeforeValidator(_exponent_number)

Number = Annotated[Finite, Strict(), YamlNumber]
"""A workload's number: an int or a float as written, never `true` (pydantic reads it as 1) nor the text "12" (a
quoted number is a string in YAML and JSON, and a user who quoted it did not mean a number silently): either is
refused at its field, as every other wrong type is. Figures a user may leave unsaid are a Within (below)."""
WholeNumber = Annotated[FiniteInt, Strict(), YamlNumber]
"""A workload's whole number: an int, never a bool, a text or a float (2.5 models is no count)."""


@dataclass(frozen=True, slots=True)
class Within:
    """The bounds of a number field with its own range: `Annotated[float | None, Within(gt=0, le=24)]` is a
    number (or, with `| None`, a figure the user may leave unsaid) as strict as Number and WholeNumber, between
    the bounds, and read as YAML 1.2 reads `2e7`.

    Why not `Number | None = Field(gt=0, le=24)`: pydantic applies a field's bounds to an optional type outside
    the exponent reading, as separate checks whose JSON Schema is pydantic's internal `gt`/`le` rather than
    `exclusiveMinimum`/`maximum`. The bounds go inside, on the number itself, as the published schema and every
    error message have them. Why not Number's bound either: these fields keep their own upper bound's message
    ("must be at most 24") where Number says "between -10^12 and 10^12".

    `why`: the upper bound is AWS's, not ours, and a figure past it is refused with why (`training.max_hours: must
    be at most 672, got 1000: ...28 days...`), since a bare "at most 672" read as the advisor's whim; `why` names
    the limit in AWS's words and where AWS states it. One `le` is both the schema's maximum and this check, so the
    two cannot drift apart."""

    gt: float | None = None
    ge: float | None = None
    le: float | None = None
    why: str | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        args = get_args(source)
        optional = type(None) in args
        number = next(a for a in args if a is not type(None)) if optional else source
        bounds = {name: getattr(self, name) for name in ("gt", "ge", "le") if getattr(self, name) is not None}
        # the limit's check runs on the number as read (`1e4` too, after YamlNumber) and before the bound's own,
        # so its message is the one a user sees
        limit = (BeforeValidator(self._past_aws_limit),) if self.why else ()
        shape: Any = Annotated[number, Strict(), Field(**bounds), *limit, YamlNumber]
        return handler.generate_schema(shape | None if optional else shape)

    def _past_aws_limit(self, value: Any) -> Any:
        # only a finite number: inf and NaN (`.inf`, JSON's 1e400) fail the field's own finite check, whose words
        # are the same however the infinity was spelled; text and a yes/no fail its strict type check
        if self.le is not None and (value.__class__ is int or (value.__class__ is float and math.isfinite(value))) \
                and value > self.le:
            raise PydanticCustomError("less_than_equal", "Input should be less than or equal to {le}",
                                      {"le": self.le, "why": self.why})
        return value


YesNo = Annotated[bool, Strict()]
"""A workload's yes/no: true or false as written; 1, "yes" in quotes or "false" (text that pydantic read as
True or False) is refused at its field."""

MAX_DATA_GB = 10_000_000
"""10 PB: a data set beyond it is no SageMaker job's input (a plain bound error, not a trillion-dollar answer)."""
MAX_PARAMETERS_MILLIONS = 100_000_000
"""100 trillion parameters: fifty times the largest models published (about 2 trillion)."""
MAX_REQUESTS_PER_SECOND = 1_000_000
"""A million requests a second: more than one endpoint serves (40 instances by default, each a few thousand
requests a second at best for a 1 ms model); such traffic is split over several endpoints or regions."""
MAX_MODELS = 100_000
"""A hundred thousand models behind one endpoint: beyond what AWS's examples show for multi-model endpoints
("thousands"); a bound on the input, not a SageMaker limit."""
PROCESSING_MAX_HOURS = 216
"""ProcessingStoppingCondition.MaxRuntimeInSeconds at most 777,600 s (botocore 1.44.5, sagemaker)."""
PROCESSING_LIMIT = ("216 hours (777,600 s, 9 days) is the longest SageMaker runs a processing job: "
                    "ProcessingStoppingCondition.MaxRuntimeInSeconds is at most 777600 (the SageMaker API reference, "
                    "botocore's sagemaker model); split the input over several jobs or instances")
TRAINING_MAX_HOURS = 28 * 24
"""StoppingCondition.MaxRuntimeInSeconds: "The maximum value is 28 days" (the SageMaker API reference, as botocore
1.44.5's sagemaker model documents it; its shape states no maximum, so botocore itself would send 29 days)."""
TRAINING_LIMIT = ("672 hours is 28 days, the longest SageMaker runs a training job: StoppingCondition."
                  "MaxRuntimeInSeconds, \"The maximum value is 28 days\" (the SageMaker API reference); a longer "
                  "training saves checkpoints (CheckpointConfig) and continues in a new job from the last one")

Priority = Literal["cost", "balanced", "time"]
DataKind = Literal["tabular", "images", "text", "audio", "timeseries", "other"]
Sensitivity = Literal["public", "internal", "confidential", "regulated"]
BuiltinAlgorithm = Literal["xgboost", "linear_learner", "knn", "kmeans", "pca", "random_cut_forest", "deepar",
                           "blazingtext", "object2vec", "image_classification", "object_detection",
                           "semantic_segmentation", "seq2seq", "lda", "ntm", "ip_insights", "factorization_machines"]
"""The 17 SageMaker built-in algorithms (rules/knowledge/algorithms.yaml holds AWS's guidance for each)."""
FrameworkId = Literal["pytorch", "tensorflow", "huggingface", "mxnet", "sklearn", "lightgbm", "lmi", "tgi", "vllm",
                      "custom"]
"""Frameworks and LLM serving stacks (rules/knowledge/algorithms.yaml, `frameworks`)."""
Algorithm = Literal[BuiltinAlgorithm, FrameworkId]
AlgorithmMode = Literal["cbow", "skipgram", "batch_skipgram", "supervised"]
Precision = Literal["fp32", "fp16", "bf16", "fp8", "int8", "int4"]
FineTuning = Literal["full", "lora", "qlora"]
ModelKind = Literal["classical", "tree_based", "deep_learning", "llm"]
GpuNeed = Literal["auto", "required", "none"]
Traffic = Literal["steady", "spiky", "sporadic", "scheduled"]


class Data(Frozen):
    size_gb: Number = Field(default=1, ge=0, le=MAX_DATA_GB, description="Size of the training data set, in GB "
                                                                         "(at most 10 PB).")
    in_memory_gb: Annotated[float | None, Within(gt=0, le=MAX_DATA_GB)] = Field(
        default=None,
        description="Working set that must fit in RAM at once, in GB; derived from size_gb and kind when absent.")
    kind: DataKind = Field(default="tabular", description=(
        "What the data is; tabular and timeseries data are loaded whole, images, text and audio stream in "
        "mini-batches. A built-in algorithm that takes no tabular data sets its own when this is absent."))
    sensitivity: Sensitivity = Field(default="internal", description="How sensitive the data is; confidential and "
                                                                     "regulated data get stricter security settings.")
    private_sources: YesNo = Field(default=False, description="The data lives in a VPC or on premises.")


class Model(Frozen):
    algorithm: Algorithm = Field(default="xgboost", description=(
        "A SageMaker built-in algorithm (xgboost, linear_learner, deepar, ...), a framework (pytorch, ...) or an "
        "LLM serving stack (lmi, tgi, vllm); absent: by model.kind (tree_based xgboost, classical sklearn, "
        "deep_learning pytorch, llm huggingface), else xgboost."))
    kind: ModelKind = Field(default="tree_based", description=(
        "The kind of model; deep_learning and llm models are sized for accelerators. Absent: a built-in "
        "algorithm's own kind (AWS's), a framework's usual one, else tree_based."))
    parameters_millions: Number = Field(default=0, ge=0, le=MAX_PARAMETERS_MILLIONS, description=(
        "Parameters of a neural network, in millions (at most 100 trillion); 0 when unknown or not a neural "
        "network."))
    size_mb: Number = Field(default=100, gt=0, description="Size of the model artifact, in MB.")
    precision: Precision | None = Field(default=None, description="Numeric precision of the served weights (fp32, "
                                                                   "fp16, bf16, fp8, int8, int4); absent: fp16 for "
                                                                   "an LLM, fp32 otherwise. bf16 and fp8 need an "
                                                                   "accelerator that computes in them.")
    mode: AlgorithmMode | None = Field(default=None, description="The built-in algorithm's training mode where "
                                                                 "AWS's instance guidance depends on it (BlazingText: "
                                                                 "cbow, skipgram, batch_skipgram, supervised).")
    architecture: Id | None = Field(default=None, description=(
        "LLM serving: a known model family, one of the ids in rules/knowledge/llm_architectures.yaml (`advisor kb "
        "show architectures`: llama-2-70b, llama-3.1-8b, mistral-7b, mixtral-8x7b, ...), whose published layers, "
        "key-value heads and head size size the KV cache (grouped-query attention), and whose parameter count is "
        "used when model.parameters_millions is 0."))
    layers: Annotated[int | None, Within(ge=1, le=1000)] = Field(default=None, description=(
        "LLM serving: decoder layers (config.json num_hidden_layers); overrides model.architecture's."))
    kv_heads: Annotated[int | None, Within(ge=1, le=1024)] = Field(default=None, description=(
        "LLM serving: key-value heads per layer (config.json num_key_value_heads; fewer than the attention heads "
        "under grouped-query attention, 1 under multi-query attention); overrides model.architecture's."))
    head_dim: Annotated[int | None, Within(ge=1, le=4096)] = Field(default=None, description=(
        "LLM serving: size of one attention head (hidden_size / num_attention_heads, usually 128); overrides "
        "model.architecture's."))


class Notebook(Frozen):
    hours_per_day: Number = Field(default=8, gt=0, le=24, description="Hours a day the notebook instance runs "
                                                                     "(it is billed while it runs).")
    gpu: YesNo = Field(default=False, description="Interactive GPU work in the notebook itself.")


class Training(Frozen):
    max_hours: Annotated[float, Within(gt=0, le=TRAINING_MAX_HOURS, why=TRAINING_LIMIT)] = Field(
        default=1, description="Longest a training job may run, in hours (SageMaker allows 672: 28 days).")
    distributed: YesNo = Field(default=False, description="Training runs on several instances at once.")
    interruptible: YesNo = Field(default=False, description="Checkpointed, so managed spot training is fine.")
    gpu: GpuNeed = Field(default="auto", description="auto: a GPU when the model is deep learning or an LLM; "
                                                     "required: always; none: CPUs only (no GPU, Trainium or "
                                                     "Gaudi).")
    method: FineTuning = Field(default="full", description="How a deep model or LLM is trained: full (every "
                                                           "weight), lora (adapters on 16-bit weights) or qlora "
                                                           "(adapters on 4-bit weights).")


class Tuning(Frozen):
    max_jobs: WholeNumber = Field(default=10, ge=1, le=750, description="Training jobs the tuning job runs in all.")
    max_parallel_jobs: WholeNumber = Field(default=2, ge=1, le=100, description=(
        "Training jobs run at the same time; at most max_jobs."))
    strategy: Literal["Bayesian", "Random", "Hyperband", "Grid"] = Field(
        default="Bayesian", description="How the tuning job chooses the next hyperparameters to try.")

    @model_validator(mode="after")
    def _parallel_within_total(self) -> Self:
        if self.max_parallel_jobs > self.max_jobs:
            raise ValueError(f"max_parallel_jobs ({self.max_parallel_jobs}) is more than max_jobs ({self.max_jobs})")
        return self


class Inference(Frozen):
    """One unit of work per request or invocation; the Lambda check reads it whatever the stages."""

    requests_per_second: Number = Field(default=1, ge=0, le=MAX_REQUESTS_PER_SECOND, description=(
        "Requests (or invocations) a second at peak (at most a million: beyond what one endpoint serves)."))
    latency_ms_p99: Number = Field(default=1000, gt=0, description="Latency 99% of requests must beat, in ms.")
    payload_mb: Number = Field(default=0.1, ge=0, description="Size of one request's payload, in MB.")
    seconds_per_request: Number = Field(default=0.1, gt=0, description=(
        "Compute time of one request on one vCPU, in seconds (an LLM's too: the whole generation's); on an "
        "accelerator it is this over inference.accelerator_speedup, else over a speed-up assumed by model kind and "
        "device, said in the reasons."))
    traffic: Traffic = Field(default="steady", description="How requests arrive; steady traffic rules out burstable "
                                                           "T instances, spiky or sporadic traffic may go serverless.")
    memory_mb: Number = Field(default=1024, gt=0, description="Memory one unit of work needs, in MB.")
    package_mb: Number = Field(default=100, gt=0, description="Code and model, unzipped, in MB.")
    tmp_mb: Number = Field(default=0, ge=0, description="Scratch space the unit of work writes, in MB.")
    gpu: GpuNeed = Field(default="auto", description="auto: the advisor decides from the model; required: a GPU "
                                                     "always; none: CPUs only (no GPU, Inferentia or Trainium).")
    production: YesNo = Field(default=True, description="Serves users: at least two instances for availability.")
    layers: WholeNumber = Field(default=0, ge=0, description="Lambda layers the function would need.")
    environment_kb: Number = Field(default=0, ge=0, description="Size of the environment variables, in KB.")
    context_tokens: WholeNumber = Field(default=4096, ge=1, le=2_000_000, description="LLM serving: prompt plus "
                                                                          "generated tokens of one sequence.")
    accelerator_speedup: Annotated[float | None, Within(gt=0, le=10_000)] = Field(
        default=None, description=(
            "How many times faster one accelerator device (GPU, Inferentia) serves one request than one vCPU, if "
            "you measured it; absent: an assumption by model kind and accelerator generation, stated in the "
            "reasons."))
    concurrent_sequences: Annotated[int | None, Within(ge=1, le=100_000)] = Field(
        default=None, description=(
        "LLM serving: sequences in flight at once on one endpoint instance; absent: requests_per_second x a "
        "sequence's time on the accelerator (seconds_per_request over the speed-up) spread over the instances, at "
        "most the batching slots of one."))
    accelerator: Annotated[str, Field(min_length=1, max_length=40)] | None = Field(default=None, description=(
        "The accelerator model the inference stages must use (as rules/knowledge/accelerators.yaml names it: "
        "T4, A10G, L4, L40S, H100, Inferentia2, ...); absent: the advisor chooses. It must be able to run "
        "model.precision."))
    cold_starts_ok: YesNo = Field(default=True, description=(
        "Callers can wait for a cold start (seconds) when a request arrives after idle time: a serverless "
        "endpoint without provisioned concurrency, or an asynchronous endpoint scaled to zero."))
    idle_periods: YesNo | None = Field(default=None, description=(
        "Traffic stops for long stretches (nights, weekends, between batches), so an asynchronous endpoint may "
        "scale to zero; absent: sporadic and scheduled traffic have idle periods, steady and spiky do not."))
    active_hours_per_day: Annotated[float | None, Within(gt=0, le=24)] = Field(
        default=None, description=(
            "Hours a day requests arrive at about the peak rate, for the costs of options billed by use (a "
            "serverless endpoint, an asynchronous endpoint that scales to zero); absent: 24, an upper bound."))
    models: Annotated[int, Within(ge=1, le=MAX_MODELS)] = Field(default=1, description=(
        "Distinct models the endpoint serves (per-customer or per-region models, several frameworks, several "
        "LLMs, or the containers of a pre/post-processing chain); requests_per_second is all of them together. "
        "Above 1 the advisor chooses how they share a real-time endpoint: a multi-model endpoint, a "
        "multi-container endpoint or inference components."))
    same_container: YesNo = Field(default=True, description=(
        "The models run in one serving container (one framework and version, e.g. hundreds of XGBoost models); "
        "false when they need different containers (several frameworks)."))
    hot_models: Annotated[int | None, Within(ge=1, le=MAX_MODELS)] = Field(
        default=None, description=(
        "Models in use at about the same time: the set a multi-model endpoint keeps loaded in memory (the others "
        "are loaded from S3 on their next request, a cold load); absent: all of inference.models, an upper "
        "bound."))
    serial: YesNo = Field(default=False, description=(
        "Each request passes through the models in order (pre-processing, model, post-processing): a serial "
        "inference pipeline, inference.models being its containers."))
    models_reused: YesNo = Field(default=True, description=(
        "A model is invoked again while it is still loaded (the usual case); false when each model is invoked "
        "once or very rarely (a model per document, job or one-off request): a multi-model endpoint then disables "
        "its model cache (MultiModelConfig.ModelCacheSetting Disabled), as AWS recommends for higher throughput."))


class Batch(Frozen):
    records_per_run: WholeNumber = Field(default=100_000, ge=1, description="Records in one batch transform run.")
    max_hours: Number = Field(default=4, gt=0, description="Deadline for one batch transform run, in hours.")
    runs_per_month: WholeNumber = Field(default=30, ge=1, description="Batch transform runs a month.")


class Processing(Frozen):
    max_hours: Annotated[float, Within(gt=0, le=PROCESSING_MAX_HOURS, why=PROCESSING_LIMIT)] = Field(
        default=1, description=(
        "Longest a processing job may run, in hours (SageMaker allows 216: MaxRuntimeInSeconds 777,600)."))
    runs_per_month: WholeNumber = Field(default=30, ge=1, description="Processing jobs a month.")
    data_gb: Annotated[float | None, Within(gt=0, le=MAX_DATA_GB)] = Field(
        default=None, description="Data one processing job reads, in GB; absent: data.size_gb.")
    gb_per_vcpu_hour: Annotated[float | None, Within(gt=0, le=100_000)] = Field(
        default=None, description=(
            "GB one vCPU processes in an hour, if you measured it; absent: an assumption by data kind, stated in "
            "the reasons. With max_hours it decides how many instances share the job (inputs sharded by S3 key)."))


Invocation = Literal["sync", "async", "event_source", "stream"]


class LambdaFunction(Frozen):
    """What you state about a Lambda function for the work, when you are weighing Lambda: each figure you leave
    out is taken from the stage (an inference request, a processing job) and the verdict says it was."""

    memory_mb: Annotated[float | None, Within(gt=0, le=MAX_MAGNITUDE)] = Field(
        default=None, description="Memory one invocation needs, in MB.")
    timeout_seconds: Annotated[float | None, Within(gt=0, le=MAX_MAGNITUDE)] = Field(
        default=None, description="How long one invocation runs, in seconds.")
    package_mb: Annotated[float | None, Within(gt=0, le=MAX_MAGNITUDE)] = Field(
        default=None, description="Code and model, unzipped, layers included, in MB.")
    payload_mb: Annotated[float | None, Within(ge=0, le=MAX_MAGNITUDE)] = Field(
        default=None, description="Size of one invocation's payload (request or response), in MB.")
    tmp_mb: Annotated[float | None, Within(ge=0, le=MAX_MAGNITUDE)] = Field(
        default=None, description="Scratch space one invocation writes to /tmp, in MB.")
    layers: Annotated[int | None, Within(ge=0, le=1000)] = Field(
        default=None, description="Layers the function uses.")
    environment_kb: Annotated[float | None, Within(ge=0, le=MAX_MAGNITUDE)] = Field(
        default=None, description="Size of the environment variables, in KB.")
    invocation: Invocation | None = Field(
        default=None, description="How the function is invoked: sync (API Gateway, function URL), async (S3 or "
                                  "EventBridge events), event_source (an SQS or Kinesis mapping) or stream "
                                  "(a streamed response).")
    requests_per_second: Annotated[float | None, Within(ge=0, le=MAX_REQUESTS_PER_SECOND)] = Field(
        default=None, description="Invocations a second at peak.")
    traffic: Traffic | None = Field(default=None, description="How invocations arrive.")
    gpu: GpuNeed | None = Field(default=None, description="required: the function needs a GPU (Lambda Managed "
                                                          "Instances only); none: it does not.")
    steps: Annotated[int | None, Within(ge=1, le=100_000)] = Field(default=None, description=(
        "The work is a workflow of this many steps, each one invocation within timeout_seconds (durable "
        "functions or Step Functions chain them); absent: one invocation."))
    wait_hours: Annotated[float | None, Within(gt=0, le=8784)] = Field(
        default=None, description=(
            "Hours the workflow waits in all between its steps: a person's approval, a callback, a long external "
            "call (at most 366 days, what one durable execution may last)."))
    aws_services: Annotated[int | None, Within(ge=0, le=1000)] = Field(default=None, description=(
        "AWS services other than Lambda the workflow's steps call (SageMaker jobs, Glue, DynamoDB, ...): AWS "
        "points workflows across several services to Step Functions, Lambda-centric ones to durable functions."))


class Network(Frozen):
    internet_access: YesNo = Field(default=False, description="Jobs must reach the public internet.")


class Team(Frozen):
    shared_notebooks: YesNo = Field(default=False, description="Several people share the notebook instances.")
    needs_root: YesNo = Field(default=False, description="Users need root access on the notebook instances.")


class Workload(Frozen):
    name: Id = Field(default="workload", description="A short name: letters, digits, '.', '_' and '-'; it names "
                                                     "the jobs and resources in the AWS requests.")
    region: str = Field(default="us-east-1", description="The AWS Region the workload runs in; prices come from "
                                                         "its snapshot.")
    stages: Annotated[tuple[WorkloadStage, ...], BeforeValidator(_few_enough)] = Field(
        min_length=1, max_length=MAX_STAGES_LISTED, description="The SageMaker stages the workload uses.")
    priority: Priority = Field(default="balanced", description="What decides between instances that fit: cost "
                                                               "(cheapest), time (fastest) or balanced (fastest "
                                                               "within 20% of the cheapest).")
    # A section left out is its model with every default: built by model_construct, which is what Data() gives
    # (pydantic never validates a default) without building each section's validator when this module loads;
    # the Workload's own validator covers the sections when a workload is read.
    data: Data = Field(default=Data.model_construct(), description="The data the model learns from.")
    model: Model = Field(default=Model.model_construct(), description="The model and its size.")
    notebook: Notebook = Field(default=Notebook.model_construct(), description="The notebook instance (the "
                                                                                "notebook stage).")
    training: Training = Field(default=Training.model_construct(), description="Training jobs (the training and "
                                                                                "tuning stages).")
    tuning: Tuning = Field(default=Tuning.model_construct(), description="The hyperparameter tuning job (the "
                                                                        "tuning stage).")
    inference: Inference = Field(default=Inference.model_construct(), description=(
        "One request or invocation (the inference stages); the Lambda check reads it whatever the stages."))
    batch: Batch = Field(default=Batch.model_construct(), description="Batch transform runs (the batch_inference "
                                                                     "stage).")
    processing: Processing = Field(default=Processing.model_construct(), description="Processing jobs (the "
                                                                                    "processing stage).")
    network: Network = Field(default=Network.model_construct(), description="What the jobs may reach.")
    team: Team = Field(default=Team.model_construct(), description="Who works on the notebooks.")
    lambda_: LambdaFunction | None = Field(
        default=None, alias="lambda", description=(
            "A Lambda function you are weighing for the work (absent: Lambda is checked only for a stage with a "
            "unit of work for it, an inference request or a processing job, from that stage's figures)."))

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, allow_inf_nan=False,
                              validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)

    def __init__(self, /, **data: Any) -> None:
        """Built in Python (`Workload(stages=["training"], ...)`, as the README shows), a workload that does not
        validate is a WorkloadError naming each field, as a file's is: `except AdvisorError` catches every error
        the API raises, where pydantic's ValidationError was a second tree. (`model_validate`, which the file
        loaders and the questionnaire call, is pydantic's own and unchanged.)"""
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise invalid_workload(exc) from None

    # pydantic's own mark of its BaseModel.__init__: validation (model_validate) does not go through this one, so a
    # file's errors keep their lines and the loaders' path is as before; only a call of the class converts
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @model_validator(mode="after")
    def _stages_unique(self) -> Self:
        seen: set[str] = set()
        repeated: set[str] = set()
        for stage in self.stages:  # one pass: a list can be long
            (repeated if stage in seen else seen).add(stage)
        if repeated:
            raise ValueError(f"stages listed twice: {', '.join(sorted(repeated))}")
        return self


def invalid_workload(exc: ValidationError) -> WorkloadError:
    """A workload given as Python values (keywords, a mapping) that does not validate, each field in plain words."""
    problems = problems_of_values(exc, Workload)
    return WorkloadError(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in the workload",
                         problems=problems)


# ---- derived facts --------------------------------------------------------------------------------------------

#: How much of the data set must sit in RAM at once when the user does not say: tabular algorithms
#: (XGBoost, linear learner) load the whole set; images, text and audio stream in mini-batches.
STREAMED_WORKING_SET_GB = 4.0
BYTES_PER_PARAMETER_TRAINING = 16  # fp32 weights + gradients + two Adam moments
BYTES_PER_PARAMETER: dict[str, float] = {"fp32": 4, "fp16": 2, "bf16": 2, "fp8": 1, "int8": 1, "int4": 0.5}
"""Bytes one weight takes at each precision."""
LORA_TRAINABLE_SHARE = 0.01
"""LoRA/QLoRA train adapters of about 1% of the parameters (rank 8-64 on the attention projections); each
trainable parameter carries the full 16 bytes of training state. Basis: the LoRA and QLoRA papers' settings."""
KV_BYTES = 2
"""The KV cache is kept in fp16/bf16."""
RUNTIME_GIB = 1.0
"""CUDA/Neuron context and the serving framework, per device group."""


def weights_gib(w: Workload, precision: str | None = None) -> float:
    """The model's weights at the given (or the workload's) precision; the artifact size when the parameter
    count is unknown."""
    params = w.model.parameters_millions * 1e6
    if not params:
        return w.model.size_mb / 1024
    chosen = precision or w.model.precision or ("fp16" if w.model.kind == "llm" else "fp32")
    return params * BYTES_PER_PARAMETER[chosen] / 2**30


def kv_shape(w: Workload, known: "LlmArchitecture | None") -> tuple[float, str]:
    """KV-cache bytes per token and their basis in words: 2 (K and V) x layers x kv_heads x head_dim x bytes.

    Stated figures (model.layers, kv_heads, head_dim) first, then `known`, the knowledge's row for model.architecture
    (architecture_of), whose published figures are read where they are used, never copied onto the workload; what is
    still missing is estimated from the parameter count as a dense decoder with multi-head attention (head size
    128, as every Llama and Mistral model), which oversizes a GQA model and says how to correct it.

    The estimate: a decoder has about 12 x layers x d_model^2 parameters and d_model is about 128 x layers (Llama-2
    7B: 32 layers, 4096; 13B: 40, 5120), so layers = (parameters / 196,608)^(1/3) and, under multi-head attention,
    KV heads x head size = d_model. 7B gives 0.53 MiB a token, as Llama-2-7B's 0.5 MiB.
    """
    m = w.model
    published = f"{known.id}'s config.json" if known else ""
    params = m.parameters_millions * 1e6
    head_dim, head_from = ((m.head_dim, "stated") if m.head_dim else (known.head_dim, published) if known
                           else (128, "128 as in Llama and Mistral models"))
    layers: float
    if m.layers:
        layers, layers_from = m.layers, "stated"
    elif known:
        layers, layers_from = known.layers, published
    else:
        layers, layers_from = (params / 196_608) ** (1 / 3), "estimated from the parameter count"
    if m.kv_heads:
        kv_heads, kv_from = float(m.kv_heads), "stated"
    elif known:
        kv_heads, kv_from = float(known.kv_heads), f"{published}, {known.attention}"
    else:  # multi-head attention: one key-value head per attention head (d_model / head_dim, d_model ~ 128 x layers)
        kv_heads = 128 * layers / head_dim
        kv_from = ("assumed one per attention head, as without grouped-query attention: an upper bound; a GQA "
                   "model (Llama 3, Llama 2 70B, Mistral, Mixtral) needs several times less: set "
                   "model.architecture, or model.layers and model.kv_heads")
    per_token = 2 * layers * kv_heads * head_dim * KV_BYTES
    shape = (f"2 (K and V) x {_count(layers)} layers ({layers_from}) x {_count(kv_heads)} KV heads ({kv_from}) x "
             f"head size {head_dim} ({head_from}) x {KV_BYTES} bytes")
    return per_token, shape


def _count(value: float) -> str:
    """A layer or head count in words: a whole number as is, an estimate (70.9 from the parameter count) as
    "about 71", since no model has a fraction of a layer; the arithmetic keeps the estimate unrounded."""
    return f"{value:g}" if value == int(value) else f"about {value:.0f}"


def in_flight_sequences(w: Workload, seconds: float | None = None) -> int:
    """LLM sequences in flight: inference.concurrent_sequences (one instance's), else rate x the time a sequence
    takes on its accelerator (the whole endpoint's), at least 1. `seconds`: that time on the type being weighed;
    absent, accelerator_seconds (the slowest current device's, so the most sequences any type holds at once)."""
    inf = w.inference
    if inf.concurrent_sequences:
        return inf.concurrent_sequences
    return max(1, math.ceil(inf.requests_per_second * (seconds if seconds is not None else accelerator_seconds(w))))


def serving_memory(w: Workload, architecture: "LlmArchitecture | None",
                   sequences: int | None = None) -> tuple[float, str]:
    """Accelerator memory to serve the model (GiB) and the arithmetic in words.

    An LLM needs its weights, a KV cache for every sequence in flight (`sequences`, else in_flight_sequences)
    sized from its shape (kv_shape, with `architecture`, the knowledge's row for model.architecture) and the
    runtime; any other model its weights +20% for activations and the runtime.
    """
    weights = weights_gib(w)
    params = w.model.parameters_millions * 1e6
    if w.model.kind != "llm" or not params:
        return round(weights * 1.2, 3), f"weights {weights:.3g} GiB +20% for activations and the runtime"
    inf = w.inference
    sequences = sequences or in_flight_sequences(w)
    per_token, shape = kv_shape(w, architecture)
    kv = sequences * inf.context_tokens * per_token / 2**30
    runtime = RUNTIME_GIB + 0.1 * weights
    precision = w.model.precision or "fp16"
    total = weights + kv + runtime
    return round(total, 3), (
        f"weights {weights:.3g} GiB ({w.model.parameters_millions:g}M parameters x "
        f"{BYTES_PER_PARAMETER[precision]:g} bytes, {precision}) + KV cache {kv:.3g} GiB ({sequences} sequences x "
        f"{inf.context_tokens} tokens x {per_token / 2**20:.3g} MiB a token: {shape}) + runtime "
        f"{runtime:.3g} GiB (1 GiB + 10% of the weights)")


def training_memory(w: Workload) -> tuple[float, str]:
    """Accelerator memory to train a deep model (GiB), by fine-tuning method, and the arithmetic in words."""
    params = w.model.parameters_millions * 1e6
    method = w.training.method
    if not params:
        return round(4 * w.model.size_mb / 1024 * 1.2, 3), "4x the model artifact (weights, gradients, optimiser " \
                                                             "state) +20%"
    if method == "full":
        state = params * BYTES_PER_PARAMETER_TRAINING / 2**30
        return round(state * 1.2, 3), (f"{state:.3g} GiB of weights, gradients and Adam state (16 bytes a "
                                       "parameter, full fine-tuning) +20% for activations")
    base = weights_gib(w, "int4" if method == "qlora" else "bf16")
    adapters = params * LORA_TRAINABLE_SHARE * BYTES_PER_PARAMETER_TRAINING / 2**30
    return round(base * 1.2 + adapters, 3), (
        f"{method}: frozen weights {base:.3g} GiB ({'4-bit' if method == 'qlora' else '16-bit'}) +20% for "
        f"activations + adapters {adapters:.3g} GiB ({LORA_TRAINABLE_SHARE:.0%} of the parameters x 16 bytes)")


def multi_model_support(w: Workload, knowledge: "Knowledge") -> tuple[bool, str | None]:
    """Whether the model's serving container can be a multi-model endpoint, and what to tell the user about it.

    AWS lists the inference containers that support multi-model endpoints (multi-model-support.html: XGBoost,
    k-NN, Linear Learner, RCF, and the TensorFlow, scikit-learn, MXNet and PyTorch containers); for any other
    framework it says to build the container with the SageMaker inference toolkit, which your own container can
    be but a built-in algorithm's cannot. So: a built-in off the list, or a framework whose container serves one
    model, cannot (False, why); a framework off the list can once rebuilt (True, what to build); a listed one
    can as it is (True, None).
    """
    algorithm = w.model.algorithm
    built_in = knowledge.algorithm(algorithm) if algorithm else None
    if built_in is not None:
        return built_in.multi_model, None if built_in.multi_model else (
            f"the built-in {built_in.name} inference container does not support multi-model endpoints (AWS lists "
            "the containers that do in multi-model-support.html)")
    framework = knowledge.framework(algorithm) if algorithm else None
    if framework is None or framework.multi_model == "listed":
        return True, None
    if framework.multi_model == "no":
        return False, (f"{framework.name}: its container is not among those AWS lists as supporting multi-model "
                       "endpoints (multi-model-support.html) and serves one model")
    whose = ("your own container" if framework.kind == "custom"
             else f"{framework.name} is not among the inference containers AWS lists as supporting them, so the "
                  "container")
    return True, (f"a multi-model endpoint needs a container that loads models on request: {whose} must be built "
                  "with the SageMaker inference toolkit (Multi Model Server) and labelled "
                  "com.amazonaws.sagemaker.capabilities.multi-models=true, as AWS says for any other framework; on "
                  "GPU instances AWS serves multi-model endpoints through the Triton Inference Server "
                  "(multi-model-support.html, build-multi-model-build-container.html)")


def stated_gpu(w: Workload, section: str) -> GpuNeed | bool | None:
    """What a workload section says of a GPU (notebook.gpu is a yes or no; training.gpu and inference.gpu are auto,
    required or none); None for a section without a `gpu` field (tuning, batch, processing)."""
    holder = getattr(w, section)
    return holder.gpu if "gpu" in type(holder).model_fields else None


def has_idle_periods(w: Workload) -> bool:
    """Traffic has idle stretches: inference.idle_periods, or sporadic and scheduled traffic when unsaid."""
    if w.inference.idle_periods is not None:
        return w.inference.idle_periods
    return w.inference.traffic in ("sporadic", "scheduled")


def scales_to_zero(w: Workload) -> bool:
    """An asynchronous endpoint may keep no instance while its queue is empty: the traffic has idle periods
    (has_idle_periods) and callers can wait for a cold start (inference.cold_starts_ok), since a request that
    arrives at zero instances waits in the queue while one starts (AWS: async-inference-autoscale.html)."""
    return has_idle_periods(w) and w.inference.cold_starts_ok


def architecture_of(w: Workload, knowledge: "Knowledge") -> "LlmArchitecture | None":
    """The knowledge's row for model.architecture (rules/knowledge/llm_architectures.yaml); None when the workload
    names none (an unknown id is check_workload's error)."""
    return knowledge.llm_architecture(w.model.architecture) if w.model.architecture else None


def working_set_of(w: Workload, size_gb: float) -> float:
    """What must be in memory at once of `size_gb` of the workload's data: data.in_memory_gb when stated, else
    all of it for tabular and time-series data (loaded whole), else a streamed mini-batch buffer."""
    if w.data.in_memory_gb is not None:
        return w.data.in_memory_gb
    if w.data.kind in ("tabular", "timeseries"):
        return size_gb
    return min(size_gb, STREAMED_WORKING_SET_GB)


@dataclass(frozen=True)
class Derived:
    """Facts the rules read as `derived.*` and sizing reads as attributes: plain formulas over the workload and
    the knowledge.

    One typed record for both, so sizing never reads a fact back out of the rules' string-keyed context.
    """

    working_set_gb: float
    processing_working_set_gb: float
    """The working set of one processing job: as working_set_gb, but of the data the job reads
    (processing.data_gb, when stated, else the data set): a daily job over the last day of a lake holds that day."""
    model_memory_gb: float
    """Memory to serve the model: weights at their precision +20%; for an LLM, weights + KV cache + runtime."""
    training_accelerator_gb: float
    """Accelerator memory to train a deep model by its fine-tuning method (training_memory); 0 otherwise."""
    needs_gpu_training: bool
    concurrency: float
    sensitive: bool
    idle_periods: bool
    """Traffic has idle stretches (has_idle_periods)."""
    lambda_stated: bool
    """The workload has a `lambda` section: the user asked about a Lambda function."""
    multi_model_container: bool
    """The model's serving container can be a multi-model endpoint: false for a built-in algorithm whose container
    AWS does not list as supporting them (Algorithm.multi_model) or a framework whose container serves one model
    (Framework.multi_model "no"), true otherwise (multi_model_support)."""
    multi_model_note: str | None = dataclasses.field(default=None, metadata={"fact": False})
    """What the hosting reasons say of the container and multi-model endpoints (multi_model_support); not a rule
    fact."""
    architecture: "LlmArchitecture | None" = dataclasses.field(default=None, metadata={"fact": False})
    """The knowledge's row for model.architecture, which sizing's memory arithmetic reads; not a rule fact."""

    @classmethod
    def of(cls, w: Workload, knowledge: "Knowledge") -> Self:
        working_set = working_set_of(w, w.data.size_gb)
        read = w.processing.data_gb
        deep = w.model.kind in ("deep_learning", "llm")
        architecture = architecture_of(w, knowledge)
        multi_model, multi_model_note = multi_model_support(w, knowledge)
        return cls(
            working_set_gb=round(working_set, 3),
            processing_working_set_gb=round(working_set if read is None else working_set_of(w, read), 3),
            model_memory_gb=serving_memory(w, architecture)[0],
            training_accelerator_gb=training_memory(w)[0] if deep else 0.0,
            needs_gpu_training=w.training.gpu == "required" or (deep and w.training.gpu == "auto"),
            concurrency=round(w.inference.requests_per_second * w.inference.seconds_per_request, 3),
            sensitive=w.data.sensitivity in ("confidential", "regulated"),
            idle_periods=has_idle_periods(w),
            lambda_stated=w.lambda_ is not None,
            multi_model_container=multi_model,
            multi_model_note=multi_model_note,
            architecture=architecture,
        )

    def as_context(self) -> dict[str, float | bool]:
        """The facts as the rules name them: `derived.<field>`."""
        return {key: getattr(self, name) for key, name in _FACT_KEYS}


_FACTS = tuple(f for f in dataclasses.fields(Derived) if f.metadata.get("fact", True))
"""Derived's fields the rules read (all but the knowledge rows it carries for sizing)."""
_FACT_KEYS = tuple((f"derived.{f.name}", f.name) for f in _FACTS)
"""(the name the rules read, Derived's field) for each fact."""


ContextFields = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
"""Workload fields grouped by section: (section attribute, ((dotted path, field attribute), ...)), "" for a
top-level field (context_fields)."""


def context_fields(fields: Collection[str] | None = None) -> ContextFields:
    """Every workload field (or only `fields`, those the loaded rules name) by its section, the order context_of
    reads them in: each section is read once, then its fields. Names that are no workload field (the derived
    facts) are left out: context_of adds those from Derived."""
    by_section: dict[str, list[tuple[str, str]]] = {}
    for path in _PATHS if fields is None else fields:
        if path in _PATHS:
            section, name = _PATHS[path]
            by_section.setdefault(section, []).append((path, name))
    return tuple((section, tuple(paths)) for section, paths in by_section.items())


def context_of(w: Workload, derived: Derived, fields: ContextFields | None = None) -> dict[str, Any]:
    """The flat field -> value view the rules read: every workload field by dotted path (or only `fields`, those
    the loaded rules name, from context_fields), plus the derived facts (Derived.of).

    Tuples (the stages) are shown as lists, as they are written in YAML.
    """
    ctx: dict[str, Any] = {}
    for section, paths in _EVERY_FIELD if fields is None else fields:
        holder = getattr(w, section) if section else w  # None: an optional section left out
        for path, name in paths:
            value = None if holder is None else getattr(holder, name)
            ctx[path] = list(value) if isinstance(value, tuple) else value
    ctx.update(derived.as_context())
    return ctx


LAMBDA_FACTS = {
    "derived.lambda_checked": FieldSpec("bool"),
    "derived.lambda_fits": FieldSpec("bool"),
    "derived.lambda_failed": FieldSpec("list"),
    "derived.lambda_mode": FieldSpec("literal", ("standard", "managed_instances"), optional=True),
}
"""The facts of the Lambda check, set by the advisor after the lambda.check decision (which therefore cannot read
them) and before the security and alternatives decisions read them."""

_DERIVED_SPECS = {
    **{f"derived.{f.name}": FieldSpec("bool" if f.type in (bool, "bool") else "number")
       for f in _FACTS},
    **LAMBDA_FACTS,
}


def _paths() -> dict[str, tuple[str, str]]:
    """Dotted path -> (section attribute, field attribute) for every leaf field of the workload."""
    out: dict[str, tuple[str, str]] = {}
    for name, info in Workload.model_fields.items():
        annotation = _section_type(info.annotation)
        shown = info.alias or name  # `lambda`, as users write it
        if annotation is not None:
            out.update({f"{shown}.{sub}": (name, sub) for sub in annotation.model_fields})
        else:
            out[shown] = ("", name)
    return out


def _section_type(annotation: Any) -> type[Frozen] | None:
    """The section model of a workload field (`X` or `X | None`), or None for a plain field."""
    if get_origin(annotation) is Union or type(annotation).__name__ == "UnionType":
        annotation = next((a for a in get_args(annotation) if a is not type(None)), None)
    return annotation if isinstance(annotation, type) and issubclass(annotation, Frozen) else None


def condition_fields() -> dict[str, FieldSpec]:
    """Every field a rule may test, with its kind: checked when rules load (typos fail with did-you-mean)."""
    fields: dict[str, FieldSpec] = {}
    _specs(Workload, "", fields)
    fields.update(_DERIVED_SPECS)
    return fields


def _specs(model: type[Frozen], prefix: str, out: dict[str, FieldSpec], within_optional: bool = False) -> None:
    for name, info in model.model_fields.items():
        path = prefix + (info.alias or name)
        annotation = info.annotation
        optional = within_optional
        if get_origin(annotation) is Union or type(annotation).__name__ == "UnionType":
            args = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(args) != len(get_args(annotation))
            annotation = args[0]
        if get_origin(annotation) is Annotated:  # `Annotated[float, ...] | None`: pydantic strips only the outer one
            annotation = get_args(annotation)[0]
        if isinstance(annotation, type) and issubclass(annotation, Frozen):
            _specs(annotation, path + ".", out, optional)
        elif get_origin(annotation) is tuple:
            inner = get_args(annotation)[0]
            if inner is WorkloadStage:
                out[path] = FieldSpec("list", stage_registry.stage_ids())
            else:
                out[path] = FieldSpec("list", tuple(get_args(inner)) if get_origin(inner) is Literal else ())
        elif get_origin(annotation) is Literal:
            out[path] = FieldSpec("literal", tuple(str(a) for a in get_args(annotation)), optional)
        elif annotation is bool:
            out[path] = FieldSpec("bool", optional=optional)
        elif annotation in (int, float):
            out[path] = FieldSpec("number", optional=optional)
        else:
            out[path] = FieldSpec("text", optional=optional)


# ---- loading and checks that need the knowledge ------------------------------------------------------------

def semantic_problems(w: Workload, knowledge: "Knowledge") -> list[tuple[tuple[str, ...], str, str | None]]:
    """(field path, message, hint) for what the model alone cannot see: unknown regions, impossible asks."""
    problems: list[tuple[tuple[str, ...], str, str | None]] = []
    unknown_region = region_problem(w.region, knowledge.region_codes)
    if unknown_region:
        problems.append((("region",), *unknown_region))
    if w.model.architecture and knowledge.llm_architecture(w.model.architecture) is None:
        import difflib  # deferred: needed only to word this error

        ids = [a.id for a in knowledge.llm_architectures]
        close = difflib.get_close_matches(w.model.architecture, ids, n=2, cutoff=0.6)
        problems.append((("model", "architecture"), f"{w.model.architecture!r} is not an LLM architecture the "
                         "knowledge knows (rules/knowledge/llm_architectures.yaml)",
                         f"did you mean {' or '.join(repr(c) for c in close)}?" if close
                         else f"one of {', '.join(ids)}, or state model.layers, kv_heads and head_dim"))
    for stage in w.stages:  # a `gpu: required` in a section the stage reads asks for a GPU at that stage
        spec = stage_registry.stage(stage)
        if spec.instance_stage is None:
            continue  # a stage without instances: option_problems says what it cannot do, in its own terms
        asking = [section for section in spec.sections  # notebook.gpu is a yes or no
                  if stated_gpu(w, section) in ("required", True)]
        if asking and spec.instance_stage not in knowledge.gpu_stages:
            problems.append(((asking[0], "gpu"), f"a GPU is required but no GPU instance type runs {stage}", None))
    problems.extend(algorithm_problems(w, knowledge))
    problems.extend(accelerator_problems(w, knowledge))
    problems.extend(option_problems(w, knowledge))
    if w.inference.models > 1 or w.inference.serial or w.inference.hot_models is not None:
        problems.extend(models_problems(w, knowledge))
    return problems


SERIAL_MAX_CONTAINERS = 15
"""botocore 1.44.5 CreateModel.Containers (a list of at most 15): a multi-container endpoint's limit."""


def models_problems(w: Workload, knowledge: "Knowledge") -> list[tuple[tuple[str, ...], str, str | None]]:
    """Contradictions among the fields that say how many models an endpoint serves, and the stages that cannot
    serve several: each names its field. Whether an endpoint option serves several models (a request naming
    its own) or a serial pipeline (one model to its caller) is its capabilities in hosting_options.yaml, and why
    it serves one is its `serves_one_model`: a serverless endpoint hosts one model (AWS: feature exclusions), an
    asynchronous request names no model (botocore: InvokeEndpointAsync has no TargetModel)."""
    inf = w.inference
    problems: list[tuple[tuple[str, ...], str, str | None]] = []
    if inf.hot_models is not None and inf.hot_models > inf.models:
        problems.append((("inference", "hot_models"), f"inference.hot_models is {inf.hot_models}, more than the "
                         f"{inf.models} model{'s' if inf.models > 1 else ''} the endpoint serves (inference.models)",
                         "at most inference.models"))
    if inf.serial and inf.models > SERIAL_MAX_CONTAINERS:
        problems.append((("inference", "models"), f"inference.models is {inf.models}, but a serial inference "
                         f"pipeline (inference.serial) chains at most {SERIAL_MAX_CONTAINERS} containers",
                         "merge steps into fewer containers (botocore: CreateModel.Containers, at most 15)"))
    if inf.serial and inf.models < 2:
        problems.append((("inference", "serial"), "inference.serial chains the endpoint's containers, but "
                         "inference.models is 1", "set inference.models to the containers in the chain (2-15)"))
    if inf.models > 1:  # an endpoint option that cannot serve them (capabilities.several_models, serial_pipeline)
        hosts = [stage for stage, option in knowledge.inference_stages()
                 if option.capabilities.persistent and option.hosts_models(inf.serial)]
        for stage, option in knowledge.inference_stages(w.stages):
            if option.hosts_models(inf.serial) or not option.capabilities.persistent:
                continue  # a job runs one model: several are as many jobs (a warning, recommend/options.py)
            instead = stage_registry.offer(w.stages, *hosts)
            per_model = f"one {stage_registry.stage(stage).title.lower()} per model"
            problems.append((("inference", "models"), f"inference.models is {inf.models}, but stages lists {stage} "
                             f"and {option.serves_one_model or option.name + ' serves one model'}",
                             f"{instead} for several models behind one endpoint, or {per_model}" if instead
                             else per_model))
    return problems


STORAGE_LIMITS = (("image_gb", "package_mb", "container image (code and model)"),
                  ("disk_gb", "tmp_mb", "of ephemeral disk (scratch data)"))
"""An inference option's storage limits in GB (hosting_options.yaml: Serverless Inference's 10 GB container image
and 5 GB of ephemeral disk) and the inference field in MB each bounds."""


DEFAULT_SPEEDUP = {"deep_learning": 10.0, "llm": 10.0, "classical": 2.0, "tree_based": 2.0}
"""Assumed speed-up of one request on one T4-class device over one vCPU, by model kind: neural networks are
matrix work a GPU does about ten times faster at small batch sizes; classical and tree models gain little.
Other devices scale by the square root of their peak (small-batch latency is bound by memory bandwidth and
launch overhead, not peak FLOPS; advisor.recommend.sizing). A workload that measured it says so in
inference.accelerator_speedup."""


def accelerator_seconds(w: Workload) -> float:
    """One request's time on an accelerator, derived from inference.seconds_per_request (its time on one vCPU, the
    field's one meaning): over the speed-up the workload measured (inference.accelerator_speedup), else over the
    slowest current device's assumed one (T4-class, DEFAULT_SPEEDUP), a bound that holds on any device."""
    inf = w.inference
    return inf.seconds_per_request / (inf.accelerator_speedup or DEFAULT_SPEEDUP[w.model.kind])


def runs_on_accelerator(w: Workload) -> bool:
    """The inference stages run on an accelerator for sure: inference.gpu required, inference.accelerator named, a
    measured inference.accelerator_speedup, or an LLM (served from accelerator memory), unless inference.gpu is
    none."""
    inf = w.inference
    return inf.gpu != "none" and (inf.gpu == "required" or inf.accelerator is not None
                                  or inf.accelerator_speedup is not None or w.model.kind == "llm")


def option_request_seconds(w: Workload, option: "HostingOption") -> float:
    """One request's time against an inference option's time limit.

    inference.seconds_per_request is for one vCPU. A workload that runs on an accelerator for sure
    (runs_on_accelerator) runs its requests there on an option that has GPUs, so its time is accelerator_seconds.
    An option without GPUs (serverless), or a workload that may run on CPUs, is held to the vCPU time. Said in
    words by request_seconds_said, only where a limit is broken (this runs for every option of every
    recommendation).
    """
    if not option.capabilities.gpu or not runs_on_accelerator(w):
        return w.inference.seconds_per_request
    return accelerator_seconds(w)


def request_seconds_said(w: Workload, option: "HostingOption") -> str:
    """option_request_seconds in words: the vCPU time, or the accelerator time and how it was found."""
    inf = w.inference
    cpu, seconds = inf.seconds_per_request, option_request_seconds(w, option)
    if seconds == cpu:
        return f"{cpu:g} s"
    speedup = cpu / seconds
    why = "inference.accelerator_speedup" if inf.accelerator_speedup else "assumed on a T4-class GPU"
    return f"about {seconds:,.4g} s on an accelerator ({cpu:g} s of a vCPU / {speedup:g}x, {why})"


def _mb_said(mb: float) -> str:
    """A limit in MB as AWS's pages say it: 4 MB, or 1024 MB (1 GB) where it is a whole number of GB."""
    return f"{mb:g} MB" + (f" ({mb / 1024:g} GB)" if mb >= 1024 and mb % 1024 == 0 else "")


def option_problems(w: Workload, knowledge: "Knowledge") -> list[tuple[tuple[str, ...], str, str | None]]:
    """What an inference stage whose limits are errors (StageSpec.limits_are_errors: serverless, asynchronous)
    cannot do at all, naming the field, the stage and the limit; the option that takes it instead is found by its
    limits and capabilities (rules/knowledge/hosting_options.yaml), never by a stage's name.

    These are impossibilities (AWS refuses the request, or the option has no GPU), so they are errors; a model
    too large for serverless memory is sizing's "does not fit", with what would have to change.
    """
    problems: list[tuple[tuple[str, ...], str, str | None]] = []
    inf = w.inference
    for stage, option in knowledge.inference_stages(w.stages):
        if not stage_registry.stage(stage).limits_are_errors:
            continue  # a real-time endpoint's limits are warnings naming the option that fits (recommend/options.py)
        payload, timeout = option.most("payload_mb"), option.most("timeout_s")
        if payload is not None and inf.payload_mb > payload:
            problems.append((("inference", "payload_mb"), f"inference.payload_mb is {inf.payload_mb:g} MB, over "
                             f"{option.name}'s {_mb_said(payload)} payload limit (stages lists {stage})",
                             "the option that takes it: " + _taker(w, knowledge, stage, "payload_mb", inf.payload_mb,
                                                                    "payloads up to {:g} MB", "none: split each "
                                                                    "request, or score the data set with {job}")))
        seconds = option_request_seconds(w, option) if timeout is not None else 0.0
        if timeout is not None and seconds > timeout:
            problems.append((("inference", "seconds_per_request"), f"inference.seconds_per_request is "
                             f"{request_seconds_said(w, option)}, over {option.name}'s {timeout:g} s limit per request "
                             f"(stages lists {stage})", "the option that takes it: " + _taker(
                                 w, knowledge, stage, "timeout_s", seconds, "up to {:g} s a request",
                                 "none: split the work into shorter requests, or run it with {job}")))
        for limit_id, field, what in STORAGE_LIMITS:
            most, need_mb = option.most(limit_id), getattr(inf, field)
            if most is not None and need_mb > most * 1024:
                taker = _taker(w, knowledge, stage, limit_id, need_mb / 1024, "up to {:g} GB",
                               "none: make the container or its scratch data smaller")
                problems.append((("inference", field), f"inference.{field} is {need_mb:,g} MB, more than the "
                                 f"{most:g} GB {what} {option.name} allows (stages lists {stage})",
                                 f"the option that takes it: {taker}"))
        if option.capabilities.gpu:
            continue
        gpu_stages = stage_registry.offer(w.stages, *(s for s, o in knowledge.inference_stages()
                                                      if o.capabilities.persistent and o.capabilities.gpu))
        use_gpu = f"use {gpu_stages}" if gpu_stages else \
            f"remove {stage} from stages: this workload's other endpoint stage takes it"
        algorithm = knowledge.algorithm(w.model.algorithm)
        if algorithm is not None and algorithm.inference.gpu_only:
            problems.append((("model", "algorithm"), f"model.algorithm {algorithm.id} serves on GPU instances only, "
                             f"but stages lists {stage} and {option.name} has no GPU",
                             f"{use_gpu}; AWS: {algorithm.inference.guidance}"))
        elif inf.gpu == "required":
            problems.append((("inference", "gpu"), f"inference.gpu is required, but stages lists {stage} and "
                             f"{option.name} has no GPU", f"{use_gpu} for a GPU endpoint"))
        elif inf.accelerator is not None:
            problems.append((("inference", "accelerator"), f"inference.accelerator is {inf.accelerator}, but stages "
                             f"lists {stage} and {option.name} runs on CPU only", f"{use_gpu} for an accelerator, "
                             "or remove inference.accelerator"))
    return problems


def _taker(w: Workload, knowledge: "Knowledge", stage: str, limit_id: str, need: float, up_to: str,
           none: str) -> str:
    """The endpoint stages whose option's `limit_id` takes `need` (the largest of their limits said with
    `up_to`), never offering a stage the workload has: when one it has takes it, drop this one; when none does,
    `none` (its {job} the stages whose jobs take it: a job option whose limit does, or a job that runs its own
    code over the data set, StageSpec.data_job_hours)."""
    takers = [(s, o.most(limit_id)) for s, o in knowledge.inference_stages()
              if s != stage and o.capabilities.persistent and (o.most(limit_id) or math.inf) >= need]
    offered = stage_registry.offer(w.stages, *(s for s, _ in takers))
    if offered:
        most = max((m for _, m in takers if m is not None), default=None)
        return offered + (f" ({up_to.format(most)})" if most is not None else "")
    if takers:
        return f"remove {stage} from stages: this workload's other endpoint stage takes it"
    jobs = [s for s, o in knowledge.inference_stages()
            if not o.capabilities.persistent and (o.most(limit_id) or math.inf) >= need]
    jobs += [s.id for s in stage_registry.data_job_stages()]
    return none.format(job=" or ".join(jobs))


PRECISION_FLAGS = {"bf16": "bf16", "fp8": "fp8", "int4": "int4"}
"""Precisions an accelerator must support natively, by the AcceleratorSpec flag that says it does."""


def accelerator_problems(w: Workload, knowledge: "Knowledge") -> list[tuple[tuple[str, ...], str, str | None]]:
    """What a stated inference.accelerator cannot do for this workload (an unknown name, a precision it does not
    compute in, decoder LLMs, a built-in container, a CPU-only algorithm), and FP8 with accelerators forbidden.
    Each message names both fields: either one may be the mistake."""
    if not any(stage_registry.stage(s).instance_stage in ("hosting", "batch_transform") for s in w.stages):
        return []
    stated, precision = w.inference.accelerator, w.model.precision
    flag = PRECISION_FLAGS.get(precision or "")
    where = ("inference", "accelerator")
    if stated is None:
        if precision == "fp8" and w.inference.gpu == "none":
            return [(("model", "precision"), "model.precision is fp8 but inference.gpu is none: no CPU instance "
                     "computes in FP8", "fp32, bf16 or int8 on a CPU, or allow an accelerator")]
        return []
    spec = next((a for a in knowledge.accelerators if a.model == stated), None)
    if spec is None:
        import difflib  # deferred: needed only to word this error

        models = [a.model for a in knowledge.accelerators]
        close = [m for m in models if m.lower() == stated.lower()] or difflib.get_close_matches(stated, models, n=2,
                                                                                              cutoff=0.5)
        return [(where, f"{stated!r} is not an accelerator the knowledge knows",
                 f"did you mean {' or '.join(repr(c) for c in close)}?" if close else f"one of {', '.join(models)}")]
    if w.inference.gpu == "none":
        return [(where, f"inference.accelerator is {stated} but inference.gpu is none", "remove one of them")]
    for stage in w.stages:
        instance_stage = stage_registry.stage(stage).instance_stage
        if instance_stage in ("hosting", "batch_transform") and not any(
                t.accelerator and t.accelerator.model == stated and t.status == "current" and instance_stage in t.stages
                for t in knowledge.instance_types):
            return [(where, f"inference.accelerator is {stated} but no current instance type with it runs {stage}",
                     "another accelerator, or another stage")]
    if flag and not getattr(spec, flag):
        able = [a.model for a in knowledge.accelerators if getattr(a, flag) and a.stock_containers]
        return [(("model", "precision"), f"model.precision is {precision} but inference.accelerator {stated} cannot "
                 f"run {precision}", f"an accelerator that can ({', '.join(able)}), or a precision {stated} runs")]
    if w.model.kind == "llm" and not spec.decoder_llms:
        return [(where, f"inference.accelerator {stated} cannot run decoder (text-generation) LLMs (model.kind is "
                 "llm)", "Inferentia2 or a GPU")]
    algorithm = knowledge.algorithm(w.model.algorithm)
    if algorithm is not None and algorithm.inference.cpu_only:
        return [(where, f"inference.accelerator is {stated} but model.algorithm {algorithm.id} serves on CPU "
                 "instances only", f"AWS: {algorithm.inference.guidance}")]
    framework = next((f for f in knowledge.frameworks if f.id == w.model.algorithm), None)
    stock_only = algorithm is not None or (framework is not None and framework.runs_on_neuron == "no")
    if stock_only and not spec.stock_containers:
        return [(where, f"inference.accelerator {stated} cannot run model.algorithm {w.model.algorithm}: it runs "
                 f"only in stock CPU/CUDA containers", "a GPU")]
    return []


def algorithm_problems(w: Workload, knowledge: "Knowledge") -> list[tuple[tuple[str, ...], str, str | None]]:
    """Asks that contradict AWS's documented guidance for a built-in algorithm, naming both fields."""
    algorithm = knowledge.algorithm(w.model.algorithm)
    problems: list[tuple[tuple[str, ...], str, str | None]] = list(llm_kind_problems(w, knowledge))
    if algorithm is None:
        if w.model.mode is not None:
            problems.append((("model", "mode"), f"{w.model.algorithm} has no training modes "
                             f"(model.mode applies to built-in algorithms such as blazingtext)", "remove model.mode"))
        return problems + framework_gpu_problems(w, knowledge)
    modes = [m.id for m in algorithm.modes]
    mode = algorithm.mode(w.model.mode)
    if w.model.mode is not None and mode is None:
        problems.append((("model", "mode"), f"{algorithm.name} has no mode {w.model.mode!r}",
                         f"one of {', '.join(modes)}" if modes else "remove model.mode"))
    training = mode.training if mode else algorithm.training
    trains = any(s in w.stages for s in stage_registry.stages_reading("training") or ())
    infers = any(s in w.stages for s in stage_registry.stages_reading("inference") or ())
    if trains and w.training.gpu == "required" and training.cpu_only:
        problems.append((("training", "gpu"), f"training.gpu is required but model.algorithm {algorithm.id} trains on "
                         "CPU instances only", f"AWS: {training.guidance}"))
    if trains and w.training.gpu == "none" and training.gpu_only:
        problems.append((("training", "gpu"), f"training.gpu is none but model.algorithm {algorithm.id} trains on "
                         "GPU instances only", f"AWS: {training.guidance}"))
    if infers and w.inference.gpu == "required" and algorithm.inference.cpu_only:
        problems.append((("inference", "gpu"), f"inference.gpu is required but model.algorithm {algorithm.id} "
                         "serves on CPU instances only", f"AWS: {algorithm.inference.guidance}"))
    if infers and w.inference.gpu == "none" and algorithm.inference.gpu_only:
        problems.append((("inference", "gpu"), f"inference.gpu is none but model.algorithm {algorithm.id} serves "
                         "on GPU instances only", f"AWS: {algorithm.inference.guidance}"))
    return problems


def llm_kind_problems(w: Workload, knowledge: "Knowledge") -> list[tuple[tuple[str, ...], str, str | None]]:
    """An LLM named with an algorithm that cannot train or serve one (a built-in algorithm, scikit-learn), or an LLM
    serving stack (vLLM, TGI, LMI) named for a model that is no LLM: the two fields contradict each other, and
    sizing an LLM by XGBoost's guidance (or the reverse) would be advice for neither. Other pairs stand: the
    kind the user states is the one sized."""
    kinds = model_kinds_of(w.model.algorithm, knowledge)
    if not kinds or w.model.kind in kinds or (w.model.kind != "llm" and kinds != ("llm",)):
        return []
    if w.model.kind == "llm":
        can = [f.id for f in knowledge.frameworks if "llm" in f.model_kinds]
        return [(("model", "kind"), f"model.kind is llm, but model.algorithm {w.model.algorithm} trains and serves "
                 f"{' and '.join(k.replace('_', '-') for k in kinds)} models, not LLMs",
                 f"model.algorithm: one of {', '.join(can)}, or custom; or the model's own kind")]
    return [(("model", "kind"), f"model.kind is {w.model.kind}, but model.algorithm {w.model.algorithm} serves LLMs "
             "only", "model.kind: llm, or a framework for this model (pytorch, huggingface, ...)")]


def framework_gpu_problems(w: Workload, knowledge: "Knowledge") -> list[tuple[tuple[str, ...], str, str | None]]:
    """A GPU required where the framework's container runs on CPUs only (Framework.cpu_only, AWS's statement):
    no instance choice can honour it, so it is an error naming both fields, not a warning after the fact."""
    framework = next((f for f in knowledge.frameworks if f.id == w.model.algorithm), None)
    if framework is None or not framework.cpu_only:
        return []
    problems: list[tuple[tuple[str, ...], str, str | None]] = []
    for section in framework.cpu_only:
        stages = [s for s in w.stages if s in (stage_registry.stages_reading(section) or ())
                  and stage_registry.stage(s).instance_stage is not None]  # serverless: option_problems says it
        if stages and getattr(w, section).gpu == "required":
            problems.append(((section, "gpu"), f"{section}.gpu is required but model.algorithm {framework.id}'s "
                             f"container runs {' and '.join(stages)} on CPUs only: it cannot use a GPU",
                             f"{section}.gpu: auto or none, or a model.algorithm whose container uses a GPU; AWS: "
                             f"{framework.cpu_only_guidance}"))
    return problems


def check_workload(w: Workload, knowledge: "Knowledge", doc: Any = None) -> None:
    """Raise one WorkloadError with every semantic problem, located in `doc` when the workload came from a file."""
    found = semantic_problems(w, knowledge)
    if not found:
        return
    problems = [Problem(message, doc.display if doc else None, doc.line_of(path) if doc else None,
                        ".".join(path), hint) for path, message, hint in found]
    count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
    # from Python, as a structural error says it (invalid_workload): "workload: 1 problem" read as a file's name
    raise WorkloadError(f"{doc.display}: {count}" if doc else f"{count} in the workload", problems=problems)


ALGORITHM_OF_KIND: dict[ModelKind, Algorithm] = {
    "tree_based": "xgboost", "classical": "sklearn", "deep_learning": "pytorch", "llm": "huggingface"}
"""model.algorithm when a workload states model.kind but no algorithm: the container SageMaker users most often
train and serve that kind of model with (XGBoost, scikit-learn, PyTorch, Hugging Face). An assumption, which the
recommendation states in a warning; without it every model would be XGBoost, the field's default."""


def with_model_defaults(w: Workload, knowledge: "Knowledge") -> Workload:
    """The workload whose model.kind and model.algorithm follow each other where only one is stated: the kind of a
    built-in algorithm is AWS's (algorithms.yaml model_kind), a framework's its usual one (model_kinds), and a
    kind without an algorithm takes ALGORITHM_OF_KIND. Both stated, or neither: unchanged. So does data.kind,
    unstated, for a built-in algorithm that takes no tabular data (images for image classification, text for
    BlazingText): it decides whether the data is held in memory or streamed (Derived.working_set_gb).

    The filled field is not marked as set (model_fields_set), so the recommendation can say what was assumed, and
    filling again gives the same workload."""
    stated = w.model.model_fields_set
    filled: dict[str, Any] = {}
    if "kind" in stated and "algorithm" not in stated:
        filled["algorithm"] = ALGORITHM_OF_KIND[w.model.kind]
    elif "algorithm" in stated and "kind" not in stated:
        kinds = model_kinds_of(w.model.algorithm, knowledge)
        if kinds:  # else your own container: any kind, so the field's default stands
            filled["kind"] = kinds[0]
    updates: dict[str, Any] = {}
    if any(getattr(w.model, name) != value for name, value in filled.items()):
        updates["model"] = Model.model_construct(_fields_set=set(stated), **{**w.model.__dict__, **filled})
    builtin = knowledge.algorithm(filled.get("algorithm", w.model.algorithm))
    if builtin is not None and "kind" not in w.data.model_fields_set and w.data.kind not in builtin.data_kinds:
        data = {**w.data.__dict__, "kind": builtin.data_kinds[0]}
        updates["data"] = Data.model_construct(_fields_set=set(w.data.model_fields_set), **data)
    return w.model_copy(update=updates) if updates else w


def model_kinds_of(algorithm: str, knowledge: "Knowledge") -> tuple[ModelKind, ...]:
    """The model kinds `algorithm` trains or serves, the usual one first; empty: any (a custom container)."""
    builtin = knowledge.algorithm(algorithm)
    if builtin is not None:
        return (builtin.model_kind,)
    framework = next((f for f in knowledge.frameworks if f.id == algorithm), None)
    return framework.model_kinds if framework is not None else ()


def with_architecture(w: Workload, knowledge: "Knowledge") -> Workload:
    """The workload with its model.architecture's published parameter count when it states none: a field the user
    could have written, so it survives a dump and re-validation. The decoder shape is not copied: sizing reads the
    knowledge's row where it sizes (Derived.of, architecture_of).

    An unknown id is left alone (check_workload reports it).
    """
    known = architecture_of(w, knowledge)
    if known is None or w.model.parameters_millions:
        return w
    model = w.model.model_copy(update={"parameters_millions": known.parameters_millions})
    return w.model_copy(update={"model": model})


def load_workload(source: Path | str, knowledge: "Knowledge", *, text: bytes | str | None = None) -> Workload:
    """A workload from a YAML or JSON file (or its already-read `text`, e.g. stdin), validated and located."""
    if text is not None:
        doc = parse_yaml(text, str(source), WorkloadError)
    else:
        doc = read_yaml(Path(source), error=WorkloadError)
    if not isinstance(doc.data, dict):
        raise WorkloadError(f"{doc.display}: a workload is a mapping of fields (name, stages, data, ...)",
                            problems=[Problem("expected fields such as `stages:` at the top level", doc.display, 1)])
    workload = with_model_defaults(validate_document(Workload, doc, WorkloadError), knowledge)
    check_workload(workload, knowledge, doc)
    return with_architecture(workload, knowledge)


_PATHS = _paths()
_EVERY_FIELD = context_fields()
