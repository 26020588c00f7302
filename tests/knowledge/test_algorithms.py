"""rules/knowledge/algorithms.yaml: AWS's guidance for the 17 built-in algorithms, and the Workload agrees with it."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from advisor.errors import KnowledgeError, WorkloadError
from advisor.knowledge.loader import load_knowledge, validate_knowledge
from advisor.workload import Algorithm, BuiltinAlgorithm, FrameworkId, Workload, check_workload
from tests.conftest import line_of, replace_in

K = load_knowledge()


def test_all_seventeen_built_in_algorithms_and_the_frameworks() -> None:
    assert {a.id for a in K.algorithms} == set(get_args(BuiltinAlgorithm))
    assert len(K.algorithms) == 17
    assert {f.id for f in K.frameworks} == set(get_args(FrameworkId))
    assert set(get_args(Algorithm)) == {a.id for a in K.algorithms} | {f.id for f in K.frameworks}
    for a in K.algorithms:
        assert a.page.startswith("https://docs.aws.amazon.com/sagemaker/latest/dg/") and a.source and a.as_of


def test_facts_aws_states() -> None:
    deepar = K.algorithm("deepar")
    assert deepar is not None and deepar.inference.cpu_only and deepar.training.preferred == "cpu"
    assert "ml.c4.2xlarge" in deepar.training.starting_types
    assert {a.id for a in K.algorithms if a.inference.cpu_only} == {"deepar", "random_cut_forest", "lda"}
    assert {a.id for a in K.algorithms if a.training.gpu_only} == {
        "image_classification", "object_detection", "semantic_segmentation", "seq2seq"}
    assert {a.id for a in K.algorithms if a.training.cpu_only} == {"random_cut_forest", "lda"}
    assert {a.id for a in K.algorithms if a.training.multi_instance is False} == {
        "blazingtext", "object2vec", "semantic_segmentation", "seq2seq", "lda"}
    assert {a.id for a in K.algorithms if a.incremental_training} == {
        "image_classification", "object_detection", "semantic_segmentation"}
    assert not [a.id for a in K.algorithms if a.runs_on_neuron]
    ic = K.algorithm("image_classification")
    assert ic is not None and ic.training.generations == ("p2", "p3", "g4dn", "g5")


def test_blazingtext_guidance_differs_by_mode() -> None:
    bt = K.algorithm("blazingtext")
    assert bt is not None and [m.id for m in bt.modes] == ["cbow", "skipgram", "batch_skipgram", "supervised"]
    assert bt.mode("batch_skipgram").training.cpu_only and bt.mode("batch_skipgram").training.multi_instance
    supervised = bt.mode("supervised").training
    assert supervised.families == ("c",) and "2 GB" in supervised.guidance and supervised.multi_gpu is False
    assert bt.mode("cbow").training.preferred == "gpu" and bt.mode(None) is None


def test_frameworks_say_how_they_reach_neuron() -> None:
    by_id = {f.id: f for f in K.frameworks}
    assert by_id["pytorch"].runs_on_neuron == "compiled" and by_id["sklearn"].runs_on_neuron == "no"
    assert by_id["custom"].runs_on_neuron == "unknown" and by_id["lmi"].kind == "serving"


@pytest.mark.parametrize("old,new,expected", [
    ("  - id: lda\n", "  - id: lda2\n", "algorithms[13].id: unknown algorithm 'lda2'"),
    ("      families: [m]\n      generations: [p2, p3, g4dn, g5]\n      guidance: \"1.0-1",
     "      families: [x]\n      generations: [p2, p3, g4dn, g5]\n      guidance: \"1.0-1",
     "algorithms[0].training.families[0]: unknown family 'x'"),
    ("  - id: knn\n", "  - id: xgboost\n", "algorithms[2]: duplicate algorithm id 'xgboost' (first at item 0)"),
    ("    processors: [cpu]\n      guidance: For inference DeepAR",
     "    processors: [cpu]\n      preferred: gpu\n      guidance: For inference DeepAR",
     "algorithms[6].inference: preferred 'gpu' is not one of the processors ['cpu']"),
])
def test_malformed_algorithms_are_located(rules_copy: Path, old: str, new: str, expected: str) -> None:
    path = rules_copy / "knowledge" / "algorithms.yaml"
    replace_in(path, old, new)
    with pytest.raises(KnowledgeError) as info:
        validate_knowledge(rules_copy)
    messages = [str(p) for p in info.value.problems]
    assert any(m.startswith("rules/knowledge/algorithms.yaml:") and expected in m for m in messages), messages


def test_unknown_algorithm_line_is_its_id(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "algorithms.yaml"
    replace_in(path, "  - id: ntm\n", "  - id: ntm2\n")
    with pytest.raises(KnowledgeError) as info:
        validate_knowledge(rules_copy)
    assert f"algorithms.yaml:{line_of(path, 'id: ntm2')}:" in str(info.value.problems[0])


@pytest.mark.parametrize("workload,field,words", [
    ({"stages": ["realtime_inference"], "model": {"algorithm": "deepar"}, "inference": {"gpu": "required"}},
     "inference.gpu", "deepar serves on CPU instances only"),
    ({"stages": ["training"], "model": {"algorithm": "lda"}, "training": {"gpu": "required"}},
     "training.gpu", "lda trains on CPU instances only"),
    ({"stages": ["training"], "model": {"algorithm": "seq2seq"}, "training": {"gpu": "none"}},
     "training.gpu", "seq2seq trains on GPU instances only"),
    ({"stages": ["training"], "model": {"algorithm": "blazingtext", "mode": "batch_skipgram"},
      "training": {"gpu": "required"}}, "training.gpu", "blazingtext trains on CPU instances only"),
    ({"stages": ["training"], "model": {"algorithm": "xgboost", "mode": "cbow"}}, "model.mode",
     "has no mode 'cbow'"),
    ({"stages": ["training"], "model": {"algorithm": "pytorch", "mode": "cbow"}}, "model.mode",
     "pytorch has no training modes"),
])
def test_asks_against_aws_guidance_are_plain_errors(workload: dict, field: str, words: str) -> None:
    with pytest.raises(WorkloadError) as info:
        check_workload(Workload.model_validate(workload), K)
    assert [p.field for p in info.value.problems] == [field]
    assert words in info.value.problems[0].message


def test_asks_within_aws_guidance_pass() -> None:
    for workload in ({"stages": ["training", "realtime_inference"], "model": {"algorithm": "deepar"}},
                     {"stages": ["training"], "model": {"algorithm": "blazingtext", "mode": "supervised"},
                      "training": {"gpu": "required"}},
                     {"stages": ["realtime_inference"], "model": {"algorithm": "lda"}, "training": {"gpu": "required"}},
                     {"stages": ["training"], "model": {"algorithm": "image_classification"}}):
        check_workload(Workload.model_validate(workload), K)
