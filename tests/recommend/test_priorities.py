"""What each priority means, and the edges: no prices, nothing that fits, loads past the service maximum.

cost is the cheapest that meets the need and targets; time is the fastest the workload can use (not the most
peak TFLOPS on the price list); balanced sits between. Unknown prices rank by size, never by the largest box.
"""

from __future__ import annotations

from typing import Any

import pytest

from advisor import stages
from advisor.recommend import sizing
from advisor.recommend.advisor import Advisor
from advisor.workload import Derived, Workload


def rec(advisor: Advisor, **workload: Any) -> Any:
    return advisor.recommend(workload)


def test_time_serves_a_small_cnn_on_one_gpu_per_instance_not_the_largest_box(advisor: Advisor) -> None:
    r = rec(advisor, stages=["realtime_inference"], priority="time",
            model={"algorithm": "pytorch", "kind": "deep_learning", "parameters_millions": 25, "size_mb": 100},
            inference={"requests_per_second": 50, "seconds_per_request": 0.05, "latency_ms_p99": 200})
    choice = r.instances["realtime_inference"]
    t = advisor.knowledge.instance_type(choice.instance_type)
    assert choice.fits and t.accelerator is not None and t.accelerator.count == 1, choice.instance_type
    assert choice.instance_count <= 3
    assert any("at most half the p99 target" in reason for reason in choice.reasons)


def test_time_trains_a_16_gb_xgboost_job_on_an_m_it_can_keep_busy(advisor: Advisor) -> None:
    r = rec(advisor, stages=["training"], priority="time", model={"algorithm": "xgboost", "kind": "tree_based"},
            training={"gpu": "none"}, data={"size_gb": 16})
    choice = r.instances["training"]
    t = advisor.knowledge.instance_type(choice.instance_type)
    assert choice.family == "m" and 16 <= t.vcpu <= 32, choice.instance_type


def test_time_serves_a_7b_model_at_4_requests_a_second_on_g_not_p(advisor: Advisor) -> None:
    r = rec(advisor, stages=["realtime_inference"], priority="time",
            model={"algorithm": "huggingface", "kind": "llm", "parameters_millions": 7000, "size_mb": 14000},
            inference={"requests_per_second": 4, "seconds_per_request": 0.5, "latency_ms_p99": 2000, "gpu": "required",
                       "memory_mb": 8192})
    choice = r.instances["realtime_inference"]
    assert choice.family == "g" and choice.instance_count == 2, choice.instance_type


def test_cost_and_time_differ_only_where_speed_is_usable(advisor: Advisor) -> None:
    base = {"stages": ["training"], "model": {"algorithm": "deepar", "kind": "deep_learning", "parameters_millions": 2},
            "data": {"kind": "timeseries", "size_gb": 2}}
    cost = rec(advisor, **base, priority="cost").instances["training"]
    time = rec(advisor, **base, priority="time").instances["training"]
    assert advisor.knowledge.instance_type(time.instance_type).accelerator is None  # DeepAR starts on CPU
    assert cost.fits and time.fits


def test_without_prices_the_smallest_adequate_type_is_taken_and_said(advisor: Advisor) -> None:
    w = Workload.model_validate({"stages": ["training"], "priority": "cost", "data": {"size_gb": 0.5},
                                 "training": {"max_hours": 2}})
    sized = sizing.size(stages.stage("training"), w, Derived.of(w, advisor.knowledge), ["m", "c"], (),
                        sizing.Catalogue.of(advisor.knowledge), snapshot=None)
    assert sized.fits and sized.winner.spec.itype.vcpu <= 4, sized.winner.spec.name
    assert any("prices are unknown, so the smallest adequate type" in reason for reason in sized.reasons)


def test_nothing_fits_shows_the_nearest_of_the_chosen_family_and_what_to_change(advisor: Advisor) -> None:
    r = rec(advisor, stages=["training"], priority="cost", data={"size_gb": 5000, "kind": "tabular"},
            model={"algorithm": "xgboost", "kind": "tree_based"}, training={"gpu": "none"})
    choice = r.instances["training"]
    assert not choice.fits
    assert advisor.knowledge.instance_type(choice.instance_type).accelerator is None
    assert choice.estimated_cost.usd is None and "not estimated" in choice.estimated_cost.formula
    assert any(reason.startswith("what would have to change:") for reason in choice.reasons)


