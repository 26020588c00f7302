"""The Recommendation: what the advisor answers, as data (the JSON contract of `advisor recommend`).

Every record inside is immutable, down to the engine's trace, so no caller can change a recommendation (or
another one sharing a record) after the fact. The records are plain named tuples, built by the code that knows
their values: nothing validates what the advisor itself computed, so no validator is built to answer one command.
The JSON is written from them by orjson (`Recommendation.to_json`), each record as the object of its fields in
the order declared here. The annotations still describe the contract exactly: a reader may validate a
recommendation's JSON with pydantic (`TypeAdapter(Recommendation)`), as the tests do.
"""


import datetime as dt
from typing import Annotated, Any, Literal, NamedTuple, NoReturn, TypeVar

import orjson
from pydantic import AfterValidator, Field

from advisor.engine.decisions import DecisionTrace
from advisor.pricing.costs import Cost
from advisor.records import to_plain

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
"""A mapping field of a record: a FrozenDict (deep_frozen), also when pydantic reads one back."""


class Alternative(NamedTuple):
    instance_type: str
    instance_count: int
    price_per_hour_usd: PerHour
    reason: str


class Exclusion(NamedTuple):
    family: str
    rule: str
    because: str


class StageChoice(NamedTuple):
    stage: str
    instance_type: str | None
    """None for a stage without instances (serverless)."""
    instance_count: int
    """0 for a stage without instances (serverless)."""
    family: str | None
    """None for a stage without instances (serverless)."""
    price_per_hour_usd: PerHour | None
    """Per instance; 'unknown' when no snapshot price exists; None for a stage without instances (serverless)."""
    price_is_estimate: bool
    estimated_cost: Cost
    fits: bool
    """False when nothing in the knowledge meets the stated need (see reasons)."""
    reasons: tuple[str, ...]
    alternatives: tuple[Alternative, ...]
    excluded: tuple[Exclusion, ...] = ()
    decided_by: tuple[str, ...] = ()
    extra: FrozenMap[Any] = FrozenDict()
    """Stage details, e.g. tuning wall-clock hours."""
    settings: FrozenMap[Any] = FrozenDict()
    """The inference option's request settings by API field name: serverless MemorySizeInMB, MaxConcurrency and
    ProvisionedConcurrency; asynchronous MaxConcurrentInvocationsPerInstance and the auto scaling MinCapacity,
    MaxCapacity and TargetBacklogPerInstance."""


class SecuritySetting(NamedTuple):
    control: str
    title: str
    resource: str
    service: str
    api: str
    field: str
    value: Any
    placeholder: str | None
    aws_default: Any
    requires_ebs: bool
    severity: str
    why: str
    tradeoff: str | None
    rule: str
    anchors: FrozenMap[str] = FrozenDict()
    status: Literal["set", "not_available"] = "set"
    """not_available: the workload needs this control but the stage's option cannot carry it (serverless has no
    VpcConfig): said, never written into a request."""
    group: Literal["sagemaker", "lambda"] = "sagemaker"
    """Whose setting it is: the SageMaker resources', or the Lambda function's (shown apart, after them)."""
    ebs_any: Annotated[bool, Field(exclude=True)] = False
    """The knowledge setting's ebs_any (with requires_ebs): AWS accepts this volume key beside local NVMe storage,
    where it encrypts nothing (drop_volume_keys reads it). Not in the JSON: what it decides is said there, as the
    row left out and the warning why."""

    def _json(self) -> dict[str, Any]:
        """The row as JSON writes it: every field but `ebs_any`."""
        data = self._asdict()
        del data["ebs_any"]
        return data


class GuardRailAdvice(NamedTuple):
    condition_key: str
    enforces: tuple[str, ...]
    statement: FrozenMap[Any]


class LambdaCheck(NamedTuple):
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


class LambdaAlternative(NamedTuple):
    id: str
    title: str
    because: str
    rule: str


class LambdaFit(NamedTuple):
    verdict: Literal["fits", "fits_with_changes", "does_not_fit"]
    mode: Literal["standard", "managed_instances"] | None
    """The execution mode the work fits (None: neither)."""
    orchestration: Literal["durable_functions", "step_functions"] | None
    """For a workflow that chains steps and waits (lambda.steps, lambda.wait_hours): what runs it, weighed as
    AWS's durable-step-functions.html page does; None for a single invocation."""
    summary: str
    """The verdict in words, naming the mode: "fits standard Lambda", "fits Lambda Managed Instances only
    (needs 16,384 MB of memory)", "does not fit: use a SageMaker real-time endpoint"."""
    unit: str
    reasons: tuple[str, ...]
    """Why it was checked, which unit of work, which figures were implied by the stage or assumed."""
    checks: tuple[LambdaCheck, ...]
    changes: tuple[str, ...]
    settings: FrozenMap[Any]
    alternatives: tuple[LambdaAlternative, ...]
    monthly_cost: Cost | None = None
    endpoint_monthly_cost: Cost | None = None
    break_even_requests_per_second: float | None = None


class Recommendation(NamedTuple):
    workload: str
    region: str
    priority: str
    instances: FrozenMap[StageChoice]
    security: tuple[SecuritySetting, ...]
    guard_rails: tuple[GuardRailAdvice, ...]
    lambda_: Annotated[LambdaFit | None, Field(alias="lambda")] = None
    """None when the workload has no unit of work for Lambda (the lambda.check decision in the trace says why).
    Written `lambda` in JSON, as a workload's section is (`_json`)."""
    warnings: tuple[str, ...] = ()
    prices_as_of: dt.date | None = None
    botocore_version: str | None = None
    trace: tuple[DecisionTrace, ...] = ()

    def _json(self) -> dict[str, Any]:
        return {"lambda" if name == "lambda_" else name: value for name, value in zip(self._fields, self)}

    def to_json(self, indent: int | None = None) -> str:
        """The JSON contract of `advisor recommend --format json` (with indent=2): every field, trace included."""
        if indent not in (None, 2):
            raise ValueError(f"indent is 2 or None, not {indent!r}")
        return orjson.dumps(self, default=record_object, option=orjson.OPT_INDENT_2 if indent else 0).decode()

    def to_data(self) -> Any:
        """The recommendation as plain JSON data (mappings, lists, text, numbers), e.g. to write it as YAML."""
        return to_plain(self)

    def model_dump_json(self, indent: int | None = None) -> str:
        """`to_json` under the name it had when a Recommendation was a pydantic model (kept for scripts)."""
        return self.to_json(indent)


def record_object(record: Any) -> dict[str, Any]:
    """orjson's hook for what it does not write itself: a record (a named tuple) as the object of its fields, or of
    what its `_json` method says (a field named otherwise, or left out)."""
    write = getattr(record, "_json", None) or getattr(record, "_asdict", None)
    if write is None:
        raise TypeError(f"{type(record).__name__} is not a record")
    return write()
