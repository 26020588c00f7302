"""The typed condition language of the rules: field, operator, value; all / any / not. No eval, ever.

Conditions are checked when rules load (the field must exist in the workload, the value must have the field's
type, a literal must be one the field allows). Evaluation looks at every leaf, whatever the answer, and returns
a frozen record of it (field, operator, expected, actual, result) inside the all / any / not structure the rule
was written in: that record is how the product explains why a rule fired or did not, and which conditions were
alternatives. A rule's trace keeps only its leaves' records (`holds` finds them, in written order, with the
verdict); `explain` puts them back into the structure when an explanation reads it.
"""


import operator
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any, Literal, NamedTuple

from annotated_types import MinLen
from pydantic import Discriminator, Field, Tag

from advisor.numbers import Finite, FiniteInt
from advisor.records import record

Op = Literal["eq", "ne", "lt", "lte", "gt", "gte", "in", "not_in", "contains", "exists"]
Scalar = bool | FiniteInt | Finite | str
Context = Mapping[str, Any]
"""The flat values a condition reads: dotted field name -> value (None when the workload leaves it unset)."""
Memo = dict["Leaf", "LeafResult"]
"""Leaves already evaluated against one context, by the leaf (its field, operator and value: equal leaves of
different rules are one key): rules share many leaves (the same sensitivity or GPU test in several decisions), and
a leaf's record depends on nothing else. Keep one memo per context, never across contexts."""


class FieldSpec(NamedTuple):
    """What a condition may say about a field: its kind and, for literals, the allowed values."""

    kind: Literal["number", "bool", "text", "list", "literal"]
    allowed: tuple[str, ...] = ()
    optional: bool = False


class LeafResult(NamedTuple):
    """One leaf as evaluated: the unit of every explanation."""

    field: str
    op: str
    expected: Any
    actual: Any
    result: bool

    def leaves(self) -> "tuple[LeafResult, ...]":
        return (self,)


class GroupResult(NamedTuple):
    """An all / any / not as evaluated, with every part's record (all parts are evaluated, none skipped)."""

    kind: Literal["all", "any", "not"]
    result: bool
    parts: "tuple[LeafResult | GroupResult, ...]"

    def leaves(self) -> tuple[LeafResult, ...]:
        """Every leaf inside, in written order."""
        found: list[LeafResult] = []
        for part in self.parts:
            if isinstance(part, LeafResult):
                found.append(part)
            else:
                found += part.leaves()
        return tuple(found)


ConditionResult = LeafResult | GroupResult


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """An ordering test that is false for an unset value (a missing number is neither big nor small)."""
    return lambda actual, expected: actual is not None and compare(actual, expected) is True


_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": _ordered(operator.lt),
    "lte": _ordered(operator.le),
    "gt": _ordered(operator.gt),
    "gte": _ordered(operator.ge),
    "in": lambda actual, expected: actual in expected,
    "not_in": lambda actual, expected: actual not in expected,
    "contains": lambda actual, expected: actual is not None and expected in actual,
}
_ORDERED = {"lt", "lte", "gt", "gte"}


@record
class Leaf(NamedTuple):
    field: str
    op: Op
    value: Scalar | tuple[Scalar, ...] | None = None

    def _check(self, context: Mapping[str, Any] | None) -> None:
        """Checked when rules load, against the workload's fields when the context names them."""
        fields: Mapping[str, FieldSpec] | None = (context or {}).get("fields")
        if self.op == "exists":
            if self.value not in (None, True, False):
                raise ValueError("`exists` takes value true, false or nothing")
        elif self.value is None:
            raise ValueError(f"operator {self.op!r} needs a value")
        if self.op in ("in", "not_in") and not isinstance(self.value, tuple):
            raise ValueError(f"operator {self.op!r} needs a list of values")
        if fields is None:
            return
        spec = fields.get(self.field)
        if spec is None:
            import difflib  # deferred: needed only to word this error

            close = difflib.get_close_matches(self.field, list(fields), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"unknown workload field {self.field!r}{hint}")
        _check_value(self, spec)

    def evaluate(self, ctx: Context, memo: Memo | None = None) -> LeafResult:
        return self.explain(_found(self, ctx, memo))

    def holds(self, ctx: Context, memo: Memo, found: list[LeafResult]) -> bool:
        result = memo.get(self)
        if result is None:
            result = memo[self] = _leaf_result(self, ctx.get(self.field))
        found.append(result)
        return result.result

    def explain(self, found: Iterator[LeafResult]) -> LeafResult:
        return next(found)

    def leaves(self) -> "tuple[Leaf, ...]":
        return (self,)


