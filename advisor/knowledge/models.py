"""The shape of the knowledge in rules/knowledge/*.yaml: plain immutable records (advisor.records).

Each record is declared once, as a NamedTuple. Reading the YAML validates it through pydantic with unknown keys
refused, so a misspelt key is an error at its line, never a silently ignored fact; a record's `_check` holds what
its fields alone cannot say. A start that finds the validated knowledge in its signed cache rebuilds the same
records without pydantic (advisor.records.build). Every fact carries `source` and `as_of` because the product
teaches figures that age (the chapter's Lambda limits, Elastic Inference, a retired exam) and a reader must be
able to check them. A NamedTuple takes its fields with defaults last, so those follow the required ones here.

The root model of each YAML file, which holds these records, is in advisor.knowledge.files.
"""

# No `from __future__ import annotations` here: the records' hints are read at run time (advisor.records), and
# as text they would be compiled on every start.
import datetime as dt
from collections.abc import Callable, Collection, Mapping
from functools import cached_property
from typing import Annotated, Any, Literal, NamedTuple, get_args

from annotated_types import Ge, Gt, Le, MinLen
from pydantic import StringConstraints
from typing_extensions import Doc

from advisor import stages as stage_registry
from advisor.base import Id, QuestionType, Text
from advisor.engine.decisions import Decision
from advisor.records import record

Stage = Literal["notebook", "training", "hosting", "batch_transform", "processing"]
"""Where an ml.* type can run, one per botocore instance-type enum (see advisor.knowledge.botocore_sync)."""

STAGES: tuple[Stage, ...] = get_args(Stage)
"""The same ids as advisor.stages.INSTANCE_STAGES (a test holds them equal; the Literal is for the type checker)."""

#: Where a unit of work goes instead of Lambda (ids used by rules/decisions/lambda.yaml).
LAMBDA_UNITS: dict[str, str] = {
    "function": "the Lambda function you described",
    "request": "one real-time inference request",
    "serverless_request": "one serverless inference request",
    "async_request": "one asynchronous inference request",
    "record": "one batch-transform record",
    "job": "one processing job",
}
"""The units of work the Lambda check knows (rules/decisions/lambda_check.yaml chooses among them)."""
LAMBDA_MODEL_UNITS = ("request", "serverless_request", "async_request", "record")
"""Of LAMBDA_UNITS, those that run the trained model (an inference request or a batch record), so the model's
container must run in the function; a processing job and a function the user described run their own code."""

LAMBDA_BLOCKERS: dict[str, str] = {
    "builtin_container": "a SageMaker built-in algorithm's model, which runs only in its SageMaker container",
}
"""What no Lambda mode runs whatever its limits; derived.lambda_failed names them beside the limits it fails."""

LAMBDA_ALTERNATIVES: dict[str, str] = {
    "realtime_endpoint": "SageMaker real-time endpoint",
    "serverless_inference": "SageMaker Serverless Inference",
    "async_inference": "SageMaker asynchronous inference",
    "batch_transform": "SageMaker batch transform",
    "processing_job": "SageMaker processing job",
    "step_functions": "AWS Step Functions orchestrating shorter steps",
}

Processor = Literal["cpu", "gpu", "inferentia", "trainium", "gaudi", "elastic_inference"]
AcceleratorKind = Literal["gpu", "inferentia", "trainium", "gaudi"]
Vendor = Literal["nvidia", "aws", "intel"]
Severity = Literal["critical", "high", "medium", "low"]
Source = Text
"""Where a fact comes from; with `as_of: dt.date`, when it was last checked (the first two fields of a fact)."""
Context = Mapping[str, Any] | None
"""What a record's `_check` is given: the validation context (advisor.records)."""

# ---- instance families and types ---------------------------------------------------------------------------

@record
class Family(NamedTuple):
    source: Source
    as_of: dt.date
    id: Id
    name: Text
    processor: Processor
    chapter_view: Text
    chapter_name: str | None = None
    arch: Annotated[Literal["x86_64", "arm64"], Doc(
        "The host CPU's architecture: arm64 families (Graviton, Grace) need arm64 container images.")] = "x86_64"
    burstable: bool = False
    status: Literal["current", "retired"] = "current"
    today: str | None = None
    best_for: tuple[Id, ...] = ()
    generations: tuple[Id, ...] = ()


@record
class Accelerator(NamedTuple):
    """The accelerators of one instance type; the model's capabilities are in accelerators.yaml."""

    kind: AcceleratorKind
    vendor: Vendor
    model: Text
    count: Annotated[int, Ge(1)]  # type: ignore[assignment]  # the devices, over tuple.count: read as a field
    memory_gib_per_device: Annotated[float, Gt(0), Doc("Memory of one device in GiB, as EC2 reports it.")]

    @property
    def memory_gib(self) -> float:
        """Accelerator memory across all devices (what sizing compares a model's need with)."""
        return round(self.count * self.memory_gib_per_device, 2)


TypeStatus = Literal["current", "previous", "retired"]
"""current: AWS offers and recommends it; previous: an EC2 previous-generation type, still offered but never
recommended; retired: no longer offered (kept so the quiz can teach it)."""


@record
class InstanceType(NamedTuple):
    source: Source
    as_of: dt.date
    name: Annotated[str, StringConstraints(pattern=r"^ml\.[a-z0-9-]+\.[a-z0-9]+$")]
    family: Id
    generation: Id
    size: Id
    vcpu: Annotated[int, Ge(1)]
    memory_gib: Annotated[float, Gt(0)]
    instance_storage_gb: Annotated[float, Ge(0), Doc(
        "Local NVMe instance store; 0 for EBS-only types (AWS then accepts volume KMS keys).")]
    stages: Annotated[tuple[Stage, ...], MinLen(1)]
    accelerator: Accelerator | None = None
    network_gbps: Annotated[float | None, Gt(0), Doc(
        "Baseline network bandwidth in Gbps as EC2 reports it (burstable sizes reach their 'up to' figure for "
        "short periods); null where not known.")] = None
    status: TypeStatus = "current"

    def _check(self, context: Context) -> None:
        expected = f"ml.{self.generation}.{self.size}"
        if self.name != expected:
            raise ValueError(f"name {self.name!r} does not match generation and size ({expected!r})")


# ---- security controls -------------------------------------------------------------------------------------

Scalar = str | int | float | bool


ApiPath = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9]*(\[\])?(\.[A-Za-z][A-Za-z0-9]*(\[\])?)*$")]
"""A request field below its operation: `ResourceConfig.VolumeKmsKeyId`, `ProductionVariants[].InitialInstanceCount`."""

