"""The typed condition language of the rules: field, operator, value; all / any / not. No eval, ever.

Conditions are checked when rules load (the field must exist in the workload, the value must have the field's
type, a literal must be one the field allows) and compiled once into closures. Evaluation records every leaf
it looks at (field, operator, expected, actual, result): that record is how the product explains why a rule
fired or did not.

Rules of one decision repeat leaves (the security rules ask about sensitivity 56 times, with 15 distinct
leaves), so a `Program` compiles the conditions of a decision together: each distinct leaf is evaluated once
per context and every rule decides over those shared records. A rule's trace is therefore exact and cheap.
"""

from __future__ import annotations

import operator
from itertools import repeat
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Literal, Mapping, Sequence, Union

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


@dataclass(slots=True)
class LeafResult:
    """One leaf as evaluated: the unit of every explanation.

    Not frozen on purpose: a frozen dataclass sets each field through object.__setattr__, which made creating
    the ~80 records of a recommendation cost 4x as much. Treat it as read-only; nothing writes to it.
    """

    field: str
    op: str
    expected: Any
    actual: Any
    result: bool


LeafTest = Callable[[Mapping[str, Any]], LeafResult]
"""Evaluates one leaf against a context."""
Matcher = Callable[[Sequence[bool]], bool]
"""Decides a condition over the results of its program's leaves (by position)."""
Slot = Callable[["Leaf"], int]
"""The position of a leaf's record in its program's results."""


def _contains(actual: Any, expected: Any) -> bool:
    return actual is not None and expected in actual


_BINARY: dict[str, Callable[[Any, Any], bool]] = {  # eq, in and not_in are written inline in Leaf.test
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
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
            import difflib  # only on this error path: a start that loads valid rules never needs it

            close = difflib.get_close_matches(self.field, list(fields), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"unknown workload field {self.field!r}{hint}")
        _check_value(self, spec)
        return self

    def key(self) -> tuple[str, str, str]:
        """Leaves with equal keys always give equal records, so a program evaluates them once."""
        return self.field, self.op, repr(self.value)

    def test(self) -> LeafTest:
        field, op, expected = self.field, self.op, self.value
        if op == "exists":
            want = expected is not False

            def exists(ctx: Mapping[str, Any]) -> LeafResult:
                actual = ctx.get(field)
                return LeafResult(field, op, want, actual, (actual is not None) == want)

            return exists
        # the operators most rules use are written out inline (no call to an operator function per leaf)
        if op == "eq":
            return lambda ctx: LeafResult(field, op, expected, (actual := ctx.get(field)), actual == expected)
        if op == "in":
            return lambda ctx: LeafResult(field, op, expected, (actual := ctx.get(field)), actual in expected)
        if op == "not_in":
            return lambda ctx: LeafResult(field, op, expected, (actual := ctx.get(field)), actual not in expected)
        test = _BINARY[op]
        ordered = op in _ORDERED

        def leaf(ctx: Mapping[str, Any]) -> LeafResult:
            actual = ctx.get(field)
            return LeafResult(field, op, expected, actual,
                              False if (actual is None and ordered) else test(actual, expected) is True)

        return leaf

    def matcher(self, slot: Slot) -> Matcher:
        return operator.itemgetter(slot(self))

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
            import difflib  # only on this error path

            close = difflib.get_close_matches(str(value), list(spec.allowed), n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"{value!r} is not a value of {leaf.field!r} "
                             f"(one of: {', '.join(spec.allowed)}){hint}")


def _combine(parts: tuple[Condition, ...], slot: Slot, every: bool) -> Matcher:
    """all/any over parts: the leaves' answers are picked and tested in C, nested parts called in C (map)."""
    pick = _picker(tuple(slot(p) for p in parts if isinstance(p, Leaf)))
    nested = [p.matcher(slot) for p in parts if not isinstance(p, Leaf)]
    call = operator.call
    if every:
        if not nested:
            return lambda oks: False not in pick(oks)
        return lambda oks: False not in pick(oks) and all(map(call, nested, repeat(oks)))
    if not nested:
        return lambda oks: True in pick(oks)
    return lambda oks: True in pick(oks) or any(map(call, nested, repeat(oks)))


class All(Frozen):
    all: tuple[Condition, ...] = Field(min_length=1)

    def matcher(self, slot: Slot) -> Matcher:
        return _combine(self.all, slot, every=True)

    def leaves(self) -> tuple[Leaf, ...]:
        return tuple(leaf for c in self.all for leaf in c.leaves())


class AnyOf(Frozen):
    any: tuple[Condition, ...] = Field(min_length=1)

    def matcher(self, slot: Slot) -> Matcher:
        return _combine(self.any, slot, every=False)

    def leaves(self) -> tuple[Leaf, ...]:
        return tuple(leaf for c in self.any for leaf in c.leaves())


class Not(Frozen):
    not_: Condition = Field(alias="not")

    def matcher(self, slot: Slot) -> Matcher:
        inner = self.not_.matcher(slot)
        return lambda oks: not inner(oks)

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
# All, AnyOf and Not refer to Condition before it exists; with defer_build pydantic resolves the name from this
# module when a validator is first needed, so no model_rebuild() (which built three validators at import).


def _picker(slots: tuple[int, ...]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """A C-level function picking the items at `slots` of a tuple, as a tuple (a slice where they are adjacent,
    which also covers none and one)."""
    first = slots[0] if slots else 0
    if slots == tuple(range(first, first + len(slots))):
        return operator.itemgetter(slice(first, first + len(slots)))
    return operator.itemgetter(*slots)


class Program:
    """Conditions compiled together (a decision's rules): every distinct leaf evaluated once per context.

    Every leaf is evaluated whatever the answer, because the trace must say why a rule did not match as well
    as why it did. `None` stands for a rule without a condition, which always matches.

    How it runs: the leaves' results go into one list; a condition that is not a single leaf appends its
    answer to that list, and one pick reads every condition's answer from it. Picking and slicing are done by
    operator.itemgetter in C: this runs ~5 times per recommendation over ~50 rules.
    """

    __slots__ = ("_tests", "_composites", "_answers", "_pickers")

    def __init__(self, conditions: Sequence[Condition | None]) -> None:
        positions: dict[tuple[str, str, str], int] = {}
        self._tests: list[LeafTest] = []

        def slot(leaf: Leaf) -> int:
            key = leaf.key()
            if key not in positions:
                positions[key] = len(self._tests)
                self._tests.append(leaf.test())
            return positions[key]

        self._pickers = [_picker(() if c is None else tuple(slot(leaf) for leaf in c.leaves())) for c in conditions]
        self._composites: list[Matcher] = []  # run in order; answer k lands at len(tests) + k
        answers: list[int] = []
        for c in conditions:
            if isinstance(c, Leaf):
                answers.append(slot(c))
                continue
            self._composites.append(_always if c is None else c.matcher(slot))
            answers.append(len(self._tests) + len(self._composites) - 1)
        self._answers = operator.itemgetter(*answers) if len(answers) > 1 else (lambda oks: (oks[answers[0]],))

    def run(self, ctx: Mapping[str, Any]) -> tuple[tuple[bool, ...], list[tuple[LeafResult, ...]]]:
        """Per condition, whether it holds; and per condition the records of its leaves, in written order."""
        results = tuple(map(operator.call, self._tests, repeat(ctx)))
        oks = list(map(_RESULT, results))
        for decide in self._composites:
            oks.append(decide(oks))
        return self._answers(oks), list(map(operator.call, self._pickers, repeat(results)))


_RESULT = operator.attrgetter("result")


def _always(oks: Sequence[bool]) -> bool:
    return True


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
