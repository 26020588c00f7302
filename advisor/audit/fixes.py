"""`--format patch`: unified diffs that set the passing literal, in CloudFormation (YAML or JSON) and Terraform.

Only fixes with a literal value are patched (DirectInternetAccess: Disabled, enable_network_isolation = true,
each production variant's InitialInstanceCount: 2); a KMS key or a subnet is yours to choose, so those findings
keep their textual fix. A value already present is replaced where it stands; an absent one is inserted before
the first key of the deepest mapping on its path that exists (the resource's properties, a list item, a nested
block), with the missing levels created, in that mapping's own style (block or flow YAML, JSON, HCL).

Every patched file is read back with the audit's own reader before its diff is printed: each patched field must
then hold its passing value, or the file is left alone and its findings are listed as not patched.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.audit.model import Finding, PathKey
from advisor.audit.readers.terraform import code_lines

_KEY = re.compile(r"^(\s*)([A-Za-z_][A-Za-z0-9_-]*)(\s*[:=]\s*)(.*)$")
_FIELD_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
#: A scalar written on one line: what a replacement may overwrite (never a mapping, list or multi-line value).
_YAML_SCALAR = re.compile(
    r"""^(\s*:\s*)("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#{}\[\],&*!|>][^#{}\[\],]*?)(\s*(?:#.*)?)$""")
_JSON_SCALAR = re.compile(r"""^(\s*:\s*)("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null)""")


class _CannotPlace(Exception):
    """The change cannot be made safely in this file's text: the finding keeps its textual fix."""


def patches(findings: list[Finding], base: Path, paths: Mapping[str, Path] | None = None) -> tuple[str, list[str]]:
    """The unified diff for every patchable failing finding, and notes on those left as text. `paths`: the file
    behind a shown name that is not the name itself (`AuditReport.paths`)."""
    by_file: dict[str, list[Finding]] = {}
    notes = []
    for f in findings:
        if f.status != "fail":
            continue
        if f.want is None or f.kind not in ("cloudformation", "terraform") or not f.file \
                or f.file.lower().endswith(".tf.json"):  # Terraform's JSON syntax: no HCL edits in JSON
            if f.fix:
                why = "patches are not written into Terraform JSON" if f.want is not None \
                    else f"the field needs the resource declared as {f.declare_as}" if f.declare_as \
                    else "the value is yours to choose"
                notes.append(f"{f.file or 'live'}:{f.line or ''} {f.resource} {f.control}: {f.fix} (edit by hand: "
                             f"{why})")
            continue
        by_file.setdefault(f.file, []).append(f)
    out = []
    for shown, items in by_file.items():
        path = (paths or {}).get(shown) or (Path(shown) if Path(shown).is_absolute() else base / shown)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            notes.append(f"{shown}: cannot read ({getattr(exc, 'strerror', None) or exc})")
            continue
        patch = _patch_cfn if items[0].kind == "cloudformation" else _patch_tf
        after, failed = patch(shown, text, items)
        notes.extend(f"{shown}:{f.line} {f.resource} {f.control}: {f.fix} (could not place the change)"
                     for f in failed)
        if after != text:
            out.append("".join(difflib.unified_diff(text.splitlines(keepends=True), after.splitlines(keepends=True),
                                                    f"a/{shown}", f"b/{shown}")))
    return "".join(out), notes


def field_path(field: str) -> PathKey:
    """`ProductionVariants[0].InitialInstanceCount` -> ("ProductionVariants", 0, "InitialInstanceCount")."""
    return tuple(int(index) if index else name for name, index in _FIELD_PART.findall(field))


def _passes(f: Finding, value: Any) -> bool:
    if isinstance(f.want, bool):
        return value is f.want or str(value).lower() == str(f.want).lower()
    if isinstance(f.want, (int, float)) and not isinstance(value, bool):
        try:
            return float(value) >= float(f.want)
        except (TypeError, ValueError):
            return False
    return str(value) == str(f.want)


def _value_at(properties: Any, path: PathKey) -> Any:
    node = properties
    for part in path:
        if isinstance(node, list) and isinstance(part, str) and len(node) == 1:
            node = node[0]  # a Terraform block parses as a list of one mapping
        if _has(node, part):
            node = node[part]
        else:
            return None
    return node[0] if isinstance(node, list) and len(node) == 1 and not isinstance(node[0], dict) else node


