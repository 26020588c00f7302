"""Sizing reads the accelerators' capability flags: no decoder LLM on Inf1, no stock container on Neuron, and
LLM memory that holds weights, KV cache and runtime (issue 12 items 2 and 7)."""

from __future__ import annotations

from typing import Any

import pytest

from advisor.recommend.advisor import Advisor


def _llm(parameters: float, **extra: Any) -> dict[str, Any]:
    return {"name": "llm", "stages": ["realtime_inference", "batch_inference"],
            "priority": extra.pop("priority", "cost"),
            "data": {"kind": "text"},
            "model": {"algorithm": "huggingface", "kind": "llm", "parameters_millions": parameters,
                      "size_mb": parameters * 2},
            "inference": {"requests_per_second": 2, "seconds_per_request": 1, "latency_ms_p99": 5000}, **extra}


@pytest.mark.parametrize("parameters", [1000, 7000, 13000, 70000])
@pytest.mark.parametrize("priority", ["cost", "balanced", "time"])
def test_no_decoder_llm_on_inf1(advisor: Advisor, parameters: float, priority: str) -> None:
    rec = advisor.recommend(_llm(parameters, priority=priority))
    for choice in rec.instances.values():
        assert not choice.instance_type.startswith("ml.inf1."), choice.instance_type
        assert all(not a.instance_type.startswith("ml.inf1.") for a in choice.alternatives)
    assert any("left out inf1: Inferentia cannot run decoder" in r for r in rec.instances["realtime_inference"].reasons)


def test_7b_fp16_is_not_served_from_a_16_gb_t4(advisor: Advisor) -> None:
    choice = advisor.recommend(_llm(7000)).instances["realtime_inference"]
    spec = advisor.knowledge.instance_type(choice.instance_type)
    assert spec.accelerator is not None and spec.accelerator.memory_gib >= 19  # weights 13 + KV 2 + runtime 2.3
    assert any("KV cache" in r and "runtime" in r for r in choice.reasons)
    quantised = advisor.recommend(_llm(7000, model={"algorithm": "huggingface", "kind": "llm",
                                                    "parameters_millions": 7000, "precision": "int4"}))
    cheaper = quantised.instances["realtime_inference"]
    assert float(cheaper.price_per_hour_usd) <= float(choice.price_per_hour_usd)  # type: ignore[arg-type]


def test_a_built_in_algorithm_never_lands_on_neuron_even_unruled(advisor: Advisor) -> None:
    """Without the exclusion rule, sizing itself refuses: the capability is data, not a rule's list."""
    rec = advisor.recommend({"name": "x", "stages": ["realtime_inference"], "inference": {"gpu": "required",
                             "requests_per_second": 500},
                             "model": {"algorithm": "image_classification", "kind": "deep_learning",
                                       "parameters_millions": 25}})
    choice = rec.instances["realtime_inference"]
    assert advisor.knowledge.instance_type(choice.instance_type).family not in ("inf", "trn")
