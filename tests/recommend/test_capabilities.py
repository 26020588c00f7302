"""Sizing reads the accelerators' capability flags: no decoder LLM on Inf1, no stock container on Neuron, and
LLM memory that holds weights, KV cache and runtime (issue 12 items 2 and 7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from advisor import stages as stage_registry
from advisor.errors import WorkloadError
from advisor.knowledge.loader import load_knowledge
from advisor.knowledge.models import Framework
from advisor.recommend import sizing
from advisor.recommend.advisor import Advisor
from advisor.records import adapter
from advisor.workload import Derived, Workload, load_workload


def _llm(parameters: float, **extra: Any) -> dict[str, Any]:
    return {"name": "llm", "stages": ["realtime_inference", "batch_inference"],
            "priority": extra.pop("priority", "cost"),
            "data": {"kind": "text"},
            "model": {"algorithm": "huggingface", "kind": "llm", "parameters_millions": parameters,
                      "size_mb": parameters * 2},
            "inference": {"requests_per_second": 2, "seconds_per_request": 1, "latency_ms_p99": 5000}, **extra}


@pytest.mark.parametrize("parameters", [1000, 7000, 13000, 70000])
@pytest.mark.parametrize("priority", ["cost", "balanced", "time"])
def test_no_decoder_llm_on_inf1(advisor: Advisor, parameters: float, priority: str) -> None:
    rec = advisor.recommend(_llm(parameters, priority=priority))
    for choice in rec.instances.values():
        assert not choice.instance_type.startswith("ml.inf1."), choice.instance_type
        assert all(not a.instance_type.startswith("ml.inf1.") for a in choice.alternatives)


def test_inf1_is_taught_never_recommended_and_could_not_run_a_decoder_anyway(advisor: Advisor) -> None:
    """The Neuron SDK no longer supports Inf1 (status previous: never weighed); were it weighed, its capability
    (decoder_llms false) would still refuse a decoder LLM."""
    catalogue = sizing.Catalogue.of(advisor.knowledge)
    assert not [s for s in catalogue.specs("hosting", ["inf"]) if s.itype.generation == "inf1"]
    assert all(t.status == "previous" for t in advisor.knowledge.instance_types if t.generation == "inf1")
    itype = advisor.knowledge.instance_type("ml.inf1.xlarge")
    accelerator = next(a for a in advisor.knowledge.accelerators if a.model == "Inferentia")
    spec = sizing.Spec.of(itype, advisor.knowledge.tflops(itype), 0, accelerator)
    w = Workload.model_validate(_llm(7000))
    assert "decoder" in (catalogue.asks(w, training=False).cannot_run(spec) or "")


def test_7b_fp16_is_not_served_from_a_16_gb_t4(advisor: Advisor) -> None:
    choice = advisor.recommend(_llm(7000)).instances["realtime_inference"]
    spec = advisor.knowledge.instance_type(choice.instance_type)
    assert spec.accelerator is not None and spec.accelerator.memory_gib >= 19  # weights 13 + KV 2 + runtime 2.3
    assert any("KV cache" in r and "runtime" in r for r in choice.reasons)
    quantised = advisor.recommend(_llm(7000, model={"algorithm": "huggingface", "kind": "llm",
                                                    "parameters_millions": 7000, "precision": "int4"}))
    cheaper = quantised.instances["realtime_inference"]
    assert float(cheaper.price_per_hour_usd) <= float(choice.price_per_hour_usd)  # type: ignore[arg-type]


def test_a_built_in_algorithm_never_lands_on_neuron_even_unruled(advisor: Advisor) -> None:
    """Without the exclusion rule, sizing itself refuses: the capability is data, not a rule's list."""
    rec = advisor.recommend({"name": "x", "stages": ["realtime_inference"], "inference": {"gpu": "required",
                             "requests_per_second": 500},
                             "model": {"algorithm": "image_classification", "kind": "deep_learning",
                                       "parameters_millions": 25}})
    choice = rec.instances["realtime_inference"]
    assert advisor.knowledge.instance_type(choice.instance_type).family not in ("inf", "trn")


def _accelerator(advisor: Advisor, instance_type: str):  # type: ignore[no-untyped-def]
    spec = advisor.knowledge.instance_type(instance_type)
    assert spec.accelerator is not None, instance_type
    return next(a for a in advisor.knowledge.accelerators if a.model == spec.accelerator.model)


