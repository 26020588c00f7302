"""Requests a real-time endpoint cannot take are warned about with the limit and the option that fits; sporadic
CPU traffic is offered serverless with its cost beside the endpoint's, and a regulated workload hears what
serverless cannot do (issue 12 item 4)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from advisor.recommend.advisor import Advisor
from advisor.recommend.models import Recommendation
from advisor.workload import Workload


def _warnings(advisor: Advisor, **inference: Any) -> list[str]:
    extra = inference.pop("extra", {})
    rec = advisor.recommend({"name": "w", "stages": ["realtime_inference"], "inference": inference,
                             "model": {"algorithm": "sklearn", "kind": "classical", "size_mb": 20}, **extra})
    return [w for w in rec.warnings if w.startswith("realtime_inference:")]


def test_large_and_long_requests_are_sent_to_async(advisor: Advisor) -> None:
    [warning] = _warnings(advisor, payload_mb=250, seconds_per_request=120)
    assert "a 250 MB payload (limit 6 MB)" in warning and "120 s of processing (limit 60 s)" in warning
    assert ("Asynchronous Inference (payload up to 1024 MB, 3600 s; use stages: [async_inference]) fits them"
            in warning)
    assert "Batch transform" not in warning  # 250 MB is over its 100 MB mini-batch


@pytest.mark.parametrize(("payload", "seconds", "fits"), [(50, 1, "Batch transform"),
                                                          (50, 1, "use stages: [batch_inference]"),
                                                          (5000, 1, "split the work"),
                                                          (1, 5000, "split the work")])
def test_which_option_fits(advisor: Advisor, payload: float, seconds: float, fits: str) -> None:
    [warning] = _warnings(advisor, payload_mb=payload, seconds_per_request=seconds, latency_ms_p99=10_000_000)
    assert fits in warning


def test_requests_within_real_time_limits_get_no_warning(advisor: Advisor) -> None:
    assert _warnings(advisor, payload_mb=6, seconds_per_request=60, latency_ms_p99=100_000) == []


def test_sporadic_cpu_traffic_is_offered_serverless_with_both_costs(advisor: Advisor) -> None:
    [offer] = _warnings(advisor, traffic="sporadic", requests_per_second=0.05, seconds_per_request=0.2)
    assert "ServerlessConfig.MemorySizeInMB 2048" in offer and "stages: [serverless_inference]" in offer
    assert "/month (" in offer and "GB-s)" in offer
    assert "/month for the 2 x ml." in offer and "cold start" in offer and "VPC" not in offer


def test_a_regulated_workload_is_told_serverless_has_no_vpc(advisor: Advisor) -> None:
    [offer] = _warnings(advisor, traffic="sporadic", requests_per_second=0.05, seconds_per_request=0.2,
                        extra={"data": {"sensitivity": "regulated"}})
    assert "no VPC configuration or network isolation" in offer and "regulated" in offer


@pytest.mark.parametrize("inference", [{"traffic": "steady"}, {"traffic": "sporadic", "payload_mb": 5},
                                       {"traffic": "sporadic", "gpu": "required",  # scikit-learn: an error
                                        "extra": {"model": {"algorithm": "pytorch", "kind": "deep_learning"}}},
                                       {"traffic": "sporadic", "memory_mb": 8192}])
def test_no_serverless_offer_outside_its_limits(advisor: Advisor, inference: dict[str, Any]) -> None:
    assert not any("Serverless" in w for w in _warnings(advisor, **inference))


@pytest.mark.parametrize(("inference", "warned"), [
    ({"payload_mb": 150, "seconds_per_request": 20}, "a 150 MB payload (limit 100 MB)"),
    ({"payload_mb": 1, "seconds_per_request": 4000}, "4000 s of processing (limit 3600 s)"),
    ({"payload_mb": 50, "seconds_per_request": 20}, None),
])
def test_batch_records_beyond_the_transform_limits_are_warned(advisor: Advisor, inference: dict[str, Any],
                                                              warned: str | None) -> None:
    """CreateTransformJob sends at most 100 MB a mini-batch and waits at most an hour an invocation: a record beyond
    either is warned, naming the limit and what takes it (async up to 1 GB / 1 h, or a processing job)."""
    rec = advisor.recommend({"stages": ["batch_inference"], "model": {"algorithm": "pytorch", "kind": "deep_learning",
                                                                      "parameters_millions": 50},
                             "inference": inference, "batch": {"records_per_run": 1000}})
    found = [w for w in rec.warnings if w.startswith("batch_inference: a batch transform")]
    if warned is None:
        assert not found
    else:
        assert len(found) == 1 and warned in found[0] and "stages: [processing]" in found[0]
        assert ("stages: [async_inference]" in found[0]) == (inference["seconds_per_request"] <= 3600)
        # only the request field of the limit broken is named, never the one the record keeps within
        payload, timeout = "(MaxPayloadInMB", "ModelClientConfig.InvocationsTimeoutInSeconds)"
        assert (payload in found[0], timeout in found[0]) == (inference["payload_mb"] > 100,
                                                              inference["seconds_per_request"] > 3600)


def test_the_offer_with_provisioned_concurrency_says_its_cost_is_unknown_beside_the_endpoints(
        advisor: Advisor) -> None:
    """Spiky traffic that cannot wait for a cold start gets provisioned concurrency: the comparison with the
    endpoint does not go quiet, it says the serverless cost is unknown and why, beside the endpoint's."""
    [offer] = _warnings(advisor, traffic="spiky", cold_starts_ok=False, requests_per_second=0.5,
                        seconds_per_request=0.2)
    assert "ProvisionedConcurrency 1" in offer
    assert "its cost is unknown (provisioned concurrency not priced; on demand $" in offer
    assert "/month for the 2 x ml." in offer


