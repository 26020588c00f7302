"""Names and text no output format can write as they stand: a file name whose bytes are not UTF-8 (Python carries
them as surrogate escapes) and a JSON or YAML escape that decodes to half of a surrogate pair. Each was an
internal error (exit 70) in some output format; now the name is shown escaped (`bad\\xff.tf`) in every format,
and the half character is a located skip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from advisor.cli import main

FORMATS = ("table", "json", "sarif", "junit", "markdown", "patch")
NOTEBOOK_TF = 'resource "aws_sagemaker_notebook_instance" "main" {\n  name = "x"\n}\n'
BAD_NAME = os.fsdecode(b"bad\xff.tf")  # the name as Python carries it: bad\udcff.tf
SHOWN = "bad\\xff.tf"


def _template(logical_id: str, value: str) -> str:
    """A JSON template written as text, so the escapes in `logical_id` and `value` stay escapes."""
    return ('{"Resources": {\n  "' + logical_id + '": {"Type": "AWS::SageMaker::NotebookInstance",\n'
            '    "Properties": {"RoleArn": "r",\n      "DirectInternetAccess": "' + value + '"}}}}\n')


@pytest.fixture()
def odd_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    try:
        (tmp_path / "tf").mkdir()
        (tmp_path / "tf" / BAD_NAME).write_text(NOTEBOOK_TF)
    except (OSError, UnicodeEncodeError):  # a file system that only takes UTF-8 names
        pytest.skip("this file system refuses names that are not UTF-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["audit", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("target", ["tf", f"tf/{BAD_NAME}"])
def test_a_file_name_that_is_not_utf8_is_shown_escaped_in_every_format(
        odd_repo: Path, capsys: pytest.CaptureFixture[str], fmt: str, target: str) -> None:
    code, out, err = _run(capsys, target, "--format", fmt)
    assert code == 1 and "internal error" not in err and "\udcff" not in out + err
    shown = f"tf/{SHOWN}"
    if fmt == "json":
        data = json.loads(out)
        assert {f["file"] for f in data["findings"]} == {shown}
        assert len({f["fingerprint"] for f in data["findings"]}) == len(data["findings"])
    elif fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {shown}
        assert "aws_sagemaker_notebook_instance" in results[0]["locations"][0]["physicalLocation"]["region"][
            "snippet"]["text"]  # the snippet is read from the real file behind the escaped name
    elif fmt == "junit":
        assert {s.get("name") for s in ET.fromstring(out).iter("testsuite")} == {shown}
    elif fmt == "patch":  # the diff is made from the real file, and names it escaped
        assert f"--- a/{shown}\n+++ b/{shown}\n" in out and '+  direct_internet_access = "Disabled"' in out
    else:
        assert shown in out
    out_file = odd_repo / f"report.{fmt}"
    assert main(["audit", target, "--format", fmt, "--output", str(out_file)]) == 1
    written = out_file.read_text(encoding="utf-8")
    assert (json.dumps(shown)[1:-1] if fmt in ("json", "sarif") else shown) in written


def test_a_baseline_names_the_file_escaped_and_matches_it_next_time(
        odd_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, "tf", "--write-baseline", "baseline.json", "--format", "json")
    assert code == 0 and "internal error" not in err
    baseline = json.loads((odd_repo / "baseline.json").read_text(encoding="utf-8"))
    assert {f["file"] for f in baseline["findings"]} == {f"tf/{SHOWN}"}
    code, out, _err = _run(capsys, "tf", "--baseline", "baseline.json", "--format", "json")
    assert code == 0 and not [f for f in json.loads(out)["findings"] if f["status"] == "fail"]


def test_a_missing_path_not_utf8_is_an_error_escaped(odd_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = _run(capsys, os.fsdecode(b"gone\xfe.yaml"), "tf", "--format", "json")
    assert code == 2 and "error: gone\\xfe.yaml: no such file or folder" in err  # named, so meant: not passed


@pytest.mark.parametrize("fmt", [*FORMATS, "baseline"])
@pytest.mark.parametrize(("logical_id", "value", "escape", "line"), [
    ("NB\\ud800", "Enabled", "\\ud800", 2),      # a high half as a logical id: every format printed it
    ("NB", "Enabled\\udc00", "\\udc00", 4),      # a low half as a value
    ("NB", "\\ude00\\ud83d", "\\ude00", 4),      # two halves in the wrong order are not a pair
])
def test_half_a_surrogate_pair_is_a_located_skip_in_every_format(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fmt: str,
        logical_id: str, value: str, escape: str, line: int) -> None:
    monkeypatch.chdir(tmp_path)
    Path("half.json").write_text(_template(logical_id, value), encoding="ascii")
    argv = ["--write-baseline", "b.json"] if fmt == "baseline" else ["--format", fmt]
    code, out, err = _run(capsys, "half.json", *argv)
    reason = f"half.json:{line}: the escape {escape} is half of a surrogate pair, not a character"
    assert code == 2 and "nothing could be audited" in err and reason in err
    assert "internal error" not in err and not Path("b.json").exists()
    # beside a good file: the good one is audited and reported, the bad one is an error at its line, exit 2
    Path("good.tf").write_text(NOTEBOOK_TF)
    code, out, err = _run(capsys, "half.json", "good.tf", *argv)
    said = " ".join((out + err).split())  # the table says it on stdout, wrapped to the terminal's width
    assert code == 2 and reason in said and "internal error" not in err


def test_a_surrogate_pair_and_escapes_that_are_not_escapes_are_audited(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("pair.json").write_text(_template("NB\\ud83d\\ude00", "Disabled"), encoding="ascii")
    # a YAML plain scalar and a Terraform string keep `\ud800` as six characters of text
    Path("plain.yaml").write_text("Resources:\n  NB:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n"
                                  "      RoleArn: r\\ud800\n")
    Path("escaped.tf").write_text('resource "aws_sagemaker_notebook_instance" "main" {\n  name = "x\\ud800"\n}\n')
    code, out, err = _run(capsys, "pair.json", "plain.yaml", "escaped.tf", "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["summary"]["files"] == 3 and data["skipped"] == [] and "internal error" not in err
    assert "NB\U0001f600" in {f["resource"] for f in data["findings"]}


def test_a_yaml_escape_of_half_a_pair_is_a_located_skip(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("half.yaml").write_text('Resources:\n  NB:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n'
                                 '      RoleArn: "r\\ud800"\n      DirectInternetAccess: "\\U0000dc00"\n')
    code, out, err = _run(capsys, "half.yaml", "--format", "sarif")
    assert code == 2 and json.loads(out)["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert "half.yaml:" in err and "internal error" not in err


@pytest.mark.parametrize("kind", ["plan", "requests"])
def test_half_a_pair_in_a_plan_or_a_request_file_is_a_located_skip(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    monkeypatch.chdir(tmp_path)
    if kind == "plan":
        text = ('{"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": {"root_module": {\n'
                '  "resources": [{"address": "aws_sagemaker_notebook_instance.n\\ud800", "mode": "managed",\n'
                '    "type": "aws_sagemaker_notebook_instance", "name": "n", "values": {"name": "x"}}]}}}\n')
    else:
        text = '{"CreateNotebookInstance": {"NotebookInstanceName": "x",\n  "RoleArn": "r\\udbff"}}\n'
    Path("input.json").write_text(text, encoding="ascii")
    code, out, err = _run(capsys, "input.json", "--format", "junit")
    assert code == 2 and "<error" in out and "is half of a surrogate pair" in err and "internal error" not in err
    assert f"input.json:{2}: the escape" in err


def test_the_process_never_exits_70_on_either(odd_repo: Path) -> None:
    """As a user runs it: a real process, a real (UTF-8) stdout."""
    Path("half.json").write_text(_template("NB\\ud800", "Enabled"), encoding="ascii")
    for fmt in FORMATS:
        done = subprocess.run([sys.executable, "-m", "advisor", "audit", "tf", "half.json", "--format", fmt],
                              capture_output=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=120)
        assert done.returncode == 2, (fmt, done.stderr)  # half.json is a template nobody could check
        shown = (json.dumps(SHOWN)[1:-1] if fmt in ("json", "sarif") else SHOWN).encode()
        assert b"Traceback" not in done.stderr and shown in done.stdout + done.stderr
        said = b" ".join((done.stdout + done.stderr).split())
        assert b"half.json:2: the escape \\ud800 is half of a surrogate pair" in said