def test_bf16_weights_never_go_to_a_gpu_without_bf16(advisor: Advisor) -> None:
    """Must fire: 3B in bf16 fits a 16 GB T4 by memory, but Turing has no bf16 (accelerators.yaml)."""
    rec = advisor.recommend(_llm(3000, model={"algorithm": "tgi", "kind": "llm", "parameters_millions": 3000,
                                              "precision": "bf16"}))
    for choice in rec.instances.values():
        assert _accelerator(advisor, choice.instance_type).bf16, choice.instance_type
        assert all(_accelerator(advisor, a.instance_type).bf16 for a in choice.alternatives)
    assert any("cannot compute in bf16 (model.precision)" in r for r in rec.instances["realtime_inference"].reasons)


def test_fp16_weights_may_use_a_t4(advisor: Advisor) -> None:
    """Must not fire: the same model in fp16 takes the cheapest device that holds it, a T4."""
    choice = advisor.recommend(_llm(3000)).instances["realtime_inference"]
    assert _accelerator(advisor, choice.instance_type).model == "T4"
    assert not any("model.precision" in r for r in choice.reasons)


def test_fp8_weights_go_to_an_accelerator_with_fp8(advisor: Advisor) -> None:
    rec = advisor.recommend(_llm(70000, model={"algorithm": "vllm", "kind": "llm", "parameters_millions": 70000,
                                               "precision": "fp8"}))
    choice = rec.instances["realtime_inference"]
    assert choice.fits and _accelerator(advisor, choice.instance_type).fp8
    assert any("has no FP8 (model.precision)" in r for r in choice.reasons)


def test_a_stated_accelerator_is_the_only_one_weighed_at_inference(advisor: Advisor) -> None:
    rec = advisor.recommend({**_llm(7000), "stages": ["training", "realtime_inference", "batch_inference"],
                             "inference": {"accelerator": "L40S", "requests_per_second": 2}})
    for stage in ("realtime_inference", "batch_inference"):
        choice = rec.instances[stage]
        assert _accelerator(advisor, choice.instance_type).model == "L40S", (stage, choice.instance_type)
        assert choice.decided_by[0].endswith("-accelerator-stated")
    assert "accelerator-stated" not in rec.instances["training"].decided_by[0]  # training chooses freely


@pytest.mark.parametrize("priority", ["cost", "time"])
def test_built_in_algorithms_stay_on_the_gpu_generations_aws_lists(advisor: Advisor, priority: str) -> None:
    """Must fire: AWS lists P2, P3, G4dn and G5 for built-in image classification; at priority time it went to
    ml.p6-b200.48xlarge ($131/h) before."""
    rec = advisor.recommend({"name": "ic", "stages": ["training", "realtime_inference"], "priority": priority,
                             "data": {"kind": "images", "size_gb": 2000},
                             "model": {"algorithm": "image_classification", "kind": "deep_learning",
                                       "parameters_millions": 25},
                             "training": {"distributed": True}, "inference": {"gpu": "required"}})
    for choice in rec.instances.values():
        spec = advisor.knowledge.instance_type(choice.instance_type)
        assert spec.generation in ("p2", "p3", "g4dn", "g5"), (choice.stage, choice.instance_type)
    assert any("AWS lists g4dn, g5, p2, p3 for image_classification training" in r
               for r in rec.instances["training"].reasons)


def test_framework_models_are_not_held_to_an_algorithm_s_generations(advisor: Advisor) -> None:
    """Must not fire: the same job in a PyTorch container may use any current GPU."""
    rec = advisor.recommend({"name": "pt", "stages": ["training"], "priority": "time",
                             "data": {"kind": "images", "size_gb": 2000},
                             "model": {"algorithm": "pytorch", "kind": "deep_learning", "parameters_millions": 2000},
                             "training": {"distributed": True}})
    choice = rec.instances["training"]
    assert not any("AWS lists" in r for r in choice.reasons)
    assert advisor.knowledge.instance_type(choice.instance_type).generation not in ("p2", "p3", "g4dn", "g5")


def test_a_deep_model_on_cpus_at_priority_time_gets_the_cores_it_can_use(advisor: Advisor) -> None:
    """DeepAR trains on CPU (AWS: start with ml.c4.2xlarge or 4xlarge); priority time bought 384 vCPUs before."""
    rec = advisor.recommend({"name": "d", "stages": ["training"], "priority": "time",
                             "data": {"kind": "timeseries", "size_gb": 20},
                             "model": {"algorithm": "deepar", "kind": "deep_learning", "parameters_millions": 5}})
    choice = rec.instances["training"]
    assert advisor.knowledge.instance_type(choice.instance_type).vcpu <= 32, choice.instance_type