# ---- an offer never names a stage the workload already has ------------------------------------------------------

def offered(text: str) -> set[str]:
    """The stages a text offers, as a user writes them: `stages: [a]` or `stages: [a] or [b]`."""
    groups = re.findall(r"stages: ((?:\[\w+\](?: or )?)+)", text)
    return {stage for group in groups for stage in re.findall(r"\[(\w+)\]", group)}


def every_text(rec: Recommendation) -> list[str]:
    return [*rec.warnings, *(r for c in rec.instances.values() for r in c.reasons), *(s.why for s in rec.security)]


def test_offered_reads_what_the_advice_writes() -> None:
    assert offered("use stages: [realtime_inference] or [async_inference] to keep them") == {
        "realtime_inference", "async_inference"}
    assert offered("stages lists serverless_inference and ...") == set()


def test_sporadic_traffic_beside_a_serverless_stage_is_not_offered_serverless_again(advisor: Advisor) -> None:
    """Issue: the real-time stage's offer said `stages: [serverless_inference]` to a workload that has it."""
    rec = advisor.recommend({"stages": ["realtime_inference", "serverless_inference"],
                             "model": {"algorithm": "sklearn", "kind": "classical", "size_mb": 20},
                             "inference": {"traffic": "sporadic", "requests_per_second": 0.05,
                                           "seconds_per_request": 0.2}})
    assert not any("serverless_inference" in offered(t) for t in every_text(rec))
    assert not any(w.startswith("realtime_inference: sporadic CPU traffic") for w in rec.warnings)


@pytest.mark.parametrize(("stages", "inference", "data"), [
    # large requests beside an async stage: the real-time warning says to drop realtime, offers no async
    (["realtime_inference", "async_inference"], {"payload_mb": 250, "seconds_per_request": 120}, {}),
    # idle GPU traffic beside an async stage: no async offer
    (["realtime_inference", "async_inference"], {"traffic": "sporadic", "gpu": "required"}, {}),
    # steady serverless beside a real-time stage, and a regulated serverless stage beside both endpoints
    (["serverless_inference", "realtime_inference"], {"traffic": "steady"}, {}),
    (["serverless_inference", "realtime_inference", "async_inference"], {"traffic": "sporadic"},
     {"sensitivity": "regulated"}),
    # quick async requests beside a real-time stage
    (["async_inference", "realtime_inference"], {"traffic": "steady", "payload_mb": 1}, {}),
    # records too large for a batch transform beside an async and a processing stage
    (["batch_inference", "async_inference", "processing"], {"payload_mb": 150, "seconds_per_request": 20}, {}),
])
def test_no_offer_names_a_stage_already_chosen(advisor: Advisor, stages: list[str], inference: dict[str, Any],
                                               data: dict[str, Any]) -> None:
    rec = advisor.recommend({"stages": stages, "inference": inference, "data": data, "batch": {"records_per_run": 1000},
                             "model": {"algorithm": "pytorch", "kind": "deep_learning", "parameters_millions": 50}})
    for text in every_text(rec):
        assert not offered(text) & set(stages), text
    large = [w for w in rec.warnings if w.startswith("realtime_inference: a real-time endpoint")]
    if inference.get("payload_mb") == 250:
        assert large and "drop realtime_inference from stages" in large[0]


