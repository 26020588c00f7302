"""The control catalog: every path resolves in AWS's own schemas, anchors and severities agree with Security Hub,
every Security Hub control for SageMaker and Lambda is covered, and a control without its default is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from advisor.audit.links import LINKED
from advisor.errors import KnowledgeError
from advisor.knowledge.botocore_fields import resolve_field
from advisor.knowledge.cfn_fields import resolve_property
from advisor.knowledge.loader import load_knowledge, validate_knowledge
from tests.conftest import line_of, replace_in

K = load_knowledge()

#: Security Hub CSPM's severities (user guide pages sagemaker-controls.html, lambda-controls.html and
#: stepfunctions-controls.html).
SECURITY_HUB = {
    "SageMaker.1": "high", "SageMaker.2": "high", "SageMaker.3": "high", "SageMaker.4": "medium",
    "SageMaker.5": "medium", "SageMaker.6": "low", "SageMaker.7": "low", "SageMaker.8": "medium",
    "SageMaker.9": "medium", "SageMaker.10": "medium", "SageMaker.11": "medium", "SageMaker.12": "medium",
    "SageMaker.13": "medium", "SageMaker.14": "medium", "SageMaker.15": "medium", "SageMaker.16": "medium",
    "SageMaker.17": "medium", "SageMaker.18": "medium", "SageMaker.19": "medium", "SageMaker.20": "high",
    "SageMaker.21": "medium", "SageMaker.22": "medium", "SageMaker.23": "medium", "SageMaker.24": "medium",
    "SageMaker.25": "high",
    "Lambda.1": "critical", "Lambda.2": "medium", "Lambda.3": "low", "Lambda.5": "medium", "Lambda.6": "low",
    "Lambda.7": "low", "StepFunctions.1": "medium",
}


def _settings():  # type: ignore[no-untyped-def]
    return [pytest.param(c, s, id=f"{c.id}:{s.operation}.{s.field}") for c in K.security_controls for s in c.settings]


@pytest.mark.parametrize(("control", "setting"), _settings())
def test_condition_fields_and_values_resolve_in_botocore(control, setting) -> None:  # type: ignore[no-untyped-def]
    shape = resolve_field(setting.service, setting.operation, setting.field)
    enum = getattr(shape, "enum", None) or []
    for value in setting.values:
        if enum and value not in (-1,):
            assert value in enum, f"{setting.path}: {value!r} not in botocore's enum"
    for condition in (*setting.when, *setting.satisfied_by):
        if condition.field:
            head, _, rest = condition.field.partition(".")
            if (setting.operation, head) in LINKED:  # put there by the audit from another request
                source = LINKED[(setting.operation, head)]
                if isinstance(source, tuple) and rest:
                    resolve_field(source[0], source[1], rest)
                continue
            resolve_field(setting.service, setting.operation, condition.field)


@pytest.mark.parametrize(("control", "setting"), _settings())
def test_every_cloudformation_path_resolves_in_cfn_lint_schemas(control, setting) -> None:  # type: ignore[no-untyped-def]
    sam_cannot_set = {(e.sam_type, e.property): e.generated for e in K.sam_cannot_set}
    for resource_type, path in setting.cfn.items():
        generated = sam_cannot_set.get((resource_type, path.split(".", 1)[0]))
        if generated:  # SAM has no such property; the resource it generates has, and leaves it out
            with pytest.raises(LookupError):
                resolve_property(resource_type, path)
        resolve_property(generated or resource_type, path)
    for condition in (*setting.when, *setting.satisfied_by):
        for resource_type, path in condition.cfn.items():
            head, _, rest = path.partition(".")
            if (resource_type, head) in LINKED:  # put there by the audit from another resource
                source = LINKED[(resource_type, head)]
                if isinstance(source, str) and rest:
                    resolve_property(source, rest)
                continue
            resolve_property(resource_type, path)


def test_a_misspelt_cloudformation_path_does_not_resolve() -> None:
    with pytest.raises(LookupError, match="AWS::SageMaker::NotebookInstance has no property 'DirectInternetAcess'"):
        resolve_property("AWS::SageMaker::NotebookInstance", "DirectInternetAcess")
    with pytest.raises(LookupError, match="no resource type"):
        resolve_property("AWS::SageMaker::TrainingJob", "EnableNetworkIsolation")


def test_severity_is_security_hubs_where_it_has_the_control() -> None:
    wrong = [(c.id, c.anchors.securityhub, c.severity, SECURITY_HUB[c.anchors.securityhub])
             for c in K.security_controls if c.anchors.securityhub in SECURITY_HUB
             and c.severity != SECURITY_HUB[c.anchors.securityhub]]
    assert not wrong
    # one Security Hub control per catalog control, so its severity can be Security Hub's
    assert all(c.anchors.securityhub in SECURITY_HUB or c.anchors.securityhub == "EC2.6"
               for c in K.security_controls if c.anchors.securityhub)


def test_sources_cite_public_references_not_the_projects_notes() -> None:
    """A learner (drills show `source`) or an auditor must be able to open what a control cites."""
    notes = [c.id for c in K.security_controls if "shared/" in c.source]
    notes += [g.condition_key for g in K.guard_rails if "shared/" in g.source]
    assert not notes
    for c in K.security_controls:
        if c.anchors.securityhub in SECURITY_HUB:
            service, number = c.anchors.securityhub.split(".")
            page = f"securityhub/latest/userguide/{service.lower()}-controls.html#{service.lower()}-{number}"
            assert re.search(re.escape(page) + r"(?!\d)", c.source), c.id
            assert f"{c.anchors.securityhub} ({SECURITY_HUB[c.anchors.securityhub].capitalize()})" in c.source, c.id


def test_every_security_hub_control_for_sagemaker_and_lambda_is_covered() -> None:
    covered = {c.anchors.securityhub for c in K.security_controls}
    assert set(SECURITY_HUB) - covered == set()


def test_the_domain_control_anchors_the_rule_that_checks_its_field() -> None:
    domain = K.security_control("SM-DOM-01")
    assert [s.field for s in domain.settings] == ["AppNetworkAccessType"]
    assert domain.anchors.config_rule == "sagemaker-domain-in-vpc"
    assert domain.anchors.checkov is None and domain.anchors.prowler is None
    assert K.security_control("SM-DOM-02").anchors.checkov == "CKV_AWS_187"
    assert K.security_control("SM-DOM-03").anchors.prowler == "sagemaker_domain_sso_configured"


def test_settings_with_a_literal_value_state_what_aws_does_without_it() -> None:
    # absent fields are judged by AWS's default: the notebook's DirectInternetAccess absent is Enabled
    nb02 = K.security_control("SM-NB-02").settings[0]
    assert (nb02.value, nb02.aws_default, nb02.judged_by) == ("Disabled", "Enabled", "equals")


def test_a_control_without_its_default_is_refused_located(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "security_controls.yaml"
    replace_in(path, "        value: Disabled\n        aws_default: Enabled\n", "        value: Disabled\n")
    line = line_of(path, "field: DirectInternetAccess") - 1
    with pytest.raises(KnowledgeError) as info:
        validate_knowledge(rules_copy)
    problems = [str(p) for p in info.value.problems]
    assert problems == [f"rules/knowledge/security_controls.yaml:{line}: security_controls[1].settings[0].aws_default: "
                        "is required"], problems


def test_what_sam_cannot_set_is_knowledge_and_the_audit_reads_it_from_there(rules_copy: Path) -> None:
    """The SAM fact lives in the controls' file with its source; the audit's catalog takes it from there, and an
    entry no control reads (a stale fact) is a located load error."""
    from advisor.audit.catalog import catalog_of

    entry = next(e for e in K.sam_cannot_set if e.sam_type == "AWS::Serverless::StateMachine")
    assert entry.generated == "AWS::StepFunctions::StateMachine" and "sam-resource-statemachine" in entry.source
    assert catalog_of(K).sam_cannot_set == {("AWS::Serverless::StateMachine", "EncryptionConfiguration"):
                                            "AWS::StepFunctions::StateMachine"}
    path = rules_copy / "knowledge" / "security_controls.yaml"
    replace_in(path, "    property: EncryptionConfiguration\n", "    property: Definition\n")
    with pytest.raises(KnowledgeError) as info:
        validate_knowledge(rules_copy)
    assert [str(p) for p in info.value.problems] == [
        f"rules/knowledge/security_controls.yaml:{line_of(path, 'property: Definition')}: sam_cannot_set[0].property: "
        "no control reads Definition in AWS::Serverless::StateMachine: the entry says nothing"]