_IAC_SEGMENT = r"[A-Za-z_][A-Za-z0-9_]*(\[\])?"
IacPath = Annotated[str, StringConstraints(pattern=rf"^{_IAC_SEGMENT}(\.{_IAC_SEGMENT})*$")]
"""A CloudFormation property path below `Properties` or a Terraform attribute path; nested Terraform blocks are
written without indexes (`vpc_config.subnet_ids`), the reader looks through a block's list."""

IacPaths = Annotated[dict[str, IacPath], Doc("Resource type -> the path of this field in it.")]

Check = Literal["equals", "present", "at_least", "one_of", "none_of", "no_secrets", "tagged", "review"]
"""How a value is judged. equals: == value; present: set, not empty and neither one of `values` nor a list
holding one (a tool's spelling of unset, e.g. Terraform's -1 for reserved concurrency; a CIDR that allows
everyone); at_least: a number >= value; one_of / none_of: (every element of) the value is / is not in `values`;
no_secrets: no string looks like a credential; tagged: at least one tag whose key is none of `values` (a key
ending in ':' is a prefix: `aws:` is AWS's system tags) and that is not one a deployment tool adds itself;
review: needs a person or account context (the audit does not judge it, the advisor still recommends it)."""


@record
class Condition(NamedTuple):
    """When a setting applies at all (`when`), or another field that meets the control in its place
    (`satisfied_by`): a field of the same resource (absent takes `aws_default`).

    A path sharing the setting's list prefix (`ProductionVariants[]...`) is read in the same list element. A
    resource type (or input kind) without a path here has no condition.
    """

    check: Literal["present", "absent", "equals", "not_equals", "matches"]
    field: Annotated[ApiPath | None, Doc("In the request; none: no condition there.")] = None
    value: Annotated[Scalar | None, Doc("For equals / not_equals; a regex for matches.")] = None
    aws_default: Scalar | None = None
    cfn: IacPaths = {}
    tf: IacPaths = {}
    says: Annotated[Text | None, Doc(
        "For satisfied_by: what the finding says when the condition meets the control (default: '<field> set')."
    )] = None


@record
class Setting(NamedTuple):
    """One request field, the value that satisfies the control, and where the field lives in templates.

    `value` is the literal to send; `placeholder` names what the user must supply instead (a KMS key ARN,
    subnet ids): exactly one of the two is given. `aws_default` is what AWS does when the field is absent
    (null: AWS leaves it unset, e.g. an AWS managed key instead of yours); it must be stated, because an audit
    judges an absent field by it.
    """

    operation: Id
    field: ApiPath
    aws_default: Annotated[Scalar | None, Doc("What AWS does when the field is absent (null: nothing set).")]
    service: Literal["sagemaker", "lambda", "stepfunctions", "ec2", "s3", "iam"] = "sagemaker"
    value: Scalar | None = None
    placeholder: Id | None = None
    requires_ebs: Annotated[bool, Doc(
        "A volume key: AWS refuses the field for instance types with local NVMe instance storage (which their "
        "hardware encrypts), or with ebs_any accepts it without effect on that storage.")] = False
    ebs_any: Annotated[bool, Doc(
        "With requires_ebs: AWS accepts the field beside types with local storage and it then encrypts only the "
        "EBS volumes, so it applies when any of the resource's instance types keeps its volumes on EBS (not only "
        "when all do).")] = False
    check: Annotated[Check | None, Doc("Default: equals when `value` is given, else present.")] = None
    values: Annotated[tuple[Scalar, ...], Doc("The allowed (one_of) or refused (none_of) values.")] = ()
    when: Annotated[tuple[Condition, ...], Doc("All must hold for the setting to apply.")] = ()
    satisfied_by: Annotated[tuple[Condition, ...], Doc(
        "Any one that holds meets the control another way: the setting passes, saying so (a public principal "
        "restricted by SourceArn), where `when` would leave the control unjudged.")] = ()
    cfn: IacPaths = {}
    tf: IacPaths = {}

    def _check(self, context: Context) -> None:
        if (self.value is None) == (self.placeholder is None):
            raise ValueError("give exactly one of value or placeholder")
        if self.check in ("one_of", "none_of") and not self.values:
            raise ValueError(f"check {self.check} needs values")
        if self.check == "at_least" and not isinstance(self.value, (int, float)):
            raise ValueError("check at_least needs a numeric value")
        if self.ebs_any and not self.requires_ebs:
            raise ValueError("ebs_any qualifies requires_ebs: give both")

    @property
    def path(self) -> str:
        return f"{self.operation}.{self.field}"

    @property
    def judged_by(self) -> Check:
        """The check the audit applies (`check`, or what `value`/`placeholder` imply)."""
        return self.check or ("equals" if self.value is not None else "present")


@record
class Anchors(NamedTuple):
    """Trusted checkers that implement the same control (so a user can map our advice to their tooling)."""

    securityhub: str | None = None
    config_rule: str | None = None
    checkov: str | None = None
    prowler: str | None = None
    others: str | None = None


@record
class SecurityControl(NamedTuple):
    source: Source
    as_of: dt.date
    id: Id
    title: Text
    resource: Text
    settings: Annotated[tuple[Setting, ...], MinLen(1)]
    pass_condition: Text
    severity: Severity
    chapter_topic: Literal[
        "encryption", "root_access", "iam_role", "vpc", "network_isolation", "private_network",
        "availability", "lambda", "monitoring", "platform",
    ]
    why: Text
    tradeoff: Annotated[Text, Doc("What following the control costs: every control has one.")]
    anchors: Anchors = Anchors()


@record
class DenyWhen(NamedTuple):
    """The IAM condition under which the guard rail's Deny applies (the request breaks the control)."""

    operator: Literal["StringNotEquals", "Bool", "Null"]
    value: str