def _verified(items: list[Finding], before: str, after: str, read: Callable[[str], list[Any]]) -> bool:
    """Whether the patched text reads back with every patched field at its passing value, and no list on a
    patched path grew (a patch sets a value; it never adds a second block or item beside one that was there)."""
    try:
        old = {r.name: r for r in read(before)}
        new = {r.name: r for r in read(after)}
    except Exception:  # any failure to read the result means: do not offer this patch
        return False
    return all(f.resource in new and f.resource in old
               and _passes(f, _value_at(new[f.resource].properties, field_path(f.field)))
               and _same_shape(old[f.resource].properties, new[f.resource].properties, field_path(f.field))
               for f in items)


def _same_shape(before: Any, after: Any, path: PathKey) -> bool:
    for part in path:
        if isinstance(before, list) and isinstance(after, list) and len(before) != len(after):
            return False
        if isinstance(part, str) and isinstance(before, list) and len(before) == 1 and isinstance(after, list):
            before, after = before[0], after[0]  # a Terraform block: a list of one mapping
        if not (_has(before, part) and _has(after, part)):
            return True  # from here on the patch created the path
        before, after = before[part], after[part]
    return True


# ---- CloudFormation: YAML (block or flow) and JSON, placed by the decoder's marks ------------------------------

def _patch_cfn(shown: str, text: str, items: list[Finding]) -> tuple[str, list[Finding]]:
    from advisor.audit.readers import BadInput
    from advisor.audit.readers.cloudformation import decode, read_template

    try:
        template = decode(text)
    except BadInput:
        return text, items
    is_json = text.lstrip().startswith("{")
    lines = text.splitlines(keepends=True)

    def patch(chosen: list[Finding]) -> tuple[str, list[Finding]]:
        edits, failed = [], []
        for f in chosen:
            try:
                body = template["Resources"][f.resource]
                edits.append(_cfn_edit(lines, body, ("Properties", *field_path(f.field)), f.want, is_json))
            except (_CannotPlace, KeyError, TypeError):
                failed.append(f)
        return _apply(lines, edits), failed

    return _checked(text, items, patch, lambda t: read_template(shown, t))


def _checked(text: str, items: list[Finding], patch: Callable[[list[Finding]], tuple[str, list[Finding]]],
             read: Callable[[str], list[Any]]) -> tuple[str, list[Finding]]:
    """All the changes if the file reads back right with them; else those that read back right one by one
    (and then together); a change that does not is left out, its finding listed as not patched."""
    after, failed = patch(items)
    placed = [f for f in items if f not in failed]
    if not placed or _verified(placed, text, after, read):
        return after, failed
    good = [f for f in placed if _verified([f], text, patch([f])[0], read)]
    after, _ = patch(good)
    if good and _verified(good, text, after, read):
        return after, [f for f in items if f not in good]
    return text, items


@dataclass(frozen=True, slots=True)
class _Edit:
    """At a 0-based line and column, drop `remove` characters and put `insert` there."""

    line: int
    column: int
    insert: str
    remove: int = 0


def _cfn_edit(lines: list[str], body: Any, path: PathKey, want: Any, is_json: bool) -> _Edit:
    """The edit that sets `path` (from the resource's body) to `want`."""
    node, depth = body, 0
    while depth < len(path) and _has(node, path[depth]):
        parent, node = node, node[path[depth]]
        depth += 1
    if depth == len(path):  # present: replace the scalar written after its key
        key = next(k for k in parent if k == path[-1])
        line, column = key.start_mark.line, key.start_mark.column
        after_key = column + len(str(key)) + (1 if is_json else 0)  # JSON: past the key's closing quote
        found = (_JSON_SCALAR if is_json else _YAML_SCALAR).match(lines[line][after_key:].rstrip("\n"))
        if not isinstance(key, str) or not hasattr(key, "start_mark") or not found:
            raise _CannotPlace
        return _Edit(line, after_key + found.start(2), _literal(want, is_json), remove=found.end(2) - found.start(2))
    if not isinstance(node, dict) or not node:
        raise _CannotPlace  # a scalar, an intrinsic function or an empty mapping stands where the path goes on
    first = min(node, key=lambda k: (k.start_mark.line, k.start_mark.column) if hasattr(k, "start_mark") else (1e9, 0))
    if not hasattr(first, "start_mark"):
        raise _CannotPlace
    line, column = first.start_mark.line, first.start_mark.column - (1 if is_json else 0)
    prefix = lines[line][:column]
    rest = path[depth:]
    if any(isinstance(p, int) for p in rest):
        raise _CannotPlace  # an absent list item is not created: which item would it be?
    names = [str(p) for p in rest]
    if is_json:
        inline = _literal(want, True)
        for name in reversed(names[1:]):
            inline = f'{{"{name}": {inline}}}'
        if prefix.strip():
            return _Edit(line, column, f'"{names[0]}": {inline}, ')
        return _Edit(line, 0, f'{prefix}"{names[0]}": {inline},\n')
    if prefix.strip() not in ("", "-"):  # a flow mapping: {Key: value, ...}
        inline = _literal(want, False)
        for name in reversed(names[1:]):
            inline = f"{{{name}: {inline}}}"
        return _Edit(line, column, f"{names[0]}: {inline}, ")
    block = "".join(" " * (column + 2 * k) + f"{name}:" + (f" {_literal(want, False)}\n" if k == len(names) - 1
                                                             else "\n") for k, name in enumerate(names))
    if prefix.strip() == "-":  # the item's first key shares the dash: the new key takes the dash, the old its own line
        return _Edit(line, column, block[column:] + " " * column)
    return _Edit(line, 0, block)


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return isinstance(part, str) and part in node
    return isinstance(node, list) and isinstance(part, int) and part < len(node)


