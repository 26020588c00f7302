"""A returned Recommendation cannot be changed at any depth: its records, its mappings, its trace."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pydantic
import pytest

from advisor.recommend.advisor import Advisor
from advisor.recommend.models import FrozenDict, Recommendation

ADVISOR = Advisor()


@pytest.fixture(scope="module")
def rec() -> Recommendation:
    return ADVISOR.recommend({"stages": ["training", "tuning", "realtime_inference", "batch_inference"],
                              "data": {"sensitivity": "regulated"}, "inference": {"requests_per_second": 0.5}})


MUTATIONS = {
    "alternative reason": lambda r: setattr(r.instances["training"].alternatives[0], "reason", "x"),
    "stage choice field": lambda r: setattr(r.instances["training"], "instance_count", 99),
    "instances mapping": lambda r: r.instances.__setitem__("training", None),
    "instances pop": lambda r: r.instances.pop("training"),
    "extra mapping": lambda r: r.instances["tuning"].extra.update(max_jobs=0),
    "cost": lambda r: setattr(r.instances["training"].estimated_cost, "usd", 0.0),
    "exclusion": lambda r: setattr(r.instances["training"].excluded[0], "because", "x"),
    "security row": lambda r: setattr(r.security[0], "value", "x"),
    "security anchors": lambda r: r.security[0].anchors.clear(),
    "guard rail statement": lambda r: r.guard_rails[0].statement.__setitem__("Effect", "Allow"),
    "guard rail nested": lambda r: next(v for v in r.guard_rails[0].statement.values()
                                        if isinstance(v, dict)).clear(),
    "lambda check": lambda r: setattr(r.lambda_.checks[0], "ok", False),
    "lambda settings": lambda r: r.lambda_.settings.__setitem__("MemorySize", 1),
    "trace": lambda r: setattr(r.trace[0], "selected", ()),
    "rule trace": lambda r: setattr(r.trace[0].rules[0], "status", "selected"),
    "top level": lambda r: setattr(r, "region", "x"),
}


@pytest.mark.parametrize("what", MUTATIONS)
def test_no_part_of_a_recommendation_can_be_changed(rec: Recommendation, what: str) -> None:
    before = rec.model_dump_json()
    with pytest.raises((dataclasses.FrozenInstanceError, pydantic.ValidationError, TypeError, AttributeError)):
        MUTATIONS[what](rec)
    assert rec.model_dump_json() == before


def test_a_frozen_recommendation_still_copies_pickles_and_round_trips(rec: Recommendation) -> None:
    assert isinstance(rec.instances, FrozenDict)
    assert copy.deepcopy(rec) == rec
    assert pickle.loads(pickle.dumps(rec)) == rec
    again = pydantic.TypeAdapter(Recommendation).validate_json(rec.to_json())
    assert again.to_json() == rec.to_json()
    assert isinstance(again.instances["tuning"].extra, FrozenDict)
