"""For any valid workload, recommend never raises, and every type is valid for its stage and priced honestly."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.errors import WorkloadError
from advisor.recommend.advisor import Advisor
from advisor.stages import stage, stage_ids
from advisor.workload import Workload, llm_kind_problems, option_problems
from tests.recommend.test_options import every_text, offered

ADVISOR = Advisor()
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-south-1"]  # the last has no shipped snapshot
size = st.floats(min_value=0.01, max_value=5000, allow_nan=False)

workloads = st.builds(
    lambda stages, priority, region, data, model, training, inference, tuning, fn: Workload.model_validate({
        "stages": stages, "priority": priority, "region": region, "data": data, "model": model,
        "training": training, "inference": inference, "tuning": tuning, **({"lambda": fn} if fn is not None else {})}),
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
    fn=st.one_of(st.none(), st.fixed_dictionaries({}, optional={
        "memory_mb": st.floats(min_value=128, max_value=50_000),
        "timeout_seconds": st.floats(min_value=1, max_value=9000),
        "package_mb": st.floats(min_value=1, max_value=20_000), "payload_mb": st.floats(min_value=0, max_value=20),
        "invocation": st.sampled_from(["sync", "async", "event_source", "stream"]),
        "traffic": st.sampled_from(["steady", "spiky", "sporadic", "scheduled"]),
        "gpu": st.sampled_from(["required", "none"])})),
    tuning=st.integers(min_value=1, max_value=50).flatmap(
        lambda jobs: st.fixed_dictionaries({"max_jobs": st.just(jobs),
                                            "max_parallel_jobs": st.integers(min_value=1, max_value=jobs)})),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workloads)
def test_recommend_never_raises_and_stays_valid(w: Workload) -> None:
    # requests a serverless or asynchronous endpoint cannot take, an LLM named with an algorithm for none (or the
    # reverse): a plain error naming the field
    impossible = option_problems(w, ADVISOR.knowledge) + llm_kind_problems(w, ADVISOR.knowledge)
    if impossible:
        with pytest.raises(WorkloadError) as info:
            ADVISOR.recommend(w)
        assert {p.field for p in info.value.problems} >= {".".join(path) for path, _, _ in impossible}
        assert not any(offered(hint or "") & set(w.stages) for _, _, hint in impossible)
        return
    rec = ADVISOR.recommend(w)
    assert not any(offered(text) & set(w.stages) for text in every_text(rec))  # never offers a stage it has
    assert set(rec.instances) == set(w.stages)
    for stage_id, choice in rec.instances.items():
        if choice.instance_type is None:  # serverless: settings within botocore's ProductionVariantServerlessConfig
            settings = choice.settings
            assert stage(stage_id).instance_stage is None and choice.instance_count == 0
            assert settings["MemorySizeInMB"] in range(1024, 6145, 1024)
            assert 1 <= settings["MaxConcurrency"] <= 200
            assert 1 <= settings.get("ProvisionedConcurrency", 1) <= settings["MaxConcurrency"]
            assert choice.estimated_cost.usd is None or choice.estimated_cost.usd >= 0
            assert not any(s.status == "set" and s.field.startswith("VpcConfig") for s in rec.security
                           if s.api == "CreateModel" and set(w.stages) == {"serverless_inference"})
            continue
        if stage_id == "async_inference" and choice.fits:
            assert choice.settings["MaxCapacity"] == choice.instance_count <= stage(stage_id).max_count
            assert choice.settings["MinCapacity"] in (0, 1, 2)
            assert 1 <= choice.settings["MaxConcurrentInvocationsPerInstance"] <= 1000
        t = ADVISOR.knowledge.instance_type(choice.instance_type)
        assert stage(stage_id).instance_stage in t.stages
        assert ADVISOR.knowledge.family(t.family).status == "current"
        assert choice.instance_count >= 1
        assert choice.price_per_hour_usd == "unknown" or choice.price_per_hour_usd > 0
        assert choice.estimated_cost.usd is None or choice.estimated_cost.usd > 0
        assert choice.family not in {e.family for e in choice.excluded}
        assert stage(stage_id).price_component
    units = {"realtime_inference", "serverless_inference", "async_inference", "batch_inference",
             "processing"} & set(w.stages)
    if rec.lambda_ is None:  # no unit of work for Lambda: nothing of Lambda anywhere
        assert not units and w.lambda_ is None
        assert not [s for s in rec.security if s.group == "lambda"]
        return
    assert units or w.lambda_ is not None
    assert rec.lambda_.verdict in ("fits", "fits_with_changes", "does_not_fit")
    standard_short = bool([c for c in rec.lambda_.checks if c.applies and not c.ok and c.blocking and not c.change])
    builtin = ADVISOR.knowledge.algorithm(w.model.algorithm)
    only_in_its_container = rec.lambda_.unit != "one processing job" and builtin is not None \
        and builtin.export is None and rec.lambda_.unit != "the Lambda function you described"
    assert (rec.lambda_.mode == "standard") == (not standard_short and not only_in_its_container)
    assert (rec.lambda_.verdict == "does_not_fit") == (rec.lambda_.mode is None)
    if rec.lambda_.mode == "managed_instances":  # every limit standard Lambda missed, the managed mode meets
        assert all(c.managed_ok for c in rec.lambda_.checks if c.applies and not c.ok and c.blocking
                   and not c.change)
    assert rec.lambda_.summary.startswith({"standard": "fits standard Lambda", None: "does not fit: use ",
                                           "managed_instances": "fits Lambda Managed Instances only (needs "}
                                          [rec.lambda_.mode])


BUILTINS = [a.id for a in ADVISOR.knowledge.algorithms]
algorithm_workloads = st.builds(
    lambda algorithm, stages, priority, size_gb, rps, distributed, gpu_train, gpu_infer: {
        "name": "sweep", "stages": stages, "priority": priority,
        "data": {"size_gb": size_gb, "kind": ADVISOR.knowledge.algorithm(algorithm).data_kinds[0]},  # type: ignore[union-attr]
        "model": {"algorithm": algorithm, "kind": ADVISOR.knowledge.algorithm(algorithm).model_kind},  # type: ignore[union-attr]
        "training": {"distributed": distributed, "gpu": gpu_train},
        "inference": {"requests_per_second": rps, "gpu": gpu_infer, "latency_ms_p99": 10_000}},
    algorithm=st.sampled_from(BUILTINS),
    stages=st.lists(st.sampled_from(["training", "tuning", "realtime_inference", "serverless_inference",
                                     "async_inference", "batch_inference"]),
                    min_size=1, max_size=4, unique=True),
    priority=st.sampled_from(["cost", "balanced", "time"]),
    size_gb=st.floats(min_value=0.01, max_value=2000),
    rps=st.floats(min_value=0, max_value=2000),
    distributed=st.booleans(),
    gpu_train=st.sampled_from(["auto", "required", "none"]),
    gpu_infer=st.sampled_from(["auto", "required", "none"]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(algorithm_workloads)
def test_built_in_algorithms_keep_to_aws_guidance_and_service_limits(data: dict) -> None:  # type: ignore[type-arg]
    """No Neuron for a built-in container, no GPU where AWS says CPU only, one instance where AWS says so, no
    count above the stage's service maximum, and a type valid for the stage."""
    from hypothesis import assume

    from advisor.errors import WorkloadError

    try:
        rec = ADVISOR.recommend(data)
    except WorkloadError:
        assume(False)  # an ask against AWS's guidance (e.g. a GPU for LDA) is refused, tested elsewhere
        return
    algorithm = ADVISOR.knowledge.algorithm(data["model"]["algorithm"])
    assert algorithm is not None
    for stage_id, choice in rec.instances.items():
        if choice.instance_type is None:  # serverless: CPU only, so never for an algorithm AWS serves on GPU only
            assert not algorithm.inference.gpu_only
            continue
        t = ADVISOR.knowledge.instance_type(choice.instance_type)
        assert stage(stage_id).instance_stage in t.stages
        assert t.family not in ("inf", "trn"), choice.instance_type
        assert choice.instance_count <= stage(stage_id).max_count
        guidance = algorithm.training if stage_id in ("training", "tuning") else algorithm.inference
        processor = "gpu" if t.accelerator is not None else "cpu"
        if choice.fits:
            assert processor in guidance.processors, (stage_id, choice.instance_type, guidance.guidance)
        if stage_id in ("training", "tuning") and guidance.multi_instance is False and algorithm.id != "blazingtext":
            assert choice.instance_count == 1, (stage_id, choice.instance_type, choice.instance_count)


