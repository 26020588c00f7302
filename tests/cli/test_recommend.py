"""`advisor recommend` and `advisor explain` as a user runs them: the JSON contract, formats, bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from advisor.cli import main
from tests.conftest import run_cli

EXAMPLE = str(Path(__file__).resolve().parents[2] / "examples" / "workloads" / "fraud-detector.yaml")


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", EXAMPLE, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    training = data["instances"]["training"]
    assert {"instance_type", "instance_count", "price_per_hour_usd", "alternatives"} <= set(training)
    assert all({"instance_type", "reason"} <= set(a) for a in training["alternatives"])
    assert all({"control", "api", "field", "value", "severity"} <= set(s) for s in data["security"])
    assert data["lambda"]["verdict"] in ("fits", "fits_with_changes", "does_not_fit")
    assert all({"limit", "need", "max", "ok"} <= set(c) for c in data["lambda"]["checks"])
    assert data["trace"] and {"decision", "rules", "selected"} <= set(data["trace"][0])
    condition = next(c for t in data["trace"] for r in t["rules"] for c in r["conditions"])
    assert {"field", "op", "expected", "actual", "result"} <= set(condition)


def test_other_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", EXAMPLE, "--format", "yaml"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["workload"] == "fraud-detector"
    assert main(["recommend", EXAMPLE, "--format", "markdown"]) == 0
    assert "## Security settings" in capsys.readouterr().out
    assert main(["recommend", EXAMPLE]) == 0
    assert "why it lost" in capsys.readouterr().out


def test_stage_and_region_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", EXAMPLE, "--format", "json", "--stage", "training", "--region", "eu-west-1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data["instances"]) == ["training"] and data["region"] == "eu-west-1"


def test_stage_takes_botocores_names_as_a_workload_file_does(capsys: pytest.CaptureFixture[str]) -> None:
    """`stages: [hosting]` in a file is realtime_inference; `--stage hosting` was refused as an invalid choice."""
    assert main(["recommend", EXAMPLE, "--format", "json", "--stage", "hosting", "--stage", "batch_transform",
                 "--no-cache"]) == 0
    assert list(json.loads(capsys.readouterr().out)["instances"]) == ["realtime_inference", "batch_inference"]


@pytest.mark.skipif(sys.platform != "linux", reason="a file name that is not UTF-8 is a Linux file system's")
@pytest.mark.parametrize("command", ["recommend", "explain", "requests"])
def test_a_file_name_that_is_not_utf8_is_shown_as_its_bytes(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The name Python carries as `\\udce9t\\udce9.yaml` is shown as the bytes it holds, as audit shows names."""
    import os

    path = tmp_path / os.fsdecode(b"\xe9t\xe9.yaml")
    path.write_text("stages: [trainng]\n")
    assert main([command, str(path)]) == 2
    assert main([command, str(tmp_path / os.fsdecode(b"missing\xe9.yaml"))]) == 2
    err = capsys.readouterr().err
    assert "\\xe9t\\xe9.yaml:1: stages[0]" in err and "missing\\xe9.yaml: no such file" in err
    assert "udce9" not in err


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", EXAMPLE, "--decision", "training.family"]) == 0
    out = capsys.readouterr().out
    assert "+ train-xgboost-cpu selected" in out and "- train-in-memory unmatched" in out
    assert "derived.working_set_gb lt 32 (actual 8.0)" in out
    assert main(["explain", EXAMPLE, "--decision", "nope"]) == 2
    assert "(did you mean" not in capsys.readouterr().err


@pytest.mark.parametrize(("typed", "meant"), [("training", "training.family"), ("Security.Controls",
                                              "security.controls"), ("lamda.check", "lambda.check")])