def test_long_context_gqa_model_gets_the_accelerator_memory_its_published_shape_needs(advisor: Advisor) -> None:
    """Issue 12 gap: Llama 3.1 8B keeps 8 KV heads (0.125 MiB a token), so 8 sequences of 32k tokens need a 32 GiB
    KV cache, not the 128 GiB a dense decoder of that size would: the stated architecture must size it smaller,
    and the reason must say where the shape came from."""
    long_context = {"inference": {"requests_per_second": 2, "seconds_per_request": 4, "latency_ms_p99": 10000,
                                  "context_tokens": 32768, "concurrent_sequences": 8}}
    gqa = advisor.recommend(_llm(8030, model={"algorithm": "vllm", "kind": "llm", "architecture": "llama-3.1-8b"},
                                 **long_context)).instances["realtime_inference"]
    dense = advisor.recommend(_llm(8030, **long_context)).instances["realtime_inference"]
    memory = {c.instance_type: advisor.knowledge.instance_type(c.instance_type).accelerator.memory_gib  # type: ignore[union-attr]
              for c in (gqa, dense)}
    assert memory[gqa.instance_type] < memory[dense.instance_type]
    assert 49 <= memory[gqa.instance_type] < 140
    assert any("llama-3.1-8b's config.json, GQA" in r for r in gqa.reasons)
    assert any("without grouped-query attention: an upper bound" in r for r in dense.reasons)
    assert float(gqa.price_per_hour_usd) < float(dense.price_per_hour_usd)  # type: ignore[arg-type]


def test_an_llm_s_kv_cache_is_sized_per_instance_not_for_the_whole_endpoint(advisor: Advisor) -> None:
    """Sweep finding: 300 req/s x 0.5 s of a 13B model put all 150 sequences' KV cache (479 GiB) on one instance,
    so batch transform went to ml.trn1.32xlarge; one instance runs only its batching slots' sequences."""
    rec = advisor.recommend(_llm(13000, inference={"requests_per_second": 300, "seconds_per_request": 0.5,
                                                   "latency_ms_p99": 5000}))
    for stage in ("realtime_inference", "batch_inference"):
        choice = rec.instances[stage]
        spec = advisor.knowledge.instance_type(choice.instance_type)
        assert spec.accelerator is not None and spec.accelerator.memory_gib < 200, (stage, choice.instance_type)
        assert choice.fits
    assert any("the instance count carries the rest" in r for r in rec.instances["realtime_inference"].reasons)
    stated = advisor.recommend(_llm(13000, inference={"requests_per_second": 300, "seconds_per_request": 0.5,
                                                      "latency_ms_p99": 5000, "concurrent_sequences": 150}))
    assert not any("the instance count carries the rest" in r
                   for r in stated.instances["realtime_inference"].reasons)  # stated per instance: kept


def test_a_gpu_required_over_a_cpu_family_rule_weighs_the_allowed_gpu_families(advisor: Advisor) -> None:
    """Sweep finding: a classical model's batch with inference.gpu required had every family its rule chose
    excluded, and the first type in the knowledge was shown as 'nothing meets the need; nearest: None', yet
    priced."""
    # batch.yaml now has its own bt-gpu-required rule, so the rules no longer choose CPU families here; sizing's
    # fallback is driven directly with the CPU families a rule once chose, all excluded by the GPU need
    w = Workload.model_validate({"stages": ["batch_inference"], "model": {"algorithm": "custom", "kind": "classical"},
                                 "inference": {"gpu": "required"}})
    excluded = ["t", "m", "r", "c", "inf", "trn", "dl"]  # ex-gpu-required-inference
    sized = sizing.size(stage_registry.stage("batch_inference"), w, Derived.of(w, advisor.knowledge),
                        ["c", "m", "r"], excluded, sizing.Catalogue.of(advisor.knowledge), None)
    assert sized.fits and sized.winner.itype.accelerator is not None
    assert any("every family the rules chose" in r for r in sized.reasons)
    assert not any("nearest: None" in r for r in sized.reasons)
    rec = advisor.recommend(w)
    choice = rec.instances["batch_inference"]
    assert choice.fits and advisor.knowledge.instance_type(choice.instance_type).accelerator is not None
    trace = next(t for t in rec.trace if t.stage == "batch_inference")
    assert trace.selected == ("bt-gpu-required",)


@pytest.mark.parametrize(("parameters", "gpu", "warned"), [(70000, "none", True), (1300, "none", True),
                                                           (350, "none", False), (70000, "auto", False)])
