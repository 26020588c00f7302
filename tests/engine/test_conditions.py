"""advisor.engine.conditions: operators, load-time checks, and the record every evaluation leaves."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from advisor.engine.conditions import Condition, FieldSpec, GroupResult, Leaf, LeafResult, disjoint
from advisor.records import adapter

FIELDS = {"n": FieldSpec("number"), "flag": FieldSpec("bool"), "kind": FieldSpec("literal", ("a", "b", "c")),
          "tags": FieldSpec("list", ("x", "y")), "name": FieldSpec("text", optional=True)}
ADAPTER: TypeAdapter = TypeAdapter(Condition)


def cond(raw: object):  # type: ignore[no-untyped-def]
    return ADAPTER.validate_python(raw, context={"fields": FIELDS})


def run(raw: object, ctx: dict) -> tuple[bool, list[LeafResult]]:  # type: ignore[type-arg]
    result = cond(raw).evaluate(ctx)
    return result.result, list(result.leaves())


@pytest.mark.parametrize(("raw", "ctx", "expected"), [
    ({"field": "n", "op": "eq", "value": 3}, {"n": 3}, True),
    ({"field": "n", "op": "ne", "value": 3}, {"n": 3}, False),
    ({"field": "n", "op": "lt", "value": 3}, {"n": 2}, True),
    ({"field": "n", "op": "lte", "value": 3}, {"n": 3}, True),
    ({"field": "n", "op": "gt", "value": 3}, {"n": 3}, False),
    ({"field": "n", "op": "gte", "value": 3}, {"n": 3}, True),
    ({"field": "n", "op": "gte", "value": 3}, {"n": None}, False),
    ({"field": "kind", "op": "in", "value": ["a", "b"]}, {"kind": "b"}, True),
    ({"field": "kind", "op": "not_in", "value": ["a", "b"]}, {"kind": "b"}, False),
    ({"field": "tags", "op": "contains", "value": "x"}, {"tags": ["x"]}, True),
    ({"field": "tags", "op": "contains", "value": "y"}, {"tags": ["x"]}, False),
    ({"field": "name", "op": "exists"}, {"name": None}, False),
    ({"field": "name", "op": "exists", "value": False}, {"name": None}, True),
    ({"all": [{"field": "n", "op": "gt", "value": 1}, {"field": "flag", "op": "eq", "value": True}]},
     {"n": 2, "flag": False}, False),
    ({"any": [{"field": "n", "op": "gt", "value": 1}, {"field": "flag", "op": "eq", "value": True}]},
     {"n": 2, "flag": False}, True),
    ({"not": {"field": "flag", "op": "eq", "value": True}}, {"flag": False}, True),
])
def test_operators(raw: object, ctx: dict, expected: bool) -> None:  # type: ignore[type-arg]
    assert run(raw, ctx)[0] is expected


def test_every_leaf_is_recorded_even_after_the_answer_is_known() -> None:
    result, leaves = run({"all": [{"field": "n", "op": "gt", "value": 5}, {"field": "kind", "op": "eq", "value": "a"}]},
                         {"n": 1, "kind": "a"})
    assert result is False
    assert leaves == [LeafResult("n", "gt", 5, 1, False), LeafResult("kind", "eq", "a", "a", True)]


def test_the_record_keeps_the_structure_the_rule_was_written_in() -> None:
    result = cond({"all": [{"field": "n", "op": "gt", "value": 5},
                           {"any": [{"field": "kind", "op": "eq", "value": "a"},
                                    {"not": {"field": "flag", "op": "eq", "value": True}}]}]}
                  ).evaluate({"n": 6, "kind": "b", "flag": True})
    assert result == GroupResult("all", False, (
        LeafResult("n", "gt", 5, 6, True),
        GroupResult("any", False, (
            LeafResult("kind", "eq", "a", "b", False),
            GroupResult("not", False, (LeafResult("flag", "eq", True, True, True),)),
        )),
    ))
    assert [leaf.field for leaf in result.leaves()] == ["n", "kind", "flag"]


def test_records_are_frozen_at_every_depth() -> None:
    result = cond({"any": [{"not": {"field": "flag", "op": "eq", "value": True}}]}).evaluate({"flag": True})
    inner = result.parts[0]
    assert isinstance(inner, GroupResult)
    with pytest.raises(AttributeError):
        inner.parts[0].result = False  # type: ignore[misc]
    with pytest.raises(AttributeError):
        result.result = True  # type: ignore[misc]


@pytest.mark.parametrize(("raw", "message"), [
    ({"field": "nn", "op": "eq", "value": 1}, "unknown workload field 'nn'; did you mean 'n'?"),
    ({"field": "n", "op": "eq", "value": "big"}, "'n' is a number; 'big' is not"),
    ({"field": "kind", "op": "eq", "value": "d"}, "'d' is not a value of 'kind'"),
    ({"field": "kind", "op": "gt", "value": 1}, "compares numbers"),
    ({"field": "n", "op": "in", "value": 3}, "needs a list of values"),
    ({"field": "n", "op": "eq"}, "needs a value"),
    ({"field": "tags", "op": "contains", "value": "z"}, "can never be in 'tags'"),
    ({"field": "n", "op": "like", "value": 1}, "Input should be"),
])
def test_bad_conditions_are_refused_when_rules_load(raw: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace("?", r"\?")):
        cond(raw)


def _leaf(field: str, op: str, value: object) -> Leaf:
    return adapter(Leaf).validate_python({"field": field, "op": op, "value": value})


@pytest.mark.parametrize(("a", "b", "expected"), [
    ((_leaf("n", "lt", 5),), (_leaf("n", "gte", 5),), True),
    ((_leaf("n", "lte", 5),), (_leaf("n", "gte", 5),), False),
    ((_leaf("kind", "eq", "a"),), (_leaf("kind", "in", ["b", "c"]),), True),
    ((_leaf("kind", "eq", "a"),), (_leaf("kind", "in", ["a", "c"]),), False),
    ((_leaf("kind", "in", ["a"]),), (_leaf("kind", "not_in", ["a", "b"]),), True),
    ((_leaf("n", "gt", 1),), (_leaf("flag", "eq", True),), False),
])
def test_disjointness(a: tuple[Leaf, ...], b: tuple[Leaf, ...], expected: bool) -> None:
    assert disjoint(a, b) is expected
