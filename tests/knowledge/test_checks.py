from __future__ import annotations

from advisor.engine.conditions import Leaf
from advisor.knowledge.checks import check_references
from advisor.knowledge.loader import load_knowledge


def test_the_lambda_check_cannot_read_what_it_decides() -> None:
    k = load_knowledge()
    assert not [p for p in check_references(k, {}) if "Lambda check" in p.message]
    check = next(d for d in k.decisions if d.output == "lambda_units")
    reading = check.rules[0]._replace(when=Leaf("derived.lambda_fits", "eq", True))
    changed = k._replace(decisions=tuple(
        d._replace(rules=(reading, *d.rules[1:])) if d is check else d for d in k.decisions))
    problems = [p.message for p in check_references(changed, {})]
    assert any(m.startswith("derived.lambda_fits is set from this decision's outcome") for m in problems), problems
