"""Every control, in every input kind that can express it, passes its must-pass fixture, fails each must-fail
fixture and stays silent where its condition is false: exact sets, per control and resource type."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.audit import audit_paths
from advisor.audit.checks import awscc_path, awscc_type
from advisor.knowledge.loader import load_knowledge
from tests.audit.catalog_fixtures import (
    Case,
    cases,
    write_awscc,
    write_cloudformation,
    write_plan,
    write_requests,
    write_terraform,
    write_terraform_json,
)

K = load_knowledge()
#: Terraform attributes whose value is a map (written `x = {...}`), not a nested block.
TF_MAPS = {"tags", "environment.variables"}

CFN = cases(K.security_controls, lambda s: s.cfn, lambda c, t: c.cfn.get(t))
TF = cases(K.security_controls, lambda s: s.tf, lambda c, t: c.tf.get(t))
REQ = cases(K.security_controls, lambda s: {s.operation: s.field}, lambda c, t: c.field)
#: The awscc provider, generated from the CloudFormation registry: each CloudFormation type and path in snake_case.
AWSCC = cases(K.security_controls,
              lambda s: {awscc_type(t): awscc_path(p) for t, p in s.cfn.items() if awscc_type(t)},
              lambda c, t: next((awscc_path(p) for ct, p in c.cfn.items() if awscc_type(ct) == t), None))


def _verdicts(report, case: Case, name_of) -> tuple[set[str], set[str], set[str]]:  # type: ignore[no-untyped-def]
    passed, failed, fired = set(), set(), set()
    for f in report.findings:
        if f.control != case.control:
            continue
        name = name_of(f)
        fired.add(name)
        if f.status == "fail":
            failed.add(name)
        elif f.status == "pass":
            passed.add(name)
    passed -= failed
    return passed, failed, fired


def _check(case: Case, report, name_of) -> None:  # type: ignore[no-untyped-def]
    assert not report.skipped, report.skipped
    passed, failed, fired = _verdicts(report, case, name_of)
    assert passed == case.must_pass, f"{case.control} {case.resource_type}: passed {passed}"
    assert failed == case.must_fail, f"{case.control} {case.resource_type}: failed {failed}"
    assert not (fired & case.must_not_fire), f"{case.control} fired on {fired & case.must_not_fire}"


@pytest.mark.parametrize("case", CFN, ids=lambda c: f"{c.control}:{c.resource_type}")
def test_cloudformation(case: Case, tmp_path: Path) -> None:
    write_cloudformation(case, tmp_path)
    _check(case, audit_paths([tmp_path], K, tmp_path), lambda f: f.resource)


@pytest.mark.parametrize("case", TF, ids=lambda c: f"{c.control}:{c.resource_type}")
def test_terraform(case: Case, tmp_path: Path) -> None:
    write_terraform(case, tmp_path, TF_MAPS)
    _check(case, audit_paths([tmp_path], K, tmp_path), lambda f: f.resource.split(".", 1)[1])


@pytest.mark.parametrize("case", TF, ids=lambda c: f"{c.control}:{c.resource_type}")
def test_terraform_json_syntax(case: Case, tmp_path: Path) -> None:
    """The same fixtures as `.tf.json`: each control fires and stays silent as on the native syntax, and the
    twins give the same findings (resource, field, status, value), only the lines being each file's own."""
    (tmp_path / "hcl").mkdir()
    (tmp_path / "json").mkdir()
    write_terraform_json(case, tmp_path / "json")
    report = audit_paths([tmp_path / "json"], K, tmp_path / "json")
    _check(case, report, lambda f: f.resource.split(".", 1)[1])
    write_terraform(case, tmp_path / "hcl", TF_MAPS)
    native = audit_paths([tmp_path / "hcl"], K, tmp_path / "hcl")

    def seen(r):  # type: ignore[no-untyped-def]
        return sorted((f.resource, f.control, f.field, f.status, f.actual) for f in r.findings)

    assert seen(report) == seen(native)
    assert all(f.line for f in report.findings if f.status == "fail")


@pytest.mark.parametrize("case", TF, ids=lambda c: f"{c.control}:{c.resource_type}")
def test_terraform_plan(case: Case, tmp_path: Path) -> None:
    write_plan(case, tmp_path, TF_MAPS)
    _check(case, audit_paths([tmp_path], K, tmp_path), lambda f: f.resource.split(".", 1)[1])


@pytest.mark.parametrize("case", AWSCC, ids=lambda c: f"{c.control}:{c.resource_type}")
def test_terraform_awscc(case: Case, tmp_path: Path) -> None:
    """Every control on every CloudFormation type it reads is read on that type's awscc resource too, written as
    the awscc provider takes it (nested objects as attributes), and in a plan of it."""
    write_awscc(case, tmp_path)
    _check(case, audit_paths([tmp_path], K, tmp_path), lambda f: f.resource.split(".", 1)[1])
    (tmp_path / "plan").mkdir()
    write_plan(case, tmp_path / "plan", set())
    _check(case, audit_paths([tmp_path / "plan"], K, tmp_path / "plan"), lambda f: f.resource.split(".", 1)[1])


@pytest.mark.parametrize("case", REQ, ids=lambda c: f"{c.control}:{c.resource_type}")
def test_requests(case: Case, tmp_path: Path) -> None:
    write_requests(case, tmp_path)
    _check(case, audit_paths([tmp_path], K, tmp_path), lambda f: Path(f.file).stem.split("-")[-1])


def test_every_judged_control_has_fixtures_in_some_kind() -> None:
    judged = {c.id for c in K.security_controls if any(s.judged_by != "review" for s in c.settings)}
    assert judged == {c.control for c in REQ}
    assert len(CFN) >= 50 and len(TF) >= 35
