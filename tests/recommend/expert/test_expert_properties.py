"""The expert's invariants over random workloads (issue 12, item 8): a built-in algorithm never lands on Neuron,
never on a GPU generation AWS does not list for it, never on a GPU where AWS documents CPU-only inference; served
weights in bf16 or fp8 only on devices that compute in them; a stated accelerator is the one used."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.errors import WorkloadError
from advisor.recommend.advisor import Advisor
from advisor.recommend.sizing import Catalogue
from advisor.workload import Workload

ADVISOR = Advisor()
K = ADVISOR.knowledge
CATALOGUE = Catalogue.of(K)
BUILTINS = [a.id for a in K.algorithms]
INSTANCE_STAGES = ["training", "tuning", "realtime_inference", "batch_inference"]

builtin_workloads = st.fixed_dictionaries({
    "stages": st.lists(st.sampled_from(INSTANCE_STAGES), min_size=1, max_size=4, unique=True),
    "priority": st.sampled_from(["cost", "balanced", "time"]),
    "data": st.fixed_dictionaries({"size_gb": st.floats(min_value=0.01, max_value=3000),
                                   "kind": st.sampled_from(["tabular", "images", "text", "timeseries"])}),
    "model": st.fixed_dictionaries({"algorithm": st.sampled_from(BUILTINS),
                                    "kind": st.sampled_from(["classical", "tree_based", "deep_learning"]),
                                    "parameters_millions": st.floats(min_value=0, max_value=2000)}),
    "training": st.fixed_dictionaries({"gpu": st.sampled_from(["auto", "required", "none"]),
                                       "distributed": st.booleans()}),
    "inference": st.fixed_dictionaries({"gpu": st.sampled_from(["auto", "required", "none"]),
                                        "requests_per_second": st.floats(min_value=0.01, max_value=2000),
                                        "seconds_per_request": st.floats(min_value=0.001, max_value=5)}),
})


def _recommend(data: dict[str, Any]) -> Any:
    try:
        return ADVISOR.recommend(data)
    except WorkloadError as exc:  # a documented contradiction (GPU asked of a CPU-only algorithm): named fields
        assert all(p.field for p in exc.problems), exc.render()
        return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(builtin_workloads)
def test_built_in_algorithms_stay_where_aws_documents_them(data: dict[str, Any]) -> None:
    rec = _recommend(data)
    if rec is None:
        return
    w = Workload.model_validate(data)
    algorithm = K.algorithm(w.model.algorithm)
    assert algorithm is not None
    for stage, choice in rec.instances.items():
        t = K.instance_type(choice.instance_type)
        assert t.family not in ("inf", "trn", "dl"), (stage, choice.instance_type)
        training = stage in ("training", "tuning")
        if t.accelerator is None:
            continue
        listed = (CATALOGUE.gpu_generations.get((w.model.algorithm, w.model.mode, training))
                  or CATALOGUE.gpu_generations.get((w.model.algorithm, None, training)))
        assert not listed or t.generation in listed, (stage, choice.instance_type, sorted(listed or ()))
        if not training:
            assert not algorithm.inference.cpu_only, (stage, choice.instance_type)
        else:
            guidance = CATALOGUE.training_of(w)
            assert guidance is None or not guidance.cpu_only, (stage, choice.instance_type)


llm_workloads = st.fixed_dictionaries({
    "stages": st.lists(st.sampled_from(["realtime_inference", "batch_inference"]), min_size=1, max_size=2,
                       unique=True),
    "priority": st.sampled_from(["cost", "balanced", "time"]),
    "model": st.fixed_dictionaries({"algorithm": st.sampled_from(["vllm", "tgi", "lmi", "huggingface"]),
                                    "kind": st.just("llm"),
                                    "parameters_millions": st.sampled_from([1000, 3000, 7000, 13000, 34000, 70000]),
                                    "precision": st.sampled_from(["fp16", "bf16", "fp8", "int8", "int4"])}),
    "inference": st.fixed_dictionaries({"requests_per_second": st.floats(min_value=0.1, max_value=20),
                                        "seconds_per_request": st.floats(min_value=0.1, max_value=5),
                                        "latency_ms_p99": st.just(30000)}),
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(llm_workloads, st.sampled_from([None, "L4", "A10G", "L40S", "H100", "Inferentia2", "T4"]))
def test_served_precision_and_a_stated_accelerator_hold(data: dict[str, Any], stated: str | None) -> None:
    if stated is not None:
        data = {**data, "inference": {**data["inference"], "accelerator": stated}}
    rec = _recommend(data)
    precision = data["model"]["precision"]
    if rec is None:  # refused only for a stated accelerator that cannot run the precision or the stage
        assert stated is not None
        spec = next(a for a in K.accelerators if a.model == stated)
        offered = {s for t in K.instance_types if t.accelerator and t.accelerator.model == stated
                   and t.status == "current" for s in t.stages}
        assert (precision in ("bf16", "fp8", "int4") and not getattr(spec, precision)) or not (
            {"hosting", "batch_transform"} & offered >= {"hosting" if s == "realtime_inference" else "batch_transform"
                                                        for s in data["stages"]})
        return
    for stage, choice in rec.instances.items():
        t = K.instance_type(choice.instance_type)
        assert t.accelerator is not None, (stage, choice.instance_type)
        spec = next(a for a in K.accelerators if a.model == t.accelerator.model)
        assert spec.decoder_llms
        if precision in ("bf16", "fp8", "int4"):
            assert getattr(spec, precision), (stage, choice.instance_type, precision)
        if stated is not None:
            assert spec.model == stated, (stage, choice.instance_type, stated)
