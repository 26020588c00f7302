"""Every rule ships workloads on which it must fire and must not fire; asserted as exact sets (checkov style)."""

from __future__ import annotations

import pytest

from advisor.knowledge.loader import load_knowledge
from advisor.recommend.advisor import Advisor
from tests.recommend.conftest import example_workload

K = load_knowledge()
CASES = [(d.decision, r.id) for d in K.decisions for r in d.rules]


def matched(advisor: Advisor, decision: str, rule_id: str, partial: dict) -> bool:  # type: ignore[type-arg]
    trace = advisor.evaluate(decision, example_workload(partial)).trace
    return next(r for r in trace.rules if r.id == rule_id).status != "unmatched"


@pytest.mark.parametrize(("decision", "rule_id"), CASES, ids=[rule for _, rule in CASES])
def test_rule_examples(advisor: Advisor, decision: str, rule_id: str) -> None:
    rule = next(r for r in K.decision(decision).rules if r.id == rule_id)
    fired = {i for i, ex in enumerate(rule.examples.fires) if matched(advisor, decision, rule_id, ex)}
    every = set(range(len(rule.examples.fires)))
    assert fired == every, f"{rule_id} did not fire on fires{sorted(every - fired)}"
    wrongly = {i for i, ex in enumerate(rule.examples.does_not_fire) if matched(advisor, decision, rule_id, ex)}
    assert wrongly == set(), f"{rule_id} fired on does_not_fire{sorted(wrongly)}"


def test_every_decision_is_exercised() -> None:
    assert {d.decision for d in K.decisions} == {
        "notebook.family", "training.family", "realtime.family", "batch.family", "processing.family",
        "instances.exclusions", "security.controls", "lambda.check", "lambda.alternatives", "realtime.hosting"}


def test_rule_sources_cite_public_references_not_the_projects_notes() -> None:
    """`advisor explain` shows each rule's source to the user, who must be able to open it."""
    assert [r.id for d in K.decisions for r in d.rules if "shared/" in r.source] == []