@record
class GuardRail(NamedTuple):
    source: Source
    as_of: dt.date
    condition_key: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+:[A-Za-z0-9]+$")]
    actions: Annotated[tuple[Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+:[A-Za-z0-9]+$")], ...],
                       MinLen(1)]
    deny_when: DenyWhen
    enforces: Annotated[tuple[Id, ...], MinLen(1)]
    reads: Annotated[dict[str, str], Doc(
        "action -> the request field the condition key is read from: a recommendation names an action in its rail "
        "only when its own request sets that field, so the rail never denies what the advisor writes.")]

    def _check(self, context: Context) -> None:
        if set(self.reads) != set(self.actions):
            missing, extra = sorted(set(self.actions) - set(self.reads)), sorted(set(self.reads) - set(self.actions))
            said = ([f"missing {', '.join(missing)}"] if missing else []) + \
                ([f"not an action {', '.join(extra)}"] if extra else [])
            raise ValueError(f"`reads` names the request field of every action, and only those: {'; '.join(said)}")

    def statement(self, actions: tuple[str, ...] | None = None) -> dict[str, object]:
        """The Deny statement to put in an SCP or identity policy (over `actions`, default all of the rail's)."""
        return {
            "Sid": "Deny" + self.condition_key.split(":")[1],
            "Effect": "Deny",
            "Action": list(self.actions if actions is None else actions),
            "Resource": "*",
            "Condition": {self.deny_when.operator: {self.condition_key: self.deny_when.value}},
        }


@record
class SamCannotSet(NamedTuple):
    """A property a SAM resource type cannot carry although the resource its transform generates has it: SAM
    refuses properties its specification does not define, and the generated resource is written without it. So
    the field reads as absent (AWS's default), and the fix is to declare the generated type instead."""

    source: Source
    as_of: dt.date
    sam_type: Annotated[str, StringConstraints(pattern=r"^AWS::Serverless::[A-Za-z]+$")]
    property: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]+$"), Doc(
        "The top-level property of the generated type that the SAM type has no equivalent for.")]
    generated: Annotated[str, StringConstraints(pattern=r"^AWS::[A-Za-z0-9]+::[A-Za-z]+$"), Doc(
        "The CloudFormation type SAM's transform generates, which does have the property.")]


# ---- Lambda limits -----------------------------------------------------------------------------------------

@record
class LimitValue(NamedTuple):
    """A limit as a range or a single maximum; `text` where a number alone would mislead."""

    min: float | None = None
    max: float | None = None
    default: float | None = None
    text: str | None = None
    values: Annotated[tuple[float, ...], Doc(
        "The only values the field takes, in ascending order, where it takes a few (AcceleratorMemorySize).")] = ()

    def _check(self, context: Context) -> None:
        if self.min is None and self.max is None and self.default is None and self.text is None:
            raise ValueError("give at least one of min, max, default or text")
        if list(self.values) != sorted(set(self.values)):
            raise ValueError("values are listed once each, in ascending order")
        if self.values and ((self.min is not None and self.values[0] < self.min)
                            or (self.max is not None and self.values[-1] > self.max)):
            raise ValueError(f"values run from {self.values[0]:g} to {self.values[-1]:g}, outside min and max")


@record
class LambdaLimit(NamedTuple):
    source: Source
    as_of: dt.date
    id: Id
    name: Text
    unit: Text
    today: Annotated[LimitValue, Doc("Standard (on-demand) Lambda today: what the chapter's figure compares to.")]
    changed: bool
    chapter: Annotated[LimitValue | None, Doc("The book's figure; absent if the book has none.")] = None
    managed_instances: Annotated[LimitValue | None, Doc(
        "Lambda Managed Instances today, where it differs from standard; absent: the same.")] = None
    durable: Annotated[LimitValue | None, Doc(
        "Durable functions today, where they differ from standard; absent: the same.")] = None
    configurable: bool = False
    api_field: Annotated[str | None, Doc("Where the limit is set, e.g. CreateFunction.MemorySize.")] = None
    note: str | None = None

    @property
    def ceiling(self) -> float:
        """The most Lambda allows today: the configurable maximum, else the fixed value (0 if only text)."""
        return float(self.today.max if self.today.max is not None else self.today.default or 0)


LambdaMode = Literal["standard", "managed_instances", "durable"]


@record
class LambdaExecutionMode(NamedTuple):
    """One way Lambda runs a function today; the limits table has a column per mode."""

    source: Source
    as_of: dt.date
    id: LambdaMode
    name: Text
    how: Annotated[Text, Doc("What makes a function run this way (the CreateFunction fields).")]
    billing: Text
    fits: Annotated[Text, Doc("The work this mode is for.")]
    cannot: Annotated[Text, Doc("What it does not do.")]


@record
class LambdaFeature(NamedTuple):
    """A Lambda feature the advice names beside a limit, with what it cannot be combined with and where it is not
    offered: SnapStart, said beside provisioned concurrency to a synchronous caller who cannot wait for a cold
    start. Knowledge, not code, because AWS widens the runtimes and regions it covers."""

    source: Source
    as_of: dt.date
    id: Id
    name: Text
    does: Annotated[Text, Doc("What it does, in a phrase that follows its name.")]
    limits: Annotated[Text, Doc("What it does not do, in a phrase (e.g. it shortens a cold start, not removes it).")]
    runtimes: Annotated[tuple[Text, ...], Doc("The managed runtimes it supports, as AWS lists them.")] = ()
    package_types: Annotated[tuple[Literal["Zip", "Image"], ...], Doc(
        "CreateFunction.PackageType values it works with.")] = ("Zip", "Image")
    excludes: Annotated[tuple[Text, ...], Doc("Settings it cannot be combined with, in words.")] = ()
    max_ephemeral_storage_mb: Annotated[float | None, Doc("The largest /tmp it works with; absent: any.")] = None
    regions_not: Annotated[tuple[str, ...], Doc("Commercial regions where AWS does not offer it.")] = ()

    def unavailable(self, region: str, package_type: str, tmp_mb: float) -> str | None:
        """Why the feature cannot serve this function, in words; None when it can."""
        if region in self.regions_not:
            return f"{self.name} is not offered in {region}"
        if package_type not in self.package_types:
            return f"{'a container image' if package_type == 'Image' else 'a .zip package'} cannot use {self.name}"
        if self.max_ephemeral_storage_mb is not None and tmp_mb > self.max_ephemeral_storage_mb:
            return f"{self.name} does not work with /tmp over {self.max_ephemeral_storage_mb:,.0f} MB"
        return None

    @property
    def said(self) -> str:
        """The feature in one clause: its name, runtimes and exclusions, what it does and does not."""
        packages = " and ".join(f".{t.lower()} packages" if t == "Zip" else "container images"
                                for t in self.package_types)
        within = [f"{', '.join(self.runtimes)} managed runtimes" if self.runtimes else "",
                  f"{packages} only" if len(self.package_types) == 1 else "",
                  f"/tmp up to {self.max_ephemeral_storage_mb:,.0f} MB" if self.max_ephemeral_storage_mb else "",
                  f"not with {' or '.join(self.excludes)}" if self.excludes else ""]
        return f"{self.name} ({'; '.join(x for x in within if x)}) {self.does}, but {self.limits}"


CATCH_ALL = "States.ALL"
"""The Amazon States Language's wildcard error name: alone in its ErrorEquals, and only in the last retrier."""