def test_training_a_billion_parameter_model_on_cpus_is_warned(advisor: Advisor, parameters: float, gpu: str,
                                                             warned: bool) -> None:
    """Sweep finding: a 70B LLM with training.gpu none was sent to ml.m8i.96xlarge without a word."""
    rec = advisor.recommend({"stages": ["training"], "model": {"algorithm": "huggingface", "kind": "llm",
                                                               "parameters_millions": parameters},
                             "training": {"gpu": gpu}})
    assert any(w.startswith("training.gpu is none for a") for w in rec.warnings) is warned


def test_scikit_learn_never_gets_an_accelerator(advisor: Advisor) -> None:
    """Sweep finding: scikit-learn with training.gpu required trained on ml.p5.4xlarge; scikit-learn uses no
    GPU (SageMaker developer guide, sklearn.html)."""
    rec = advisor.recommend({"stages": ["training", "realtime_inference"], "priority": "time",
                             "model": {"algorithm": "sklearn", "kind": "classical"},
                             "training": {"gpu": "auto", "max_hours": 2}, "inference": {"gpu": "auto"}})
    for choice in rec.instances.values():
        assert advisor.knowledge.instance_type(choice.instance_type).accelerator is None, choice.instance_type
    assert not [w for w in rec.warnings if "rules GPUs out" in w]


@pytest.mark.parametrize(("algorithm", "stages", "section"), [
    ("sklearn", ["training"], "training"),
    ("sklearn", ["tuning"], "training"),
    ("sklearn", ["realtime_inference"], "inference"),
    ("sklearn", ["batch_inference"], "inference"),
    ("lightgbm", ["training"], "training"),
])
def test_a_gpu_required_where_the_container_has_none_is_a_plain_error(advisor: Advisor, algorithm: str,
                                                                      stages: list[str], section: str) -> None:
    """Must fire: AWS builds scikit-learn's containers for CPUs only, and SageMaker LightGBM only trains on CPUs
    (rules/knowledge/algorithms.yaml, frameworks cpu_only, with the pages cited): the ask names both fields."""
    with pytest.raises(WorkloadError) as caught:
        advisor.recommend({"stages": stages, "model": {"algorithm": algorithm}, section: {"gpu": "required"}})
    (problem,) = caught.value.problems
    assert problem.field == f"{section}.gpu" and f"model.algorithm {algorithm}" in problem.message
    assert "AWS:" in (problem.hint or "")


def test_a_gpu_asked_for_in_a_section_warns_only_the_stages_that_read_it(advisor: Advisor) -> None:
    """inference.gpu speaks for the stages that read the inference section (the registry's StageSpec.sections):
    a processing job beside the endpoint was once warned that inference.gpu was ruled out for it."""
    rec = advisor.recommend({"stages": ["processing", "realtime_inference"], "model": {"algorithm": "lightgbm"},
                             "inference": {"gpu": "required"}})
    assert [w.split(":")[0] for w in rec.warnings if "rules GPUs out" in w] == ["realtime_inference"]


def test_a_gpu_merely_not_recommended_stays_a_warning(advisor: Advisor) -> None:
    """Must not fire: AWS says LightGBM trains on CPUs only, but states no such limit for serving it; a GPU asked
    for there is ruled out by rule ex-framework-cpu-only and told, not refused. Nor does gpu: auto or none fire."""
    rec = advisor.recommend({"stages": ["realtime_inference"], "model": {"algorithm": "lightgbm"},
                             "inference": {"gpu": "required"}})
    assert any("rule ex-framework-cpu-only rules GPUs out" in w for w in rec.warnings)
    for gpu in ("auto", "none"):
        advisor.recommend({"stages": ["training", "realtime_inference"], "model": {"algorithm": "sklearn"},
                           "training": {"gpu": gpu}, "inference": {"gpu": gpu}})


def test_a_gpu_required_for_scikit_learn_is_located_in_the_file(tmp_path: Path) -> None:
    """The error names the file, the line and the field, as every bad input does (the CLI exits 2 on it)."""
    path = tmp_path / "w.yaml"
    path.write_text("stages: [training, realtime_inference]\nmodel: {algorithm: sklearn, kind: classical}\n"
                    "training:\n  gpu: required\n")
    with pytest.raises(WorkloadError) as caught:
        load_workload(path, load_knowledge())
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (4, "training.gpu") and "w.yaml" in (problem.file or "")


def test_a_framework_stating_cpu_only_must_say_what_aws_says() -> None:
    with pytest.raises(ValueError, match="cpu_only_guidance"):
        adapter(Framework).validate_python({"id": "x", "name": "X", "kind": "framework", "runs_on_neuron": "no",
                                            "multi_model": "listed", "cpu_only": ["training"], "source": "https://docs.aws.amazon.com/x",
                                            "as_of": "2026-12-02"})
