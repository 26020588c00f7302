"""Several models behind one real-time endpoint (decision realtime.hosting): which option, the memory each
instance holds, the API fields it writes, and the located errors of the fields that say so."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from advisor.builders import build_requests
from advisor.builders.validate import request_set_problems
from advisor.errors import WorkloadError
from advisor.recommend.advisor import Advisor
from advisor.recommend.models import StageChoice
from advisor.recommend.report import explain_text, render
from advisor.recommend.sizing import MEMORY_HEADROOM
from advisor.workload import Derived, Workload, load_workload
from tests.conftest import run_cli

ONE = {"name": "one", "stages": ["realtime_inference"]}


def endpoint(advisor: Advisor, **inference: Any) -> tuple[StageChoice, Any]:
    w = Workload.model_validate({**ONE, "inference": inference})
    rec = advisor.recommend(w)
    return rec.instances["realtime_inference"], rec


def test_one_model_consults_no_hosting_decision(advisor: Advisor) -> None:
    """One model is one single-model endpoint: no realtime.hosting trace, no hosting details, no new request."""
    choice, rec = endpoint(advisor)
    assert "realtime.hosting" not in {t.decision for t in rec.trace}
    assert "hosting" not in choice.extra and not any(r.startswith("hosting") for r in choice.reasons)
    assert "CreateInferenceComponent" not in build_requests(rec, Workload.model_validate(ONE)).requests


@pytest.mark.parametrize(("inference", "option", "model"), [
    ({"models": 300}, "multi_model", {}),
    ({"models": 3, "same_container": False}, "multi_container", {}),
    ({"models": 3, "serial": True}, "multi_container", {}),
    ({"models": 40, "same_container": False}, "inference_components", {}),
    ({"models": 10, "cold_starts_ok": False}, "inference_components", {}),
    ({"models": 3}, "inference_components", {"algorithm": "vllm", "kind": "llm", "architecture": "llama-3.1-8b"}),
])
def test_the_option_each_workload_gets(advisor: Advisor, inference: dict[str, Any], option: str,
                                       model: dict[str, Any]) -> None:
    w = Workload.model_validate({**ONE, "model": model, "inference": inference})
    rec = advisor.recommend(w)
    choice = rec.instances["realtime_inference"]
    assert choice.extra["hosting"] == option
    assert "realtime.hosting" in {t.decision for t in rec.trace}
    assert any(r.startswith("hosting alternative one endpoint per model lost") for r in choice.reasons)
    assert request_set_problems(build_requests(rec, w)) == {}


def _memory_line(choice: StageChoice) -> str:
    return next(r for r in choice.reasons if "models held at once" in r)


def _held(choice: StageChoice) -> int:
    line = _memory_line(choice)
    return int(line[:line.index(" models held at once")].split()[-1])


def test_a_multi_model_endpoint_holds_its_hot_set_in_memory(advisor: Advisor) -> None:
    """Memory is the cache of loaded models (AWS): one model's need plus each further hot model with headroom, on
    each instance for the share of the hot set it holds (AWS routes a model's requests to an instance that has it
    loaded, so the instances together hold the hot set)."""
    w = Workload.model_validate({**ONE, "model": {"size_mb": 2000}, "inference": {"models": 100, "hot_models": 30}})
    choice = advisor.recommend(w).instances["realtime_inference"]
    per_model = Derived.of(w, advisor.knowledge).model_memory_gb
    one = max(2.0, per_model * MEMORY_HEADROOM + 1, 1.0)
    held = _held(choice)
    need = one + (held - 1) * per_model * MEMORY_HEADROOM
    assert f"{round(need, 3):g} GiB of memory for {held} models held at once" in _memory_line(choice)
    assert advisor.knowledge.instance_type(choice.instance_type).memory_gib >= need
    assert held * choice.instance_count >= 30  # the instances hold the hot set between them
    smaller = advisor.recommend(w.model_copy(update={"inference": w.inference.model_copy(
        update={"hot_models": 3})})).instances["realtime_inference"]
    memory = advisor.knowledge.instance_type(smaller.instance_type).memory_gib
    assert memory * smaller.instance_count < need * choice.instance_count  # the hot set decides


def test_a_hot_set_one_instance_cannot_hold_is_spread_over_instances(advisor: Advisor) -> None:
    """AWS runs a GPU multi-model endpoint on single-GPU types only; thirty 2 GB models in use are more than one
    16-24 GB GPU holds, so they are spread over several instances, never refused or put on a multi-GPU type."""
    w = Workload.model_validate({**ONE, "model": {"algorithm": "pytorch", "kind": "deep_learning", "size_mb": 2000},
                                 "inference": {"models": 100, "hot_models": 30, "gpu": "required"}})
    choice = advisor.recommend(w).instances["realtime_inference"]
    assert advisor.knowledge.instance_type(choice.instance_type).accelerator.count == 1  # type: ignore[union-attr]
    assert choice.fits and 1 < _held(choice) < 30 and _held(choice) * choice.instance_count >= 30
    assert "spread over" in _memory_line(choice)
    assert any(f"so the hot set takes {choice.instance_count} instances" in r for r in choice.reasons)


def test_unstated_hot_set_is_every_model_and_says_so(advisor: Advisor) -> None:
    choice, _ = endpoint(advisor, models=20)
    assert "20 models held at once" in _memory_line(choice) or "of the 20 hot models" in _memory_line(choice)
    assert "upper bound" in _memory_line(choice)


def test_a_gpu_multi_model_endpoint_uses_one_gpu_types_and_triton(advisor: Advisor) -> None:
    w = Workload.model_validate({**ONE, "model": {"algorithm": "pytorch", "kind": "deep_learning", "size_mb": 800},
                                 "inference": {"models": 50, "hot_models": 10, "gpu": "required"}})
    choice = advisor.recommend(w).instances["realtime_inference"]
    itype = advisor.knowledge.instance_type(choice.instance_type)
    assert itype.accelerator is not None and itype.accelerator.count == 1
    assert any("Triton" in r for r in choice.reasons)
    assert all("single-GPU" in a.reason for a in choice.alternatives
               if (t := advisor.knowledge.instance_type(a.instance_type)).accelerator and t.accelerator.count > 1)


def test_components_take_as_many_instances_as_their_copies_need(advisor: Advisor) -> None:
    choice, _ = endpoint(advisor, models=24, same_container=False, requests_per_second=0.1)
    copies = next(r for r in choice.reasons if "inference components, one copy each" in r)
    per_instance = int(copies.split("an instance takes ")[1].split(" cop")[0])
    assert choice.instance_count >= math.ceil(24 / per_instance)
    assert choice.settings["CopyCount"] == 1 and choice.settings["MinMemoryRequiredInMb"] >= 128


@pytest.mark.parametrize(("inference", "key", "value"), [
    ({"models": 200}, ("CreateModel", "PrimaryContainer", "Mode"), "MultiModel"),
    ({"models": 200}, ("CreateModel", "PrimaryContainer", "ModelDataUrl"), "s3://<<bucket>>/one/models/"),
    ({"models": 3, "same_container": False}, ("CreateModel", "InferenceExecutionConfig", "Mode"), "Direct"),
    ({"models": 4, "serial": True}, ("CreateModel", "InferenceExecutionConfig", "Mode"), "Serial"),
    ({"models": 12, "cold_starts_ok": False}, ("CreateInferenceComponent", "RuntimeConfig", "CopyCount"), 1),
    ({"models": 12, "cold_starts_ok": False},
     ("CreateInferenceComponent", "Specification", "SchedulingConfig", "PlacementStrategy"), "SPREAD"),
    ({"models": 12, "cold_starts_ok": False},
     ("CreateInferenceComponent", "Specification", "SchedulingConfig", "AvailabilityZoneBalance", "EnforcementMode"),
     "PERMISSIVE"),
])
def test_the_requests_carry_the_option(advisor: Advisor, inference: dict[str, Any], key: tuple[str, ...],
                                       value: Any) -> None:
    w = Workload.model_validate({**ONE, "inference": inference})
    rs = build_requests(advisor.recommend(w), w)
    node: Any = rs.requests
    for part in key:
        node = node[part]
    assert node == value
    assert request_set_problems(rs) == {}


def test_a_multi_container_model_lists_each_container(advisor: Advisor) -> None:
    w = Workload.model_validate({**ONE, "inference": {"models": 5, "same_container": False}})
    model = build_requests(advisor.recommend(w), w).requests["CreateModel"]
    assert "PrimaryContainer" not in model
    assert [c["ContainerHostname"] for c in model["Containers"]] == [f"container-{i}" for i in range(1, 6)]


def test_an_endpoint_for_components_names_no_model_and_holds_the_role(advisor: Advisor) -> None:
    w = Workload.model_validate({**ONE, "data": {"private_sources": True},
                                 "inference": {"models": 12, "cold_starts_ok": False}})
    rs = build_requests(advisor.recommend(w), w)
    config = rs.requests["CreateEndpointConfig"]
    assert "ModelName" not in config["ProductionVariants"][0] and "ExecutionRoleArn" in config
    assert "VpcConfig" in config  # the endpoint carries the network settings the components run in
    component = rs.requests["CreateInferenceComponent"]
    assert component["Specification"]["ModelName"] == rs.requests["CreateModel"]["ModelName"]
    assert any("one per model (12)" in n for n in rs.notes)


def test_only_components_get_create_inference_component(advisor: Advisor) -> None:
    w = Workload.model_validate({**ONE, "inference": {"models": 200}})
    from advisor.errors import UsageError

    with pytest.raises(UsageError, match="inference components"):
        build_requests(advisor.recommend(w), w, only="CreateInferenceComponent")


@pytest.mark.parametrize("fmt", ["json", "yaml", "markdown", "table"])
def test_every_format_carries_the_option(advisor: Advisor, fmt: str) -> None:
    _, rec = endpoint(advisor, models=200, hot_models=10)
    text = render(rec, fmt) if fmt != "table" else explain_text(rec)
    assert "MultiModel" in text and "Multi-model endpoint" in text
    if fmt == "json":
        data = json.loads(text)["instances"]["realtime_inference"]
        assert data["extra"]["hosting"] == "multi_model" and data["settings"]["PrimaryContainer.Mode"] == "MultiModel"


# ---- a bad value per new field: a located error, exit 2 from the CLI ------------------------------------------

@pytest.mark.parametrize(("inference", "field", "says"), [
    ("{models: 0}", "inference.models", "must be at least 1"),
    ("{models: many}", "inference.models", "whole number"),
    ("{models: 3, same_container: sometimes}", "inference.same_container", "true or false"),
    ("{models: 3, hot_models: 5}", "inference.hot_models", "more than the 3 models"),
    ("{models: 3, hot_models: 0}", "inference.hot_models", "must be at least 1"),
    ("{serial: true}", "inference.serial", "inference.models is 1"),
    ("{models: 16, serial: true}", "inference.models", "at most 15 containers"),
])
def test_a_bad_value_is_located(tmp_path: Path, advisor: Advisor, inference: str, field: str, says: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(f"stages: [realtime_inference]\ninference: {inference}\n")
    with pytest.raises(WorkloadError) as caught:
        load_workload(path, advisor.knowledge)
    [problem] = caught.value.problems
    assert problem.field == field and problem.line == 2 and says in problem.message, problem


def test_serverless_cannot_host_several_models(tmp_path: Path, advisor: Advisor) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("stages: [serverless_inference, realtime_inference]\ninference: {models: 5}\n")
    with pytest.raises(WorkloadError) as caught:
        load_workload(path, advisor.knowledge)
    [problem] = caught.value.problems
    assert problem.field == "inference.models" and "serverless endpoint hosts one model" in problem.message
    assert "one serverless endpoint per model" in (problem.hint or "")


@pytest.mark.slow
def test_the_cli_exits_2_on_a_bad_value(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text("stages: [realtime_inference]\ninference: {models: 3, hot_models: 9}\n")
    result = run_cli("recommend", "w.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "w.yaml:2" in result.stderr and "inference.hot_models" in result.stderr, result.stderr


def test_an_asynchronous_endpoint_cannot_name_a_model(tmp_path: Path, advisor: Advisor) -> None:
    """botocore: InvokeEndpointAsync has no TargetModel, TargetContainerHostname or InferenceComponentName."""
    path = tmp_path / "w.yaml"
    path.write_text("stages: [async_inference]\ninference: {models: 5}\n")
    with pytest.raises(WorkloadError) as caught:
        load_workload(path, advisor.knowledge)
    [problem] = caught.value.problems
    assert problem.field == "inference.models" and "InvokeEndpointAsync has no TargetModel" in problem.message
    serial = Workload.model_validate({"stages": ["async_inference"], "inference": {"models": 3, "serial": True}})
    assert advisor.recommend(serial).instances["async_inference"].fits  # a pipeline is one model to its caller


def test_several_models_in_batch_are_several_jobs(advisor: Advisor) -> None:
    rec = advisor.recommend(Workload.model_validate({"stages": ["batch_inference"], "inference": {"models": 4}}))
    assert any("are 4 jobs" in w for w in rec.warnings)
    one = advisor.recommend(Workload.model_validate({"stages": ["batch_inference"]}))
    assert not any("transform job runs one model" in w for w in one.warnings)


# ---- the requests AWS recommends for each option, where the workload lets us compute them -------------------------

LLMS = {"algorithm": "vllm", "kind": "llm", "architecture": "llama-3.1-8b"}


def _requests(advisor: Advisor, model: dict[str, Any], inference: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    w = Workload.model_validate({**ONE, "model": model, "inference": inference})
    rec = advisor.recommend(w)
    request_set = build_requests(rec, w)
    assert request_set_problems(request_set) == {}  # botocore's own validation of every request
    return rec, request_set


def test_models_invoked_once_disable_the_multi_model_cache(advisor: Advisor) -> None:
    """AWS (multi-model-caching.html): ModelCacheSetting Disabled when each model is invoked once or rarely."""
    rec, rs = _requests(advisor, {}, {"models": 2000, "hot_models": 10, "models_reused": False})
    assert rec.instances["realtime_inference"].settings["MultiModelConfig.ModelCacheSetting"] == "Disabled"
    assert rs.requests["CreateModel"]["PrimaryContainer"]["MultiModelConfig"] == {"ModelCacheSetting": "Disabled"}
    assert any("ModelCacheSetting Disabled" in r for r in rec.instances["realtime_inference"].reasons)
    rec, rs = _requests(advisor, {}, {"models": 2000, "hot_models": 10})  # reused: the default cache stays
    assert "MultiModelConfig" not in rs.requests["CreateModel"]["PrimaryContainer"]
    assert not any("ModelCacheSetting" in r for r in rec.instances["realtime_inference"].reasons)


def test_inference_components_scale_their_instances_to_zero_only_with_idle_traffic(advisor: Advisor) -> None:
    """AWS (endpoint-auto-scaling-zero-instances.html): only an endpoint of inference components scales to zero,
    with ManagedInstanceScaling.MinInstanceCount 0; steady traffic keeps one copy of every model placed."""
    rec, rs = _requests(advisor, LLMS, {"models": 3, "traffic": "sporadic"})
    variant = rs.requests["CreateEndpointConfig"]["ProductionVariants"][0]
    assert variant["ManagedInstanceScaling"]["Status"] == "ENABLED"
    assert variant["ManagedInstanceScaling"]["MinInstanceCount"] == 0
    assert variant["ManagedInstanceScaling"]["MaxInstanceCount"] == rec.instances["realtime_inference"].instance_count
    assert variant["RoutingConfig"] == {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"}
    assert any("MinInstanceCount 0" in note for note in rs.notes)
    rec, rs = _requests(advisor, LLMS, {"models": 3, "traffic": "sporadic", "cold_starts_ok": False})
    scaling = rs.requests["CreateEndpointConfig"]["ProductionVariants"][0]["ManagedInstanceScaling"]
    assert scaling["MinInstanceCount"] >= 1 and not any("MinInstanceCount 0" in note for note in rs.notes)
    rec, rs = _requests(advisor, {}, {"models": 1})  # one model: no components, no managed instance scaling
    assert "ManagedInstanceScaling" not in rs.requests["CreateEndpointConfig"]["ProductionVariants"][0]


def test_a_component_reserves_what_was_fitted_on_the_chosen_type(advisor: Advisor) -> None:
    """The copy's need is the one sizing fitted on the chosen type (an LLM's KV cache for the sequences one
    instance runs): a request never asks more devices than the instance has (it crashed, or asked 2 of 1)."""
    for rps in (0.5, 2, 6):
        rec, rs = _requests(advisor, LLMS, {"models": 3, "requests_per_second": rps, "seconds_per_request": 3,
                                            "context_tokens": 4096, "traffic": "steady"})
        choice = rec.instances["realtime_inference"]
        devices = advisor.knowledge.instance_type(choice.instance_type).accelerator.count  # type: ignore[union-attr]
        wanted = rs.requests["CreateInferenceComponent"]["Specification"]["ComputeResourceRequirements"]
        assert wanted["NumberOfAcceleratorDevicesRequired"] <= devices, (rps, choice.instance_type, wanted)
        copies = rs.requests["CreateInferenceComponent"]["RuntimeConfig"]["CopyCount"]
        assert copies >= 1 and copies * 3 * wanted["NumberOfAcceleratorDevicesRequired"] <= \
            devices * choice.instance_count


def test_a_cpu_component_reserves_the_cores_its_load_and_latency_need(advisor: Advisor) -> None:
    """NumberOfCpuCoresRequired is a number of cores, at least 0.25 (botocore): thirty lightly used models share
    vCPUs; a busy model's copy reserves what its share of the load keeps busy, and a slow request what the p99
    target needs."""
    light, rs = _requests(advisor, {}, {"models": 30, "cold_starts_ok": False, "requests_per_second": 30,
                                        "seconds_per_request": 0.05})
    cores = rs.requests["CreateInferenceComponent"]["Specification"]["ComputeResourceRequirements"]
    assert cores["NumberOfCpuCoresRequired"] == 0.25
    assert light.instances["realtime_inference"].instance_count < 15  # it was 15: one vCPU a model
    _, rs = _requests(advisor, {}, {"models": 4, "cold_starts_ok": False, "requests_per_second": 100,
                                    "seconds_per_request": 0.05})
    wanted = rs.requests["CreateInferenceComponent"]["Specification"]["ComputeResourceRequirements"]
    assert wanted["NumberOfCpuCoresRequired"] >= 25 * 0.05 / 0.7  # 25 req/s a model x 50 ms at 70%
    _, rs = _requests(advisor, {}, {"models": 4, "cold_starts_ok": False, "requests_per_second": 0.1,
                                    "seconds_per_request": 0.8, "latency_ms_p99": 1000})
    wanted = rs.requests["CreateInferenceComponent"]["Specification"]["ComputeResourceRequirements"]
    assert wanted["NumberOfCpuCoresRequired"] >= 1  # 800 ms on one core within 1,000 ms: no less than a core


@pytest.mark.parametrize(("model", "option", "says", "never"), [
    ({"algorithm": "sklearn", "kind": "classical"}, "multi_model", None, "inference toolkit"),
    ({"algorithm": "huggingface", "kind": "deep_learning"}, "multi_model", "SageMaker inference toolkit", None),
    ({"algorithm": "custom", "kind": "deep_learning"}, "multi_model", "your own container must be built", None),
    ({"algorithm": "lightgbm", "kind": "tree_based"}, "multi_container", "not among those AWS lists",
     "inference toolkit"),
])
def test_the_container_decides_whether_a_multi_model_endpoint_can_serve(
        advisor: Advisor, model: dict[str, Any], option: str, says: str | None, never: str | None) -> None:
    """AWS lists the inference containers that support multi-model endpoints (multi-model-support.html): a listed
    framework's serves as it is; any other framework's must be built with the SageMaker inference toolkit, which the
    reasons say; an algorithm's own container off the list (LightGBM's) cannot, so up to 15 are multi-container."""
    w = Workload.model_validate({**ONE, "model": model, "inference": {"models": 8}})
    choice = advisor.recommend(w).instances["realtime_inference"]
    assert choice.extra["hosting"] == option
    derived = Derived.of(w, advisor.knowledge)
    assert derived.multi_model_container == (option == "multi_model")
    if says:
        assert any(says in r for r in choice.reasons)
    if never:
        assert not any(never in r for r in choice.reasons)


def test_components_that_scale_to_zero_are_billed_for_the_hours_requests_arrive(advisor: Advisor) -> None:
    """An endpoint of inference components at MinInstanceCount 0 keeps no instance while no request arrives, so it
    is costed like an asynchronous endpoint that scales to zero (inference.active_hours_per_day), not all month;
    one that keeps its instances is costed all month."""
    def cost(**inference: Any) -> Any:
        w = Workload.model_validate({**ONE, "model": LLMS, "inference": {"models": 3, **inference}})
        return advisor.recommend(w).instances["realtime_inference"]

    idle = cost(traffic="sporadic", active_hours_per_day=6)
    assert idle.settings["ManagedInstanceScaling.MinInstanceCount"] == 0
    assert idle.estimated_cost.usd is not None and idle.extra["hours_per_month"] == pytest.approx(182.5)
    assert any("keeps no instance" in a for a in idle.estimated_cost.assumptions)
    kept = cost(traffic="sporadic", active_hours_per_day=6, cold_starts_ok=False)
    assert kept.settings["ManagedInstanceScaling.MinInstanceCount"] >= 1 and "hours_per_month" not in kept.extra
    per_hour = kept.price_per_hour_usd * kept.instance_count
    assert kept.estimated_cost.usd == pytest.approx(per_hour * 730, rel=0.01)


def test_components_whose_load_needs_no_more_instances_keep_a_fixed_count_said_plainly(advisor: Advisor) -> None:
    """Twenty lightly used models on CPU cores: the copies, not the load, set the count, so the managed instance
    scaling is one figure, said as such (not "run 3-3 instances")."""
    choice, _ = endpoint(advisor, models=20, cold_starts_ok=False, requests_per_second=4)
    low = choice.settings["ManagedInstanceScaling.MinInstanceCount"]
    assert low == choice.settings["ManagedInstanceScaling.MaxInstanceCount"] == choice.instance_count
    assert any(f"keeps SageMaker at {low} instances (MinInstanceCount and MaxInstanceCount alike" in r
               for r in choice.reasons)
    assert not any(f"run {low}-{low} instances" in r for r in choice.reasons)


def test_only_a_production_endpoint_spreads_its_components_copies(advisor: Advisor) -> None:
    """botocore 1.44.5 InferenceComponentSchedulingConfig: SPREAD distributes a component's copies over the
    instances for resilience; a test endpoint (production false) has no second instance to spread over."""
    for production in (True, False):
        w = Workload.model_validate({**ONE, "inference": {"models": 12, "cold_starts_ok": False,
                                                          "production": production}})
        rec = advisor.recommend(w)
        rs = build_requests(rec, w)
        spec = rs.requests["CreateInferenceComponent"]["Specification"]
        assert ("SchedulingConfig" in spec) == production
        assert any("PlacementStrategy SPREAD" in r for r in rec.instances["realtime_inference"].reasons) == production
        assert request_set_problems(rs) == {}


def test_a_limit_the_knowledge_does_not_bound_is_not_said_as_inf(advisor: Advisor) -> None:
    """Inference components lose to a multi-container endpoint whose containers share the instances 'up to N
    containers' (CreateModel.Containers' bound, hosting_options.yaml); a knowledge without that bound leaves the
    figure out instead of saying 'up to inf containers'."""
    w = Workload.model_validate({**ONE, "inference": {"models": 3, "same_container": False}})
    k = advisor.knowledge
    unbounded = k._replace(hosting_options=tuple(
        o._replace(limits=tuple(x for x in o.limits if x.id != "containers")) if o.id == "multi_container" else o
        for o in k.hosting_options))

    def lost(adv: Advisor) -> str:
        return next(r for r in adv.recommend(w).instances["realtime_inference"].reasons
                    if r.startswith("hosting alternative Inference components"))

    most = k.hosting_option("multi_container").most("containers")
    assert most is not None and f"up to {most:g} containers share" in lost(advisor)
    said = lost(Advisor(unbounded))
    assert "inf" not in said and "the containers share the instances" in said