small_workloads = st.builds(
    lambda algorithm, stages, priority, size_gb, rps: {
        "name": "small", "stages": stages, "priority": priority, "data": {"size_gb": size_gb},
        "model": {"algorithm": algorithm, "kind": "classical" if algorithm != "xgboost" else "tree_based",
                  "size_mb": 50},
        "training": {"max_hours": 1}, "inference": {"requests_per_second": rps, "seconds_per_request": 0.05}},
    algorithm=st.sampled_from(["xgboost", "linear_learner", "kmeans", "sklearn", "factorization_machines"]),
    stages=st.lists(st.sampled_from(["training", "realtime_inference", "serverless_inference", "async_inference",
                                     "batch_inference"]), min_size=1, max_size=3, unique=True),
    priority=st.sampled_from(["cost", "balanced", "time"]),
    size_gb=st.floats(min_value=0.01, max_value=10),
    rps=st.floats(min_value=0, max_value=10),
)

SMALL_JOB_BOUND_USD = {"training": 25.0, "realtime_inference": 1500.0, "async_inference": 1500.0,
                       "serverless_inference": 200.0, "batch_inference": 500.0}
"""A classical model on at most 10 GB, at most 10 req/s: a 1-hour training job under $25, an endpoint under
$1,500 a month, a serverless endpoint under $200 a month (10 req/s x 0.05 s x 2 GB all month is about $53), a
month of batch runs under $500, whatever the priority."""


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_workloads)
def test_small_workloads_never_get_absurd_bills(data: dict) -> None:  # type: ignore[type-arg]
    rec = ADVISOR.recommend(data)
    for stage_id, choice in rec.instances.items():
        usd = choice.estimated_cost.usd_high or choice.estimated_cost.usd
        assert usd is None or usd <= SMALL_JOB_BOUND_USD[stage_id], (stage_id, choice.instance_type,
                                                                    choice.instance_count, usd)


