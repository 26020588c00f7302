"""For any valid workload, recommend never raises, and every type is valid for its stage and priced honestly."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.recommend.advisor import Advisor
from advisor.stages import stage, stage_ids
from advisor.workload import Workload

ADVISOR = Advisor()
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-south-1"]  # the last has no shipped snapshot
size = st.floats(min_value=0.01, max_value=5000, allow_nan=False)

workloads = st.builds(
    lambda stages, priority, region, data, model, training, inference, tuning: Workload.model_validate({
        "stages": stages, "priority": priority, "region": region, "data": data, "model": model,
        "training": training, "inference": inference, "tuning": tuning}),
    stages=st.lists(st.sampled_from(stage_ids()), min_size=1, max_size=6, unique=True),
    priority=st.sampled_from(["cost", "balanced", "time"]),
    region=st.sampled_from(REGIONS),
    data=st.fixed_dictionaries({"size_gb": size, "kind": st.sampled_from(["tabular", "images", "text", "other"]),
                                "sensitivity": st.sampled_from(["public", "internal", "confidential", "regulated"]),
                                "private_sources": st.booleans()}),
    model=st.fixed_dictionaries({"kind": st.sampled_from(["classical", "tree_based", "deep_learning", "llm"]),
                                 "algorithm": st.sampled_from(["xgboost", "pytorch", "huggingface", "kmeans"]),
                                 "parameters_millions": st.floats(min_value=0, max_value=200_000),
                                 "size_mb": st.floats(min_value=0.1, max_value=500_000)}),
    training=st.fixed_dictionaries({"max_hours": st.floats(min_value=0.05, max_value=100),
                                    "distributed": st.booleans(), "interruptible": st.booleans(),
                                    "gpu": st.sampled_from(["auto", "required", "none"])}),
    inference=st.fixed_dictionaries({"requests_per_second": st.floats(min_value=0, max_value=5000),
                                     "seconds_per_request": st.floats(min_value=0.001, max_value=3600),
                                     "payload_mb": st.floats(min_value=0, max_value=100),
                                     "memory_mb": st.floats(min_value=1, max_value=50_000),
                                     "package_mb": st.floats(min_value=1, max_value=50_000),
                                     "tmp_mb": st.floats(min_value=0, max_value=50_000),
                                     "gpu": st.sampled_from(["auto", "required", "none"]),
                                     "traffic": st.sampled_from(["steady", "spiky", "sporadic", "scheduled"])}),
    tuning=st.integers(min_value=1, max_value=50).flatmap(
        lambda jobs: st.fixed_dictionaries({"max_jobs": st.just(jobs),
                                            "max_parallel_jobs": st.integers(min_value=1, max_value=jobs)})),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workloads)
def test_recommend_never_raises_and_stays_valid(w: Workload) -> None:
    rec = ADVISOR.recommend(w)
    assert set(rec.instances) == set(w.stages)
    for stage_id, choice in rec.instances.items():
        t = ADVISOR.knowledge.instance_type(choice.instance_type)
        assert stage(stage_id).instance_stage in t.stages
        assert ADVISOR.knowledge.family(t.family).status == "current"
        assert choice.instance_count >= 1
        assert choice.price_per_hour_usd == "unknown" or choice.price_per_hour_usd > 0
        assert choice.estimated_cost.usd is None or choice.estimated_cost.usd > 0
        assert choice.family not in {e.family for e in choice.excluded}
        assert stage(stage_id).price_component
    assert rec.lambda_.verdict in ("fits", "fits_with_changes", "does_not_fit")
    assert (rec.lambda_.verdict == "does_not_fit") == bool(
        [c for c in rec.lambda_.checks if not c.ok and c.blocking and not c.change])
