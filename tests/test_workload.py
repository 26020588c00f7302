"""Workloads: defaults, derived facts, and every kind of bad input as a located error."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import pytest
from pydantic import ValidationError

from advisor.base import Frozen
from advisor.engine.conditions import FieldSpec
from advisor.errors import AdvisorError, WorkloadError
from advisor.knowledge.loader import load_knowledge
from advisor.recommend.advisor import Advisor
from advisor.workload import (
    Derived,
    Within,
    Workload,
    architecture_of,
    condition_fields,
    context_of,
    kv_shape,
    load_workload,
    region_problem,
    serving_memory,
    weights_gib,
    with_architecture,
)

K = load_knowledge()


def test_derived_working_set_and_model_memory() -> None:
    tabular = Derived.of(Workload(stages=["training"], data={"size_gb": 50}), K)
    assert tabular.working_set_gb == 50
    images = Derived.of(Workload(stages=["training"], data={"size_gb": 500, "kind": "images"}), K)
    assert images.working_set_gb == 4  # streamed in mini-batches
    llm = Derived.of(Workload(stages=["training"], model={"kind": "llm", "algorithm": "huggingface",
                                                          "parameters_millions": 7000}), K)
    weights = 7e9 * 2 / 2**30  # fp16
    kv = 1 * 4096 * 2 * 32.9 * (128 * 32.9) * 2 / 2**30  # 1 sequence x 4096 tokens x ~0.53 MiB a token
    assert llm.model_memory_gb == pytest.approx(weights + kv + 1 + 0.1 * weights, rel=1e-2)
    assert llm.training_accelerator_gb == pytest.approx(7e9 * 16 / 2**30 * 1.2, rel=1e-3)
    assert llm.as_context()["derived.training_accelerator_gb"] == llm.training_accelerator_gb
    with pytest.raises(dataclasses.FrozenInstanceError):
        llm.working_set_gb = 1  # type: ignore[misc]


def test_every_context_key_is_a_known_condition_field() -> None:
    w = Workload(stages=["training"])
    ctx = context_of(w, Derived.of(w, K))
    fields = condition_fields()
    assert set(ctx) <= set(fields)
    set_by_the_advisor = {"derived.lambda_checked", "derived.lambda_fits", "derived.lambda_failed",
                          "derived.lambda_mode"}
    assert set(fields) - set(ctx) == set_by_the_advisor


def test_an_optional_number_field_is_a_number_for_the_rules() -> None:
    """A rule may compare a figure the user may leave unsaid (`lambda.memory_mb > 3008`): it is an optional
    number, as the required ones are numbers, not text."""
    fields = condition_fields()
    assert fields["lambda.memory_mb"] == FieldSpec("number", optional=True)
    assert fields["inference.models"] == FieldSpec("number")
    assert fields["model.layers"] == FieldSpec("number", optional=True)
    assert fields["data.size_gb"] == FieldSpec("number")


def _error(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "w.yaml"
    path.write_text(text)
    with pytest.raises(WorkloadError) as info:
        load_workload(path, K)
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(("text", "expected"), [
    ("stages: [training]\ndata:\n  size_gbs: 4\n",
     "w.yaml:3: data.size_gbs: is not a known field (hint: did you mean 'size_gb'?)"),
    ("stages: [training]\ndata:\n  size_gb: lots\n", "w.yaml:3: data.size_gb: must be a number, got 'lots'"),
    ("stages: [training]\ndata:\n  size_gb: -4\n", "w.yaml:3: data.size_gb: must be at least 0, got -4"),
    ("stages: [training, cooking]\n", "w.yaml:1: stages[1]: must be one of notebook, training, tuning, "
                                      "realtime_inference, serverless_inference, async_inference, batch_inference "
                                      "or processing, got 'cooking'"),
    ("stages: training\n", "w.yaml:1: stages: must be a list, got 'training': write it in brackets, [training]"),
    ("stages: [training]\nregion: us-east-9\n", "w.yaml:2: region: 'us-east-9' is not a region where SageMaker runs"),
    # SageMaker runs in GovCloud and China, in partitions the advisor does not cover: the error says so, not that
    # SageMaker is absent there (botocore partitions.json)
    ("stages: [training]\nregion: us-gov-west-1\n", "w.yaml:2: region: 'us-gov-west-1' is a Region of the aws-us-gov "
                                                     "partition, AWS GovCloud (US-West), which the advisor does not "
                                                     "cover"),
    ("stages: [training]\nregion: cn-north-1\n", "'cn-north-1' is a Region of the aws-cn partition"),
    ("stages: [training]\ntuning: {max_jobs: 2, max_parallel_jobs: 5}\n",
     "w.yaml:2: tuning: max_parallel_jobs (5) is more than max_jobs (2)"),
    # absurd magnitudes are a plain bound error, not a "nothing fits" answer at a trillion dollars
    ("stages: [training]\ndata: {size_gb: 20000000}\n", "w.yaml:2: data.size_gb: must be at most 10000000"),
    ("stages: [training]\ndata: {in_memory_gb: 2e7}\n", "w.yaml:2: data.in_memory_gb: must be at most 10000000"),
    ("stages: [realtime_inference]\ninference: {requests_per_second: 1e9}\n",
     "w.yaml:2: inference.requests_per_second: must be at most 1000000"),
    ("stages: [training]\nmodel: {parameters_millions: 1e11}\n",
     "w.yaml:2: model.parameters_millions: must be at most 100000000"),
    ("stages: [processing]\nprocessing: {max_hours: 300}\n", "w.yaml:2: processing.max_hours: must be at most 216"),
    # a number field takes a number as written: not a yes/no (pydantic read `true` as 1), not a quoted number
    ("stages: [training]\ndata:\n  size_gb: true\n", "w.yaml:3: data.size_gb: must be a number, got true "
                                                       "(a yes/no value)"),
    ("stages: [training]\ndata:\n  size_gb: \"12\"\n", "w.yaml:3: data.size_gb: must be a number, got the text "
                                                        "'12': write the number without quotes"),
    ("stages: [training]\nlambda: {memory_mb: false}\n", "w.yaml:2: lambda.memory_mb: must be a number, got false"),
    ("stages: [tuning]\ntuning: {max_jobs: '20'}\n", "w.yaml:2: tuning.max_jobs: must be a whole number, got the "
                                                     "text '20'"),
    ("stages: [realtime_inference]\ninference: {models: 2.5}\n",
     "w.yaml:2: inference.models: must be a whole number, got 2.5"),
    ("stages: [realtime_inference]\ninference: {hot_models: yes}\n",
     "w.yaml:2: inference.hot_models: must be a whole number, got true"),
    ("stages: [realtime_inference]\ninference: {production: 1}\n",
     "w.yaml:2: inference.production: must be true or false, got 1"),
    ("stages: [training]\nnetwork: {internet_access: 'false'}\n",
     "w.yaml:2: network.internet_access: must be true or false, got 'false'"),  # pydantic read the text as False
    ("stages: []\n", "w.yaml:1: stages: must have at least 1 item, got 0"),  # not pydantic's "Tuple should..."
    ("data: {size_gb: 1}\n", "w.yaml:1: stages: is required"),
    ("stages: [training]\nname: !!python/object:os.system {}\n", "is not allowed"),
    ("- just\n- a list\n", "expected fields such as `stages:`"),
])
def test_bad_workloads(tmp_path: Path, text: str, expected: str) -> None:
    assert any(expected in e for e in _error(tmp_path, text)), _error(tmp_path, text)


def test_botocore_stage_names_stand_for_their_stages(tmp_path: Path) -> None:
    """`hosting` and `batch_transform` (botocore's names, which `--stage` takes too) are the real-time endpoint and
    batch transform: the workload holds the ids, and a stage named both ways is listed twice."""
    path = tmp_path / "w.yaml"
    path.write_text("stages: [hosting, batch_transform, training]\n")
    assert load_workload(path, K).stages == ("realtime_inference", "batch_inference", "training")
    assert any("stages listed twice: realtime_inference" in e
               for e in _error(tmp_path, "stages: [hosting, realtime_inference]\n"))


_LLM = "stages: [realtime_inference]\nmodel: {algorithm: vllm, kind: llm, parameters_millions: 7000"


@pytest.mark.parametrize(("text", "expected"), [
    # a precision the stated accelerator cannot run: both fields named, located at model.precision
    (_LLM + ", precision: fp8}\ninference: {accelerator: A10G}\n",
     "w.yaml:2: model.precision: model.precision is fp8 but inference.accelerator A10G cannot run fp8"),
    (_LLM + ", precision: bf16}\ninference: {accelerator: T4}\n",
     "w.yaml:2: model.precision: model.precision is bf16 but inference.accelerator T4 cannot run bf16"),
    (_LLM + ", precision: fp8}\ninference: {gpu: none}\n",
     "model.precision is fp8 but inference.gpu is none: no CPU instance computes in FP8"),
    (_LLM + "}\ninference: {accelerator: a10g}\n",
     "w.yaml:3: inference.accelerator: 'a10g' is not an accelerator the knowledge knows (hint: did you mean 'A10G'?)"),
    # Inf1 (Inferentia) is taught, never recommended since the Neuron SDK dropped it, so no current type carries it
    # (its no-decoder capability is tested on the spec in tests/recommend/test_capabilities.py)
    (_LLM + "}\ninference: {accelerator: Inferentia}\n",
     "inference.accelerator is Inferentia but no current instance type with it runs realtime_inference"),
    ("stages: [realtime_inference]\nmodel: {algorithm: deepar, kind: deep_learning}\n"
     "inference: {accelerator: T4}\n", "inference.accelerator is T4 but model.algorithm deepar serves on CPU"),
    ("stages: [realtime_inference]\nmodel: {algorithm: xgboost}\ninference: {accelerator: Inferentia2}\n",
     "inference.accelerator Inferentia2 cannot run model.algorithm xgboost"),
    ("stages: [batch_inference]\ninference: {accelerator: L4, gpu: none}\n",
     "inference.accelerator is L4 but inference.gpu is none"),
    ("stages: [batch_inference]\nmodel: {algorithm: pytorch, kind: deep_learning}\ninference: {accelerator: H100}\n",
     "inference.accelerator is H100 but no current instance type with it runs batch_inference"),
])
def test_what_a_stated_accelerator_cannot_run_is_a_plain_error(tmp_path: Path, text: str, expected: str) -> None:
    assert any(expected in e for e in _error(tmp_path, text)), _error(tmp_path, text)


@pytest.mark.parametrize("text", [
    _LLM + ", precision: fp8}\ninference: {accelerator: H100}\n",  # Hopper has FP8
    _LLM + ", precision: bf16}\ninference: {accelerator: A10G}\n",  # Ampere computes in bf16
    _LLM + ", precision: fp8}\n",  # no accelerator stated: sizing keeps the FP8 ones
    "stages: [training]\nmodel: {algorithm: huggingface, kind: llm, parameters_millions: 7000, precision: fp8}\n"
    "inference: {accelerator: T4}\n",  # no inference stage: the inference section is not read
    "stages: [realtime_inference]\nmodel: {algorithm: pytorch, kind: deep_learning}\n"
    "inference: {accelerator: Inferentia2}\n",  # a compiled CNN on Inferentia2 (torch-neuronx)
])
def test_what_a_stated_accelerator_can_run_is_accepted(tmp_path: Path, text: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(text)
    load_workload(path, K)


def test_empty_and_malformed(tmp_path: Path) -> None:
    assert any("holds no YAML document" in e for e in _error(tmp_path, ""))
    assert any("malformed YAML" in e for e in _error(tmp_path, "stages: [training\n"))


def test_unknown_region_suggests_the_nearest(tmp_path: Path) -> None:
    errors = _error(tmp_path, "stages: [training]\nregion: us-east-l\n")
    assert any("did you mean 'us-east-1' or 'us-east-2'?" in e for e in errors)


def test_a_region_in_capitals_is_told_its_code() -> None:
    """`EU-WEST-1` found no near match (the match was case-sensitive) and got only the list of 34 codes."""
    message, hint = region_problem("EU-WEST-1", K.region_codes) or ("", "")
    assert "'EU-WEST-1' is not a region" in message and hint.startswith("did you mean 'eu-west-1'? ")


def test_a_govcloud_region_typed_in_capitals_or_with_spaces_is_told_its_partition() -> None:
    """The partition was looked up before the code was normalised: ` US-GOV-WEST-1` got a did-you-mean among the
    commercial Regions instead of the GovCloud message; a commercial code typed so is not another partition's."""
    message, hint = region_problem(" US-GOV-WEST-1", K.region_codes) or ("", "")
    assert "aws-us-gov partition" in message and not hint.startswith("did you mean")
    message, _hint = region_problem("EU-WEST-1", K.region_codes) or ("", "")
    assert "partition" not in message


def test_gpu_required_where_no_gpu_type_exists() -> None:
    no_gpu_hosting = K._replace(instance_types=tuple(
        t._replace(stages=tuple(s for s in t.stages if s != "hosting")) if t.accelerator else t
        for t in K.instance_types))
    with pytest.raises(WorkloadError) as info:
        Advisor(no_gpu_hosting).recommend({"stages": ["realtime_inference"], "inference": {"gpu": "required"}})
    assert "inference.gpu: a GPU is required but no GPU instance type runs realtime_inference" in info.value.render()


def test_api_dict_errors_name_the_field() -> None:
    with pytest.raises(WorkloadError) as info:
        Advisor(K).recommend({"stages": ["training"], "training": {"max_hours": "soon"}})
    assert "training.max_hours: must be a number, got 'soon'" in info.value.render()


def test_a_semantic_problem_of_a_workload_from_python_is_said_as_a_structural_one_is() -> None:
    """The region checked against the knowledge said "Invalid workload: workload: 1 problem", the workload's
    default name read as if it were a file's."""
    with pytest.raises(WorkloadError) as info:
        Advisor(K).recommend(Workload(stages=["training"], region="mars-1"))
    assert info.value.render().startswith("Invalid workload: 1 problem in the workload\n  region: 'mars-1'")


def test_a_workload_built_in_python_is_refused_with_the_one_error_tree() -> None:
    """`Workload(...)`, as the README builds one, raised pydantic's ValidationError: a caller catching AdvisorError
    (what every other API error is) got a traceback. The problems are a file's, without the line."""
    with pytest.raises(AdvisorError) as info:
        Workload(stages=["trainng"], modle={}, data={"size_gb": float("inf")})
    assert isinstance(info.value, WorkloadError)
    assert [str(p) for p in info.value.problems] == [
        "stages[0]: must be one of notebook, training, tuning, realtime_inference, serverless_inference, "
        "async_inference, batch_inference or processing, got 'trainng'",  # and no "stages: too short" beside it
        "data.size_gb: must be a finite number (not inf or NaN), got inf",
        "modle: is not a known field (hint: did you mean 'model'?)",
    ]
    assert info.value.render().startswith("Invalid workload: 3 problems in the workload")
    assert Workload(stages=["training"]) == Workload.model_validate({"stages": ["training"]})


@pytest.mark.parametrize(("changes", "expected_gib"), [
    ({"model": {"precision": "int4"}}, 7e9 * 0.5 / 2**30),
    ({"model": {"precision": "fp32"}}, 7e9 * 4 / 2**30),
    ({"model": {"precision": "int8"}}, 7e9 / 2**30),
])
def test_llm_serving_memory_follows_precision(changes: dict, expected_gib: float) -> None:
    base = {"stages": ["realtime_inference"], "model": {"kind": "llm", "algorithm": "huggingface",
                                                        "parameters_millions": 7000}}
    base["model"].update(changes["model"])
    derived = Derived.of(Workload.model_validate(base), K)
    assert weights_gib(Workload.model_validate(base)) == pytest.approx(expected_gib)
    assert derived.model_memory_gb > expected_gib  # plus KV cache and runtime


def test_kv_cache_grows_with_context_and_sequences() -> None:
    def memory(**inference: int) -> float:
        return Derived.of(Workload.model_validate({
            "stages": ["realtime_inference"], "inference": inference,
            "model": {"kind": "llm", "algorithm": "vllm", "parameters_millions": 7000}}), K).model_memory_gb
    assert memory(context_tokens=8192) > memory(context_tokens=4096)
    assert memory(concurrent_sequences=8) - memory(concurrent_sequences=1) == pytest.approx(7 * 4096 * 0.5547 / 1024,
                                                                                          rel=0.05)
    seven_b = Workload.model_validate({"stages": ["realtime_inference"],
                                      "model": {"kind": "llm", "algorithm": "vllm", "parameters_millions": 7000}})
    assert kv_shape(seven_b, None)[0] / 2**20 == pytest.approx(0.53, abs=0.02)  # Llama-2-7B (MHA): 0.5 MiB


@pytest.mark.parametrize(("method", "low", "high"), [("full", 120, 130), ("lora", 15, 18), ("qlora", 4, 6)])
def test_training_memory_by_fine_tuning_method(method: str, low: float, high: float) -> None:
    derived = Derived.of(Workload.model_validate({
        "stages": ["training"], "training": {"method": method},
        "model": {"kind": "llm", "algorithm": "huggingface", "parameters_millions": 7000}}), K)
    assert low < derived.training_accelerator_gb < high


def _served(w: Workload) -> tuple[float, str]:
    """Serving memory as sizing works it out: with the knowledge's row for model.architecture."""
    return serving_memory(w, architecture_of(w, K))


def _llm(**model: object) -> Workload:
    """An LLM serving workload as the loader hands it on: its architecture's published figures read from K."""
    return with_architecture(Workload.model_validate({
        "stages": ["realtime_inference"], "inference": {"context_tokens": 32768, "concurrent_sequences": 8},
        "model": {"kind": "llm", "algorithm": "vllm", **model}}), K)


def test_kv_cache_reads_grouped_query_attention_from_a_known_architecture() -> None:
    """Llama 2 70B keeps 8 KV heads for 64 query heads: 2 x 80 x 8 x 128 x 2 bytes = 0.3125 MiB a token, an
    eighth of a dense decoder of that size (config.json of meta-llama/Llama-2-70b-hf)."""
    gqa = _llm(architecture="llama-2-70b")
    assert gqa.model.parameters_millions == 69_000  # the published count, since none was stated
    memory, words = _served(gqa)
    kv = 8 * 32768 * 2 * 80 * 8 * 128 * 2 / 2**30
    assert memory == pytest.approx(69e9 * 2 / 2**30 + kv + 1 + 0.1 * 69e9 * 2 / 2**30, rel=1e-3)
    assert "llama-2-70b's config.json, GQA" in words and "8 KV heads" in words
    dense = _llm(parameters_millions=69_000)
    assert _served(dense)[0] > memory + 300  # MHA assumed: the upper bound, said so
    assert "without grouped-query attention: an upper bound" in _served(dense)[1]


def test_stated_shape_overrides_and_every_known_architecture_is_sourced() -> None:
    """Each architecture row is a fact from the model's own config.json, with its source and the date it was read."""
    assert len(K.llm_architectures) >= 9
    for a in K.llm_architectures:
        assert a.source.startswith("https://huggingface.co/") and "config.json" in a.source and a.as_of, a.id
        assert a.parameters_millions > 1000 and a.head_dim == 128 and (a.kv_heads < 32) == (a.attention == "GQA")
        assert f"num_hidden_layers {a.layers}" in a.source and f"num_key_value_heads {a.kv_heads}" in a.source, a.id
    stated = _llm(parameters_millions=8000, layers=32, kv_heads=8, head_dim=128)
    known = _llm(architecture="llama-3.1-8b", parameters_millions=8000)
    assert _served(stated)[0] == pytest.approx(_served(known)[0])
    assert "32 layers (stated) x 8 KV heads (stated)" in _served(stated)[1]
    mistral_mha = _llm(architecture="mistral-7b", kv_heads=32)  # a stated figure wins over the architecture's
    assert _served(mistral_mha)[0] > _served(_llm(architecture="mistral-7b"))[0]
    assert not _llm(parameters_millions=7000).model.architecture  # nothing stated: nothing invented


@pytest.mark.parametrize("bad", [{"kv_heads": 0}, {"layers": 1.5}, {"architecture": "llama 3"}])
def test_bad_architecture_is_refused(bad: dict) -> None:
    with pytest.raises(ValueError):
        _llm(parameters_millions=7000, **bad)


def test_an_unknown_architecture_is_a_located_error_naming_the_known_ones(tmp_path: Path) -> None:
    """model.architecture is checked against rules/knowledge/llm_architectures.yaml: file, line, field, the ids."""
    path = tmp_path / "w.yaml"
    path.write_text("stages: [realtime_inference]\nmodel:\n  kind: llm\n  algorithm: vllm\n"
                    "  architecture: llama-3.1-8bb\n")
    with pytest.raises(WorkloadError) as caught:
        load_workload(path, K)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (5, "model.architecture") and problem.file and "w.yaml" in problem.file
    assert "not an LLM architecture" in problem.message and "'llama-3.1-8b'" in (problem.hint or "")
    path.write_text("stages: [realtime_inference]\nmodel: {kind: llm, algorithm: vllm, architecture: gpt-9}\n")
    with pytest.raises(WorkloadError) as caught:
        load_workload(path, K)
    assert "mistral-7b" in (caught.value.problems[0].hint or "")  # nothing close: every known id
    with pytest.raises(WorkloadError):
        Advisor(K).recommend({"stages": ["realtime_inference"],
                              "model": {"kind": "llm", "algorithm": "vllm", "architecture": "gpt-9"}})


def test_a_known_architecture_loads_with_its_published_figures(tmp_path: Path) -> None:
    """Must not fire: a known id loads, takes its parameter count when none is stated, keeps a stated one."""
    path = tmp_path / "w.yaml"
    path.write_text("stages: [realtime_inference]\nmodel: {kind: llm, algorithm: vllm, architecture: mistral-7b}\n")
    loaded = load_workload(path, K)
    assert loaded.model.parameters_millions == 7240
    assert "mistral-7b's config.json, GQA" in kv_shape(loaded, architecture_of(loaded, K))[1]
    path.write_text("stages: [realtime_inference]\n"
                    "model: {kind: llm, algorithm: vllm, architecture: mistral-7b, parameters_millions: 7000}\n")
    assert load_workload(path, K).model.parameters_millions == 7000


def test_a_revalidated_workload_is_sized_as_the_loaded_one(tmp_path: Path) -> None:
    """The architecture's shape is the knowledge's, read where it sizes, not a private copy on the workload: a
    workload dumped and validated again (as a cache or a questionnaire round trip does) keeps its GQA sizing."""
    path = tmp_path / "w.yaml"
    path.write_text("stages: [realtime_inference]\ninference: {context_tokens: 32768, concurrent_sequences: 8}\n"
                    "model: {kind: llm, algorithm: vllm, architecture: llama-3.1-8b}\n")
    loaded = load_workload(path, K)
    again = Workload.model_validate(loaded.model_dump())
    assert Derived.of(again, K) == Derived.of(loaded, K)
    assert "llama-3.1-8b's config.json, GQA" in _served(again)[1]
    assert Derived.of(again, K).model_memory_gb < 60  # 8 x 32k tokens of GQA cache, not the multi-head bound
    advisor = Advisor(K)
    first, second = advisor.recommend(loaded), advisor.recommend(again)
    assert first.instances == second.instances


@pytest.mark.parametrize(("model", "algorithm", "kind"), [
    ({"kind": "llm"}, "huggingface", "llm"),  # not xgboost, the field's default: an LLM is no tree
    ({"kind": "deep_learning"}, "pytorch", "deep_learning"),
    ({"kind": "classical"}, "sklearn", "classical"),
    ({"kind": "tree_based"}, "xgboost", "tree_based"),
    ({"algorithm": "image_classification"}, "image_classification", "deep_learning"),  # AWS's kind, not tree_based
    ({"algorithm": "factorization_machines"}, "factorization_machines", "classical"),
    ({"algorithm": "vllm"}, "vllm", "llm"),
    ({"algorithm": "pytorch"}, "pytorch", "deep_learning"),
    ({"algorithm": "custom"}, "custom", "tree_based"),  # your own container: any kind, the default stands
    ({"algorithm": "pytorch", "kind": "classical"}, "pytorch", "classical"),  # both stated: as stated
    ({}, "xgboost", "tree_based"),
])
def test_model_kind_and_algorithm_follow_each_other(tmp_path: Path, model: dict, algorithm: str, kind: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(f"stages: [training]\nmodel: {model}\n".replace("'", ""), encoding="utf-8")
    loaded = load_workload(path, K)
    assert (loaded.model.algorithm, loaded.model.kind) == (algorithm, kind)
    assert loaded.model.model_fields_set == set(model)  # what was filled is not claimed as stated
    again = Advisor(knowledge=K).recommend(loaded.model_dump(exclude_unset=True))  # filled again, the same
    assert again.instances["training"] == Advisor(knowledge=K).recommend(loaded).instances["training"]


@pytest.mark.parametrize(("model", "says"), [
    ("{algorithm: xgboost, kind: llm}", "model.algorithm xgboost trains and serves tree-based models, not LLMs"),
    ("{algorithm: sklearn, kind: llm}", "not LLMs"),
    ("{algorithm: vllm, kind: deep_learning}", "model.algorithm vllm serves LLMs only"),
    ("{algorithm: tgi, kind: classical}", "serves LLMs only"),
])
def test_an_llm_named_with_an_algorithm_for_none_is_a_located_error(tmp_path: Path, model: str, says: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(f"stages: [realtime_inference]\nmodel: {model}\n", encoding="utf-8")
    with pytest.raises(WorkloadError) as info:
        load_workload(path, K)
    [problem] = info.value.problems
    assert (problem.field, problem.line) == ("model.kind", 2)
    assert says in problem.message


@pytest.mark.parametrize("model", [
    "{algorithm: pytorch, kind: llm}", "{algorithm: custom, kind: llm}",
    "{algorithm: huggingface, kind: deep_learning}", "{algorithm: knn, kind: classical}"])
def test_an_llm_kind_the_algorithm_can_carry_is_accepted(tmp_path: Path, model: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(f"stages: [realtime_inference]\nmodel: {model}\n", encoding="utf-8")
    load_workload(path, K)


@pytest.mark.parametrize(("text", "kind"), [
    ("model: {algorithm: image_classification}", "images"),  # takes no tabular data: AWS's own kind
    ("model: {algorithm: deepar, kind: deep_learning}", "timeseries"),
    ("model: {algorithm: blazingtext}", "text"),
    ("model: {algorithm: xgboost}", "tabular"),  # takes tabular data: the default stands
    ("model: {algorithm: object2vec}", "tabular"),
    ("model: {algorithm: pytorch}", "tabular"),  # a framework takes any data
    ("model: {algorithm: image_classification}\ndata: {kind: other}", "other"),  # stated: as stated
])
def test_data_kind_follows_a_built_in_algorithm_that_takes_no_tabular_data(tmp_path: Path, text: str,
                                                                          kind: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(f"stages: [training]\n{text}\n", encoding="utf-8")
    loaded = load_workload(path, K)
    assert loaded.data.kind == kind
    assert ("kind" in loaded.data.model_fields_set) == ("data:" in text)  # what was filled is not claimed as stated


def test_an_estimated_decoder_shape_reads_as_whole_layers_and_heads() -> None:
    w = Workload(stages=["realtime_inference"],
                 model={"kind": "llm", "algorithm": "vllm", "parameters_millions": 70000})
    per_token, shape = kv_shape(w, None)
    assert "about 71 layers (estimated from the parameter count) x about 71 KV heads" in shape
    layers = (70e9 / 196_608) ** (1 / 3)  # 70.9: the shape says "about 71", the arithmetic keeps 70.9
    assert per_token == pytest.approx(2 * layers * layers * 128 * 2)


@pytest.mark.parametrize(("text", "field", "why"), [
    ("stages: [training]\ntraining:\n  max_hours: 673\n", "training.max_hours: must be at most 672, got 673",
     "28 days, the longest SageMaker runs a training job: StoppingCondition.MaxRuntimeInSeconds"),
    ("stages: [tuning]\ntraining:\n  max_hours: 1e4\n", "training.max_hours: must be at most 672, got 10000.0",
     '"The maximum value is 28 days"'),
    ("stages: [processing]\nprocessing:\n  max_hours: 216.5\n",
     "processing.max_hours: must be at most 216, got 216.5",
     "the longest SageMaker runs a processing job: ProcessingStoppingCondition.MaxRuntimeInSeconds is at most 777600"),
])
def test_a_bound_that_is_aws_limit_says_why(tmp_path: Path, text: str, field: str, why: str) -> None:
    """"at most 672" alone read as the advisor's whim: the message names AWS's limit and where AWS states it."""
    [problem] = _error(tmp_path, text)
    assert field in problem and why in problem


@pytest.mark.parametrize(("name", "text", "said"), [
    ("w.yaml", "stages: [training]\ntraining:\n  max_hours: .inf\n", "got .inf"),
    ("w.yaml", "stages: [training]\ntraining:\n  max_hours: 1.0e+400\n", "got 1.0e+400, which is too large"),
    ("w.yaml", "stages: [training]\ntraining:\n  max_hours: 1.0e400\n", "got 1.0e400, which is too large"),
    ("w.json", '{"stages": ["training"],\n "training": {"max_hours": 1e400}}', "got 1e400, which is too large"),
    ("w.json", '{"stages": ["training"],\n "training": {"max_hours": -Infinity}}', "got -Infinity"),
    ("w.yaml", "stages: [processing]\nprocessing:\n  max_hours: .inf\n", "got .inf"),
])
def test_an_infinity_on_an_aws_limit_is_no_number_however_spelled(name: str, text: str, said: str) -> None:
    """inf is past 672, but saying so ("must be at most 672, got .inf: ...28 days") answered a typo with AWS's
    limit, and only for some spellings of it: every spelling is the one finite-number problem."""
    with pytest.raises(WorkloadError) as caught:
        load_workload(name, K, text=text)
    [problem] = [str(p) for p in caught.value.problems]
    assert f"max_hours: must be a finite number, {said}" in problem
    assert "at most" not in problem and "days" not in problem


def test_aws_limits_hold_at_the_limit_and_leave_other_bounds_alone(tmp_path: Path) -> None:
    workload = load_workload("w.yaml", K, text="stages: [training, processing]\ntraining:\n  max_hours: 672\n"
                                                "processing:\n  max_hours: 216\n")
    assert (workload.training.max_hours, workload.processing.max_hours) == (672, 216)
    [problem] = _error(tmp_path, "stages: [training]\ntraining:\n  max_hours: 0\n")  # the lower bound is ours
    assert problem.endswith("training.max_hours: must be greater than 0, got 0")
    [problem] = _error(tmp_path, "stages: [training]\nnotebook:\n  hours_per_day: 25\n")  # a day, not AWS's
    assert problem.endswith("notebook.hours_per_day: must be at most 24, got 25")
    [problem] = _error(tmp_path, 'stages: [training]\ntraining:\n  max_hours: "1000"\n')  # text stays text
    assert "must be a number, got the text '1000'" in problem


class _Job(Frozen):
    hours: Annotated[float, Within(gt=0, le=5, why="AWS stops a job at 5 hours")] = 1
    spare: Annotated[float | None, Within(ge=0, le=3, why="AWS keeps 3")] = None


@pytest.mark.parametrize(("field", "past", "maximum", "why"), [
    ("hours", 5.5, 5, "AWS stops a job at 5 hours"), ("spare", 4, 3, "AWS keeps 3")])
def test_one_bound_is_both_the_schema_maximum_and_the_limit_with_why(field: str, past: float, maximum: float,
                                                                     why: str) -> None:
    """An AWS limit was written twice (`Field(le=...)` for the schema, `AwsLimit(le, why)` for the message), free
    to drift apart: one `Within(le=..., why=...)` is both."""
    schema = _Job.model_json_schema()["properties"][field]
    assert (schema.get("maximum") or schema["anyOf"][0]["maximum"]) == maximum
    assert getattr(_Job(**{field: maximum}), field) == maximum
    with pytest.raises(ValidationError) as caught:
        _Job(**{field: past})
    [error] = caught.value.errors()
    assert (error["type"], error["ctx"]["le"], error["ctx"]["why"]) == ("less_than_equal", maximum, why)
    with pytest.raises(ValidationError) as caught:  # no why where no limit was passed: inf is no number at all
        _Job(**{field: float("inf")})
    assert caught.value.errors()[0]["type"] == "finite_number"


def test_the_aws_limits_are_the_pinned_botocores_and_cite_it() -> None:
    """constraints.txt pins the botocore these limits were read from: the figures hold in it, and the version the
    module cites is that one (it cited 1.44.8 while 1.44.5 was pinned)."""
    import re

    import botocore
    import botocore.session

    import advisor.workload as workload

    sagemaker = botocore.session.get_session().get_service_model("sagemaker")
    processing = sagemaker.shape_for("ProcessingStoppingCondition").members["MaxRuntimeInSeconds"]
    assert processing.metadata["max"] == workload.PROCESSING_MAX_HOURS * 3600
    training = sagemaker.shape_for("StoppingCondition").members["MaxRuntimeInSeconds"]
    assert "The maximum value is 28 days" in training.documentation and workload.TRAINING_MAX_HOURS == 28 * 24
    pinned = re.search(r"^botocore==(\S+)$", (Path(__file__).parents[1] / "constraints.txt").read_text(),
                       re.MULTILINE)
    assert pinned and pinned.group(1) == botocore.__version__
    source = Path(workload.__file__).read_text(encoding="utf-8")
    cited = set(re.findall(r"botocore\s+([0-9]+\.[0-9]+\.[0-9]+)", source))
    assert cited == {botocore.__version__}


def test_aws_limit_is_in_the_schema_and_the_python_api() -> None:
    from advisor.workload import TRAINING_MAX_HOURS

    schema = Workload.model_json_schema()
    assert schema["$defs"]["Training"]["properties"]["max_hours"]["maximum"] == TRAINING_MAX_HOURS == 28 * 24
    with pytest.raises(WorkloadError, match="28 days"):
        Workload(stages=["training"], training={"max_hours": 700})