@record
class Retrier(NamedTuple):
    """One Retry entry of the Step Functions Task that invokes the Lambda function, in the order the Task lists
    them: the States Language tries retriers in order, so the first that matches an error decides its retries.
    Knowledge, not code, because AWS's advice names error names and numbers that it may change."""

    source: Source
    as_of: dt.date
    id: Id
    errors: Annotated[tuple[Text, ...], MinLen(1), Doc("ErrorEquals: the error names it retries.")]
    interval_seconds: Annotated[int, Ge(1), Doc("IntervalSeconds: the wait before the first retry.")]
    max_attempts: Annotated[int, Ge(0), Doc("MaxAttempts: retries before the error goes to the Catch.")]
    backoff_rate: Annotated[float, Ge(1), Doc("BackoffRate: each wait is the one before times this.")]
    why: Annotated[Text, Doc("Which errors these are and why they are retried so, in a phrase.")]

    def _check(self, context: Context) -> None:
        if CATCH_ALL in self.errors and len(self.errors) > 1:
            raise ValueError(f"{CATCH_ALL} matches every error: it stands alone in errors")

    @property
    def retry(self) -> dict[str, Any]:
        """The entry as the States Language writes it in a Task's Retry."""
        return {"ErrorEquals": list(self.errors), "IntervalSeconds": self.interval_seconds,
                "MaxAttempts": self.max_attempts, "BackoffRate": self.backoff_rate}


# ---- built-in algorithms and frameworks ---------------------------------------------------------------------

Compute = Literal["cpu", "gpu"]


@record
class AlgorithmStage(NamedTuple):
    """What AWS documents for one stage (training or inference) of a built-in algorithm.

    `None` means AWS says nothing, which is not the same as "no": rules only act on what AWS states.
    """

    processors: Annotated[tuple[Compute, ...], MinLen(1), Doc("Processors the algorithm runs on here.")]
    guidance: Annotated[Text, Doc("AWS's guidance, in plain words.")]
    preferred: Annotated[Compute | None, Doc("The processor AWS recommends, when it names one.")] = None
    multi_gpu: Annotated[bool | None, Doc("Whether the algorithm uses more than one GPU per instance.")] = None
    multi_instance: Annotated[bool | None, Doc(
        "Whether the algorithm trains (or serves) across several instances.")] = None
    families: Annotated[tuple[Id, ...], Doc("Instance families AWS recommends (families.yaml ids).")] = ()
    generations: Annotated[tuple[Id, ...], Doc(
        "Instance generations AWS names (p2, p3, g4dn, g5, c5, ...), older ones included as AWS lists them.")] = ()
    starting_types: Annotated[tuple[str, ...], Doc("Instance types AWS suggests starting with.")] = ()
    gpu_hyperparameters: Annotated[dict[str, str] | None, Doc(
        "Hyperparameters a job on GPUs must set for the algorithm to use them at all (XGBoost: tree_method "
        "gpu_hist); None: the container finds the GPUs itself.")] = None
    multi_gpu_hyperparameters: Annotated[dict[str, str] | None, Doc(
        "Further hyperparameters for a job with more than one GPU in all (XGBoost 1.5-1 and later: "
        "use_dask_gpu_training), whose instances then each read the whole input (FullyReplicated).")] = None
    gpu_note: Annotated[str | None, Doc("Why gpu_hyperparameters matter, in a clause.")] = None
    multi_gpu_note: Annotated[str | None, Doc("Why multi_gpu_hyperparameters matter, in a clause.")] = None

    def _check(self, context: Context) -> None:
        if self.preferred is not None and self.preferred not in self.processors:
            raise ValueError(f"preferred {self.preferred!r} is not one of the processors {list(self.processors)}")
        if self.multi_gpu and "gpu" not in self.processors:
            raise ValueError("multi_gpu is true but the stage does not run on a GPU")
        if (self.gpu_hyperparameters or self.multi_gpu_hyperparameters) and "gpu" not in self.processors:
            raise ValueError("GPU hyperparameters are given but the stage does not run on a GPU")

    @property
    def cpu_only(self) -> bool:
        return self.processors == ("cpu",)

    @property
    def gpu_only(self) -> bool:
        return self.processors == ("gpu",)


@record
class AlgorithmMode(NamedTuple):
    """A training mode whose instance guidance differs (BlazingText's cbow, skipgram, batch_skipgram, supervised)."""

    id: Id
    name: Text
    training: AlgorithmStage


@record
class ArtifactExport(NamedTuple):
    """How a built-in algorithm's trained model artifact runs outside its SageMaker container, where AWS
    documents it: the open-source library that loads it (what a Lambda function would have to ship)."""

    library: Annotated[Text, Doc("The open-source package that loads the artifact (xgboost, fastText).")]
    how: Annotated[Text, Doc("How the artifact is loaded, in AWS's words, with any condition AWS states.")]
    source: Source


SPOT_WAIT_WITHOUT_CHECKPOINTS_SECONDS = 3600
"""A built-in algorithm that does not checkpoint may wait at most this long in a managed spot training job
(StoppingCondition.MaxWaitTimeInSeconds, which must also cover MaxRuntimeInSeconds): AWS, Managed Spot Training in
Amazon SageMaker AI ('built-in algorithms and marketplace algorithms that do not checkpoint are currently limited to
a MaxWaitTimeInSeconds of 3600 seconds (60 minutes)'), model-managed-spot-training.html, as of 2026-12-02."""


