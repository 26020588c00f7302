"""Terraform's JSON syntax (`*.tf.json`, what CDKTF writes) is read with the native syntax's semantics: the same
variables, tfvars, locals, module calls (two deep), count, for_each and dynamic blocks give the same findings as
the `.tf` twin; errors and findings are at the line of the JSON key; fixes are in JSON; suppressions sit in `//`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.audit import audit_paths
from advisor.cli import main
from advisor.knowledge.loader import load_knowledge

K = load_knowledge()

NATIVE = {
    "main.tf": '''
variable "internet" {
  default = "Enabled"
}
variable "notebooks" {
  default = { lab = "ml.t3.medium", prod = "ml.m5.xlarge" }
}
locals {
  isolate = var.internet == "Disabled"
  tags    = { team = "ml" }
}
module "team" {
  source   = "./modules/team"
  access   = "Disabled"
  key_arn  = "arn:aws:kms:us-east-1:123456789012:key/abc"
}
resource "aws_sagemaker_notebook_instance" "lab" {
  name                   = "lab"
  role_arn               = "arn:aws:iam::123456789012:role/r"
  instance_type          = var.notebooks["lab"]
  direct_internet_access = var.internet
  root_access            = local.isolate ? "Disabled" : "Enabled"
  tags                   = local.tags
}
resource "aws_sagemaker_model" "never" {
  count                    = 0
  name                     = "never"
  execution_role_arn       = "arn:aws:iam::123456789012:role/r"
  enable_network_isolation = false
}
resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "arn:aws:iam::123456789012:role/r"
  runtime       = "python3.12"
  handler       = "app.handler"
  dynamic "vpc_config" {
    for_each = var.internet == "Enabled" ? [] : [1]
    content {
      subnet_ids         = ["subnet-1"]
      security_group_ids = ["sg-1"]
    }
  }
  tracing_config {
    mode = "Active"
  }
}
''',
    "terraform.tfvars": 'internet = "Disabled"\n',
    "modules/team/main.tf": '''
variable "access" {}
variable "key_arn" {}
module "notebook" {
  source = "../notebook"
  access = var.access
  key    = var.key_arn
}
''',
    "modules/notebook/main.tf": '''
variable "access" {}
variable "key" {
  default = ""
}
resource "aws_sagemaker_notebook_instance" "this" {
  name                   = "team"
  role_arn               = "arn:aws:iam::123456789012:role/r"
  instance_type          = "ml.t3.medium"
  direct_internet_access = var.access
  kms_key_id             = var.key == "" ? null : var.key
}
''',
}

JSON_SYNTAX = {
    "main.tf.json": {
        "variable": {"internet": {"default": "Enabled"},
                     "notebooks": {"default": {"lab": "ml.t3.medium", "prod": "ml.m5.xlarge"}}},
        "locals": {"isolate": "${var.internet == \"Disabled\"}", "tags": {"team": "ml"}},
        "module": {"team": {"source": "./modules/team", "access": "Disabled",
                            "key_arn": "arn:aws:kms:us-east-1:123456789012:key/abc"}},
        "resource": {
            "aws_sagemaker_notebook_instance": {"lab": {
                "name": "lab", "role_arn": "arn:aws:iam::123456789012:role/r",
                "instance_type": "${var.notebooks[\"lab\"]}", "direct_internet_access": "${var.internet}",
                "root_access": "${local.isolate ? \"Disabled\" : \"Enabled\"}", "tags": "${local.tags}"}},
            "aws_sagemaker_model": {"never": {
                "count": 0, "name": "never", "execution_role_arn": "arn:aws:iam::123456789012:role/r",
                "enable_network_isolation": False}},
            "aws_lambda_function": {"f": {
                "function_name": "f", "role": "arn:aws:iam::123456789012:role/r", "runtime": "python3.12",
                "handler": "app.handler",
                "dynamic": {"vpc_config": {"for_each": "${var.internet == \"Enabled\" ? [] : [1]}",
                                           "content": {"subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1"]}}},
                "tracing_config": {"mode": "Active"}}},
        },
    },
    "terraform.tfvars.json": {"internet": "Disabled"},
    "modules/team/main.tf.json": {
        "variable": {"access": {}, "key_arn": {}},
        "module": {"notebook": {"source": "../notebook", "access": "${var.access}", "key": "${var.key_arn}"}},
    },
    "modules/notebook/main.tf.json": {
        "variable": {"access": {}, "key": {"default": ""}},
        "resource": {"aws_sagemaker_notebook_instance": {"this": {
            "name": "team", "role_arn": "arn:aws:iam::123456789012:role/r", "instance_type": "ml.t3.medium",
            "direct_internet_access": "${var.access}", "kms_key_id": "${var.key == \"\" ? null : var.key}"}}},
    },
}


def _write(root: Path, files: dict[str, object]) -> Path:
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
    return root


def _seen(root: Path) -> list[tuple[str, str, str, str, str]]:
    report = audit_paths([root], K, root)
    assert not report.errors and not report.skipped, (report.errors, report.skipped)
    return sorted((f.resource, f.control, f.field, f.status, f.actual.replace("terraform.tfvars.json",
                                                                              "terraform.tfvars"))
                  for f in report.findings)


def test_a_tf_json_tree_gives_the_findings_of_its_native_twin(tmp_path: Path) -> None:
    native = _seen(_write(tmp_path / "hcl", NATIVE))
    assert native == _seen(_write(tmp_path / "json", JSON_SYNTAX))
    got = {(r, c, f): s for r, c, f, s, _a in native}
    # the semantics the twins share, spelled out: tfvars over the default, locals, a module two deep with the
    # caller's arguments, count = 0 not created, a dynamic block expanded over a known collection
    assert got[("aws_sagemaker_notebook_instance.lab", "SM-NB-02", "direct_internet_access")] == "pass"
    assert got[("aws_sagemaker_notebook_instance.lab", "SM-NB-03", "root_access")] == "pass"
    assert got[("module.team.module.notebook.aws_sagemaker_notebook_instance.this", "SM-NB-02",
                "direct_internet_access")] == "pass"
    assert got[("module.team.module.notebook.aws_sagemaker_notebook_instance.this", "SM-NB-01",
                "kms_key_id")] == "pass"
    assert not any(r.startswith("aws_sagemaker_model.never") for r, _c, _f in got)
    assert got[("aws_lambda_function.f", "LM-05", "vpc_config[0].subnet_ids")] == "pass"


def test_findings_are_at_the_json_keys_line_with_fixes_in_json(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, JSON_SYNTAX)
    text = (tmp_path / "main.tf.json").read_text().splitlines()
    report = audit_paths([tmp_path / "main.tf.json"], K, tmp_path)
    found = {(f.resource, f.control, f.field): f for f in report.findings}
    lab = found[("aws_sagemaker_notebook_instance.lab", "SM-NB-04", "subnet_id")]
    assert lab.status == "fail" and '"lab": {' in text[lab.line - 1] and lab.fix == '"subnet_id": <<private_subnet_id>>'
    tracing = found[("aws_lambda_function.f", "LM-08", "tracing_config[0].mode")]
    assert tracing.status == "pass" and '"mode": "Active"' in text[tracing.line - 1]
    dlq = found[("aws_lambda_function.f", "LM-09", "dead_letter_config.target_arn")]
    assert dlq.fix == '"dead_letter_config": {"target_arn": <<dead_letter_queue_arn>>}'
    # the patch format writes HCL: a JSON file is never patched, its fixes are listed to make by hand
    code = main(["audit", str(tmp_path / "main.tf.json"), "--format", "patch", "--base", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and "patches are not written into Terraform JSON" in err


def test_a_json_comment_suppresses_with_a_reason(tmp_path: Path) -> None:
    body = {"//": "advisor:skip=SM-NB-04 the lab only sees public data", "name": "nb", "role_arn": "r",
            "instance_type": "ml.t3.medium"}
    (tmp_path / "nb.tf.json").write_text(json.dumps({"resource": {"aws_sagemaker_notebook_instance": {"nb": body}}}))
    report = audit_paths([tmp_path], K, tmp_path)
    nb04 = [f for f in report.findings if f.control == "SM-NB-04"]
    assert nb04 and all(f.status == "suppressed" and f.justification == "the lab only sees public data"
                        for f in nb04)
    assert any(f.status == "fail" and f.control == "SM-NB-03" for f in report.findings)


@pytest.mark.parametrize(("text", "line", "reason"), [
    ('{\n  "resource": {\n    "aws_lambda_function": {\n      "f": {\n        "runtime": "python3.12",\n      }\n'
     '    }\n  }\n}\n', 6, "malformed JSON"),
    ('{\n  "resource": {\n    "aws_lambda_function": {\n      "f": "oops"\n    }\n  }\n}\n', 4,
     "resource.aws_lambda_function.f: Terraform's JSON syntax takes an object"),
    ('{\n  "resource": [1]\n}\n', 2, "resource: Terraform's JSON syntax takes an object"),
    ('[{"resource": {}}]\n', 1, "a Terraform JSON file is one JSON object"),
])
def test_a_broken_tf_json_is_an_error_at_its_line_beside_audited_files(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, line: int, reason: str) -> None:
    _write(tmp_path, JSON_SYNTAX)
    (tmp_path / "broken.tf.json").write_text(text)
    code = main(["audit", str(tmp_path), "--base", str(tmp_path), "--format", "json"])
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert code == 2 and data["summary"]["files"] == 3 and data["summary"]["fail"] > 0
    assert [(e["file"], e["line"]) for e in data["errors"]] == [("broken.tf.json", line)]
    assert reason in data["errors"][0]["reason"] and f"error: broken.tf.json:{line}: " in err
