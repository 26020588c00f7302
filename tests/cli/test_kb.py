"""`advisor kb ...` as a user runs it: exit codes, formats, and plain errors for every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from advisor.cli import main
from tests.conftest import replace_in, run_cli


def test_validate_shipped(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "validate"]) == 0
    assert "385 instance types" in capsys.readouterr().out


@pytest.mark.parametrize("what", ["families", "types", "controls", "lambda", "exams"])
def test_show_json_and_yaml_are_the_same_data(what: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", what, "--format", "json"]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert main(["kb", "show", what, "--format", "yaml"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == as_json
    assert as_json and all("source" in row and "as_of" in row for row in as_json)


def test_show_table_and_filters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", "types", "--family", "inf", "--stage", "training"]) == 0
    assert "ml.inf" not in capsys.readouterr().out  # no Inferentia type trains
    assert main(["kb", "show", "types", "--family", "inf", "--format", "json"]) == 0
    assert {r["family"] for r in json.loads(capsys.readouterr().out)} == {"inf"}
    assert main(["kb", "show", "families"]) == 0
    assert "T = Tiny" in capsys.readouterr().out


def test_unknown_filter_value_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", "types", "--family", "zz"]) == 2
    assert "unknown family 'zz'" in capsys.readouterr().err


BAD_INPUTS = {
    "malformed": ("exams.yaml", "minutes: 180", "minutes: [180", "malformed YAML"),
    "wrong type": ("instance_types.yaml", "vcpu: 2\n", "vcpu: two\n", "vcpu: must be a whole number, got 'two'"),
    "unknown key": ("exams.yaml", "minutes: 180", "minuets: 180", "minuets: is not a known field"),
    "duplicate id": ("lambda_limits.yaml", "id: timeout", "id: memory", "duplicate limit id 'memory'"),
    "dangling family": ("instance_types.yaml", "family: g\n", "family: gpu\n", "names the unknown family 'gpu'"),
    "python tag": ("exams.yaml", "minutes: 180", "minutes: !!python/object/apply:os.system ['true']",
                   "is not allowed"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_knowledge_gives_a_located_error_and_exit_2(case: str, rules_copy: Path) -> None:
    name, old, new, expected = BAD_INPUTS[case]
    replace_in(rules_copy / "knowledge" / name, old, new)
    result = run_cli("kb", "validate", str(rules_copy), cwd=rules_copy.parent)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert f"rules/knowledge/{name}:" in result.stderr and expected in result.stderr, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00bad", ("a0: &a [x, x]\n" + "".join(
    f"a{i}: &a{i} [*a{i - 1 if i > 1 else ''}, *a{i - 1 if i > 1 else ''}]\n" for i in range(1, 30))).encode()],
    ids=["empty", "not-utf8", "alias-bomb"])
def test_unreadable_files_exit_2_without_traceback(content: bytes, rules_copy: Path) -> None:
    (rules_copy / "knowledge" / "families.yaml").write_bytes(content)
    result = run_cli("kb", "validate", str(rules_copy), cwd=rules_copy.parent)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "rules/knowledge/families.yaml" in result.stderr


@pytest.mark.slow
def test_show_reads_a_broken_dir_as_an_error_not_a_crash(rules_copy: Path) -> None:
    replace_in(rules_copy / "knowledge" / "exams.yaml", "minutes: 180", "minutes: -1")
    result = run_cli("kb", "show", "exams", "--dir", str(rules_copy), "--format", "json", cwd=rules_copy.parent)
    assert result.returncode == 2 and "exams[0].minutes: must be at least 1, got -1" in result.stderr


@pytest.mark.parametrize(("workload_name", "botocore_name"),
                         [("realtime_inference", "hosting"), ("batch_inference", "batch_transform"),
                          ("tuning", "training")])
def test_types_by_workload_stage_or_botocore_name_are_the_same(
        workload_name: str, botocore_name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", "types", "--stage", workload_name, "--format", "json"]) == 0
    by_workload = json.loads(capsys.readouterr().out)
    assert main(["kb", "show", "types", "--stage", botocore_name, "--format", "json"]) == 0
    assert by_workload == json.loads(capsys.readouterr().out)
    assert by_workload and all(botocore_name in row["stages"] for row in by_workload)


def test_types_of_the_serverless_stage_say_it_has_none(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", "types", "--stage", "serverless_inference"]) == 2
    assert "serverless_inference runs on no instance type" in capsys.readouterr().err
    assert main(["kb", "show", "types", "--stage", "async_inference", "--format", "json"]) == 0
    assert all("hosting" in row["stages"] for row in json.loads(capsys.readouterr().out))


def test_types_of_an_unknown_stage_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["kb", "show", "types", "--stage", "lab"])
    assert exit_info.value.code == 2
    assert "realtime_inference" in capsys.readouterr().err


@pytest.mark.parametrize("what", ["algorithms", "hosting"])
def test_show_new_knowledge_as_json_yaml_and_table(what: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", what, "--format", "json"]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert main(["kb", "show", what, "--format", "yaml"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == as_json
    assert as_json and all("source" in row and "as_of" in row for row in as_json)
    assert main(["kb", "show", what]) == 0
    table = capsys.readouterr().out
    assert ("deepar" in table and "train cbow" in table) if what == "algorithms" else "Serverless" in table


def test_show_hosting_lists_every_capability_the_knowledge_states_and_why_one_model(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Every capability of an option (CAPABILITY_WORDS: several models, serial pipeline, ...) is in its row,
    unless the knowledge leaves it unsaid, and an option that serves one model says why, in AWS's terms."""
    from advisor.knowledge.loader import load_knowledge
    from advisor.knowledge.models import CAPABILITY_WORDS

    assert main(["kb", "show", "hosting"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    for option in load_knowledge().hosting_options:
        if option.serves_one_model:
            assert f"{option.name}: {option.serves_one_model}" in out
    assert "several models" in out and "one model" in out and "serial pipeline" in out and "one variant" in out
    assert set(CAPABILITY_WORDS) == {"gpu", "vpc", "network_isolation", "scale_to_zero", "persistent",
                                     "data_capture", "multiple_variants", "several_models", "serial_pipeline"}


def test_show_lambda_puts_the_modes_side_by_side(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "show", "lambda"]) == 0
    out = capsys.readouterr().out
    assert "managed" in out and "durable" in out and "128-32,768" in out and "1-5,400" in out
    assert "Lambda Managed Instances (LMI):" in out


def test_controls_table_fits_80_columns_and_breaks_field_paths_only_at_dots(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["kb", "show", "controls"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert main(["kb", "show", "controls", "--format", "json"]) == 0
    names = {part for row in json.loads(capsys.readouterr().out) for s in row["settings"]
             for part in (s["operation"], *s["field"].replace("[]", "").split("."))}
    for name in names:  # every operation and field name stands whole on some line of the table
        assert name in out, name


def test_a_rules_folder_with_a_file_name_that_is_not_utf8(rules_copy: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The knowledge cache key hashes every file's name: one whose bytes are not UTF-8 is a name too (this was
    exit 70 in `kb show --dir`); a broken file under such a name is a located error naming it escaped."""
    import os

    decisions = rules_copy / "decisions"
    try:
        renamed = decisions / os.fsdecode(b"batch\xff.yaml")
        (decisions / "batch.yaml").rename(renamed)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    for fmt in ("table", "json"):
        assert main(["kb", "show", "families", "--dir", str(rules_copy), "--format", fmt]) == 0
    assert main(["kb", "validate", str(rules_copy)]) == 0
    capsys.readouterr()
    with renamed.open("a", encoding="utf-8") as f:
        f.write("bad: [\n")
    assert main(["kb", "show", "families", "--dir", str(rules_copy)]) == 2
    assert "batch\\udcff.yaml:" in capsys.readouterr().err


def test_schemas_says_what_it_wrote_and_when_nothing_changed(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A second `advisor kb schemas` (or the first in a fresh install) printed nothing: it now says why."""
    assert main(["kb", "schemas", "--out", str(tmp_path)]) == 0
    assert f"wrote {tmp_path / 'workload.schema.json'}" in capsys.readouterr().out
    assert main(["kb", "schemas", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"{tmp_path}: every schema is up to date\n"