@record
class Algorithm(NamedTuple):
    """A SageMaker built-in algorithm and AWS's instance guidance for it (the algorithm page's "EC2 Instance
    Recommendation" section)."""

    source: Source
    as_of: dt.date
    id: Annotated[Id, Doc("The value of the workload's model.algorithm.")]
    name: Text
    framework: Annotated[Text, Doc("What the built-in container is built on (MXNet, ...).")]
    data_kinds: Annotated[tuple[Id, ...], MinLen(1), Doc("Workload data kinds the algorithm takes.")]
    model_kind: Literal["classical", "tree_based", "deep_learning"]
    training: AlgorithmStage
    inference: AlgorithmStage
    incremental_training: Annotated[bool, Doc("Whether SageMaker incremental training supports it.")]
    page: Annotated[str, StringConstraints(pattern=r"^https://docs\.aws\.amazon\.com/")]
    modes: Annotated[tuple[AlgorithmMode, ...], Doc("Training modes with their own guidance.")] = ()
    checkpoints: Annotated[bool, Doc(
        "Whether the built-in container saves and resumes from checkpoints (CheckpointConfig) with no script of "
        "yours; one that does not is limited to a managed spot wait of SPOT_WAIT_WITHOUT_CHECKPOINTS_SECONDS.")] = False
    runs_on_neuron: Annotated[bool, Doc(
        "Whether the built-in container runs on AWS Neuron (Inferentia, Trainium); none does.")] = False
    multi_model: Annotated[bool, Doc(
        "Whether the built-in inference container supports multi-model endpoints (AWS lists the ones that do in "
        "multi-model-support.html); one that does not serves one model a container.")] = False
    required_hyperparameters: Annotated[tuple[Id, ...], Doc(
        "Training hyperparameters the algorithm's Hyperparameters page marks Required (a job without them fails); "
        "the requests write each, a placeholder where only the user knows the value.")] = ()
    mode_hyperparameter: Annotated[Id | None, Doc(
        "The training hyperparameter whose values are the ids of `modes` (BlazingText's mode): the requests write "
        "the workload's model.mode there; None: the algorithm has no modes.")] = None
    export: Annotated[ArtifactExport | None, Doc(
        "How the trained model artifact runs outside the built-in container, where AWS documents it; None: the "
        "model runs only in its SageMaker container (training, hosting, batch transform).")] = None

    def _check(self, context: Context) -> None:
        if bool(self.modes) != (self.mode_hyperparameter is not None):
            raise ValueError("modes and mode_hyperparameter go together: the modes are the values of that "
                             "hyperparameter")

    def mode(self, mode_id: str | None) -> AlgorithmMode | None:
        return next((m for m in self.modes if m.id == mode_id), None)

    def stated(self, model_mode: str | None) -> dict[str, str]:
        """The training hyperparameters a workload states: its model.mode, under the algorithm's
        mode_hyperparameter (nothing when either is absent)."""
        return {self.mode_hyperparameter: model_mode} if self.mode_hyperparameter and model_mode else {}


@record
class Framework(NamedTuple):
    """A framework, or an LLM serving stack, that a workload's model.algorithm may name instead of a built-in."""

    source: Source
    as_of: dt.date
    id: Id
    name: Text
    kind: Literal["framework", "serving", "custom"]
    runs_on_neuron: Annotated[Literal["yes", "compiled", "no", "unknown"], Doc(
        "yes: a Neuron build exists and runs as is; compiled: runs on Inferentia/Trainium only after compiling the "
        "model with the Neuron SDK (a Neuron container); no: never; unknown: the user's.")]
    multi_model: Annotated[Literal["listed", "toolkit", "no"], Doc(
        "Whether its serving container can be a multi-model endpoint: listed, AWS lists its SageMaker inference "
        "container among those that support them (multi-model-support.html); toolkit, AWS does not, and a "
        "container built with the SageMaker inference toolkit (Multi Model Server, the image labelled "
        "com.amazonaws.sagemaker.capabilities.multi-models=true) serves them, as AWS says for any other framework; "
        "no, its container serves one model (a JumpStart algorithm's own container, a single-model LLM server).")]
    note: str | None = None
    model_kinds: Annotated[tuple[Literal["classical", "tree_based", "deep_learning", "llm"], ...], Doc(
        "The workload model kinds it trains or serves, the usual one first (model.kind when a workload names this "
        "framework but no kind); empty: any (your own container).")] = ()
    cpu_only: Annotated[tuple[Literal["training", "inference"], ...], Doc(
        "The workload sections (training: training and tuning; inference: the inference stages) whose containers"
        " AWS builds or runs on CPUs only, so a GPU asked for there cannot be used: a plain error naming both "
        "fields. Empty where AWS states no such limit (an accelerator merely not recommended is a rule's "
        "exclusion and a warning).")] = ()
    cpu_only_guidance: Annotated[Text | None, Doc(
        "What AWS says, in plain words, when cpu_only names a section.")] = None
    training: Annotated[AlgorithmStage | None, Doc(
        "What AWS documents for training in the framework's SageMaker container, as for a built-in algorithm "
        "(e.g. multi_instance false: one instance a job); absent where AWS states no limit.")] = None

    def _check(self, context: Context) -> None:
        if self.cpu_only and not self.cpu_only_guidance:
            raise ValueError("cpu_only names sections but cpu_only_guidance does not say what AWS states")


# ---- SageMaker inference options -----------------------------------------------------------------------------

@record
class OptionLimit(NamedTuple):
    """One bound of an inference option, with the botocore shape that enforces it where there is one."""

    source: Source
    as_of: dt.date
    id: Id
    name: Text
    unit: Text
    value: LimitValue
    api_field: Annotated[str | None, Doc(
        "Service, operation and member path whose botocore shape carries the number, e.g. sagemaker-"
        "runtime:InvokeEndpoint.Body.")] = None
    note: str | None = None


@record
class OptionCapabilities(NamedTuple):
    """What an option can and cannot do; `None` where AWS says nothing."""

    gpu: bool
    vpc: bool
    network_isolation: bool
    scale_to_zero: bool
    persistent: Annotated[bool, Doc("Serves requests as they arrive (an endpoint), not a job over a data set.")]
    data_capture: bool | None = None
    multiple_variants: bool | None = None
    several_models: Annotated[bool | None, Doc(
        "One endpoint serves several distinct models, each request naming its own (InvokeEndpoint TargetModel, "
        "TargetContainerHostname or InferenceComponentName): a multi-model or multi-container endpoint, or "
        "inference components. False: one model per endpoint, or per job.")] = None
    serial_pipeline: Annotated[bool | None, Doc(
        "Runs a serial inference pipeline: one model of up to 15 containers that each request passes through in "
        "order (CreateModel.Containers, InferenceExecutionConfig.Mode Serial).")] = None


class CapabilityWords(NamedTuple):
    """How a capability of an inference option reads: in a table cell, as a claim, and what an option without it
    does instead (drills state the claim and explain it with the option's own facts; `kb show hosting` lists it)."""

    label: str
    """In a table cell, for an option that has it ("GPU")."""
    has: str
    """The claim, after the option's name ("can run the model on GPU instances")."""
    lacks: str
    """What an option without it does instead ("runs on CPU only")."""
    label_without: str | None = None
    """In a table cell, for an option without it; None: "no " and the label."""
    drilled: bool = True
    """False where a drill would give itself away (an option's name says whether it is an endpoint or a job)."""

    def cell(self, value: bool) -> str:
        return self.label if value else self.label_without or f"no {self.label}"