def _apply(lines: list[str], edits: list[_Edit]) -> str:
    """The text with every edit made, bottom-up and right to left so no edit moves another's place."""
    out = list(lines)
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        text = out[edit.line]
        out[edit.line] = text[:edit.column] + edit.insert + text[edit.column + edit.remove:]
    return "".join(out)


def _literal(value: Any, is_json: bool) -> str:
    if is_json:
        return json.dumps(value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str) and (value.isdigit() or value.lower() in ("true", "false", "yes", "no", "on", "off",
                                                                        "null", "~", "")):
        return f'"{value}"'
    return str(value)


# ---- Terraform: HCL blocks, placed by indentation ---------------------------------------------------------------

def _patch_tf(shown: str, text: str, items: list[Finding]) -> tuple[str, list[Finding]]:
    from advisor.audit.readers.terraform import read_tf

    def patch(chosen: list[Finding]) -> tuple[str, list[Finding]]:
        lines = text.splitlines(keepends=True)
        # bottom-up so earlier insertions do not move later lines
        ordered = sorted(chosen, key=lambda x: (x.line or 0, x.resource_line or 0), reverse=True)
        failed = [f for f in ordered if not _apply_tf(lines, f)]
        return "".join(lines), failed

    return _checked(text, items, patch, lambda t: read_tf(shown, t))


def _apply_tf(lines: list[str], f: Finding) -> bool:
    parts = field_path(f.field)
    leaf = parts[-1]
    value = json.dumps(f.want)
    if f.line and f.line != f.resource_line and f.line <= len(lines):
        match = _KEY.match(lines[f.line - 1].rstrip("\n"))
        if match and match.group(2) == leaf:  # the field is there: replace its value
            lines[f.line - 1] = f"{match.group(1)}{leaf}{match.group(3)}{value}\n"
            return True
    if not f.resource_line:
        return False
    if f.resource_type.startswith("awscc_") and sum(isinstance(p, str) for p in parts) > 1:
        return False  # the awscc provider nests objects as attributes (`a = { b = ... }`), not as blocks
    return _insert_tf(lines, f.resource_line, parts, value)


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _insert_tf(lines: list[str], start: int, parts: PathKey, value: str) -> bool:
    """Insert `name = value` into the resource block, inside the nested blocks the path names (the n-th block of
    that name where the path gives an index), creating the blocks that are missing."""
    where = start - 1
    if not lines[where].rstrip().endswith("{"):
        return False
    indent = _indent(lines[where])
    steps: list[tuple[str, int]] = []
    for i, part in enumerate(parts):
        if isinstance(part, str):
            index = parts[i + 1] if i + 1 < len(parts) and isinstance(parts[i + 1], int) else 0
            steps.append((part, int(index)))
    for depth, (name, index) in enumerate(steps):
        found = None
        depth_indent = None
        seen = 0
        for i in code_lines(lines, where + 1, len(lines)):
            text = lines[i]
            if text.strip() == "}" and _indent(text) <= indent:
                break
            if _indent(text) <= indent:
                continue  # a multi-line value's line written at the margin
            depth_indent = depth_indent or _indent(text)
            if _indent(text) == depth_indent and re.match(rf"^\s*{re.escape(name)}\s*\{{\s*$", text):
                if seen == index:
                    found = i
                    break
                seen += 1
        if found is None or depth == len(steps) - 1:
            if found is None and index > 0:
                return False  # the n-th block is not there to put the value in
            pad = " " * (depth_indent or indent + 2)
            rest = [n for n, _ in steps[depth:]]
            new = [pad + "  " * k + f"{block} {{\n" for k, block in enumerate(rest[:-1])]
            new.append(pad + "  " * (len(rest) - 1) + f"{rest[-1]} = {value}\n")
            new += [pad + "  " * k + "}\n" for k in reversed(range(len(rest) - 1))]
            lines[where + 1:where + 1] = new
            return True
        where, indent = found, _indent(lines[found])
    return False
