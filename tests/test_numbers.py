"""Finite numbers: inf, NaN and absurd magnitudes are refused in every field a user feeds, naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.errors import WorkloadError
from advisor.knowledge.loader import load_knowledge
from advisor.workload import load_workload

K = load_knowledge()
ALL_STAGES = "stages: [training, realtime_inference, batch_inference, tuning, processing]\n"


@pytest.mark.parametrize(("text", "field"), [
    ("data:\n  size_gb: .inf\n", "data.size_gb"),
    ("data:\n  size_gb: .nan\n", "data.size_gb"),
    ("data:\n  size_gb: 1e400\n", "data.size_gb"),
    ("data:\n  size_gb: 'inf'\n", "data.size_gb"),
    ("inference:\n  requests_per_second: " + "9" * 400 + "\n", "inference.requests_per_second"),
    ("inference:\n  seconds_per_request: 1e13\n", "inference.seconds_per_request"),
    ("processing:\n  max_hours: -.inf\n", "processing.max_hours"),
    ("batch:\n  records_per_run: " + "9" * 400 + "\n", "batch.records_per_run"),
    ("tuning:\n  max_jobs: 1e400\n", "tuning.max_jobs"),
])
def test_non_finite_and_huge_numbers_are_refused_with_the_field_named(text: str, field: str | None) -> None:
    with pytest.raises(WorkloadError) as caught:
        load_workload("w.yaml", K, text=ALL_STAGES + text)
    rendered = caught.value.render()
    if field is not None:
        assert field in rendered
    assert len(rendered) < 2000  # a 400-digit number is not printed whole


def test_json_infinity_and_nan_are_refused() -> None:
    for token in ("Infinity", "-Infinity", "NaN"):
        with pytest.raises(WorkloadError, match=r"data\.size_gb"):
            load_workload("w.json", K, text=f'{{"stages": ["training"], "data": {{"size_gb": {token}}}}}')


def test_a_field_keeps_its_own_bounds(tmp_path: Path) -> None:
    with pytest.raises(WorkloadError, match="at least 0"):
        load_workload("w.yaml", K, text="stages: [training]\ndata:\n  size_gb: -1\n")
    assert load_workload("w.yaml", K, text="stages: [training]\ndata:\n  size_gb: 1e6\n").data.size_gb == 1e6
    with pytest.raises(WorkloadError, match="at most 10000000"):  # its own bound, 10 PB, under the shared 10^12
        load_workload("w.yaml", K, text="stages: [training]\ndata:\n  size_gb: 1e9\n")


def test_rules_refuse_non_finite_values() -> None:
    from pydantic import TypeAdapter, ValidationError

    from advisor.engine.conditions import Condition, FieldSpec

    adapter: TypeAdapter = TypeAdapter(Condition)
    for value in (float("inf"), float("nan"), 10**400):
        with pytest.raises(ValidationError):
            adapter.validate_python({"field": "n", "op": "gt", "value": value},
                                    context={"fields": {"n": FieldSpec("number")}})