#: Every capability of OptionCapabilities in words (a test holds the two equal, so a new capability is shown and
#: drilled as soon as it is declared).
CAPABILITY_WORDS: dict[str, CapabilityWords] = {
    "gpu": CapabilityWords("GPU", "can run the model on GPU instances", "runs on CPU only"),
    "vpc": CapabilityWords("VPC", "can be attached to your VPC (VpcConfig)", "cannot be attached to your VPC"),
    "network_isolation": CapabilityWords("isolation", "supports network isolation for the model container",
                                         "does not support network isolation"),
    "scale_to_zero": CapabilityWords("scale to 0", "can scale to zero when there is no traffic",
                                     "keeps at least one instance running"),
    "persistent": CapabilityWords("endpoint", "serves requests as they arrive, as an endpoint",
                                  "is a job over a data set, not an endpoint that serves requests as they arrive",
                                  label_without="job", drilled=False),
    "data_capture": CapabilityWords("data capture", "supports data capture for Model Monitor",
                                    "does not support data capture"),
    "multiple_variants": CapabilityWords("variants", "can hold several production variants in one endpoint "
                                         "configuration (A/B tests, canaries)", "takes one production variant only",
                                         label_without="one variant"),
    "several_models": CapabilityWords("several models", "can serve several distinct models at once, each request "
                                      "naming its own", "serves one model", label_without="one model"),
    "serial_pipeline": CapabilityWords("serial pipeline", "can run a serial inference pipeline: one model of up to "
                                       "15 containers that each request passes through in order",
                                       "does not run serial inference pipelines"),
}


@record
class HostingOption(NamedTuple):
    source: Source
    as_of: dt.date
    id: Id
    name: Text
    api: Annotated[Text, Doc("The request that creates it.")]
    capabilities: OptionCapabilities
    choose_when: Text
    avoid_when: Text
    page: Annotated[str, StringConstraints(pattern=r"^https://docs\.aws\.amazon\.com/")]
    limits: tuple[OptionLimit, ...] = ()
    serves_one_model: Annotated[Text | None, Doc(
        "Why one of it serves a single model, in AWS's terms (where capabilities.several_models is false): the "
        "error or warning for a workload with several models on it quotes it.")] = None
    gpu_generations: Annotated[tuple[Id, ...], Doc(
        "The GPU instance generations AWS lists for it, where it lists some (a multi-model endpoint's GPU types); "
        "empty: every GPU type of the stage.")] = ()

    def _check(self, context: Context) -> None:
        if self.capabilities.several_models is False and not self.serves_one_model:
            raise ValueError("capabilities.several_models is false but serves_one_model does not say why")

    def limit(self, limit_id: str) -> OptionLimit:
        """One of its limits; a KeyError naming the option and the file where the code asks for one it lacks."""
        found = next((x for x in self.limits if x.id == limit_id), None)
        if found is None:
            raise KeyError(f"hosting option {self.id!r} has no limit {limit_id!r} in "
                           "rules/knowledge/hosting_options.yaml")
        return found

    def most(self, limit_id: str) -> float | None:
        """The maximum of one of its limits; None when it has no such limit or the limit has no maximum."""
        found = next((x for x in self.limits if x.id == limit_id), None)
        return None if found is None else found.value.max

    @property
    def always_on(self) -> bool:
        """An endpoint that keeps its instances and bills every hour they run (a real-time endpoint): what an
        option that scales to zero is weighed against."""
        return self.capabilities.persistent and not self.capabilities.scale_to_zero

    def hosts_models(self, serial: bool) -> bool:
        """Whether one of it serves several models: a serial pipeline (one model of several containers to its
        caller) where it runs inference pipelines, distinct models where each request can name its own."""
        return bool(self.capabilities.serial_pipeline if serial else self.capabilities.several_models)


# ---- exam blueprints ---------------------------------------------------------------------------------------

@record
class ExamTask(NamedTuple):
    """A task statement of an exam guide ("3.1 Select deployment infrastructure ..."): quiz questions cite it."""

    source: Source
    as_of: dt.date
    id: Annotated[str, StringConstraints(pattern=r"^[0-9]+\.[0-9]+$")]
    title: Text


@record
class ExamDomain(NamedTuple):
    id: Id
    name: Text
    weight_percent: Annotated[float, Gt(0), Le(100)]
    tasks: tuple[ExamTask, ...] = ()

    def _check(self, context: Context) -> None:
        ids = [t.id for t in self.tasks]
        if len(set(ids)) != len(ids):
            raise ValueError("two task statements have the same id")


@record
class ItemShape(NamedTuple):
    """The size of one of an exam's item types as its guide states it (MLA-C01: multiple choice has one right
    response and three distractors, ordering 3-5 responses, ...): the lint's `exam-shape` warns of a question
    filed under the exam but not shaped as its items, so a learner practises on items like the exam's."""

    source: Source
    as_of: dt.date
    type: QuestionType
    fewest: Annotated[int, Ge(2)]
    #: None: no upper bound in the guide ("five or more"); the bank's own limit of 9 options applies
    most: Annotated[int, Ge(2)] | None = None

    def _check(self, context: Context) -> None:
        if self.most is not None and self.most < self.fewest:
            raise ValueError(f"most ({self.most}) is below fewest ({self.fewest})")

    @property
    def size(self) -> str:
        """The size in words: "4", "3-5", "5 or more"."""
        if self.most is None:
            return f"{self.fewest} or more"
        return str(self.fewest) if self.fewest == self.most else f"{self.fewest}-{self.most}"


@record
class ExamBlueprint(NamedTuple):
    source: Source
    as_of: dt.date
    code: Id
    name: Text
    status: Literal["active", "retired"]
    questions: Annotated[int, Ge(1)]
    scored_questions: Annotated[int, Ge(1)]
    minutes: Annotated[int, Ge(1)]
    pass_mark: Annotated[int, Ge(1)]
    question_types: tuple[Text, ...]
    domains: Annotated[tuple[ExamDomain, ...], MinLen(1)]
    retired_on: dt.date | None = None
    successor: Id | None = None
    scale_min: int = 100
    scale_max: int = 1000
    #: the quiz bank's question types that are this exam's own (its guide's response types): an exam simulation
    #: draws only these (MLA-C01 has no true/false; MLS-C01 no ordering or matching). Empty: every type.
    item_types: tuple[QuestionType, ...] = ()
    #: the sizes of those types the guide states (options, steps or prompts), for the bank lint's `exam-shape`
    item_shapes: tuple[ItemShape, ...] = ()

    def _check(self, context: Context) -> None:
        stray = [s.type for s in self.item_shapes if self.item_types and s.type not in self.item_types]
        if stray:
            raise ValueError(f"item_shapes names {', '.join(stray)}, not among item_types")
        if len({s.type for s in self.item_shapes}) != len(self.item_shapes):
            raise ValueError("item_shapes gives one type twice")
        total = sum(d.weight_percent for d in self.domains)
        if abs(total - 100) > 0.01:
            raise ValueError(f"domain weights add up to {total:g}%, not 100%")
        if self.scored_questions > self.questions:
            raise ValueError("scored_questions is larger than questions")
        if not self.scale_min < self.pass_mark <= self.scale_max:
            raise ValueError(f"pass_mark {self.pass_mark} is outside the scale {self.scale_min}-{self.scale_max}")
        if (self.status == "retired") != (self.retired_on is not None):
            raise ValueError("retired_on is given exactly when status is retired")


