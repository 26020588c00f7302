"""Inputs an expert would write (CloudFormation with parameters, conditions and SAM Globals, Terraform with
variables, locals, dynamic blocks and local modules, plans, request files), each with the findings written by
hand from AWS documentation before the audit was run on it (data/expert/expected.yaml says why)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor.audit import audit_paths
from advisor.cli import main
from advisor.knowledge.loader import load_knowledge

K = load_knowledge()
EXPERT = Path(__file__).parent / "data" / "expert"
EXPECTED: dict[str, Any] = yaml.safe_load((EXPERT / "expected.yaml").read_text())
#: a second set, written the same way (CDK, SAM, for_each/count, modules two deep, .tf.json, plans, boto3)
MORE: dict[str, Any] = yaml.safe_load((EXPERT / "expected-more.yaml").read_text())
#: a third (awscc, inline monitoring definitions, monitoring in a VPC, the form of a referenced ARN, NVMe types)
THIRD: dict[str, Any] = yaml.safe_load((EXPERT / "expected-r11.yaml").read_text())
#: a fourth (Studio sharing and security groups, HyperPod, registry, edge, workforces, partner apps, dataset
#: definitions, Lambda Managed Instances and durable functions)
FOURTH: dict[str, Any] = yaml.safe_load((EXPERT / "expected-r12.yaml").read_text())
#: a fifth (conditions from parameter defaults, imports, a nested stack, SAM Globals overridden, CDK metadata,
#: Terraform modules called twice, for_each/count/dynamic over variables and tfvars, plans known after apply)
FIFTH: dict[str, Any] = yaml.safe_load((EXPERT / "expected-r13.yaml").read_text())
#: a sixth (Step Functions around Lambda and SageMaker, pipelines, feature groups, Studio profiles, capture, async and
#: shadow variants, function URLs, layers and event source mappings, asynchronous invocation settings, serverless
#: models, CDK, Terraform for_each/dynamic/modules/CDKTF, plans known after apply, request files)
SIXTH: dict[str, Any] = yaml.safe_load((EXPERT / "expected-r14.yaml").read_text())
#: a seventh (Studio network modes and sharing, feature-store tiers, the registry, inline monitoring, tuning steps,
#: lifecycle scripts, function URLs, stream failure destinations, serverless endpoint keys, values chosen at deploy
#: time, registry modules, plans known after apply, several tuning definitions)
SEVENTH: dict[str, Any] = yaml.safe_load((EXPERT / "expected-r15.yaml").read_text())
#: an eighth (Fn::If to AWS::NoValue on defaults, a nested stack's child, Fn::ForEach with Mappings,
#: DefinitionSubstitutions, spaces, model cards and packages, monitoring by name, permissions of S3 and organizations,
#: logging OFF, Terraform null versus false versus absent, dynamic blocks over empty lists, modules with count 0, awscc
#: nested attributes, plans)
EIGHTH: dict[str, Any] = yaml.safe_load((EXPERT / "expected-r16.yaml").read_text())
FILES: dict[str, Any] = {**EXPECTED["files"], **MORE["files"], **THIRD["files"], **FOURTH["files"], **FIFTH["files"],
                         **SIXTH["files"], **SEVENTH["files"], **EIGHTH["files"]}
_ENTRY = re.compile(r"^(\S+) (\S+)$")
_VERDICT = re.compile(r"^(pass|fail|unknown|suppressed|none)(?: (\d+))?$")


def _expected(resources: dict[str, dict[str, str]]) -> dict[tuple[str, str, str], tuple[str, int | None]]:
    out = {}
    for resource, checks in resources.items():
        for key, verdict in (checks or {}).items():
            control, field = _ENTRY.match(key).groups()  # type: ignore[union-attr]
            status, line = _VERDICT.match(str(verdict)).groups()  # type: ignore[union-attr]
            out[(resource, control, field)] = (status, int(line) if line else None)
    return out


@pytest.mark.parametrize("target", sorted(FILES))
def test_expert_input_gets_the_findings_written_from_the_docs(target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXPERT)
    report = audit_paths([Path(target)], K, base=EXPERT)
    assert not report.skipped, [str(s) for s in report.skipped]
    assert not report.errors, [str(s) for s in report.errors]
    want = _expected(FILES[target])
    listed = {resource for resource, _c, _f in want}
    got = {(f.resource, f.control, f.field): f for f in report.findings if f.resource in listed}
    problems = []
    for key, (status, line) in want.items():
        finding = got.get(key)
        if status == "none":
            if finding is not None:
                problems.append(f"{key}: fired ({finding.status} {finding.actual}), expected not to")
            continue
        if finding is None:
            problems.append(f"{key}: no finding, expected {status}")
        elif finding.status != status or (line is not None and finding.line != line):
            problems.append(f"{key}: {finding.status} at line {finding.line} ({finding.actual}), "
                            f"expected {status}{f' at line {line}' if line else ''}")
    for key, finding in got.items():
        if finding.status != "pass" and key not in want:
            problems.append(f"{key}: unexpected {finding.status} at line {finding.line} ({finding.actual})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(EXPECTED["bad"]))
def test_a_bad_input_is_a_located_refusal_not_a_traceback(name: str, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(EXPERT)
    line = EXPECTED["bad"][name]
    code = main(["audit", name])
    _out, err = capsys.readouterr()
    assert code == 2 and "Traceback" not in err
    assert f"{name}{f':{line}' if line else ''}: " in err, err
