"""Nested stacks (readers/cloudformation.py, nested_stacks): a child template in the audited tree is judged as the
parents that deploy it pass its parameters, each rule on the smallest tree that needs it."""

from __future__ import annotations

import json
from pathlib import Path

from advisor.audit import audit_paths
from advisor.knowledge.loader import load_knowledge

K = load_knowledge()

CHILD = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Access: {Type: String, Default: Enabled}
  Key: {Type: String}
Resources:
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      DirectInternetAccess: !Ref Access
      KmsKeyId: !Ref Key
"""


def _parent(stacks: str, resources: str = "") -> str:
    return ('AWSTemplateFormatVersion: "2010-09-09"\nConditions:\n  Never: !Equals [a, b]\nResources:\n'
            "  Key:\n    Type: AWS::KMS::Key\n" + resources + stacks)


def _verdicts(folder: Path, *paths: Path) -> dict[tuple[str, str], tuple[str, str]]:
    report = audit_paths(list(paths) or [folder], K, folder)
    assert not report.errors, report.errors
    return {(f.resource, f.control): (f.status, f.actual) for f in report.findings
            if f.control in ("SM-NB-01", "SM-NB-02")}


STACK = """  Lab:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./child.yaml
      Parameters: {Access: Disabled, Key: !GetAtt Key.Arn}
"""


def test_a_child_takes_its_parents_values_and_alone_its_own_defaults(tmp_path: Path) -> None:
    (tmp_path / "child.yaml").write_text(CHILD)
    alone = _verdicts(tmp_path)
    assert alone[("Nb", "SM-NB-02")][0] == "fail" and alone[("Nb", "SM-NB-01")][0] == "unknown"
    (tmp_path / "parent.yaml").write_text(_parent(STACK))
    deployed = _verdicts(tmp_path)
    assert deployed[("Nb", "SM-NB-02")] == ("pass", "'Disabled' (parameter Access from Lab in parent.yaml)")
    assert deployed[("Nb", "SM-NB-01")][0] == "pass"
    # the child named alone on the command line (a hook's changed file): its parent beside it is read for the
    # values it passes, not audited; a parent elsewhere is not looked for
    alone = audit_paths([tmp_path / "child.yaml"], K, tmp_path)
    assert {f.file for f in alone.findings} == {"child.yaml"}
    assert _verdicts(tmp_path, tmp_path / "child.yaml")[("Nb", "SM-NB-02")] == \
        ("pass", "'Disabled' (parameter Access from Lab in parent.yaml)")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "parent.yaml").rename(tmp_path / "stacks" / "parent.yaml")
    (tmp_path / "stacks" / "parent.yaml").write_text(_parent(STACK.replace("./child.yaml", "../child.yaml")))
    assert _verdicts(tmp_path)[("Nb", "SM-NB-02")][0] == "pass"  # the whole tree: found
    assert _verdicts(tmp_path, tmp_path / "child.yaml")[("Nb", "SM-NB-02")][0] == "fail"


def test_a_parameter_the_parent_leaves_out_keeps_the_childs_default(tmp_path: Path) -> None:
    (tmp_path / "child.yaml").write_text(CHILD)
    (tmp_path / "parent.yaml").write_text(_parent(STACK.replace("Access: Disabled", "Access: !Ref AWS::NoValue")))
    assert _verdicts(tmp_path)[("Nb", "SM-NB-02")][0] == "fail"


def test_several_parents_make_one_instance_each_and_remote_or_uncreated_stacks_none(tmp_path: Path) -> None:
    (tmp_path / "child.yaml").write_text(CHILD)
    second = STACK.replace("Lab:", "Sandbox:").replace("Access: Disabled", "Access: Enabled")
    remote = STACK.replace("Lab:", "Remote:").replace("./child.yaml", "https://s3.amazonaws.com/b/child.yaml")
    gone = STACK.replace("Lab:", "Gone:").replace("    Type: AWS::CloudFormation::Stack\n",
                                                  "    Type: AWS::CloudFormation::Stack\n    Condition: Never\n")
    (tmp_path / "parent.yaml").write_text(_parent(STACK + second + remote + gone))
    found = _verdicts(tmp_path)
    assert {name for name, _ in found} == {"Lab.Nb", "Sandbox.Nb"}
    assert found[("Lab.Nb", "SM-NB-02")][0] == "pass" and found[("Sandbox.Nb", "SM-NB-02")][0] == "fail"


def test_sam_applications_and_cdk_nested_stacks_name_their_child_too(tmp_path: Path) -> None:
    (tmp_path / "child.yaml").write_text(CHILD)
    sam = ("  Lab:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: child.yaml\n"
           "      Parameters: {Access: Disabled}\n")
    (tmp_path / "parent.yaml").write_text(_parent(sam).replace('"2010-09-09"\n',
                                                               '"2010-09-09"\nTransform: AWS::Serverless-2016-10-31\n'))
    assert _verdicts(tmp_path)[("Nb", "SM-NB-02")][0] == "pass"
    (tmp_path / "parent.yaml").unlink()
    cdk = {"Resources": {"LabNestedStack": {
        "Type": "AWS::CloudFormation::Stack",
        "Properties": {"TemplateURL": {"Fn::Join": ["", ["https://s3.", {"Ref": "AWS::Region"}, ".amazonaws.com/",
                                                         "cdk-assets/abc.json"]]},
                       "Parameters": {"Access": "Disabled"}},
        "Metadata": {"aws:cdk:path": "Parent/Lab.NestedStack/Resource", "aws:asset:path": "child.yaml",
                     "aws:asset:property": "TemplateURL"}}}}
    (tmp_path / "Parent.template.json").write_text(json.dumps(cdk))
    assert _verdicts(tmp_path)[("Nb", "SM-NB-02")][0] == "pass"
