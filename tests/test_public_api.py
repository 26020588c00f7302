"""The public API is exactly `advisor.__all__`, and every name in it resolves (httpx's guard, ours)."""

from __future__ import annotations

import pytest

import advisor

EXPECTED = {
    "Advisor", "AdvisorError", "Knowledge", "KnowledgeError", "PricingError", "Problem", "QuizError",
    "Recommendation", "StoreError", "UsageError", "Workload", "WorkloadError", "__version__", "load_knowledge",
    "load_workload",
}


def test_all_does_not_drift() -> None:
    assert set(advisor.__all__) == EXPECTED


def test_every_public_name_resolves() -> None:
    for name in advisor.__all__:
        assert getattr(advisor, name) is not None


def test_the_documented_example_runs() -> None:
    from advisor import Advisor, Workload

    rec = Advisor().recommend(Workload(stages=["training"], data={"size_gb": 40}))
    assert rec.instances["training"].instance_type.startswith("ml.")
    assert '"lambda"' in rec.to_json()
    assert rec.model_dump_json() == rec.to_json()  # the name it had as a pydantic model still works


def test_a_file_name_given_to_recommend_says_how_to_read_the_file() -> None:
    """`Advisor().recommend("w.yaml")` was "must be a mapping of fields, got 'w.yaml'": the user meant the file."""
    from advisor import Advisor, AdvisorError

    with pytest.raises(AdvisorError, match="not a file name") as info:
        Advisor().recommend("examples/workloads/fraud-detector.yaml")  # type: ignore[arg-type]
    assert info.value.hint is not None and "load_workload(path, advisor.knowledge)" in info.value.hint


def test_one_stage_as_text_and_a_folder_as_text_are_taken_as_meant() -> None:
    """`recommend(w, stages="training")` was "unknown stage t, r, a, i, n, g"; `Advisor(pricing_dir="prices")`
    an AttributeError on str."""
    from advisor import Advisor, Workload

    rec = Advisor(pricing_dir="pricing_data").recommend(Workload(stages=["notebook"]), stages="training")
    assert list(rec.instances) == ["training"] and isinstance(rec.instances["training"].price_per_hour_usd, float)
