"""advisor.knowledge.loader: the shipped knowledge loads; broken knowledge fails located; the cache is honest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from advisor.errors import KnowledgeError
from advisor.knowledge import loader
from advisor.knowledge.loader import knowledge_data, load_knowledge, validate_knowledge
from advisor.resources import cache_dir, shipped_dir
from tests.conftest import line_of, replace_in


def test_shipped_knowledge_loads() -> None:
    k = load_knowledge()
    assert len(k.instance_types) >= 60
    assert {f.id for f in k.families} >= {"t", "m", "r", "c", "p", "g", "inf", "trn", "eia"}
    assert k.instance_type("ml.g4dn.xlarge").accelerator.model == "T4"


def _errors(rules: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        validate_knowledge(rules)
    return [str(p) for p in info.value.problems]


def test_wrong_type_names_file_line_and_field(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "instance_types.yaml"
    replace_in(path, "memory_gib: 16\n", "memory_gib: sixteen\n")
    line = line_of(path, "memory_gib: sixteen")
    errors = _errors(rules_copy)
    assert len(errors) == 1
    assert errors[0].startswith(f"rules/knowledge/instance_types.yaml:{line}: instance_types[")
    assert errors[0].endswith(".memory_gib: must be a number, got 'sixteen'")


def test_unknown_key_is_an_error_with_a_hint(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "families.yaml"
    replace_in(path, "    burstable: true", "    burstible: true")
    errors = _errors(rules_copy)
    assert f"rules/knowledge/families.yaml:{line_of(path, 'burstible')}: families[0].burstible: is not a known field " \
           "(hint: did you mean 'burstable'?)" in errors


@pytest.mark.parametrize(("written", "problems"), [
    # a misspelt operator key of a leaf
    ("{field: derived.working_set_gb, opp: gt, value: 16}",
     ["rules[1].when.op: is required", "rules[1].when.opp: is not a known field (hint: did you mean 'op'?)"]),
    # a misspelt group key is told as that group, not as a leaf missing its field and operator
    ("{alll: [{field: derived.working_set_gb, op: gt, value: 16}]}",
     ["rules[1].when.all: is required", "rules[1].when.alll: is not a known field (hint: did you mean 'all'?)"]),
    # the same inside another group
    ("{all: [{field: derived.working_set_gb, op: gt, value: 16}, {nott: {field: model.kind, op: eq, value: llm}}]}",
     ["rules[1].when.all[1].not: is required",
      "rules[1].when.all[1].nott: is not a known field (hint: did you mean 'not'?)"]),
])
def test_a_misspelt_condition_key_gets_a_hint(rules_copy: Path, written: str, problems: list[str]) -> None:
    path = rules_copy / "decisions" / "notebook.yaml"
    replace_in(path, "when: {field: derived.working_set_gb, op: gt, value: 16}", f"when: {written}")
    line = line_of(path, written)
    assert _errors(rules_copy) == [f"rules/decisions/notebook.yaml:{line}: {p}" for p in problems]


def test_duplicate_id_is_an_error(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "security_controls.yaml"
    replace_in(path, "id: SM-NB-02", "id: SM-NB-01")
    errors = _errors(rules_copy)
    assert any("security_controls[1]: duplicate control id 'SM-NB-01' (first at item 0)" in e
               and f":{line_of(path, 'id: SM-NB-01', 2)}:" in e for e in errors)


def test_dangling_family_is_an_error(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "instance_types.yaml"
    replace_in(path, "family: t\n", "family: x\n")
    errors = _errors(rules_copy)
    assert any(f"instance_types.yaml:{line_of(path, 'family: x')}: instance_types[0].family: names the unknown "
               "family 'x'" in e for e in errors)


def test_missing_file_and_missing_folder(rules_copy: Path, tmp_path: Path) -> None:
    (rules_copy / "knowledge" / "exams.yaml").unlink()
    assert any("exams.yaml: file is missing" in e for e in _errors(rules_copy))
    with pytest.raises(KnowledgeError, match="no such folder"):
        validate_knowledge(tmp_path / "nowhere")
    # a file, or a folder that is not laid out like rules/: said once, not as "no such folder" or as ten missing
    # files each named in the title
    (tmp_path / "rules.yaml").write_text("x: 1\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"rules\.yaml: is a file, not a folder"):
        validate_knowledge(tmp_path / "rules.yaml")
    with pytest.raises(KnowledgeError, match="has no knowledge/ folder") as caught:
        validate_knowledge(tmp_path)
    assert not caught.value.problems and "exams.yaml" not in caught.value.render()


def test_problems_in_several_files_are_reported_together(rules_copy: Path) -> None:
    replace_in(rules_copy / "knowledge" / "exams.yaml", "minutes: 180", "minutes: long")
    replace_in(rules_copy / "knowledge" / "lambda_limits.yaml", "changed: true", "changed: maybe")
    files = {e.split(":")[0] for e in _errors(rules_copy)}
    assert files == {"rules/knowledge/exams.yaml", "rules/knowledge/lambda_limits.yaml"}


def test_cache_is_used_when_unchanged_and_rebuilt_on_change(rules_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = loader.validate_knowledge
    monkeypatch.setattr(loader, "validate_knowledge", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    first = knowledge_data(rules_copy)
    second = knowledge_data(rules_copy)
    assert first == second and len(calls) == 1
    replace_in(rules_copy / "knowledge" / "exams.yaml", "minutes: 180", "minutes: 170")
    third = knowledge_data(rules_copy)
    assert len(calls) == 2
    assert third["exams"][0]["minutes"] == 170


def test_corrupt_cache_is_ignored_and_rebuilt(rules_copy: Path) -> None:
    good = knowledge_data(rules_copy)
    files = list(cache_dir().glob("knowledge-data-*.json"))
    assert len(files) == 1
    files[0].write_bytes(b"\x00garbage")
    assert knowledge_data(rules_copy) == good
    assert files[0].read_bytes() != b"\x00garbage"


def test_invalid_knowledge_is_never_cached(rules_copy: Path) -> None:
    replace_in(rules_copy / "knowledge" / "exams.yaml", "minutes: 180", "minutes: long")
    for _ in range(2):
        with pytest.raises(KnowledgeError):
            knowledge_data(rules_copy)
    assert not list(cache_dir().glob("knowledge-*"))


def test_unwritable_cache_costs_only_speed(rules_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(blocker / "cache"))
    assert knowledge_data(rules_copy)["exams"]


def test_shipped_dir_is_the_source_tree_in_a_checkout() -> None:
    assert (shipped_dir("rules") / "knowledge" / "families.yaml").is_file()


def test_a_stage_with_no_instance_type_is_a_load_error(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "instance_types.yaml"
    text = path.read_text()
    for stages in set(line for line in text.splitlines() if line.strip().startswith("stages:")):
        kept = [s for s in stages.split("[", 1)[1].rstrip("]").split(", ") if s != "processing"] or ["hosting"]
        text = text.replace(stages, stages.split("[", 1)[0] + "[" + ", ".join(kept) + "]")
    path.write_text(text)
    assert any("no instance type of a current family runs the processing stage" in e for e in _errors(rules_copy))


def test_accelerator_without_memory_is_an_error(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "accelerators.yaml"
    replace_in(path, "    memory_gib_per_device: [16]\n", "    memory_gib_per_device: []\n")
    line = line_of(path, "memory_gib_per_device: []")
    errors = _errors(rules_copy)
    assert len(errors) == 1 and errors[0].startswith(
        f"rules/knowledge/accelerators.yaml:{line}: accelerators[1].memory_gib_per_device:")


def test_type_memory_must_be_a_size_of_its_accelerator(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "instance_types.yaml"
    replace_in(path, '"A10G", count: 1, memory_gib_per_device: 22.35', '"A10G", count: 1, memory_gib_per_device: 24')
    errors = _errors(rules_copy)
    line = line_of(path, "memory_gib_per_device: 24")
    assert any(e.startswith(f"rules/knowledge/instance_types.yaml:{line}: instance_types[")
               and e.endswith("accelerator.memory_gib_per_device: 24 GiB is not a memory size of A10G "
                              "(accelerators.yaml: 22.35)") for e in errors)


def test_type_accelerator_vendor_must_match_the_model(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "instance_types.yaml"
    replace_in(path, 'vendor: nvidia, model: "T4"', 'vendor: aws, model: "T4"')
    assert any("accelerator.vendor: T4 is made by nvidia, not aws" in e for e in _errors(rules_copy))


def test_duplicate_accelerator_model_is_an_error(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "accelerators.yaml"
    replace_in(path, "  - model: L4\n", "  - model: A10G\n")
    errors = _errors(rules_copy)
    assert any(f"accelerators.yaml:{line_of(path, 'model: A10G', 2)}:" in e
               and "duplicate accelerator model 'A10G'" in e for e in errors)


def test_accelerator_flags_must_agree(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "accelerators.yaml"
    replace_in(path, "    cuda_compute_capability: \"7.5\"\n", "")  # T4 without its compute capability
    replace_in(path, "    stock_containers: false\n    needs_compilation: true\n",
               "    stock_containers: true\n    needs_compilation: true\n")
    errors = _errors(rules_copy)
    assert any("accelerators[1]: cuda_compute_capability is given exactly for NVIDIA" in e for e in errors)
    assert any("an accelerator that needs compilation cannot run stock containers" in e for e in errors)


def test_unknown_type_status_is_an_error(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "instance_types.yaml"
    replace_in(path, "status: current\n", "status: legacy\n")
    assert any(f"instance_types.yaml:{line_of(path, 'status: legacy')}: instance_types[0].status:" in e
               for e in _errors(rules_copy))


def test_a_guard_rail_must_read_a_field_its_controls_set(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "security_controls.yaml"
    replace_in(path, '"sagemaker:CreateModel": VpcConfig.Subnets', '"sagemaker:CreateModel": VpcConfig.Subnetz')
    errors = _errors(rules_copy)
    assert any(f"security_controls.yaml:{line_of(path, 'VpcConfig.Subnetz')}: guard_rails[2].reads."
               "sagemaker:CreateModel: reads sagemaker:CreateModel VpcConfig.Subnetz, which none of" in e
               for e in errors), errors


def test_a_guard_rail_reads_a_field_for_every_action(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "security_controls.yaml"
    replace_in(path, '      "sagemaker:CreateModel": VpcConfig.Subnets\n', "")
    errors = _errors(rules_copy)
    assert any("guard_rails[2]" in e and "missing sagemaker:CreateModel" in e for e in errors), errors


def _kinds(value: object) -> object:
    """The type of everything inside a value, so two equal trees also hold the same record classes."""
    if isinstance(value, tuple | list):
        return (type(value).__name__, [_kinds(item) for item in value])
    if isinstance(value, dict):
        return {key: _kinds(item) for key, item in value.items()}
    return type(value).__name__


def _models_cache() -> Path:
    (path,) = cache_dir().glob("knowledge-models-*.json")
    return path


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = loader.validate_knowledge
    monkeypatch.setattr(loader, "validate_knowledge", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    return calls


def test_records_from_the_cache_equal_the_ones_validated_from_the_yaml(rules_copy: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    validated = load_knowledge(rules_copy)
    calls = _counting(monkeypatch)
    cached = load_knowledge(rules_copy)
    assert calls == [] and cached is not validated
    assert cached == validated and _kinds(cached) == _kinds(validated)
    assert type(cached).__name__ == "Knowledge" and cached.decision(cached.decisions[0].decision)


@pytest.mark.parametrize("damage", ["tampered", "unsigned", "wrongly shaped"])
def test_a_cache_that_is_not_ours_falls_back_to_the_yaml(rules_copy: Path, monkeypatch: pytest.MonkeyPatch,
                                                         damage: str) -> None:
    from advisor import cache

    good = load_knowledge(rules_copy)
    path = _models_cache()
    signature, _, body = path.read_bytes().partition(b"\n")
    if damage == "tampered":
        path.write_bytes(signature + b"\n" + body.replace(b'"minutes":180', b'"minutes":170', 1))
    elif damage == "unsigned":
        path.write_bytes(body)
    else:  # signed by us, but not the records' shape: a family where a list of them is due
        stored = cache.read(path.name, path.parent)
        stored["data"]["families"] = stored["data"]["families"][0]
        cache.write(path.name, stored, path.parent)
    calls = _counting(monkeypatch)
    assert load_knowledge(rules_copy) == good
    assert calls == [1]
    assert load_knowledge(rules_copy) == good and calls == [1]  # and the cache was written again


def test_a_cached_start_neither_reads_nor_hashes_the_yaml(rules_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = load_knowledge(rules_copy)
    monkeypatch.setattr(loader, "_read_all", lambda *a, **kw: pytest.fail("the YAML was read"))
    assert load_knowledge(rules_copy) == good


def test_an_edit_of_the_same_size_is_a_new_version(rules_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_knowledge(rules_copy)
    exams = rules_copy / "knowledge" / "exams.yaml"
    before = exams.stat()
    replace_in(exams, "minutes: 180", "minutes: 170")
    os.utime(exams, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))  # even within one clock tick
    assert exams.stat().st_size == before.st_size
    assert load_knowledge(rules_copy).exam("MLS-C01").minutes == 170
    (rules_copy / "decisions" / "extra.yaml").write_text((rules_copy / "decisions" / "batch.yaml").read_text())
    with pytest.raises(KnowledgeError):  # a new decision file is read too (here: its decision id is taken)
        load_knowledge(rules_copy)


@pytest.mark.parametrize(("written", "problem"), [
    ("{type: ordering, fewest: 3, most: 5,", ""),  # as shipped: loads
    ("{type: ordering, fewest: 5, most: 3,", "most (3) is below fewest (5)"),
    ("{type: true_false, fewest: 3, most: 5,", "item_shapes names true_false, not among item_types"),
    ("{type: matching, fewest: 3, most: 5,", "item_shapes gives one type twice"),
])
def test_an_exams_item_shapes_are_checked(rules_copy: Path, written: str, problem: str) -> None:
    """The lint's exam-shape sizes are knowledge: a size upside down, or for a type the exam does not ask, is an
    error at load, not a lint that warns of nothing."""
    path = rules_copy / "knowledge" / "exams.yaml"
    replace_in(path, "{type: ordering, fewest: 3, most: 5,", written)
    if not problem:
        validate_knowledge(rules_copy)
        return
    assert any(problem in e for e in _errors(rules_copy))


SERVICE_ERRORS = ("errors: [Lambda.ClientExecutionTimeoutException, Lambda.ServiceException, "
                  "Lambda.AWSLambdaException, Lambda.SdkClientException]")


def test_a_catch_all_retrier_before_another_is_a_located_error(rules_copy: Path) -> None:
    """A retrier after States.ALL could never match: the catch-all belongs in the last one (the shipped order,
    AWS's service errors then the chapter's catch-all, loads: test_shipped_knowledge_loads)."""
    path = rules_copy / "knowledge" / "lambda_limits.yaml"
    replace_in(path, SERVICE_ERRORS, "errors: [States.ALL]")
    assert _errors(rules_copy) == [
        f"rules/knowledge/lambda_limits.yaml:{line_of(path, 'errors: [States.ALL]')}: "
        "step_functions_retriers[0].errors: States.ALL matches every error, so the retriers after "
        "'lambda_service_errors' would never match: it belongs in the last retrier"]


def test_a_catch_all_beside_other_errors_is_a_located_error(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "lambda_limits.yaml"
    replace_in(path, "errors: [States.ALL]", "errors: [States.ALL, States.Timeout]")
    [error] = _errors(rules_copy)
    assert error.startswith(f"rules/knowledge/lambda_limits.yaml:{line_of(path, 'id: chapter_catch_all')}: "
                            "step_functions_retriers[1]")
    assert "States.ALL matches every error: it stands alone in errors" in error


@pytest.mark.parametrize("old,new,where", [
    ("    mode_hyperparameter: mode\n", "", "id: blazingtext"),  # modes whose hyperparameter is unsaid
    ("  - id: xgboost\n", "  - id: xgboost\n    mode_hyperparameter: mode\n", "id: xgboost"),  # no modes
])
def test_modes_and_their_hyperparameter_go_together(rules_copy: Path, old: str, new: str, where: str) -> None:
    """The requests write model.mode under the algorithm's mode_hyperparameter, so an algorithm with modes names
    it and one without modes has none."""
    path = rules_copy / "knowledge" / "algorithms.yaml"
    replace_in(path, old, new)
    [error] = _errors(rules_copy)
    assert error.startswith(f"rules/knowledge/algorithms.yaml:{line_of(path, where)}: algorithms[")
    assert error.endswith("modes and mode_hyperparameter go together: the modes are the values of that "
                          "hyperparameter")


@pytest.mark.parametrize("values,complaint", [
    ("[3, 6, 12, 16, 48, 24]", "values are listed once each, in ascending order"),
    ("[3, 6, 12, 16, 24, 48, 96]", "values run from 3 to 96, outside min and max"),
])
def test_a_limits_values_are_ascending_and_within_its_bounds(rules_copy: Path, values: str, complaint: str) -> None:
    path = rules_copy / "knowledge" / "lambda_limits.yaml"
    replace_in(path, "values: [3, 6, 12, 16, 24, 48]", f"values: {values}")
    [error] = _errors(rules_copy)
    assert error.startswith(f"rules/knowledge/lambda_limits.yaml:{line_of(path, f'values: {values}')}: ")
    assert error.endswith(complaint)
