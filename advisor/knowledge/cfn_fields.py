"""Resolve CloudFormation property paths in cfn-lint's resource schemas (installed, no network).

The control catalog names, per resource type, where each field lives in a template; this is how a test proves
each path exists in the schema CloudFormation (and SAM) publishes, rather than trusting our spelling.
"""

from __future__ import annotations

from typing import Any


def _schema(resource_type: str) -> dict[str, Any]:
    # deferred: cfn-lint's schemas load only when CloudFormation fields are read
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    try:
        schema: dict[str, Any] = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
        return schema
    except Exception as exc:  # cfn-lint raises ResourceNotFoundError
        raise LookupError(f"cfn-lint has no resource type {resource_type!r}") from exc


def resolve_property(resource_type: str, path: str) -> dict[str, Any]:
    """The schema node at `path` below `Properties`; raises LookupError naming the first bad part."""
    schema = _schema(resource_type)

    def deref(node: dict[str, Any]) -> dict[str, Any]:
        while True:
            if "$ref" in node:
                target: Any = schema
                for part in node["$ref"].removeprefix("#/").split("/"):
                    target = target[part]
                node = target
            elif "allOf" in node and len(node["allOf"]) == 1 and "properties" not in node:
                node = node["allOf"][0]
            else:
                return node

    def members(node: dict[str, Any]) -> dict[str, Any]:
        found = dict(node.get("properties", {}))
        for alternative in node.get("anyOf", []) + node.get("oneOf", []):
            found.update(deref(alternative).get("properties", {}))
        return found

    node: dict[str, Any] = {"properties": schema.get("properties", {})}
    walked = resource_type
    for part in path.split("."):
        is_list = part.endswith("[]")
        name = part[:-2] if is_list else part
        node = deref(node)
        if node.get("type") == "array" and "items" in node:  # a list read through without [] (SAM, Terraform style)
            node = deref(node["items"])
        props = members(node)
        if name not in props:
            raise LookupError(f"{walked} has no property {name!r}")
        node = deref(props[name])
        walked += f".{name}"
        if is_list:
            if "items" not in node:
                raise LookupError(f"{walked} is not a list")
            node = deref(node["items"])
            walked += "[]"
    return node
