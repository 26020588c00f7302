"""CloudFormation and SAM templates through cfn-lint's own decoder: YAML or JSON, short-form intrinsics, and a
line for every key. Intrinsic functions stay as they are and are judged unknown."""

from __future__ import annotations

import re
from typing import Any

from advisor.audit.model import PathKey, Resource
from advisor.audit.readers import BadInput

SKIP = re.compile(r"#\s*advisor:skip=([A-Z0-9-]+(?:\s*,\s*[A-Z0-9-]+)*)\s*(.*)")


def _decode(text: str) -> Any:
    from cfnlint.decode.decode import decode_str

    template, matches = decode_str(text)
    if matches:
        first = matches[0]
        raise BadInput(f"not a readable template: {first.message}", getattr(first, "linenumber", None))
    return template


def read_template(shown: str, text: str) -> list[Resource]:
    template = _decode(text)
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise BadInput("no Resources section: not a CloudFormation template")
    lines = text.splitlines()
    resources = []
    for name, body in template["Resources"].items():
        if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
            continue
        props = body.get("Properties", {})
        if not isinstance(props, dict):
            props = {}
        start, end = _span(body, lines)
        resources.append(Resource(
            kind="cloudformation", type=str(body["Type"]), name=str(name), properties=props, file=shown,
            line=_line(name) or start, end_line=end, line_of=_locator(props),
            suppressions=tuple(_metadata_skips(body)) + tuple(_comment_skips(lines, _line(name) or start, end))))
    return resources


def _line(node: Any) -> int | None:
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def _span(node: Any, lines: list[str]) -> tuple[int | None, int | None]:
    """First and last line of a node. A block mapping ends where the next key starts: that line is not its own."""
    start, end = getattr(node, "start_mark", None), getattr(node, "end_mark", None)
    if end is None:
        return (start.line + 1 if start else None), None
    before = lines[end.line][:end.column] if end.line < len(lines) else ""
    last = end.line if not before.strip() else end.line + 1
    return (start.line + 1 if start else None), max(last, start.line + 1 if start else last)


def _locator(props: dict[str, Any]):  # type: ignore[no-untyped-def]
    def line_of(path: PathKey) -> int | None:
        node: Any = props
        best = None
        for part in path:
            if isinstance(node, dict) and isinstance(part, str) and part in node:
                key = next(k for k in node if k == part)
                best = _line(key) or best
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
                best = _line(node) or best
            else:
                break
        return best
    return line_of


def _metadata_skips(body: dict[str, Any]) -> list[tuple[str, str]]:
    """`Metadata: {advisor: {skip: [{id: SM-NB-02, reason: ...}]}}` (checkov's `checkov: skip:` shape, ours)."""
    meta = body.get("Metadata")
    if not isinstance(meta, dict):
        return []
    ours = meta.get("advisor")
    skips = ours.get("skip") if isinstance(ours, dict) else None
    out = []
    for item in skips if isinstance(skips, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out.append((item["id"], str(item.get("reason") or item.get("comment") or "suppressed in Metadata")))
    return out


def _comment_skips(lines: list[str], start: int | None, end: int | None) -> list[tuple[str, str]]:
    """`# advisor:skip=ID reason` on the comment lines just above the resource or inside it."""
    if not start:
        return []
    first = start - 1
    while first > 0 and lines[first - 1].strip().startswith("#"):
        first -= 1
    last = end or start
    while last > start and (not lines[last - 1].strip() or lines[last - 1].lstrip().startswith("#")):
        last -= 1  # comments after a resource belong to the next one
    out = []
    for text in lines[first:last]:
        found = SKIP.search(text)
        if found:
            for control in re.split(r"\s*,\s*", found.group(1)):
                out.append((control, found.group(2).strip() or "suppressed in the source"))
    return out
