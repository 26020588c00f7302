"""A plan's values known only after apply, read further from the plan's own `configuration` section
(readers/terraform.py, _Configured): each rule of that reading on the smallest plan that needs it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from advisor.audit import audit_paths
from advisor.knowledge.loader import load_knowledge

K = load_knowledge()
NOTEBOOK = "aws_sagemaker_notebook_instance"


def _plan(after_unknown: dict[str, Any], expressions: dict[str, Any] | None, module: str = "",
          calls: dict[str, Any] | None = None) -> dict[str, Any]:
    address = f"{module}{NOTEBOOK}.nb"
    after = {"name": "nb", "direct_internet_access": "Disabled", "instance_metadata_service_configuration": []}
    change = {"address": address, "type": NOTEBOOK, "name": "nb", "mode": "managed",
              "change": {"actions": ["create"], "after": after, "after_unknown": after_unknown}}
    planned = {"address": address, "type": NOTEBOOK, "name": "nb", "mode": "managed", "values": after}
    root: dict[str, Any] = {"resources": [planned]}
    if module:
        root = {"child_modules": [{"address": module.rstrip("."), "resources": [planned]}]}
    plan: dict[str, Any] = {"format_version": "1.2", "planned_values": {"root_module": root},
                            "resource_changes": [change]}
    if expressions is not None:
        resource = {"address": f"{NOTEBOOK}.nb", "type": NOTEBOOK, "name": "nb", "expressions": expressions}
        plan["configuration"] = {"root_module": {"resources": [resource]} if not module else {
            "module_calls": {module.split(".")[1].split("[")[0]: {"expressions": calls or {},
                                                                  "module": {"resources": [resource]}}}}}
    return plan


def _verdicts(tmp_path: Path, plan: dict[str, Any]) -> dict[tuple[str, str], str]:
    (tmp_path / "p.plan.json").write_text(json.dumps(plan))
    return {(f.control, f.field): f.status for f in audit_paths([tmp_path], K, tmp_path).findings}


UNKNOWN = {"kms_key_id": True, "platform_identifier": True, "security_groups": True,
           "instance_metadata_service_configuration": True}


def test_what_the_configuration_does_not_set_takes_aws_default_and_a_reference_is_set(tmp_path: Path) -> None:
    found = _verdicts(tmp_path, _plan(UNKNOWN, {"kms_key_id": {"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]},
                                                "direct_internet_access": {"constant_value": "Disabled"}}))
    assert found[("SM-NB-01", "kms_key_id")] == "pass"                 # aws_kms_key.k.arn: certainly set
    assert found[("SM-NB-06", "platform_identifier")] == "pass"        # not configured: notebook-al2023-v1
    assert found[("SM-NB-04", "security_groups")] == "fail"            # not configured: none of yours
    # a nested block known only after apply may come from a dynamic block: it stays unknown
    assert found[("SM-NB-05", "instance_metadata_service_configuration.minimum_instance_metadata_service_version")] \
        == "unknown"


@pytest.mark.parametrize(("expression", "status"), [
    ({"references": ["var.key"]}, "unknown"),                                   # a root variable: no resource
    ({"references": ["local.key"]}, "unknown"),
    ({"references": ["data.aws_kms_key.shared.arn", "data.aws_kms_key.shared"]}, "pass"),
    ({"references": ["var.flag", "aws_kms_key.k.arn", "aws_kms_key.k"]}, "unknown"),  # a conditional: maybe null
])
def test_only_another_resources_attribute_is_certainly_set(tmp_path: Path, expression: dict[str, Any],
                                                           status: str) -> None:
    found = _verdicts(tmp_path, _plan(UNKNOWN, {"kms_key_id": expression}))
    assert found[("SM-NB-01", "kms_key_id")] == status


def test_a_module_variable_is_followed_to_its_callers_argument(tmp_path: Path) -> None:
    module = 'module.lab["a"].'
    expressions = {"kms_key_id": {"references": ["var.key"]}}
    given = _verdicts(tmp_path, _plan(UNKNOWN, expressions, module, {"key": {"references": ["aws_kms_key.k.arn"]}}))
    opaque = _verdicts(tmp_path, _plan(UNKNOWN, expressions, module, {"key": {"references": ["var.outer"]}}))
    assert given[("SM-NB-01", "kms_key_id")] == "pass" and opaque[("SM-NB-01", "kms_key_id")] == "unknown"


def test_without_a_configuration_section_known_after_apply_stays_unknown(tmp_path: Path) -> None:
    found = _verdicts(tmp_path, _plan(UNKNOWN, None))
    assert {found[("SM-NB-01", "kms_key_id")], found[("SM-NB-06", "platform_identifier")]} == {"unknown"}


@pytest.mark.parametrize(("output", "status"), [
    ({"expression": {"references": ["aws_kms_key.this.arn", "aws_kms_key.this"]}}, "pass"),  # the module's key
    ({"expression": {"references": ["var.key"]}}, "unknown"),                # the module's own caller's argument
    ({"expression": {"constant_value": ""}}, "unknown"),
    (None, "unknown"),                                                       # not declared (a registry module)
])
def test_a_called_modules_output_is_followed_to_what_it_is_made_of(tmp_path: Path, output: Any,
                                                                   status: str) -> None:
    plan = _plan(UNKNOWN, {"kms_key_id": {"references": ["module.kms.key_arn", "module.kms"]}})
    plan["configuration"]["root_module"]["module_calls"] = {"kms": {"source": "./kms", "module": {
        "outputs": {"key_arn": output} if output else {}, "resources": []}}}
    assert _verdicts(tmp_path, plan)[("SM-NB-01", "kms_key_id")] == status


@pytest.mark.parametrize("reference", ['module.kms["a"].key_arn', "module.kms[0].key_arn"])
def test_an_output_of_one_instance_of_a_called_module_is_followed_too(tmp_path: Path, reference: str) -> None:
    """A call with for_each or count is read as `module.kms["a"].key_arn` or `module.kms[0].key_arn`: the output's
    expression is the same in every instance (the configuration section has no instance keys). It was unknown."""
    plan = _plan(UNKNOWN, {"kms_key_id": {"references": [reference, reference.rsplit(".", 1)[0], "module.kms"]}})
    plan["configuration"]["root_module"]["module_calls"] = {"kms": {"source": "./kms", "module": {
        "outputs": {"key_arn": {"expression": {"references": ["aws_kms_key.this.arn", "aws_kms_key.this"]}}},
        "resources": []}}}
    assert _verdicts(tmp_path, plan)[("SM-NB-01", "kms_key_id")] == "pass"
