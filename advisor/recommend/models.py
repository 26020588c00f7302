"""The Recommendation: what the advisor answers, as data (the JSON contract of `advisor recommend`).

The advisor builds these from values it computed itself, so it assembles them with `build` below (no
re-validation on the hot path); tests round-trip a recommendation through full validation to keep that honest.
The trace is made of the engine's slotted dataclasses for the same reason: there are hundreds per run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, TypeVar

from pydantic import ConfigDict, Field

from advisor.engine.decisions import DecisionTrace
from advisor.knowledge.base import Frozen
from advisor.pricing.costs import Cost

M = TypeVar("M", bound=Frozen)

PerHour = float | Literal["unknown"]

_SHAPES: dict[type, tuple[int, dict[str, Any], tuple[tuple[str, Any], ...]]] = {}


def build(cls: type[M], **values: Any) -> M:
    """Assemble a model from values the advisor computed itself, without re-validating them.

    What `model_construct` does, minus its per-call bookkeeping (aliases, validators, extra handling), which
    cost more than the rest of a recommendation. Every field must be a declared one; omitted fields take their
    defaults. tests/recommend/test_examples.py round-trips a whole Recommendation through full validation.
    """
    shape = _SHAPES.get(cls)
    if shape is None:
        fields = cls.model_fields
        shape = (len(fields),
                 {n: f.default for n, f in fields.items() if not f.is_required() and f.default_factory is None},
                 tuple((n, f.default_factory) for n, f in fields.items() if f.default_factory is not None))
        _SHAPES[cls] = shape
    count, defaults, factories = shape
    if len(values) < count:
        data = {**defaults, **values}
        for name, factory in factories:
            if name not in values:
                data[name] = factory()
    else:
        data = values
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", data)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


class Alternative(Frozen):
    instance_type: str
    instance_count: int
    price_per_hour_usd: PerHour
    reason: str


class Exclusion(Frozen):
    family: str
    rule: str
    because: str


class StageChoice(Frozen):
    stage: str
    instance_type: str
    instance_count: int
    family: str
    price_per_hour_usd: PerHour = Field(description="Per instance; 'unknown' when no snapshot price exists.")
    price_is_estimate: bool = False
    estimated_cost: Cost
    fits: bool = Field(description="False when nothing in the knowledge meets the stated need (see reasons).")
    reasons: tuple[str, ...]
    alternatives: tuple[Alternative, ...]
    excluded: tuple[Exclusion, ...] = ()
    decided_by: tuple[str, ...] = ()
    extra: dict[str, Any] = Field(default_factory=dict, description="Stage details, e.g. tuning wall-clock hours.")


class SecuritySetting(Frozen):
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
    anchors: dict[str, str] = Field(default_factory=dict)


class GuardRailAdvice(Frozen):
    condition_key: str
    enforces: tuple[str, ...]
    statement: dict[str, Any]


class LambdaCheck(Frozen):
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


class LambdaAlternative(Frozen):
    id: str
    title: str
    because: str
    rule: str


class LambdaFit(Frozen):
    verdict: Literal["fits", "fits_with_changes", "does_not_fit"]
    checks: tuple[LambdaCheck, ...]
    changes: tuple[str, ...]
    settings: dict[str, Any]
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
    instances: dict[str, StageChoice]
    security: tuple[SecuritySetting, ...]
    guard_rails: tuple[GuardRailAdvice, ...]
    lambda_: LambdaFit = Field(alias="lambda")
    warnings: tuple[str, ...] = ()
    prices_as_of: dt.date | None = None
    botocore_version: str | None = None
    trace: tuple[DecisionTrace, ...] = ()
