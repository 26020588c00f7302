"""The Recommendation: what the advisor answers, as data (the JSON contract of `advisor recommend`).

Every record inside is frozen, down to the engine's trace, so no caller can change a recommendation (or
another one sharing a record) after the fact. The small records are dataclasses, which pydantic validates and
serialises like models.
"""


import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal, NoReturn, TypeVar

from pydantic import AfterValidator, ConfigDict, Field

from advisor.base import Frozen
from advisor.engine.decisions import DecisionTrace
from advisor.pricing.costs import Cost

PerHour = float | Literal["unknown"]


class FrozenDict(dict[str, Any]):
    """A dict that refuses every change, so a Recommendation is read-only at any depth (its mappings too)."""

    def _read_only(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"{type(self).__name__} is read-only: a recommendation is not changed after the fact")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _read_only

    def __reduce__(self) -> "tuple[type[FrozenDict], tuple[dict[str, Any]]]":
        return FrozenDict, (dict(self),)


def deep_frozen(value: Any) -> Any:
    """Mappings as FrozenDicts and lists as tuples, all the way down (JSON and YAML come out the same)."""
    if isinstance(value, dict):
        return FrozenDict({key: deep_frozen(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(deep_frozen(item) for item in value)
    return value


V = TypeVar("V")
FrozenMap = Annotated[dict[str, V], AfterValidator(deep_frozen)]
"""A mapping field of a record: validated as a dict, kept as a FrozenDict."""

@dataclass(frozen=True, slots=True)
class Alternative:
    __pydantic_config__ = ConfigDict(extra="forbid")

    instance_type: str
    instance_count: int
    price_per_hour_usd: PerHour
    reason: str


@dataclass(frozen=True, slots=True)
class Exclusion:
    __pydantic_config__ = ConfigDict(extra="forbid")

    family: str
    rule: str
    because: str


class StageChoice(Frozen):
    stage: str
    instance_type: str | None = Field(description="None for a stage without instances (serverless).")
    instance_count: int = Field(description="0 for a stage without instances (serverless).")
    family: str | None = Field(description="None for a stage without instances (serverless).")
    price_per_hour_usd: PerHour | None = Field(description="Per instance; 'unknown' when no snapshot price exists; "
                                                           "None for a stage without instances (serverless).")
    price_is_estimate: bool = False
    estimated_cost: Cost
    fits: bool = Field(description="False when nothing in the knowledge meets the stated need (see reasons).")
    reasons: tuple[str, ...]
    alternatives: tuple[Alternative, ...]
    excluded: tuple[Exclusion, ...] = ()
    decided_by: tuple[str, ...] = ()
    extra: FrozenMap[Any] = Field(default_factory=FrozenDict,
                                  description="Stage details, e.g. tuning wall-clock hours.")
    settings: FrozenMap[Any] = Field(default_factory=FrozenDict, description=(
        "The inference option's request settings by API field name: serverless MemorySizeInMB, MaxConcurrency "
        "and ProvisionedConcurrency; asynchronous MaxConcurrentInvocationsPerInstance and the auto scaling "
        "MinCapacity, MaxCapacity and TargetBacklogPerInstance."))


@dataclass(frozen=True, slots=True, kw_only=True)
class SecuritySetting:
    __pydantic_config__ = ConfigDict(extra="forbid")

    control: str
    title: str
    resource: str
    service: str
    api: str
    field: str
    value: Any = None
    placeholder: str | None = None
    aws_default: Any = None
    requires_ebs: bool = False
    severity: str
    why: str
    tradeoff: str | None = None
    rule: str
    anchors: FrozenMap[str] = dataclasses.field(default_factory=FrozenDict)
    status: Literal["set", "not_available"] = "set"
    """not_available: the workload needs this control but the stage's option cannot carry it (serverless has no
    VpcConfig): said, never written into a request."""
    group: Literal["sagemaker", "lambda"] = "sagemaker"
    """Whose setting it is: the SageMaker resources', or the Lambda function's (shown apart, after them)."""


@dataclass(frozen=True, slots=True)
class GuardRailAdvice:
    __pydantic_config__ = ConfigDict(extra="forbid")

    condition_key: str
    enforces: tuple[str, ...]
    statement: FrozenMap[Any]


@dataclass(frozen=True, slots=True)
class LambdaCheck:
    __pydantic_config__ = ConfigDict(extra="forbid")

    limit: str
    name: str
    unit: str
    need: float
    max: float
    margin: float
    ok: bool
    blocking: bool
    change: str | None = None
    note: str | None = None
    applies: bool = True
    """False for a limit this unit of work never meets (an asynchronous payload limit on a synchronous call)."""
    managed_max: float | None = None
    """The limit on Lambda Managed Instances where it differs from standard Lambda (None: the same, or none)."""
    managed_ok: bool | None = None


@dataclass(frozen=True, slots=True)
class LambdaAlternative:
    __pydantic_config__ = ConfigDict(extra="forbid")

    id: str
    title: str
    because: str
    rule: str


class LambdaFit(Frozen):
    verdict: Literal["fits", "fits_with_changes", "does_not_fit"]
    mode: Literal["standard", "managed_instances"] | None = None
    """The execution mode the work fits (None: neither)."""
    orchestration: Literal["durable_functions", "step_functions"] | None = None
    """For a workflow that chains steps and waits (lambda.steps, lambda.wait_hours): what runs it, weighed as
    AWS's durable-step-functions.html page does; None for a single invocation."""
    summary: str = ""
    """The verdict in words, naming the mode: "fits standard Lambda", "fits Lambda Managed Instances only
    (needs 16,384 MB of memory)", "does not fit: use a SageMaker real-time endpoint"."""
    unit: str = ""
    reasons: tuple[str, ...] = ()
    """Why it was checked, which unit of work, which figures were implied by the stage or assumed."""
    checks: tuple[LambdaCheck, ...]
    changes: tuple[str, ...]
    settings: FrozenMap[Any]
    alternatives: tuple[LambdaAlternative, ...]
    monthly_cost: Cost | None = None
    endpoint_monthly_cost: Cost | None = None
    break_even_requests_per_second: float | None = None


class Recommendation(Frozen):
    model_config = ConfigDict(extra="forbid", frozen=True, serialize_by_alias=True, validate_by_name=True,
                              validate_by_alias=True)

    workload: str
    region: str
    priority: str
    instances: FrozenMap[StageChoice]
    security: tuple[SecuritySetting, ...]
    guard_rails: tuple[GuardRailAdvice, ...]
    lambda_: LambdaFit | None = Field(default=None, alias="lambda")
    """None when the workload has no unit of work for Lambda (the lambda.check decision in the trace says why)."""
    warnings: tuple[str, ...] = ()
    prices_as_of: dt.date | None = None
    botocore_version: str | None = None
    trace: tuple[DecisionTrace, ...] = ()