INFERENCE_STAGES = ("realtime_inference", "async_inference", "batch_inference")
TRAINING_STAGES = ("training", "tuning")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workloads)
def test_what_the_user_rules_out_or_requires_is_binding(w: Workload) -> None:
    """`gpu: none` means CPUs only (no GPU, Inferentia, Trainium or Gaudi), in the answer and its alternatives;
    `gpu: required` means a GPU; a production endpoint that fits runs at least two instances (issue 12 gap 2)."""
    if option_problems(w, ADVISOR.knowledge) or llm_kind_problems(w, ADVISOR.knowledge):
        return
    rec = ADVISOR.recommend(w)
    for stage_id, choice in rec.instances.items():
        if choice.instance_type is None:
            continue
        gpu = w.inference.gpu if stage_id in INFERENCE_STAGES else w.training.gpu \
            if stage_id in TRAINING_STAGES else "auto"
        shown = [choice.instance_type] + [a.instance_type for a in choice.alternatives]
        devices = [ADVISOR.knowledge.instance_type(name).accelerator for name in shown]
        if gpu == "none":
            assert all(d is None for d in devices), (stage_id, shown)
        if gpu == "required":
            assert all(d is not None and ADVISOR.knowledge.family(ADVISOR.knowledge.instance_type(name).family)
                       .processor == "gpu" for name, d in zip(shown, devices, strict=True)), (stage_id, shown)
        if stage_id == "realtime_inference" and w.inference.production and choice.fits:
            assert choice.instance_count >= 2


@pytest.mark.parametrize("kind", ["deep_learning", "llm"])
@pytest.mark.parametrize("priority", ["cost", "balanced", "time"])
def test_cpu_only_rules_out_inferentia_and_trainium_too(kind: str, priority: str) -> None:
    """A 300M-parameter model at cost priority went to ml.inf1.xlarge with `inference.gpu: none` (the rule left
    out G and P only)."""
    ruled_out = {"stages": ["realtime_inference", "batch_inference", "training"], "priority": priority,
                 "model": {"algorithm": "pytorch", "kind": kind, "parameters_millions": 300},
                 "training": {"gpu": "none"}, "inference": {"gpu": "none", "requests_per_second": 50}}
    rec = ADVISOR.recommend(ruled_out)
    for stage_id, choice in rec.instances.items():
        for name in [choice.instance_type] + [a.instance_type for a in choice.alternatives]:
            assert ADVISOR.knowledge.instance_type(name).accelerator is None, (stage_id, name)
    allowed = ADVISOR.recommend({**ruled_out, "training": {}, "inference": {"requests_per_second": 50}})
    assert any(ADVISOR.knowledge.instance_type(c.instance_type).accelerator for c in allowed.instances.values())
