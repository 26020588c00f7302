"""Terraform's JSON syntax (`*.tf.json`, what CDKTF and other generators write), read into the shape python-hcl2
gives a `.tf` file, so both syntaxes are judged by the same code with the same semantics.

Terraform documents the JSON syntax as the native one spelled in JSON ("JSON Configuration Syntax"): the top-level
object's keys are block types (`resource`, `data`, `variable`, `locals`, `module`, ...); a block's labels are
nested object keys (`"resource": {"aws_x": {"name": {...}}}`); at every level an array of objects may stand for
several objects; every string is a template (`"${var.x}"`, `"arn-${local.a}"`), as python-hcl2 gives native
expressions; a nested block is an object or an array of objects; and a property named `//` is a comment.
Keys keep their lines (cfn-lint's JSON decoder), so findings and errors name the line of the JSON key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from advisor.audit.model import PathKey
from advisor.audit.readers import BadInput
from advisor.audit.readers.cloudformation import SKIP, SKIP_MARK

COMMENT = "//"
#: Block types whose two levels of labels (type, name) come before the body; others have one (name) or none.
_TWO_LABELS = frozenset({"resource", "data"})
_ONE_LABEL = frozenset({"variable", "module", "output", "provider"})


def parse(text: str) -> dict[str, Any]:
    """The file in python-hcl2's shape: `{"resource": [{type: {name: body}}], "variable": [{name: body}],
    "locals": [{...}], "module": [{name: body}]}`, each labelled body with `__start_line__` (its name's line)
    and `__end_line__`; BadInput at the line of what Terraform would refuse."""
    from advisor.audit.readers.cloudformation import decode

    if not text.lstrip().startswith("{"):
        raise BadInput("a Terraform JSON file is one JSON object (its first character is not `{`)", 1)
    try:
        root = decode(text)
    except BadInput as exc:
        raise BadInput(exc.reason.replace("not a readable template", "not valid Terraform JSON"), exc.line) from None
    if not isinstance(root, dict):
        raise BadInput("a Terraform JSON file is one JSON object", 1)
    tree: dict[str, Any] = {}
    for block_type, value in root.items():
        if block_type == COMMENT:
            continue
        labels = 2 if block_type in _TWO_LABELS else 1 if block_type in _ONE_LABEL else 0
        for body in _objects(value, f"{block_type}", block_type):
            if block_type == "locals":
                tree.setdefault("locals", []).append(plain(body))
            elif labels:
                tree.setdefault(str(block_type), []).append(_labelled(body, labels, str(block_type)))
    return tree


def _objects(value: Any, what: str, key: Any) -> Iterator[dict[str, Any]]:
    """A JSON object, or each object of an array of them (HCL's JSON syntax allows both at every level)."""
    if isinstance(value, dict):
        yield value
    elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
        yield from value
    else:
        raise BadInput(f"{what}: Terraform's JSON syntax takes an object (or an array of objects) here, not "
                       f"{_kind(value)}", line(key))


def _labelled(node: dict[str, Any], labels: int, what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for label, value in node.items():
        if label == COMMENT:
            continue
        if labels > 1:
            merged: dict[str, Any] = {}
            for body in _objects(value, f"{what}.{label}", label):
                merged.update(_labelled(body, labels - 1, f"{what}.{label}"))
            out[str(label)] = merged
            continue
        bodies = list(_objects(value, f"{what}.{label}", label))
        body = bodies[0] if bodies else {}
        converted = block(body)
        converted["__start_line__"] = line(label)
        converted["__end_line__"] = _end_line(body) or line(label)
        converted["__json__"] = body  # the nodes, for lines and `//` suppressions
        out[str(label)] = converted
    return out


def block(node: dict[str, Any]) -> dict[str, Any]:
    """A block body as python-hcl2 gives it: comments dropped, `dynamic` blocks (and their `content`) as lists
    of bodies, everything else plain data (a nested block stays an object: the checks read through both)."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == COMMENT:
            continue
        if key == "dynamic" and isinstance(value, (dict, list)):
            dynamic: dict[str, Any] = {}
            for labels in _objects(value, "dynamic", key):
                for label, spec in labels.items():
                    if label == COMMENT:
                        continue
                    for one in _objects(spec, f"dynamic.{label}", label):
                        converted = block(one)
                        content = one.get("content")
                        if content is not None:
                            converted["content"] = [block(c) for c in _objects(content, "content", label)]
                        dynamic[str(label)] = converted
            out["dynamic"] = [dynamic]
        else:
            out[str(key)] = plain(value)
    return out


def plain(value: Any) -> Any:
    """cfn-lint's nodes as plain dicts, lists and scalars (`//` comments dropped)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items() if k != COMMENT}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def line(node: Any) -> int | None:
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def _end_line(node: Any) -> int | None:
    mark = getattr(node, "end_mark", None)
    return mark.line + 1 if mark is not None else None


def _kind(value: Any) -> str:
    return {str: "a string", bool: "a boolean", type(None): "null", list: "an array"}.get(type(value), "a number")


def locator(body: dict[str, Any], start: int | None) -> Callable[[PathKey], int | None]:
    """The line of the JSON key a property path names (`vpc_config[0].subnet_ids`: a nested block written as an
    object is its own element 0); a `dynamic` block's content stands for the blocks it makes."""
    def line_of(path: PathKey) -> int | None:
        node: Any = body
        best = start
        for part in path:
            if isinstance(part, int):
                if isinstance(node, list) and part < len(node):
                    node = node[part]
                    best = line(node) or best
                elif not (isinstance(node, dict) and part == 0):
                    break
                continue
            if isinstance(node, dict) and part in node:
                key = next(k for k in node if k == part)
                best = line(key) or best
                node = node[part]
            elif isinstance(node, dict) and isinstance(node.get("dynamic"), dict) and part in node["dynamic"]:
                spec = node["dynamic"][part]
                key = next(k for k in node["dynamic"] if k == part)
                best = line(key) or best
                node = spec.get("content", spec) if isinstance(spec, dict) else spec
            else:
                break
        return best
    return line_of


def skips(body: dict[str, Any]) -> list[tuple[str, str]]:
    """`"//": "advisor:skip=SM-NB-04 reason"` (or a list of such comments) in a resource's body: JSON has no
    comments, and `//` is the property Terraform's JSON syntax keeps for them."""
    comment = body.get(COMMENT)
    texts = comment if isinstance(comment, list) else [comment]
    out = []
    for text in texts:
        if isinstance(text, str) and SKIP_MARK in text:
            found = SKIP.search("# " + text[text.index(SKIP_MARK):])
            if found:
                for control in re.split(r"\s*,\s*", found.group(1)):
                    out.append((control, found.group(2).strip() or "suppressed in the source"))
    return out


_NAME_BLOCK = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*) \{ ")
_NAME_VALUE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*) = ")


def fix_in_json(fix: str | None) -> str | None:
    """A fix written in native syntax (`vpc_config { subnet_ids = <<ids>> }`) as the JSON syntax spells it
    (`"vpc_config": {"subnet_ids": <<ids>>}`): a finding's fix is in its file's own syntax."""
    if fix is None:
        return None
    text = _NAME_BLOCK.sub(lambda m: f'"{m.group(1)}": {{', fix)
    text = _NAME_VALUE.sub(lambda m: f'"{m.group(1)}": ', text)
    return text.replace(" }", "}")
