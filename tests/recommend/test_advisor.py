"""The Advisor's own warnings: what it assumed where the workload left a model field out."""

from __future__ import annotations

from typing import Any

import pytest

from advisor.recommend.advisor import Advisor

ADVISOR = Advisor()


@pytest.mark.parametrize(("model", "warned"), [
    ({"kind": "llm", "parameters_millions": 7000}, "model.algorithm is not given: advised as huggingface"),
    ({"kind": "deep_learning"}, "model.algorithm is not given: advised as pytorch"),
    ({"algorithm": "pytorch"}, "model.kind is not given: sized as model.kind deep_learning"),
])
def test_an_assumed_model_field_is_said(model: dict, warned: str) -> None:
    rec = ADVISOR.recommend({"stages": ["training"], "model": model})
    assert [w for w in rec.warnings if w.startswith(warned)]


@pytest.mark.parametrize("model", [
    {}, {"algorithm": "xgboost", "kind": "tree_based"}, {"algorithm": "image_classification"},  # AWS's kind: no guess
    {"algorithm": "custom"},
])
def test_nothing_assumed_nothing_said(model: dict) -> None:
    rec = ADVISOR.recommend({"stages": ["training"], "model": model})
    assert not [w for w in rec.warnings if "is not given" in w]


def test_an_llm_without_an_algorithm_trains_on_accelerators_not_by_xgboost_guidance() -> None:
    rec = ADVISOR.recommend({"stages": ["training"], "model": {"kind": "llm", "parameters_millions": 7000}})
    training = rec.instances["training"]
    assert ADVISOR.knowledge.instance_type(training.instance_type).accelerator is not None
    assert not any("xgboost" in r.lower() for r in training.reasons)


@pytest.mark.parametrize(("model", "warned"), [
    ({"kind": "llm", "algorithm": "vllm"}, True),  # an LLM of unknown size: 100 MB, the artifact default
    ({"kind": "llm", "algorithm": "vllm", "size_mb": 14000}, True),  # the KV cache needs its shape too
    ({"kind": "deep_learning", "algorithm": "pytorch"}, True),
    ({"kind": "deep_learning", "algorithm": "pytorch", "size_mb": 500}, False),  # its artifact says its size
    ({"kind": "llm", "algorithm": "vllm", "architecture": "llama-3.1-8b"}, False),  # the published count
    ({"kind": "llm", "algorithm": "vllm", "parameters_millions": 7000}, False),
    ({"algorithm": "image_classification"}, False),  # a built-in: AWS's instance guidance sizes it
])
def test_a_deep_model_of_unknown_size_is_said(model: dict, warned: bool) -> None:
    rec = ADVISOR.recommend({"stages": ["realtime_inference"], "model": model})
    assert bool([w for w in rec.warnings if w.startswith("model.parameters_millions is not given")]) == warned


def test_a_notebook_alone_sizes_no_model_and_says_nothing_of_its_size() -> None:
    rec = ADVISOR.recommend({"stages": ["notebook"], "model": {"kind": "deep_learning", "algorithm": "pytorch"}})
    assert not [w for w in rec.warnings if "parameters_millions" in w]


@pytest.mark.parametrize(("model", "hours", "spot"), [
    ({"algorithm": "linear_learner", "kind": "classical"}, 6, False),   # no checkpoints, longer than its 1 h wait
    ({"algorithm": "linear_learner", "kind": "classical"}, 1, True),    # within the hour: spot
    ({"algorithm": "deepar", "kind": "deep_learning"}, 2, False),
    ({"algorithm": "xgboost"}, 30, True),                               # XGBoost checkpoints (0.90-1 and later)
    ({"algorithm": "image_classification", "kind": "deep_learning"}, 20, True),
    ({"algorithm": "pytorch", "kind": "deep_learning", "parameters_millions": 5}, 30, True),  # your script's
])
def test_managed_spot_past_an_hour_needs_a_built_in_that_checkpoints(advisor: Advisor, model: dict[str, Any],
                                                                      hours: float, spot: bool) -> None:
    """AWS limits built-in algorithms that do not checkpoint to a spot wait of 3600 s (model-managed-spot-
    training.html), and the wait must cover the run: such a job past an hour is priced on demand and warned."""
    rec = advisor.recommend({"stages": ["training", "tuning"], "model": model,
                             "training": {"max_hours": hours, "interruptible": True}})
    assert bool([w for w in rec.warnings if "does not checkpoint" in w]) == (not spot)
    for stage in ("training", "tuning"):
        choice = rec.instances[stage]
        assert choice.extra["managed_spot"] is spot
        assert any("managed spot" in a for a in choice.estimated_cost.assumptions) == spot
        assert any(r.startswith("on demand, not managed spot") for r in choice.reasons) == (not spot)
        assert any(r.startswith("managed spot (EnableManagedSpotTraining)") for r in choice.reasons) == spot
