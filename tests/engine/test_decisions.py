"""advisor.engine.decisions: hit policies, load-time refusals, and the trace."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from advisor.engine.conditions import FieldSpec, GroupResult
from advisor.engine.decisions import AmbiguousDecision, Decision
from advisor.records import adapter

FIELDS = {"fields": {"n": FieldSpec("number"), "kind": FieldSpec("literal", ("a", "b"))}}
EX = {"fires": [{}], "does_not_fire": [{}]}


def rule(rid: str, when: Any = None, priority: int = 0, family: str = "m") -> dict[str, Any]:
    out: dict[str, Any] = {"id": rid, "priority": priority, "then": {"families": [family]}, "because": "b",
                           "source": "s", "examples": EX if when else {"fires": [{}]}}
    if when is not None:
        out["when"] = when
    return out


def decision(policy: str, rules: list[dict[str, Any]]) -> Decision:
    return adapter(Decision).validate_python({"decision": "d", "title": "t", "output": "families",
                                              "hit_policy": policy, "stages": ["training"], "as_of": "2026-11-24",
                                              "rules": rules}, context=FIELDS)


BIG = {"field": "n", "op": "gte", "value": 10}
SMALL = {"field": "n", "op": "lt", "value": 10}
ANY = {"field": "kind", "op": "in", "value": ["a", "b"]}


@pytest.mark.parametrize(("policy", "rules", "selected"), [
    ("first", [rule("r1", ANY, family="c"), rule("r2", BIG, family="p")], ("r1",)),
    ("priority", [rule("r1", ANY, 10, "c"), rule("r2", BIG, 90, "p")], ("r2",)),
    ("collect", [rule("r1", ANY, family="c"), rule("r2", BIG, family="p"), rule("r3", SMALL, family="t")],
     ("r1", "r2")),
    ("unique", [rule("r1", SMALL, family="c"), rule("r2", BIG, family="p")], ("r2",)),
])
def test_hit_policies(policy: str, rules: list[dict[str, Any]], selected: tuple[str, ...]) -> None:
    outcome = decision(policy, rules).evaluate({"n": 20, "kind": "a"})
    assert outcome.trace.selected == selected
    statuses = {r.id: r.status for r in outcome.trace.rules}
    assert all(statuses[s] == "selected" for s in selected)
    if policy in ("first", "priority"):
        assert list(statuses.values()).count("matched") == 1  # the loser is shown as matched, not hidden


def test_nothing_matches_is_an_empty_selection() -> None:
    outcome = decision("first", [rule("r1", BIG)]).evaluate({"n": 1, "kind": "a"})
    assert outcome.thens == () and outcome.trace.rules[0].status == "unmatched"
    assert outcome.trace.rules[0].conditions[0].actual == 1


def test_the_trace_keeps_alternatives_apart_and_is_frozen_at_depth() -> None:
    either = {"any": [BIG, {"field": "kind", "op": "eq", "value": "b"}]}
    outcome = decision("collect", [rule("r1", {"all": [ANY, either]})]).evaluate({"n": 1, "kind": "a"})
    traced = outcome.trace.rules[0]
    assert traced.status == "unmatched"
    assert [c.field for c in traced.conditions] == ["kind", "n", "kind"]  # the leaves, in written order
    assert isinstance(traced.when, GroupResult) and traced.when.kind == "all"
    alternatives = traced.when.parts[1]
    assert isinstance(alternatives, GroupResult) and alternatives.kind == "any" and not alternatives.result
    with pytest.raises(AttributeError):
        outcome.trace.rules[0].conditions[0].result = True  # type: ignore[misc]
    with pytest.raises(AttributeError):
        outcome.trace.selected = ("r1",)  # type: ignore[misc]


def test_a_memo_shares_a_leaf_between_rules_and_decisions_of_one_context_without_changing_the_trace() -> None:
    first = decision("collect", [rule("r1", {"all": [ANY, BIG]}), rule("r2", {"not": BIG})])
    second = decision("first", [rule("r3", {"field": "n", "op": "gte", "value": 10}), rule("r4", SMALL)])
    ctx = {"n": 20, "kind": "a"}
    memo: dict[Any, Any] = {}
    shared = first.evaluate(ctx, memo=memo), second.evaluate(ctx, memo=memo)
    assert [o.trace for o in shared] == [first.evaluate(ctx).trace, second.evaluate(ctx).trace]
    big_records = {id(leaf) for o in shared for r in o.trace.rules for leaf in r.conditions if leaf.op == "gte"}
    assert len(big_records) == 1  # n >= 10, written three times in two decisions, was evaluated once
    assert len(memo) == 3  # kind in [a, b], n >= 10, n < 10
    other = {"n": 1, "kind": "a"}  # a memo belongs to one context: a new context starts a new one
    assert first.evaluate(other, memo={}).trace == first.evaluate(other).trace


def test_a_unique_decision_that_matches_twice_at_run_time_says_so() -> None:
    # the load-time overlap check cannot separate rules on different fields; build it past the check
    d = decision("first", [rule("r1", BIG), rule("r2", ANY)])._replace(hit_policy="unique")
    with pytest.raises(AmbiguousDecision, match="r1, r2"):
        d.evaluate({"n": 20, "kind": "a"})


def test_overlapping_unique_rules_are_a_load_error() -> None:
    with pytest.raises(ValidationError, match="rules r1 and r2 can both match under the unique policy"):
        decision("unique", [rule("r1", BIG), rule("r2", {"field": "n", "op": "gt", "value": 5})])


def test_priority_ties_are_a_load_error() -> None:
    with pytest.raises(ValidationError, match="share priority 5"):
        decision("priority", [rule("r1", BIG, 5), rule("r2", SMALL, 5)])


def test_then_must_match_the_output() -> None:
    bad = rule("r1", BIG)
    bad["then"] = {"controls": ["SM-NB-01"]}
    with pytest.raises(ValidationError, match="takes families, not controls"):
        decision("first", [bad])


def test_a_rule_with_a_condition_needs_a_negative_example() -> None:
    bad = rule("r1", BIG)
    bad["examples"] = {"fires": [{}]}
    with pytest.raises(ValidationError, match="does_not_fire"):
        decision("first", [bad])