def _leaf_result(leaf: Leaf, actual: Any) -> LeafResult:
    field, op, value = leaf
    if op == "exists":
        want = value is not False
        return LeafResult(field, op, want, actual, (actual is not None) == want)
    return LeafResult(field, op, value, actual, _TESTS[op](actual, value))


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
            import difflib  # deferred: needed only to word this error

            close = difflib.get_close_matches(str(value), list(spec.allowed), n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"{value!r} is not a value of {leaf.field!r} "
                             f"(one of: {', '.join(spec.allowed)}){hint}")


@record
class All(NamedTuple):
    all: Annotated["tuple[Condition, ...]", MinLen(1)]

    def evaluate(self, ctx: Context, memo: Memo | None = None) -> GroupResult:
        return self.explain(_found(self, ctx, memo))

    def holds(self, ctx: Context, memo: Memo, found: list[LeafResult]) -> bool:
        held = True
        for part in self.all:  # every part, whatever the answer, so every part's leaves are found
            held = part.holds(ctx, memo, found) and held
        return held

    def explain(self, found: Iterator[LeafResult]) -> GroupResult:
        parts = tuple(part.explain(found) for part in self.all)
        return GroupResult("all", all(part.result for part in parts), parts)

    def leaves(self) -> tuple[Leaf, ...]:
        return tuple(leaf for c in self.all for leaf in c.leaves())


@record
class AnyOf(NamedTuple):
    any: Annotated["tuple[Condition, ...]", MinLen(1)]

    def evaluate(self, ctx: Context, memo: Memo | None = None) -> GroupResult:
        return self.explain(_found(self, ctx, memo))

    def holds(self, ctx: Context, memo: Memo, found: list[LeafResult]) -> bool:
        held = False
        for part in self.any:  # every part, whatever the answer, so every part's leaves are found
            held = part.holds(ctx, memo, found) or held
        return held

    def explain(self, found: Iterator[LeafResult]) -> GroupResult:
        parts = tuple(part.explain(found) for part in self.any)
        return GroupResult("any", any(part.result for part in parts), parts)

    def leaves(self) -> tuple[Leaf, ...]:
        return tuple(leaf for c in self.any for leaf in c.leaves())


@record
class Not(NamedTuple):
    not_: Annotated["Condition", Field(alias="not")]

    def evaluate(self, ctx: Context, memo: Memo | None = None) -> GroupResult:
        return self.explain(_found(self, ctx, memo))

    def holds(self, ctx: Context, memo: Memo, found: list[LeafResult]) -> bool:
        return not self.not_.holds(ctx, memo, found)

    def explain(self, found: Iterator[LeafResult]) -> GroupResult:
        inner = self.not_.explain(found)
        return GroupResult("not", not inner.result, (inner,))

    def leaves(self) -> tuple[Leaf, ...]:
        return self.not_.leaves()


def _found(condition: "Condition", ctx: Context, memo: Memo | None) -> Iterator[LeafResult]:
    """The condition's leaves as evaluated against `ctx`, in written order."""
    found: list[LeafResult] = []
    condition.holds(ctx, {} if memo is None else memo, found)
    return iter(found)


def _kind(raw: Any) -> str:
    """Pick the condition class from the keys present, so an error speaks of the shape the author meant."""
    if isinstance(raw, dict):
        for key in ("all", "any", "not"):
            if key in raw:
                return f"cond:{key}"
        if "field" not in raw:  # no leaf either: a group whose key is misspelt (`alll`) is told as that group
            import difflib  # deferred: needed only for a condition that is already wrong

            for key in raw:
                close = difflib.get_close_matches(str(key), ("all", "any", "not"), n=1, cutoff=0.6)
                if close:
                    return f"cond:{close[0]}"
        return "cond:leaf"
    tags: dict[type, str] = {All: "cond:all", AnyOf: "cond:any", Not: "cond:not"}
    return tags.get(type(raw), "cond:leaf")


# Tags contain ':' so located errors can drop them from field paths (see advisor.documents).
Condition = Annotated[
    Annotated[Leaf, Tag("cond:leaf")] | Annotated[All, Tag("cond:all")] | Annotated[AnyOf, Tag("cond:any")]
    | Annotated[Not, Tag("cond:not")],
    Discriminator(_kind),
]
# All, AnyOf and Not refer to Condition before it exists; pydantic (when rules are read from YAML) and
# advisor.records (when they are rebuilt from the cache) resolve the name from this module on first use.


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
