"""Guard rails never deny the recommendation's own requests: each rail's condition, evaluated as IAM would on the
request the advisor writes for each action it names, lets the request through. Over every example and a sweep.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.builders.request_set import build_requests
from advisor.builders.sagemaker import ENDPOINT_STAGES
from advisor.recommend.advisor import Advisor
from advisor.recommend.models import Recommendation
from advisor.stages import stage_ids
from advisor.workload import Workload, load_workload

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "workloads"
ADVISOR = Advisor()
_ABSENT = object()


def _read(request: Any, path: str) -> Any:
    """The value at a dotted request path, or _ABSENT."""
    value = request
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return _ABSENT
        value = value[part]
    return value


def _denies(operator: str, expected: str, value: Any) -> bool:
    """Whether the rail's Deny applies to a request whose condition key carries `value` (conservatively: a key
    the request leaves out denies under a negated or Null operator, and is never taken as true)."""
    if operator == "Null":
        return (value is _ABSENT or value is None) == (expected == "true")
    if operator == "StringNotEquals":
        return value is _ABSENT or str(value) != expected
    if operator == "Bool":
        return value is _ABSENT or str(value).lower() == expected
    raise AssertionError(f"no evaluation for {operator}")


def contradictions(rec: Recommendation, w: Workload) -> list[str]:
    requests = build_requests(rec, w).requests
    found = []
    rails = {r.condition_key: r for r in ADVISOR.knowledge.guard_rails}
    for advice in rec.guard_rails:
        rail = rails[advice.condition_key]
        statement = advice.statement
        (operator, condition), = statement["Condition"].items()
        (key, expected), = condition.items()
        assert key == advice.condition_key
        for action in statement["Action"]:
            operation = action.split(":", 1)[1]
            if operation not in requests:
                continue  # an action the recommendation writes no request for (e.g. UpdateNotebookInstance)
            value = _read(requests[operation], rail.reads[action])
            if _denies(operator, expected, value):
                found.append(f"{advice.condition_key} denies {operation} ({rail.reads[action]} = "
                             f"{'absent' if value is _ABSENT else value!r})")
        if not statement["Action"]:
            found.append(f"{advice.condition_key} has no action left")
    return found


def test_every_example_passes_its_own_guard_rails() -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        w = load_workload(path, ADVISOR.knowledge)
        rec = ADVISOR.recommend(w)
        assert contradictions(rec, w) == [], path.stem


def test_no_volume_key_rail_on_a_job_whose_key_is_left_out_for_nvme() -> None:
    """The case issue 12 found: VolumeKmsKeyId dropped for an NVMe type, the rail still denied it missing."""
    w = Workload.model_validate({"stages": ["training", "batch_inference"],
                                 "data": {"sensitivity": "confidential", "kind": "text"},
                                 "model": {"algorithm": "pytorch", "kind": "deep_learning",
                                           "parameters_millions": 100}})
    rec = ADVISOR.recommend(w)
    assert ADVISOR.knowledge.instance_type(rec.instances["training"].instance_type).instance_storage_gb > 0
    rail = next(g for g in rec.guard_rails if g.condition_key == "sagemaker:VolumeKmsKey")
    assert "sagemaker:CreateTrainingJob" not in rail.statement["Action"]
    assert "sagemaker:CreateTransformJob" in rail.statement["Action"]  # the CPU transform job keeps its key
    assert contradictions(rec, w) == []


def test_a_rail_covers_only_the_actions_whose_request_sets_its_field() -> None:
    """Processing in a VPC does not make the rail deny a model or training job the recommendation leaves out of it."""
    w = Workload.model_validate({"stages": ["training", "realtime_inference", "processing"]})
    rec = ADVISOR.recommend(w)
    rail = next(g for g in rec.guard_rails if g.condition_key == "sagemaker:VpcSubnets")
    assert list(rail.statement["Action"]) == ["sagemaker:CreateProcessingJob"]
    assert rail.enforces == ("SM-PR-03",)
    assert contradictions(rec, w) == []


def test_a_rail_that_would_deny_is_found() -> None:
    """The check itself can fail: a request without the field the rail reads is a contradiction."""
    w = Workload.model_validate({"stages": ["notebook"]})
    rec = ADVISOR.recommend(w)
    assert contradictions(rec, w) == []
    requests = build_requests(rec, w).requests["CreateNotebookInstance"]
    assert not _denies("StringNotEquals", "Disabled", _read(requests, "DirectInternetAccess"))
    assert _denies("StringNotEquals", "Disabled", _read({}, "DirectInternetAccess"))
    assert _denies("Null", "true", _read({"VpcConfig": {}}, "VpcConfig.Subnets"))
    assert _denies("Bool", "false", False) and not _denies("Bool", "false", True)


def one_endpoint(stages: list[str]) -> list[str]:
    """At most one endpoint stage: one set of requests creates one endpoint (advisor requests --stage picks)."""
    endpoints = [s for s in stages if s in ENDPOINT_STAGES]
    return [s for s in stages if s not in endpoints[1:]]


workloads = st.builds(
    lambda stages, data, model, training, network, team: Workload.model_validate({
        "stages": stages, "data": data, "model": model, "training": training, "network": network, "team": team}),
    stages=st.lists(st.sampled_from(stage_ids()), min_size=1, max_size=6, unique=True).map(one_endpoint),
    data=st.fixed_dictionaries({"size_gb": st.floats(min_value=0.01, max_value=3000),
                                "kind": st.sampled_from(["tabular", "images", "text"]),
                                "sensitivity": st.sampled_from(["public", "internal", "confidential", "regulated"]),
                                "private_sources": st.booleans()}),
    model=st.sampled_from([{}, {"algorithm": "pytorch", "kind": "deep_learning", "parameters_millions": 100},
                           {"algorithm": "huggingface", "kind": "llm", "parameters_millions": 7000}]),
    training=st.fixed_dictionaries({"distributed": st.booleans()}),
    network=st.fixed_dictionaries({"internet_access": st.booleans()}),
    team=st.fixed_dictionaries({"shared_notebooks": st.booleans(), "needs_root": st.booleans()}),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workloads)
def test_guard_rails_never_deny_the_recommendations_own_requests(w: Workload) -> None:
    rec = ADVISOR.recommend(w)
    assert contradictions(rec, w) == []
