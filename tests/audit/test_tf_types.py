"""Terraform type constraints (readers/tf_types.py): what `optional(type, default)` adds to a variable's value."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.audit import audit_paths
from advisor.audit.readers.tf_types import parse_type, with_defaults
from advisor.audit.readers.tf_values import Scope
from advisor.knowledge.loader import load_knowledge

K = load_knowledge()


@pytest.mark.parametrize("text", [
    # python-hcl2's rendering of `map(object({internet = bool, imdsv2 = optional(bool, true)}))`
    '${map(object({"internet": "bool", "imdsv2": "${optional(bool, true)}"}))}',
    # the same in HCL text, as a .tf.json file writes it
    "map(object({internet = bool, imdsv2 = optional(bool, true)}))",
])
def test_an_absent_or_null_optional_attribute_takes_its_default(text: str) -> None:
    given = {"fraud": {"internet": False}, "ads": {"internet": True, "imdsv2": False}, "web": {"imdsv2": None}}
    assert with_defaults(given, parse_type(text, Scope({}, {}).expression)) == {
        "fraud": {"internet": False, "imdsv2": True}, "ads": {"internet": True, "imdsv2": False},
        "web": {"imdsv2": True}}


def test_nested_optionals_fill_in_the_default_and_null_without_one() -> None:
    node = parse_type('list(object({name = string, size = optional(number, 20), note = optional(string),'
                      ' inner = optional(object({x = optional(string, "d")}), {})}))', Scope({}, {}).expression)
    assert with_defaults([{"name": "a"}], node) == [{"name": "a", "size": 20, "note": None, "inner": {"x": "d"}}]


@pytest.mark.parametrize("text", ["string", "list(string)", "object({a = string})", "map(", "fancy(string)"])
def test_a_type_without_optionals_or_not_understood_leaves_the_value_alone(text: str) -> None:
    value = {"a": None, "b": [1]}
    assert with_defaults(value, parse_type(text)) == value


def test_a_dynamic_block_over_an_optional_default_is_made(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('''variable "teams" {
  type = map(object({ imdsv2 = optional(bool, true) }))
  default = { a = {}, b = { imdsv2 = false } }
}
resource "aws_sagemaker_notebook_instance" "nb" {
  for_each = var.teams
  dynamic "instance_metadata_service_configuration" {
    for_each = each.value.imdsv2 ? [1] : []
    content {
      minimum_instance_metadata_service_version = "2"
    }
  }
}
''')
    found = {f.resource: f.status for f in audit_paths([tmp_path], K, tmp_path).findings if f.control == "SM-NB-05"}
    assert found == {'aws_sagemaker_notebook_instance.nb["a"]': "pass",
                     'aws_sagemaker_notebook_instance.nb["b"]': "fail"}