@pytest.mark.parametrize(("tuning", "warned"), [
    ({"strategy": "Bayesian", "max_jobs": 100, "max_parallel_jobs": 50}, True),   # 2 rounds
    ({"strategy": "Bayesian", "max_jobs": 10, "max_parallel_jobs": 4}, True),     # 3 rounds
    ({"strategy": "Bayesian", "max_jobs": 10, "max_parallel_jobs": 2}, False),    # the defaults: 5 rounds
    ({"strategy": "Bayesian", "max_jobs": 50, "max_parallel_jobs": 10}, False),   # 5 rounds
    ({"strategy": "Bayesian", "max_jobs": 1, "max_parallel_jobs": 1}, False),     # one job: nothing run together
    ({"strategy": "Random", "max_jobs": 100, "max_parallel_jobs": 100}, False),   # independent jobs
    ({"strategy": "Hyperband", "max_jobs": 40, "max_parallel_jobs": 20}, False),
])
def test_bayesian_tuning_with_few_rounds_is_warned(advisor: Advisor, tuning: dict[str, Any], warned: bool) -> None:
    """AWS: a tuning job improves only through successive rounds; Bayesian optimisation cannot scale massively,
    Random search runs the most parallel jobs (automatic-model-tuning-considerations.html)."""
    rec = advisor.recommend({"stages": ["tuning"], "tuning": tuning})
    said = [w for w in rec.warnings if w.startswith("tuning: Bayesian search")]
    assert bool(said) == warned
    if warned:
        assert "tuning.max_parallel_jobs" in said[0] and "Random" in said[0]
    assert not any(w.startswith("tuning: Bayesian") for w in advisor.recommend(
        {"stages": ["training"], "tuning": {"max_jobs": 4, "max_parallel_jobs": 4}}).warnings)  # no tuning stage


# ---- what the registry and the knowledge say, not a stage's name ------------------------------------------------

def test_the_offer_writes_each_setting_where_the_knowledge_says_the_request_carries_it(advisor: Advisor) -> None:
    """The serverless offer's "CreateEndpointConfig ServerlessConfig.MemorySizeInMB 2048, MaxConcurrency ..." is read
    from the api_field of the option's limit on each setting (hosting_options.yaml), not spelt out in code: an
    option whose limits sit elsewhere is written there, and a setting no limit names by its name alone."""
    from advisor.recommend.options import _settings_text

    serverless = advisor.knowledge.hosting_option("serverless")
    assert _settings_text(serverless, {"MemorySizeInMB": 2048, "MaxConcurrency": 5, "ProvisionedConcurrency": 1}) \
        == "CreateEndpointConfig ServerlessConfig.MemorySizeInMB 2048, MaxConcurrency 5, ProvisionedConcurrency 1"
    moved = serverless._replace(limits=tuple(
        x._replace(api_field="sagemaker:CreateThing.Spec.Sizing.MemorySizeInMB") if x.id == "memory_mb" else x
        for x in serverless.limits))
    assert _settings_text(moved, {"MemorySizeInMB": 1024, "MaxConcurrency": 2, "Other": 3}) == (
        "CreateThing Sizing.MemorySizeInMB 1024, CreateEndpointConfig ServerlessConfig.MaxConcurrency 2, Other 3")


def test_a_region_without_serverless_prices_is_still_offered_serverless_without_a_cost(advisor: Advisor) -> None:
    """The offer is costed by the serverless stage's own costing strategy; a snapshot without its prices gives an
    unknown cost, so the offer says none, as it did when the offer checked the snapshot's serverless block."""
    from advisor.pricing.snapshots import load_snapshot
    from advisor.recommend.options import option_warnings
    from advisor.workload import Workload

    w = Workload(name="w", stages=["realtime_inference"], model={"algorithm": "sklearn", "kind": "classical",
                                                                 "size_mb": 20},
                 inference={"traffic": "sporadic", "requests_per_second": 0.05, "seconds_per_request": 0.2})
    rec = advisor.recommend(w)
    snapshot = load_snapshot(w.region)
    [priced] = [x for x in option_warnings(w, advisor.knowledge, rec.instances, snapshot) if "Serverless" in x]
    [unpriced] = [x for x in option_warnings(w, advisor.knowledge, rec.instances,
                                             snapshot._replace(serverless_inference=None)) if "Serverless" in x]
    assert "/month (" in priced and "/month" not in unpriced
    assert unpriced.split(" (CreateEndpointConfig")[0] == priced.split(" (CreateEndpointConfig")[0]