# ---- accelerator throughput ----------------------------------------------------------------------------------

@record
class AcceleratorSpec(NamedTuple):
    """One accelerator model: what it can run, how much memory a device has and how fast it peaks.

    Rules read the capability flags through the workload context (issue 12): a decoder LLM is never sent to an
    accelerator with `decoder_llms: false` (Inf1), and a built-in algorithm or a stock framework container
    never to one with `stock_containers: false` (Neuron, Gaudi, Kepler under CUDA 12).
    """

    source: Source
    as_of: dt.date
    model: Annotated[Text, Doc("The name instance types use in accelerator.model (A10G, Inferentia2).")]
    vendor: Vendor
    kind: AcceleratorKind
    architecture: Annotated[Text, Doc("The vendor's architecture name (Ampere, Hopper, NeuronCore-v2).")]
    memory_gib_per_device: Annotated[tuple[Annotated[float, Gt(0)], ...], MinLen(1), Doc(
        "Device memory in GiB as EC2 reports it; several where EC2 sells the model with different memory (V100 16/32,"
        " A100 40/80).")]
    bf16: Annotated[bool, Doc("Computes in bfloat16 natively (mixed-precision training without loss scaling).")]
    fp8: Annotated[bool, Doc("Has FP8 (or Neuron cFP8) matrix support, which halves serving memory again.")]
    decoder_llms: Annotated[bool, Doc("Runs autoregressive (decoder) text generation; false for Inf1.")]
    stock_containers: Annotated[bool, Doc(
        "AWS's stock framework containers (PyTorch, TensorFlow DLCs) and the built-in algorithms run on it as they "
        "are.")]
    needs_compilation: Annotated[bool, Doc(
        "A model must be compiled for it ahead of time (AWS Neuron: torch-neuronx, optimum-neuron).")]
    fp16_tflops: Annotated[float, Gt(0), Doc("Peak dense FP16/BF16 tensor TFLOPS per device.")]
    tflops_basis: Annotated[Text, Doc("What the peak figure is: precision, dense or sparse, form factor.")]
    cuda_compute_capability: Annotated[Annotated[str, StringConstraints(pattern=r"^\d+\.\d+$")] | None, Doc(
        "NVIDIA only: the CUDA compute capability, e.g. 8.6; frameworks need a minimum.")] = None
    neuron_generation: Annotated[int | None, Ge(1), Doc(
        "AWS Neuron only: the NeuronCore version (1 Inf1, 2 Inf2/Trn1, 3 Trn2).")] = None
    estimate: Annotated[bool, Doc("The peak is our estimate (the source says how it was made).")] = False
    note: str | None = None
    int4: Annotated[bool, Doc(
        "Serves weights quantised to 4 bits (AWQ/GPTQ weight-only kernels); false where the serving stack quantises "
        "weights to 8 bits at the least (AWS Neuron: INT8 and FP8 only).")] = True
    cores_per_device: Annotated[int | None, Ge(1), Doc(
        "AWS Neuron only: the NeuronCores one device presents to the runtime (under Trn2's default Logical "
        "NeuronCore configuration, LNC=2), the units tensor parallelism shards a model over.")] = None
    tensor_parallel_degrees: Annotated[tuple[Annotated[int, Ge(1)], ...] | None, Doc(
        "AWS Neuron only: the tensor-parallelism degrees the Neuron runtime supports; a model sharded over an "
        "instance's NeuronCores uses the largest of them its cores allow, so only that many cores' memory holds "
        "its weights and KV cache.")] = None

    def _check(self, context: Context) -> None:
        if (self.cores_per_device is None) != (self.tensor_parallel_degrees is None):
            raise ValueError("cores_per_device and tensor_parallel_degrees are given together")
        if self.tensor_parallel_degrees is not None and self.vendor != "aws":
            raise ValueError("tensor_parallel_degrees are given for AWS (Neuron) accelerators only")
        if (self.vendor == "nvidia") != (self.cuda_compute_capability is not None):
            raise ValueError("cuda_compute_capability is given exactly for NVIDIA accelerators")
        if (self.vendor == "aws") != (self.neuron_generation is not None):
            raise ValueError("neuron_generation is given exactly for AWS (Neuron) accelerators")
        if self.needs_compilation and self.stock_containers:
            raise ValueError("an accelerator that needs compilation cannot run stock containers as they are")


# ---- LLM architectures ----------------------------------------------------------------------------------------

@record
class LlmArchitecture(NamedTuple):
    """A decoder LLM's published shape, from its own config.json: what its KV cache is sized from (issue 12).

    A workload names one in model.architecture; under grouped-query attention (GQA) the model keeps fewer key-value
    heads than attention heads, so its cache is several times smaller than a dense decoder's of the same size.
    """

    source: Source
    as_of: dt.date
    id: Annotated[Id, Doc("The name a workload gives in model.architecture (llama-3.1-8b, mistral-7b).")]
    parameters_millions: Annotated[float, Gt(0), Doc(
        "The published parameter count, in millions: used when the workload states none.")]
    layers: Annotated[int, Ge(1), Doc("Decoder layers (config.json num_hidden_layers).")]
    kv_heads: Annotated[int, Ge(1), Doc("Key-value heads per layer (config.json num_key_value_heads).")]
    head_dim: Annotated[int, Ge(1), Doc(
        "Size of one attention head (config.json head_dim, or hidden_size / num_attention_heads).")]
    attention: Annotated[Literal["MHA", "GQA"], Doc(
        "Multi-head attention (one key-value head per attention head) or grouped-query attention (fewer).")]


# ---- regions -----------------------------------------------------------------------------------------------

@record
class Region(NamedTuple):
    code: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$")]
    name: Text
    location: Annotated[tuple[Annotated[float, Ge(-90), Le(90)], Annotated[float, Ge(-180), Le(180)]], Doc(
        "[latitude, longitude] of the region's metro area: which price snapshot is nearest.")]


# ---- the whole -------------------------------------------------------------------------------------------