def test_explain_a_decision_mistyped_is_told_the_one_meant(
        typed: str, meant: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", EXAMPLE, "--decision", typed, "--no-cache"]) == 2
    assert f"no decision {typed!r} in this recommendation (did you mean {meant!r}?)" in capsys.readouterr().err


def test_explain_on_a_terminal_wraps_at_its_width_and_piped_keeps_a_line_per_rule(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """On an 80-column terminal a rule's reason was one 300-character line that the terminal broke mid-word at
    column 0, under which its conditions were lost; piped, each rule and condition stays one line for grep."""
    assert main(["explain", EXAMPLE, "--decision", "training.family"]) == 0
    piped = capsys.readouterr().out
    assert any(len(line) > 80 for line in piped.splitlines())
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["explain", EXAMPLE, "--decision", "training.family"]) == 0
    shown = capsys.readouterr().out
    lines = shown.splitlines()
    assert all(len(line) <= 80 for line in lines) and shown.split() == piped.split()  # the same words
    rule = next(i for i, line in enumerate(lines) if line.startswith("  + train-xgboost-cpu selected"))
    assert lines[rule + 1].startswith("    ") and not lines[rule + 1].startswith("     ")  # under the rule's text
    assert any(line.startswith("      ok  ") for line in lines[rule + 1:rule + 8])  # its conditions still deeper


def test_explain_says_why_lambda_was_or_was_not_checked(capsys: pytest.CaptureFixture[str]) -> None:
    examples = Path(EXAMPLE).parent
    assert main(["explain", str(examples / "churn-quick-train.yaml"), "--decision", "lambda.check"]) == 0
    out = capsys.readouterr().out
    assert "lambda.check:" in out and "selected: none" in out
    assert "- lc-realtime unmatched" in out and 'stages contains "realtime_inference" (actual ["training"])' in out
    assert main(["explain", str(examples / "sporadic-scoring.yaml"), "--decision", "lambda.check"]) == 0
    assert "+ lc-realtime selected" in capsys.readouterr().out


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("stages: [notebook]\n"))
    assert main(["recommend", "-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["instances"]["notebook"]["family"] == "t"


@pytest.mark.slow
@pytest.mark.parametrize(("content", "expected"), [
    ("stages: [training]\nmodel: {kind: deep}\n", "w.yaml:2: model.kind: must be one of"),
    ("stages: [training]\ntraining: {max_hour: 3}\n", "did you mean 'max_hours'?"),
    ("", "holds no YAML document"),
    ("stages: [training]\nx: !!python/name:os.system\n", "is not allowed"),
    # a name's rule in the questionnaire's words, not as the regular expression it is checked with
    ("name: ünïcødé-名前\nstages: [training]\n", "w.yaml:1: name: use only letters, digits, '.', '_' and '-', "
                                                   "starting with a letter or a digit, got 'ünïcødé-名前'"),
])
def test_bad_workload_exits_2_without_traceback(tmp_path: Path, content: str, expected: str) -> None:
    (tmp_path / "w.yaml").write_text(content)
    result = run_cli("recommend", "w.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr


@pytest.mark.slow
def test_missing_file(tmp_path: Path) -> None:
    result = run_cli("recommend", "nope.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "nope.yaml: no such file" in result.stderr


@pytest.mark.parametrize("command", ["recommend", "explain", "requests"])
def test_an_unknown_region_option_is_refused_first_with_the_known_ones(
        command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, EXAMPLE, "--region", "eu-mars-1"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("Usage error: --region: 'eu-mars-1' is not a region where SageMaker runs")
    assert "did you mean 'eu-south-1' or 'eu-west-1'?" in captured.err and "us-west-2" in captured.err


def test_every_error_title_names_the_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "w.yaml"
    bad.write_text("stages: [training\ndata: {\n")
    assert main(["recommend", str(bad)]) == 2
    assert capsys.readouterr().err.splitlines()[0] == f"Invalid workload: {bad}:2: malformed YAML"
    bad.write_text("")
    assert main(["recommend", str(bad)]) == 2
    assert capsys.readouterr().err.splitlines()[0] == f"Invalid workload: {bad}:1: file is empty"
