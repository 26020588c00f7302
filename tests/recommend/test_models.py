"""The JSON of a recommendation is written from its records: each record as the object of its fields."""

from __future__ import annotations

import json
from typing import NamedTuple

import pytest

from advisor.recommend.advisor import Advisor
from advisor.recommend.models import Recommendation, record_object

ADVISOR = Advisor()


@pytest.fixture(scope="module")
def rec() -> Recommendation:
    return ADVISOR.recommend({"stages": ["training", "realtime_inference"]})


def test_each_record_is_an_object_of_its_fields_in_declared_order(rec: Recommendation) -> None:
    data = json.loads(rec.to_json())
    assert list(data) == ["lambda" if name == "lambda_" else name for name in Recommendation._fields]
    choice = rec.instances["training"]
    assert list(data["instances"]["training"]) == list(choice._fields)
    assert list(data["instances"]["training"]["estimated_cost"]) == list(choice.estimated_cost._fields)


def test_the_trace_leaves_out_the_condition_structure(rec: Recommendation) -> None:
    """`when` (all / any / not, for explanations) is not JSON; `conditions` lists the leaves."""
    assert any(r.when is not None for t in rec.trace for r in t.rules)
    rules = [r for t in json.loads(rec.to_json())["trace"] for r in t["rules"]]
    assert all("when" not in r and "conditions" in r for r in rules)


def test_indent_is_two_or_none(rec: Recommendation) -> None:
    assert rec.to_json(indent=2).startswith('{\n  "workload": ')
    assert rec.to_json().startswith('{"workload":')
    assert rec.model_dump_json(indent=2) == rec.to_json(indent=2)
    with pytest.raises(ValueError, match="indent is 2 or None"):
        rec.to_json(indent=4)


def test_only_records_are_written_as_objects() -> None:
    class Point(NamedTuple):
        x: int

    assert record_object(Point(1)) == {"x": 1}
    with pytest.raises(TypeError, match="set is not a record"):
        record_object({1})