class _KnowledgeRecords(NamedTuple):
    families: tuple[Family, ...]
    instance_types: tuple[InstanceType, ...]
    security_controls: tuple[SecurityControl, ...]
    lambda_limits: tuple[LambdaLimit, ...]
    exams: tuple[ExamBlueprint, ...]
    regions: tuple[Region, ...]
    guard_rails: tuple[GuardRail, ...] = ()
    sam_cannot_set: tuple[SamCannotSet, ...] = ()
    accelerators: tuple[AcceleratorSpec, ...] = ()
    cpu_vcpu_tflops: float = 0.05
    lambda_modes: tuple[LambdaExecutionMode, ...] = ()
    lambda_features: tuple[LambdaFeature, ...] = ()
    step_functions_retriers: tuple[Retrier, ...] = ()
    algorithms: tuple[Algorithm, ...] = ()
    frameworks: tuple[Framework, ...] = ()
    hosting_options: tuple[HostingOption, ...] = ()
    llm_architectures: tuple[LlmArchitecture, ...] = ()
    decisions: tuple[Decision, ...] = ()
    botocore_version: str | None = None


class Knowledge(_KnowledgeRecords):
    """Everything the engine and the quizzes read, validated and cross-checked (advisor.knowledge.loader).

    The records are its fields; the lookup tables are built on first use and kept beside them.
    """

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Knowledge is frozen: cannot set {name}")

    @cached_property
    def _by_key(self) -> dict[str, dict[str, Any]]:
        """Lookup tables, built on first use."""
        return {
            "families": {f.id: f for f in self.families},
            "instance_types": {t.name: t for t in self.instance_types},
            "exams": {e.code: e for e in self.exams},
            "lambda_limits": {limit.id: limit for limit in self.lambda_limits},
            "lambda_features": {f.id: f for f in self.lambda_features},
            "security_controls": {c.id: c for c in self.security_controls},
            "regions": {r.code: r for r in self.regions},
            "decisions": {d.decision: d for d in self.decisions},
            "accelerators": {a.model: a for a in self.accelerators},
            "algorithms": {a.id: a for a in self.algorithms},
            "frameworks": {f.id: f for f in self.frameworks},
            "hosting_options": {o.id: o for o in self.hosting_options},
            "llm_architectures": {a.id: a for a in self.llm_architectures},
        }

    def family(self, family_id: str) -> Family:
        return self._by_key["families"][family_id]

    def instance_type(self, name: str) -> InstanceType:
        return self._by_key["instance_types"][name]

    def types_of(self, family_id: str) -> tuple[InstanceType, ...]:
        """The family's instance types, in knowledge order (none for an unknown family)."""
        return self._types_by_family.get(family_id, ())

    @cached_property
    def _types_by_family(self) -> dict[str, tuple[InstanceType, ...]]:
        by_family: dict[str, list[InstanceType]] = {}
        for t in self.instance_types:
            by_family.setdefault(t.family, []).append(t)
        return {family: tuple(types) for family, types in by_family.items()}

    def exam(self, code: str) -> ExamBlueprint:
        return self._by_key["exams"][code]

    def lambda_limit(self, limit_id: str) -> LambdaLimit:
        return self._by_key["lambda_limits"][limit_id]

    def lambda_feature(self, feature_id: str) -> LambdaFeature | None:
        """A Lambda feature by id (rules/knowledge/lambda_limits.yaml `features`); None when the knowledge has none."""
        return self._by_key["lambda_features"].get(feature_id)

    @cached_property
    def lambda_limit_rows(self) -> Mapping[str, tuple[str, str, float]]:
        """(name, unit, ceiling) by limit id: what every Lambda check row repeats, read once."""
        return {limit.id: (limit.name, limit.unit, limit.ceiling) for limit in self.lambda_limits}

    def algorithm(self, algorithm_id: str) -> Algorithm | None:
        """The built-in algorithm of that id; None for a framework or serving stack."""
        return self._by_key["algorithms"].get(algorithm_id)

    def framework(self, framework_id: str) -> Framework | None:
        """The framework or serving stack of that id; None for a built-in algorithm."""
        return self._by_key["frameworks"].get(framework_id)

    def llm_architecture(self, architecture_id: str) -> LlmArchitecture | None:
        """The LLM architecture of that id (model.architecture); None when the knowledge does not list it."""
        return self._by_key["llm_architectures"].get(architecture_id)

    def hosting_option(self, option_id: str) -> HostingOption:
        return self._by_key["hosting_options"][option_id]

    def inference_stages(self, chosen: Collection[str] | None = None) -> tuple[tuple[str, HostingOption], ...]:
        """(stage id, its option) for every registered stage that is an inference option this knowledge
        describes (StageSpec.hosting_option), in registry order; only those in `chosen` when it is given. The
        checks that weigh one option against another loop over these and read the options' capabilities and
        limits, so a new inference stage is a registry row and an option in hosting_options.yaml. Read from the
        registry on each call: a stage registered later (a test's toy stage) is seen."""
        every: tuple[tuple[str, HostingOption], ...] = self.from_registry("inference_stages", lambda: tuple(
            (s.id, self._by_key["hosting_options"][s.hosting_option]) for s in stage_registry.stages()
            if s.hosting_option in self._by_key["hosting_options"]))
        if chosen is None:
            return every
        return tuple(pair for pair in every if pair[0] in chosen)

    def from_registry(self, key: str, build: Callable[[], Any]) -> Any:
        """A table built from the stage registry and this knowledge (e.g. the inference stages of one kind), built
        once and again whenever the registry changes (stages.generation), so hot paths do not rebuild it."""
        tables, generation = self._registry_tables, stage_registry.generation()
        if tables.get("") != generation:
            tables.clear()
            tables[""] = generation
        if key not in tables:
            tables[key] = build()
        return tables[key]

    @cached_property
    def _registry_tables(self) -> dict[str, Any]:
        """Tables from_registry built, and under "" the registry generation they were built for."""
        return {}

    def security_control(self, control_id: str) -> SecurityControl:
        return self._by_key["security_controls"][control_id]

    def decision(self, decision_id: str) -> Decision:
        return self._by_key["decisions"][decision_id]

    def tflops(self, t: InstanceType) -> float:
        """Peak FP16 TFLOPS of one instance: its accelerators, or its vCPUs at the stated CPU assumption."""
        if t.accelerator is None:
            return t.vcpu * self.cpu_vcpu_tflops
        return t.accelerator.count * self._by_key["accelerators"][t.accelerator.model].fp16_tflops

    @cached_property
    def gpu_stages(self) -> frozenset[str]:
        """The stages some GPU instance type runs (a workload that requires a GPU elsewhere cannot be served)."""
        return frozenset(stage for t in self.instance_types if t.accelerator and t.accelerator.kind == "gpu"
                         for stage in t.stages)

    def has_region(self, code: str) -> bool:
        return code in self._by_key["regions"]

    @property
    def region_codes(self) -> Collection[str]:
        """Every region's code (what advisor.regions checks a --region against)."""
        return self._by_key["regions"].keys()
