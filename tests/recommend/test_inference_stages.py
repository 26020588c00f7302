"""Serverless and asynchronous endpoints as stages: sizing, costs, impossible asks, security and requests.

Each expectation follows AWS's pages (serverless-endpoints.html, async-inference.html, async-inference-autoscale.html)
and botocore's ProductionVariantServerlessConfig and AsyncInferenceClientConfig ranges; the examples in
examples/workloads are asserted in test_examples.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from advisor.builders import build_requests, render_requests
from advisor.builders.validate import assert_valid
from advisor.cli import main
from advisor.errors import UsageError, WorkloadError
from advisor.recommend.advisor import Advisor
from advisor.recommend.report import explain_text, render
from advisor.recommend.sizing import size_serverless
from advisor.render import formats_for
from advisor.workload import Derived, Workload

SMALL = {"algorithm": "sklearn", "kind": "classical", "size_mb": 20}


def serverless(advisor: Advisor, **inference: Any) -> Any:
    extra = inference.pop("extra", {})
    return advisor.recommend({"name": "s", "stages": ["serverless_inference"], "model": SMALL,
                              "inference": inference, **extra})


def asynchronous(advisor: Advisor, **inference: Any) -> Any:
    extra = inference.pop("extra", {})
    return advisor.recommend({"name": "a", "stages": ["async_inference"], "model": SMALL,
                              "inference": {"latency_ms_p99": 600_000, **inference}, **extra})


# ---- what the options cannot do at all: errors that name the field, the stage and the option that fits ---------

@pytest.mark.parametrize(("stages", "inference", "model", "field", "words"), [
    (["serverless_inference"], {"gpu": "required"}, SMALL, "inference.gpu",
     "inference.gpu is required, but stages lists serverless_inference"),
    (["serverless_inference"], {"payload_mb": 10}, SMALL, "inference.payload_mb",
     "over Serverless Inference's 4 MB payload limit"),
    (["serverless_inference"], {"seconds_per_request": 90, "latency_ms_p99": 200_000}, SMALL,
     "inference.seconds_per_request", "over Serverless Inference's 60 s limit"),
    (["async_inference"], {"payload_mb": 2000}, SMALL, "inference.payload_mb",
     "over Asynchronous Inference's 1024 MB (1 GB) payload limit"),
    (["async_inference"], {"seconds_per_request": 5000}, SMALL, "inference.seconds_per_request",
     "over Asynchronous Inference's 3600 s limit"),
    (["serverless_inference"], {"package_mb": 12_000}, SMALL, "inference.package_mb",
     "more than the 10 GB container image (code and model) Serverless Inference allows"),
    (["serverless_inference"], {"tmp_mb": 8000}, SMALL, "inference.tmp_mb",
     "more than the 5 GB of ephemeral disk (scratch data) Serverless Inference allows"),
    (["serverless_inference"], {}, {"algorithm": "seq2seq", "kind": "deep_learning"}, "model.algorithm",
     "model.algorithm seq2seq serves on GPU instances only, but stages lists serverless_inference"),
])
def test_impossible_asks_are_errors_naming_both_fields(advisor: Advisor, stages: list[str], inference: dict[str, Any],
                                                       model: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(WorkloadError) as info:
        advisor.recommend({"stages": stages, "inference": inference, "model": model})
    [problem] = [p for p in info.value.problems if p.field == field]
    assert words in problem.message and "stages lists" in problem.message
    assert problem.hint and ("stages: [" in problem.hint or "async_inference" in problem.hint
                             or "none:" in problem.hint)


def test_a_request_that_surely_runs_on_a_gpu_is_held_to_the_time_limit_on_the_gpu(advisor: Advisor) -> None:
    """seconds_per_request is for one vCPU: 30,000 s is about 3,000 s on a T4-class GPU, within Asynchronous
    Inference's hour when the workload runs on a GPU for sure (gpu required, or a measured speed-up); a workload
    that may run on CPUs is held to the vCPU time, and the error says which it used."""
    video = {"algorithm": "pytorch", "kind": "deep_learning", "parameters_millions": 500, "size_mb": 2000}
    sure = advisor.recommend({"stages": ["async_inference"], "model": video,
                              "inference": {"seconds_per_request": 30_000, "gpu": "required",
                                            "requests_per_second": 0.01}})
    assert 900 < sure.instances["async_inference"].settings["InvocationTimeoutSeconds"] <= 3600
    measured = advisor.recommend({"stages": ["async_inference"], "model": video,
                                  "inference": {"seconds_per_request": 30_000, "accelerator_speedup": 20,
                                                "requests_per_second": 0.01}})
    assert measured.instances["async_inference"].fits
    with pytest.raises(WorkloadError) as info:
        advisor.recommend({"stages": ["async_inference"], "model": video,
                           "inference": {"seconds_per_request": 30_000, "gpu": "required", "accelerator_speedup": 5}})
    [problem] = [p for p in info.value.problems if p.field == "inference.seconds_per_request"]
    assert "about 6,000 s on an accelerator (30000 s of a vCPU / 5x, inference.accelerator_speedup)" in problem.message
    with pytest.raises(WorkloadError):
        advisor.recommend({"stages": ["async_inference"], "model": video, "inference": {"seconds_per_request": 30_000}})


def test_gpu_on_serverless_exits_2_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("stages: [serverless_inference]\ninference:\n  gpu: required\n", encoding="utf-8")
    assert main(["recommend", str(path), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert "w.yaml:3" in err and "inference.gpu" in err and "serverless_inference" in err
    assert "Traceback" not in err


def test_storage_within_serverless_limits_is_no_error(advisor: Advisor) -> None:
    """10 GB of image and 5 GB of disk are allowed; a real-time endpoint has neither limit."""
    advisor.recommend({"stages": ["serverless_inference"], "model": SMALL,
                       "inference": {"package_mb": 10_240, "tmp_mb": 5120, "traffic": "sporadic"}})
    advisor.recommend({"stages": ["realtime_inference"], "model": SMALL, "inference": {"package_mb": 20_000,
                                                                                      "tmp_mb": 20_000}})


def test_the_payload_error_offers_async_the_async_one_offers_nothing_bigger(advisor: Advisor) -> None:
    with pytest.raises(WorkloadError) as info:
        serverless(advisor, payload_mb=10)
    assert "async_inference" in (info.value.problems[0].hint or "")
    with pytest.raises(WorkloadError) as info:
        asynchronous(advisor, payload_mb=2000)
    assert (info.value.problems[0].hint or "").startswith("the option that takes it: none")


@pytest.mark.parametrize(("inference", "takes"), [
    ({"payload_mb": 2000}, "score the data set with processing"),  # beyond batch's 100 MB mini-batch too
    ({"seconds_per_request": 5000}, "run it with processing"),  # beyond batch's 3,600 s an invocation too
])
def test_what_no_option_takes_is_sent_to_the_jobs_that_take_it(advisor: Advisor, inference: dict[str, Any],
                                                                 takes: str) -> None:
    """Past every option's limit, the hint names the stages whose jobs take it: a job option whose own limit does
    (never a batch transform for a 2 GB record: its mini-batch is at most 100 MB) and a job that runs its own code
    over the data set (StageSpec.data_job_hours); it used to name batch_inference for any payload."""
    with pytest.raises(WorkloadError) as info:
        asynchronous(advisor, **inference)
    hint = info.value.problems[0].hint or ""
    assert takes in hint and "batch_inference" not in hint


# ---- serverless sizing and costs -----------------------------------------------------------------------------

def test_memory_concurrency_and_provisioned_concurrency(advisor: Advisor) -> None:
    choice = serverless(advisor, traffic="sporadic", requests_per_second=20, seconds_per_request=0.5,
                        memory_mb=3000).instances["serverless_inference"]
    # inference.memory_mb 3000 -> the next 1 GB step; 20 x 0.5 = 10 in flight / 70% -> 15
    assert dict(choice.settings) == {"MemorySizeInMB": 3072, "MaxConcurrency": 15}
    steady = serverless(advisor, traffic="steady", requests_per_second=20, seconds_per_request=0.5)
    assert steady.instances["serverless_inference"].settings["ProvisionedConcurrency"] == 10
    assert any("predictable" in r for r in steady.instances["serverless_inference"].reasons)
    cold = serverless(advisor, traffic="sporadic", cold_starts_ok=False)
    assert cold.instances["serverless_inference"].settings["ProvisionedConcurrency"] == 1


def test_a_model_too_big_for_serverless_does_not_fit_and_says_what_to_change(advisor: Advisor) -> None:
    rec = advisor.recommend({"stages": ["serverless_inference"], "model": {"algorithm": "sklearn",
                                                                          "kind": "classical", "size_mb": 8000}})
    choice = rec.instances["serverless_inference"]
    assert not choice.fits and choice.settings["MemorySizeInMB"] == 6144
    assert any("does not fit" in r and "stages: [realtime_inference]" in r for r in choice.reasons)
    assert choice.estimated_cost.usd is None and choice.estimated_cost.formula.startswith("not estimated")
    assert any(w.startswith("serverless_inference: the workload needs more") for w in rec.warnings)


def test_concurrency_beyond_the_endpoint_maximum_does_not_fit(advisor: Advisor) -> None:
    w = Workload.model_validate({"stages": ["serverless_inference"], "model": SMALL,
                                 "inference": {"requests_per_second": 1000, "seconds_per_request": 1}})
    sized = size_serverless(w, Derived.of(w, advisor.knowledge), advisor.knowledge)
    assert not sized.fits and sized.settings["MaxConcurrency"] == 200  # botocore's maximum, never above


def test_costs_per_gb_second_with_the_active_hours_and_say_what_is_missing(advisor: Advisor) -> None:
    cost = serverless(advisor, traffic="sporadic", requests_per_second=1, seconds_per_request=0.1,
                      active_hours_per_day=12).instances["serverless_inference"].estimated_cost
    assert cost.usd == pytest.approx(1 * 3600 * 365 * 0.1 * 2 * 0.00002)  # 12 h x 730/24 days = 365 h
    assert any("12 h a day" in a for a in cost.assumptions)
    assert any("data processed" in a for a in cost.assumptions)
    elsewhere = serverless(advisor, traffic="sporadic", requests_per_second=1, seconds_per_request=0.1,
                           active_hours_per_day=12, extra={"region": "eu-west-1"})
    cost = elsewhere.instances["serverless_inference"].estimated_cost  # no quote there: the snapshot's estimate
    assert cost.usd == pytest.approx(1 * 3600 * 365 * 0.1 * 2 * 0.0000223)
    assert any(w.startswith("the Serverless Inference price in eu-west-1 is an estimate: us-east-1's")
               for w in cost.warnings)


# ---- async sizing and costs -----------------------------------------------------------------------------------

def test_async_scales_to_zero_only_when_traffic_has_idle_periods(advisor: Advisor) -> None:
    idle = asynchronous(advisor, traffic="sporadic", seconds_per_request=30, requests_per_second=0.5)
    choice = idle.instances["async_inference"]
    assert choice.settings["MinCapacity"] == 0 and choice.settings["MaxCapacity"] == choice.instance_count
    assert choice.estimated_cost.formula.startswith("730 h/month")  # no active hours stated: the upper bound
    assert "SM-EC-04" not in {s.control for s in idle.security}  # nothing to keep highly available at zero
    steady = asynchronous(advisor, traffic="steady", seconds_per_request=30, requests_per_second=0.5)
    choice = steady.instances["async_inference"]
    assert choice.settings["MinCapacity"] == 2 and choice.instance_count >= 2  # production floor kept
    assert "SM-EC-04" in {s.control for s in steady.security}
    said = asynchronous(advisor, traffic="steady", idle_periods=True, active_hours_per_day=6)
    assert said.instances["async_inference"].settings["MinCapacity"] == 0
    assert said.instances["async_inference"].estimated_cost.formula.startswith("182.5 h/month")


def test_async_keeps_an_instance_when_callers_cannot_wait_for_a_cold_start(advisor: Advisor) -> None:
    """inference.cold_starts_ok false: at zero instances the first request after idle time waits while one starts
    (async-inference-autoscale.html), so idle periods no longer scale the endpoint to zero, nor is it costed so."""
    warm = asynchronous(advisor, traffic="sporadic", seconds_per_request=30, requests_per_second=0.5,
                        cold_starts_ok=False, active_hours_per_day=6)
    choice = warm.instances["async_inference"]
    assert choice.settings["MinCapacity"] == 2  # production floor, as without idle periods
    assert choice.estimated_cost.formula.startswith("730 h/month")  # billed all month, not the active hours
    assert any("cold_starts_ok is false" in r for r in choice.reasons)
    cold = asynchronous(advisor, traffic="sporadic", seconds_per_request=30, requests_per_second=0.5,
                        cold_starts_ok=True, active_hours_per_day=6)
    assert cold.instances["async_inference"].settings["MinCapacity"] == 0


def test_async_concurrency_per_instance_is_its_workers(advisor: Advisor) -> None:
    choice = asynchronous(advisor, traffic="sporadic").instances["async_inference"]
    vcpu = advisor.knowledge.instance_type(choice.instance_type).vcpu
    assert choice.settings["MaxConcurrentInvocationsPerInstance"] == vcpu  # one invocation per vCPU


# ---- security -------------------------------------------------------------------------------------------------

def test_controls_that_do_not_apply_to_serverless_are_not_emitted(advisor: Advisor) -> None:
    rec = serverless(advisor, traffic="sporadic", extra={"data": {"sensitivity": "public"}})
    assert not [s for s in rec.security if s.api in ("CreateModel", "CreateEndpointConfig")]
    assert not rec.warnings or not any("VPC" in w for w in rec.warnings)


def test_a_shared_model_loses_vpc_to_serverless_and_says_so(advisor: Advisor) -> None:
    rec = advisor.recommend({"stages": ["serverless_inference", "batch_inference"], "model": SMALL,
                             "data": {"private_sources": True}, "inference": {"traffic": "sporadic"}})
    marked = {(s.control, s.status) for s in rec.security if s.api == "CreateModel"}
    assert ("SM-MD-02", "not_available") in marked and ("SM-MD-02", "set") not in marked
    assert any("the model the stages share cannot carry" in w for w in rec.warnings)
    assert not [g for g in rec.guard_rails if any("CreateModel" in a for a in g.statement["Action"])]
    model = build_requests(rec, Workload.model_validate({"stages": ["serverless_inference", "batch_inference"]}))
    assert "VpcConfig" not in model.requests["CreateModel"]


# ---- requests and formats -------------------------------------------------------------------------------------

def test_one_endpoint_per_request_set(advisor: Advisor) -> None:
    w = Workload.model_validate({"stages": ["realtime_inference", "serverless_inference"], "model": SMALL,
                                 "inference": {"traffic": "sporadic"}})
    with pytest.raises(UsageError, match="each is its own endpoint") as info:
        build_requests(advisor.recommend(w), w)
    assert "--stage" in (info.value.hint or "")
    only = advisor.recommend(w, stages=["serverless_inference"])
    assert "ServerlessConfig" in assert_valid(build_requests(only, w)).requests["CreateEndpointConfig"][
        "ProductionVariants"][0]


def test_the_async_script_waits_for_the_endpoint_before_scaling_it(advisor: Advisor) -> None:
    w = Workload.model_validate({"name": "a", "stages": ["async_inference"], "model": SMALL,
                                 "inference": {"traffic": "sporadic", "latency_ms_p99": 600_000}})
    source = render_requests(assert_valid(build_requests(advisor.recommend(w), w)), "python")
    compile(source, "script.py", "exec")
    waiter = source.index('get_waiter("endpoint_in_service")')
    assert source.index('send("CreateEndpoint"') < waiter < source.index('send("RegisterScalableTarget"')
    assert "autoscaling = boto3.client(\"application-autoscaling\"" in source


@pytest.mark.parametrize("stage", ["serverless_inference", "async_inference"])
def test_every_format_shows_the_stage_its_settings_and_cost(advisor: Advisor, stage: str) -> None:
    rec = advisor.recommend({"stages": [stage], "model": SMALL,
                             "inference": {"traffic": "sporadic", "latency_ms_p99": 600_000}})
    choice = rec.instances[stage]
    for fmt in formats_for("recommendation"):
        text = render(rec, fmt)
        if fmt == "json":
            assert json.loads(text)["instances"][stage]["settings"] == dict(choice.settings)
            continue
        if fmt == "yaml":
            assert "MaxConcurrency" in text or "MaxConcurrentInvocationsPerInstance" in text
            continue
        assert {"serverless_inference": "Serverless endpoint", "async_inference": "Asynchronous endpoint"}[stage] \
            in text
        assert f"{next(iter(choice.settings))} = {next(iter(choice.settings.values()))}" in text
        assert choice.estimated_cost.text() in text


# ---- which option fits the traffic: suggestions that name the stage to use -----------------------------------

def test_steady_traffic_on_serverless_is_pointed_at_a_real_time_endpoint(advisor: Advisor) -> None:
    rec = serverless(advisor, traffic="steady")
    assert any(w.startswith("serverless_inference: steady traffic") and "stages: [realtime_inference]" in w
               for w in rec.warnings)
    assert not any(w.startswith("serverless_inference: steady") for w in serverless(advisor,
                                                                                      traffic="sporadic").warnings)


def test_quick_requests_without_idle_periods_on_async_are_pointed_at_real_time(advisor: Advisor) -> None:
    quick = asynchronous(advisor, traffic="steady", payload_mb=1, seconds_per_request=0.2)
    assert any(w.startswith("async_inference: these requests fit a real-time endpoint") for w in quick.warnings)
    for inference in ({"traffic": "sporadic"}, {"traffic": "steady", "payload_mb": 50},
                      {"traffic": "steady", "seconds_per_request": 120}):
        assert not any(w.startswith("async_inference:") for w in asynchronous(advisor, **inference).warnings)


def test_a_gpu_endpoint_with_idle_periods_is_offered_async_scale_to_zero(advisor: Advisor) -> None:
    gpu = {"algorithm": "pytorch", "kind": "deep_learning", "parameters_millions": 300}
    idle = advisor.recommend({"stages": ["realtime_inference"], "model": gpu,
                              "inference": {"traffic": "scheduled", "gpu": "required"}})
    assert any("stages: [async_inference]" in w and "scales to zero" in w for w in idle.warnings)
    busy = advisor.recommend({"stages": ["realtime_inference"], "model": gpu,
                              "inference": {"traffic": "steady", "gpu": "required"}})
    assert not any("stages: [async_inference]" in w for w in busy.warnings)
    warm = advisor.recommend({"stages": ["realtime_inference"], "model": gpu,
                              "inference": {"traffic": "scheduled", "gpu": "required", "cold_starts_ok": False}})
    assert not any("stages: [async_inference]" in w for w in warm.warnings)  # it could not scale to zero either


def test_quick_requests_whose_callers_cannot_wait_for_a_cold_start_are_pointed_at_real_time(advisor: Advisor) -> None:
    warm = asynchronous(advisor, traffic="sporadic", payload_mb=1, seconds_per_request=0.2, cold_starts_ok=False)
    assert any(w.startswith("async_inference: these requests fit a real-time endpoint")
               and "callers cannot wait for a cold start" in w for w in warm.warnings)


# ---- memory a request needs bounds how many one CPU instance serves at once ----------------------------------

def test_an_async_instance_takes_only_the_invocations_its_memory_holds(advisor: Advisor) -> None:
    """8 GB a request (inference.memory_mb): an instance takes at most memory / 8 GB invocations at once, whatever
    its vCPUs, and MaxConcurrentInvocationsPerInstance says so (expert workload async-large-payload-idle: 5 x
    ml.c6i.xlarge, 8 GiB each, were told to take 4 invocations of 8 GB at once)."""
    rec = asynchronous(advisor, requests_per_second=0.02, payload_mb=500, seconds_per_request=600, memory_mb=8192,
                       traffic="sporadic")
    choice = rec.instances["async_inference"]
    itype = advisor.knowledge.instance_type(choice.instance_type)
    at_once = choice.settings["MaxConcurrentInvocationsPerInstance"]
    assert at_once * 8 <= itype.memory_gib, (choice.instance_type, at_once)
    assert at_once == choice.settings["TargetBacklogPerInstance"]


def test_a_cpu_endpoint_counts_the_requests_its_memory_holds(advisor: Advisor) -> None:
    """20 req/s x 0.5 s is 10 requests in flight; at 6 GB each the endpoint's instances hold 60 GB or more of them
    at once (at 1 GB each a couple of small instances do)."""
    def endpoint(memory_mb: int) -> Any:
        return advisor.recommend({"name": "m", "stages": ["realtime_inference"], "model": SMALL, "inference": {
            "requests_per_second": 20, "seconds_per_request": 0.5, "memory_mb": memory_mb}}
            ).instances["realtime_inference"]

    heavy, light = endpoint(6144), endpoint(1024)
    memory = advisor.knowledge.instance_type(heavy.instance_type).memory_gib
    assert heavy.instance_count * memory >= 60, (heavy.instance_count, heavy.instance_type)
    assert advisor.knowledge.instance_type(light.instance_type).memory_gib * light.instance_count < 60


def test_an_accelerators_slots_are_not_bounded_by_host_memory(advisor: Advisor) -> None:
    """A GPU's batching slots work in device memory: inference.memory_mb does not cut them (the LLM examples state
    host memory for the whole server)."""
    from advisor.recommend.sizing import Catalogue, workers

    catalogue = Catalogue.of(advisor.knowledge)
    w = Workload.model_validate({"stages": ["realtime_inference"], "inference": {"memory_mb": 65536}})
    gpu = next(s for s in catalogue.specs("hosting", ["g"]) if s.name == "ml.g5.xlarge")
    cpu = next(s for s in catalogue.specs("hosting", ["c"]) if s.name == "ml.c6i.xlarge")
    assert workers(gpu, w) == gpu.workers
    assert workers(cpu, w) == 1 < cpu.workers


def test_a_batch_transform_at_the_same_price_runs_on_fewer_instances(advisor: Advisor) -> None:
    """A batch transform is a job: at the same price and size, one large instance beats 18 small ones (fewer
    containers to start, fewer shards); an endpoint keeps more, smaller instances (expert workload deepar-batch)."""
    rec = advisor.recommend({"stages": ["batch_inference"], "priority": "time",
                             "data": {"size_gb": 5, "kind": "timeseries"},
                             "model": {"algorithm": "deepar", "kind": "deep_learning", "parameters_millions": 3,
                                       "size_mb": 20},
                             "inference": {"seconds_per_request": 0.05},
                             "batch": {"records_per_run": 2_000_000, "max_hours": 2}})
    choice = rec.instances["batch_inference"]
    assert choice.instance_count <= 4, (choice.instance_count, choice.instance_type)
    assert all(a.instance_count >= choice.instance_count or a.price_per_hour_usd != choice.price_per_hour_usd
               for a in choice.alternatives)


@pytest.mark.parametrize("fmt", ["markdown", "table", "explain"])
def test_provisioned_concurrency_is_said_to_be_unpriced_in_every_output(advisor: Advisor, fmt: str) -> None:
    """AWS's rates for serverless provisioned concurrency could not be verified (pricing_data/SOURCES.md): the
    cost is unknown, and every output says why beside it, with the same requests' on-demand cost for scale."""
    rec = serverless(advisor, traffic="spiky", cold_starts_ok=False, requests_per_second=0.5,
                     seconds_per_request=0.2)
    choice = rec.instances["serverless_inference"]
    cost = choice.estimated_cost
    assert choice.settings["ProvisionedConcurrency"] == 1 and cost.usd is None and cost.bound is None
    on_demand = 0.5 * 3600 * 730 * 0.2 * 2 * 0.00002  # the peak rate all month, 2 GB, $0.00002 per GB-second
    assert cost.caveat == f"provisioned concurrency not priced; on demand ${on_demand:.2f}/month"
    assert cost.text() == f"unknown/month ({cost.caveat})"
    assert "1 provisioned concurrency x 2 GB x 730 h kept warm" in cost.formula
    assert any("could not be verified" in w and "not this cost" in w for w in cost.warnings)
    text = render(rec, fmt) if fmt != "explain" else explain_text(rec)
    assert cost.caveat in " ".join(text.split())


def test_on_demand_serverless_is_priced_without_a_caveat(advisor: Advisor) -> None:
    """Must not fire: no provisioned concurrency, a known figure and nothing beside it."""
    cost = serverless(advisor, traffic="sporadic").instances["serverless_inference"].estimated_cost
    assert cost.usd is not None and cost.caveat is None and "not priced" not in cost.text()
