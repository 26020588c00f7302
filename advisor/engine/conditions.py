"""The typed condition language of the rules: field, operator, value; all / any / not. No eval, ever.

Conditions are checked when rules load (the field must exist in the workload, the value must have the field's
type, a literal must be one the field allows) and compiled once into closures, so evaluating a rule costs a
few dictionary lookups. Evaluation records every leaf it looks at (field, operator, expected, actual,
result): that record is how the product explains why a rule fired or did not.
"""

from __future__ import annotations

import difflib
import operator
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Literal, Mapping, Union

from pydantic import Discriminator, Field, Tag, ValidationInfo, model_validator

from advisor.knowledge.base import Frozen

Op = Literal["eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "contains", "exists"]
Scalar = Union[bool, int, float, str]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """What a condition may say about a field: its kind and, for literals, the allowed values."""

    kind: Literal["number", "bool", "text", "list", "literal"]
    allowed: tuple[str, ...] = ()
    optional: bool = False


@dataclass(frozen=True, slots=True)
class LeafResult:
    """One leaf as evaluated: the unit of every explanation."""

    field: str
    op: str
    expected: Any
    actual: Any
    result: bool


Evaluator = Callable[[Mapping[str, Any], list[LeafResult]], bool]


def _contains(actual: Any, expected: Any) -> bool:
    return actual is not None and expected in actual


_BINARY: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "in": lambda actual, expected: actual in expected,
    "not_in": lambda actual, expected: actual not in expected,
    "contains": _contains,
}
_ORDERED = {"lt", "lte", "gt", "gte"}


class Leaf(Frozen):
    field: str
    op: Op
    value: Scalar | tuple[Scalar, ...] | None = None

    @model_validator(mode="after")
    def _check_against_fields(self, info: ValidationInfo) -> Leaf:
        fields: Mapping[str, FieldSpec] | None = (info.context or {}).get("fields")
        if self.op == "exists":
            if self.value not in (None, True, False):
                raise ValueError("`exists` takes value true, false or nothing")
        elif self.value is None:
            raise ValueError(f"operator {self.op!r} needs a value")
        if self.op in ("in", "not_in") and not isinstance(self.value, tuple):
            raise ValueError(f"operator {self.op!r} needs a list of values")
        if fields is None:
            return self
        spec = fields.get(self.field)
        if spec is None:
            close = difflib.get_close_matches(self.field, list(fields), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"unknown workload field {self.field!r}{hint}")
        _check_value(self, spec)
        return self

    def compile(self) -> Evaluator:
        field, op, expected = self.field, self.op, self.value
        if op == "exists":
            want = expected is not False

            def exists(ctx: Mapping[str, Any], out: list[LeafResult]) -> bool:
                actual = ctx.get(field)
                result = (actual is not None) == want
                out.append(LeafResult(field, op, want, actual, result))
                return result

            return exists
        test = _BINARY[op]
        ordered = op in _ORDERED


        def leaf(ctx: Mapping[str, Any], out: list[LeafResult]) -> bool:
            actual = ctx.get(field)
            result = False if (actual is None and ordered) else test(actual, expected) is True
            out.append(LeafResult(field, op, expected, actual, result))
            return result

        return leaf

    def leaves(self) -> tuple[Leaf, ...]:
        return (self,)


def _check_value(leaf: Leaf, spec: FieldSpec) -> None:
    values = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
    if leaf.op == "exists":
        return
    if leaf.op == "contains":
        if spec.kind != "list":
            raise ValueError(f"`contains` needs a list field; {leaf.field!r} is {spec.kind}")
        if spec.allowed and leaf.value not in spec.allowed:
            raise ValueError(f"{leaf.value!r} can never be in {leaf.field!r} (allowed: {', '.join(spec.allowed)})")
        return
    if leaf.op in _ORDERED and spec.kind != "number":
        raise ValueError(f"operator {leaf.op!r} compares numbers; {leaf.field!r} is {spec.kind}")
    for value in values:
        if spec.kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ValueError(f"{leaf.field!r} is a number; {value!r} is not")
        if spec.kind == "bool" and not isinstance(value, bool):
            raise ValueError(f"{leaf.field!r} is true or false; {value!r} is not")
        if spec.kind in ("text", "literal") and not isinstance(value, str):
            raise ValueError(f"{leaf.field!r} is text; {value!r} is not")
        if spec.kind == "literal" and value not in spec.allowed:
            close = difflib.get_close_matches(str(value), list(spec.allowed), n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"{value!r} is not a value of {leaf.field!r} "
                             f"(one of: {', '.join(spec.allowed)}){hint}")