@pytest.mark.parametrize("priority", ["cost", "time", "balanced"])
def test_no_count_above_the_stage_maximum_and_no_cost_built_on_one(advisor: Advisor, priority: str) -> None:
    r = rec(advisor, stages=["realtime_inference"], priority=priority,
            inference={"requests_per_second": 500_000, "seconds_per_request": 0.5, "latency_ms_p99": 60_000})
    choice = r.instances["realtime_inference"]
    assert choice.instance_count <= stages.stage("realtime_inference").max_count
    assert not choice.fits and choice.estimated_cost.usd is None
    assert any("would need" in reason and "instances" in reason for reason in choice.reasons)


def test_time_states_its_premium_over_the_cheapest(advisor: Advisor) -> None:
    r = rec(advisor, stages=["training"], priority="time",
            model={"algorithm": "pytorch", "kind": "deep_learning", "parameters_millions": 3000},
            data={"kind": "text", "size_gb": 300}, training={"distributed": True})
    ranking = next(reason for reason in r.instances["training"].reasons if reason.startswith("priority time"))
    assert "more than the cheapest that fits" in ranking or "cheapest" in ranking


def test_time_trains_a_small_cnn_on_the_fastest_gpu_it_keeps_busy_not_an_8_gpu_box(advisor: Advisor) -> None:
    """Must fire: one device's worth of work ranked ml.p6-b200.48xlarge ($131/h, 7 of 8 GPUs idle) first."""
    r = rec(advisor, stages=["training"], priority="time", data={"kind": "images", "size_gb": 50},
            model={"algorithm": "tensorflow", "kind": "deep_learning", "parameters_millions": 25})
    choice = r.instances["training"]
    t = advisor.knowledge.instance_type(choice.instance_type)
    assert t.accelerator is not None and t.accelerator.count == 1, choice.instance_type
    assert any("devices idle ranked last" in reason for reason in choice.reasons)
    assert all(a.reason.startswith("the work keeps fewer than half of its devices busy")
               for a in choice.alternatives
               if (s := advisor.knowledge.instance_type(a.instance_type)).accelerator and s.accelerator.count >= 4)


def test_time_still_buys_many_gpus_for_work_that_keeps_them_busy(advisor: Advisor) -> None:
    """Must not fire: a 2B-parameter model on 2 TB, distributed, keeps every GPU of an 8-GPU instance busy."""
    r = rec(advisor, stages=["training"], priority="time", data={"kind": "images", "size_gb": 2000},
            model={"algorithm": "pytorch", "kind": "deep_learning", "parameters_millions": 2000},
            training={"distributed": True})
    choice = r.instances["training"]
    t = advisor.knowledge.instance_type(choice.instance_type)
    assert t.accelerator is not None and t.accelerator.count == 8, choice.instance_type
    assert not any("devices idle ranked last" in reason for reason in choice.reasons)


def test_the_p99_warning_speaks_of_the_cpu_only_when_a_cpu_serves(advisor: Advisor) -> None:
    """Must fire: XGBoost takes 100 ms a request on a vCPU against a 20 ms target, and serves on CPU.
    Must not fire: BERT-large takes 400 ms on a vCPU against 50 ms, and the accelerator chosen meets it (the
    warning used to tell the user to move to an accelerator the recommendation had already chosen)."""
    slow = {"requests_per_second": 50, "seconds_per_request": 0.1, "latency_ms_p99": 20}
    cpu = rec(advisor, stages=["realtime_inference"], inference=slow)
    assert any("p99 latency target (20 ms)" in w for w in cpu.warnings)
    gpu = rec(advisor, stages=["realtime_inference"], inference={**slow, "seconds_per_request": 0.4,
                                                                   "latency_ms_p99": 50, "requests_per_second": 200},
              model={"algorithm": "huggingface", "kind": "deep_learning", "parameters_millions": 340})
    assert advisor.knowledge.instance_type(gpu.instances["realtime_inference"].instance_type).accelerator
    assert not any("p99 latency target" in w for w in gpu.warnings)


def test_request_times_read_as_plain_milliseconds() -> None:
    from advisor.recommend.sizing import in_ms

    assert [in_ms(s) for s in (9.3, 0.9999, 0.4204, 0.0425, 0.00025)] == ["9,300", "1,000", "420", "42.5", "0.25"]
