"""Built-in algorithms get AWS's documented instances: the rules agree with rules/knowledge/algorithms.yaml.

The rules list algorithm ids (rules are data, read in the trace); these tests keep each list equal to what the
knowledge says, and sweep every built-in algorithm through the advisor, so a new algorithm or a changed fact
cannot leave a rule behind.
"""

from __future__ import annotations

from typing import Any

import pytest

from advisor.knowledge.loader import load_knowledge
from advisor.recommend.advisor import Advisor

K = load_knowledge()
NEURON = {"inf", "trn"}
GPU_FAMILIES = {"g", "p"}


def _listed(decision: str, rule_id: str) -> set[str]:
    rule = next(r for r in K.decision(decision).rules if r.id == rule_id)
    return {str(v) for leaf in rule.leaves() if leaf.field == "model.algorithm"
            for v in (leaf.value if isinstance(leaf.value, (list, tuple)) else [leaf.value])}


def test_rule_lists_are_the_knowledge() -> None:
    builtins = {a.id for a in K.algorithms}
    assert _listed("instances.exclusions", "ex-builtin-no-neuron") == builtins
    assert _listed("instances.exclusions", "ex-framework-no-neuron") == {
        f.id for f in K.frameworks if f.runs_on_neuron == "no"}
    cpu_inference = {a.id for a in K.algorithms if a.inference.cpu_only}
    assert _listed("instances.exclusions", "ex-algo-cpu-only-inference") == cpu_inference
    assert _listed("realtime.family", "rt-algo-cpu-only") == cpu_inference
    assert _listed("batch.family", "bt-algo-cpu-only") == cpu_inference
    gpu_training = {a.id for a in K.algorithms if a.training.gpu_only}
    assert _listed("instances.exclusions", "ex-algo-gpu-only-training") == gpu_training
    assert _listed("training.family", "train-algo-gpu-only") == gpu_training
    assert _listed("instances.exclusions", "ex-algo-gpu-only-inference") == {
        a.id for a in K.algorithms if a.inference.gpu_only} == _listed("realtime.family", "rt-algo-gpu-only")
    cpu_training = {a.id for a in K.algorithms if a.training.cpu_only} | {"blazingtext"}  # batch_skipgram
    assert _listed("instances.exclusions", "ex-algo-cpu-only-training") == cpu_training
    cpu_preferred = {a.id for a in K.algorithms if a.inference.preferred == "cpu"}
    assert _listed("realtime.family", "rt-algo-cpu-recommended") == cpu_preferred
    assert _listed("batch.family", "bt-algo-cpu-recommended") == cpu_preferred
    gpu_preferred = {a.id for a in K.algorithms if a.training.preferred == "gpu" and not a.modes}
    assert _listed("training.family", "train-gpu-recommended") == gpu_preferred
    for rule in ("train-algo-gpu-only", "train-deepar-cpu", "rt-algo-cpu-only", "ex-builtin-no-neuron"):
        found = next(r for d in K.decisions for r in d.rules if r.id == rule)
        assert "docs.aws.amazon.com" in found.source


def _workload(algorithm: str, **extra: Any) -> dict[str, Any]:
    a = K.algorithm(algorithm)
    assert a is not None
    return {"name": f"sweep-{algorithm}", "stages": ["training", "realtime_inference", "batch_inference"],
            "model": {"algorithm": algorithm, "kind": a.model_kind, **extra.pop("model", {})},
            "data": {"kind": a.data_kinds[0], **extra.pop("data", {})}, **extra}


SWEEP = [(a.id, variant) for a in K.algorithms for variant in ("default", "busy", "big", "time")]


@pytest.mark.parametrize(("algorithm", "variant"), SWEEP, ids=[f"{a}-{v}" for a, v in SWEEP])
def test_every_built_in_algorithm_gets_a_processor_aws_documents(advisor: Advisor, algorithm: str,
                                                                 variant: str) -> None:
    extra: dict[str, Any] = {
        "default": {},
        "busy": {"inference": {"requests_per_second": 300}},
        "big": {"data": {"size_gb": 500}},
        "time": {"priority": "time", "inference": {"requests_per_second": 50}},
    }[variant]
    rec = advisor.recommend(_workload(algorithm, **extra))
    knowledge = K.algorithm(algorithm)
    assert knowledge is not None
    for stage, choice in rec.instances.items():
        assert choice.family not in NEURON, f"{stage}: {choice.instance_type} (built-in containers are not Neuron)"
        spec = knowledge.training if stage == "training" else knowledge.inference
        processor = "gpu" if choice.family in GPU_FAMILIES else "cpu"
        assert processor in spec.processors, f"{stage}: {choice.instance_type}; AWS: {spec.guidance}"
        if spec.preferred and processor != spec.preferred and variant == "default":
            pytest.fail(f"{stage}: {choice.instance_type} but AWS prefers {spec.preferred}: {spec.guidance}")
        decided = [rule for rule in choice.decided_by]
        assert decided, stage


@pytest.mark.parametrize("algorithm", ["deepar", "random_cut_forest", "lda", "ip_insights", "ntm",
                                       "factorization_machines", "image_classification"])
def test_algorithm_rule_names_its_aws_page_in_the_trace(advisor: Advisor, algorithm: str) -> None:
    rec = advisor.recommend(_workload(algorithm))
    realtime = next(t for t in rec.trace if t.decision == "realtime.family")
    selected = [r for r in realtime.rules if r.status == "selected"]
    assert selected and "docs.aws.amazon.com" in next(
        r for d in K.decisions for r in d.rules if r.id == selected[0].id).source