class All(Frozen):
    all: tuple[Condition, ...] = Field(min_length=1)

    def compile(self) -> Evaluator:
        parts = [c.compile() for c in self.all]

        def all_of(ctx: Mapping[str, Any], out: list[LeafResult]) -> bool:
            results = [part(ctx, out) for part in parts]  # every leaf is recorded, not short-circuited
            return all(results)

        return all_of

    def leaves(self) -> tuple[Leaf, ...]:
        return tuple(leaf for c in self.all for leaf in c.leaves())


class AnyOf(Frozen):
    any: tuple[Condition, ...] = Field(min_length=1)

    def compile(self) -> Evaluator:
        parts = [c.compile() for c in self.any]

        def any_of(ctx: Mapping[str, Any], out: list[LeafResult]) -> bool:
            results = [part(ctx, out) for part in parts]
            return any(results)

        return any_of

    def leaves(self) -> tuple[Leaf, ...]:
        return tuple(leaf for c in self.any for leaf in c.leaves())


class Not(Frozen):
    not_: Condition = Field(alias="not")

    def compile(self) -> Evaluator:
        inner = self.not_.compile()

        def negate(ctx: Mapping[str, Any], out: list[LeafResult]) -> bool:
            return not inner(ctx, out)

        return negate

    def leaves(self) -> tuple[Leaf, ...]:
        return self.not_.leaves()


def _kind(raw: Any) -> str:
    """Pick the condition class from the keys present, so an error speaks of the shape the author meant."""
    if isinstance(raw, dict):
        for key in ("all", "any", "not"):
            if key in raw:
                return f"cond:{key}"
        return "cond:leaf"
    return {All: "cond:all", AnyOf: "cond:any", Not: "cond:not"}.get(type(raw), "cond:leaf")


# Tags contain ':' so located errors can drop them from field paths (see advisor.documents).
Condition = Annotated[
    Union[
        Annotated[Leaf, Tag("cond:leaf")],
        Annotated[All, Tag("cond:all")],
        Annotated[AnyOf, Tag("cond:any")],
        Annotated[Not, Tag("cond:not")],
    ],
    Discriminator(_kind),
]

for _model in (All, AnyOf, Not):
    _model.model_rebuild()


def disjoint(a: tuple[Leaf, ...], b: tuple[Leaf, ...]) -> bool:
    """True when some field is constrained by both conjunctions in ways no value satisfies together.

    Sound, not complete: rules it cannot separate are reported as overlapping, and the author makes the
    separation explicit (a condition on the same field with disjoint values).
    """
    for x in a:
        for y in b:
            if x.field == y.field and _leaves_exclusive(x, y):
                return True
    return False


def _value_set(leaf: Leaf) -> set[Any] | None:
    if leaf.op == "eq":
        return {leaf.value}
    if leaf.op == "in":
        return set(leaf.value)  # type: ignore[arg-type]
    return None


def _interval(leaf: Leaf) -> tuple[float, bool, float, bool] | None:
    """(low, low_inclusive, high, high_inclusive) for an ordered comparison."""
    inf = float("inf")
    v = leaf.value
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return None
    return {
        "lt": (-inf, False, v, False), "lte": (-inf, False, v, True),
        "gt": (v, False, inf, False), "gte": (v, True, inf, False),
        "eq": (v, True, v, True),
    }.get(leaf.op)


def _leaves_exclusive(x: Leaf, y: Leaf) -> bool:
    sx, sy = _value_set(x), _value_set(y)
    if sx is not None and sy is not None:
        return not (sx & sy)
    for p, q in ((x, y), (y, x)):
        ps = _value_set(p)
        if ps is not None and q.op == "not_in" and ps <= set(q.value):  # type: ignore[arg-type]
            return True
        if ps is not None and q.op == "ne" and ps == {q.value}:
            return True
    ix, iy = _interval(x), _interval(y)
    if ix and iy:
        low = max((ix[0], not ix[1]), (iy[0], not iy[1]))
        high = min((ix[2], ix[3]), (iy[2], iy[3]))
        if low[0] > high[0]:
            return True
        if low[0] == high[0] and (low[1] or not high[1]):
            return True
    return False