def test_records_no_option_takes_are_offered_every_stage_that_runs_its_own_code_over_the_data(
        advisor: Advisor) -> None:
    """Processing is offered for records a batch transform cannot send because the registry says it is a job
    over the data set with its own code (StageSpec.data_job_hours), not because of its name: a second such stage
    is offered beside it, with its own hours."""
    from advisor import stages

    stages.register(stages.stage("processing")._replace(id="toy_data_job", title="Toy data job",
                                                        data_job_hours=48))
    try:
        rec = advisor.recommend({"stages": ["batch_inference"], "inference": {"payload_mb": 150},
                                 "model": {"algorithm": "pytorch", "kind": "deep_learning",
                                           "parameters_millions": 50}, "batch": {"records_per_run": 1000}})
    finally:
        stages.unregister("toy_data_job")
    [warning] = [x for x in rec.warnings if x.startswith("batch_inference: a batch transform")]
    assert "a processing job that loads the model and reads each object itself (up to 216 hours; stages: " \
           "[processing])" in warning
    assert "a toy data job that loads the model and reads each object itself (up to 48 hours; stages: " \
           "[toy_data_job])" in warning


def _idle_gpu_warnings(advisor: Advisor, **inference: Any) -> list[str]:
    rec = advisor.recommend({"name": "w", "stages": ["realtime_inference"],
                             "model": {"algorithm": "pytorch", "kind": "deep_learning", "parameters_millions": 300},
                             "inference": {"gpu": "required", "traffic": "sporadic", **inference}})
    return [w for w in rec.warnings if "bills its" in w]


def test_a_gpu_endpoint_with_idle_periods_is_told_both_ways_to_scale_to_zero(advisor: Advisor) -> None:
    """AWS (endpoint-auto-scaling-zero-instances.html): only an endpoint of inference components scales to zero,
    and it fails requests while an instance is provisioned; an asynchronous endpoint queues them instead."""
    [warning] = _idle_gpu_warnings(advisor)
    assert "stages: [async_inference]" in warning and "waiting in its queue" in warning
    assert "one inference component with ManagedInstanceScaling.MinInstanceCount 0" in warning
    assert "callers must retry" in warning
    assert _idle_gpu_warnings(advisor, cold_starts_ok=False) == []  # nothing may scale to zero


def test_an_endpoint_of_components_that_scales_to_zero_is_not_told_it_bills_every_hour(advisor: Advisor) -> None:
    rec = advisor.recommend({"name": "w", "stages": ["realtime_inference"],
                             "model": {"algorithm": "vllm", "kind": "llm", "architecture": "llama-3.2-3b"},
                             "inference": {"models": 2, "traffic": "scheduled"}})
    assert rec.instances["realtime_inference"].settings["ManagedInstanceScaling.MinInstanceCount"] == 0
    assert not [w for w in rec.warnings if "bills its" in w]
    # the one name the sizer, the warnings and the builder use is the knowledge's (inference components'
    # min_instances, botocore min 0)
    from advisor.recommend.sizing import MIN_INSTANCES_SETTING
    limit = advisor.knowledge.hosting_option("inference_components").limit("min_instances")
    assert limit.value.min == 0 and limit.source and limit.as_of
    assert limit.api_field == f"sagemaker:CreateEndpointConfig.ProductionVariants.{MIN_INSTANCES_SETTING}"
    assert any("fails with an error" in r for r in rec.instances["realtime_inference"].reasons)


def test_the_queue_warning_says_the_request_time_the_limit_is_held_to(advisor: Advisor) -> None:
    """An LLM's 300 vCPU-seconds are about 30 s on an accelerator: the warning that a queue only adds latency
    says that time beside real-time's 60 s, never '300 s, within ... 60 s'; a CPU model's time is said as stated."""
    llm = Workload.model_validate({"stages": ["async_inference"], "model": {"kind": "llm", "algorithm": "vllm",
                                                                             "architecture": "llama-3.1-8b"},
                                   "inference": {"seconds_per_request": 300, "traffic": "steady"}})
    queued = [w for w in advisor.recommend(llm).warnings if "queue and S3 round trip" in w]
    assert queued and "about 30 s on an accelerator" in queued[0] and "300 s, within" not in queued[0]
    cpu = Workload.model_validate({"stages": ["async_inference"], "inference": {"seconds_per_request": 2,
                                                                                "traffic": "steady"}})
    queued = [w for w in advisor.recommend(cpu).warnings if "queue and S3 round trip" in w]
    assert queued and "2 s, within" in queued[0]
