"""`--format patch`: unified diffs that set the passing literal, in CloudFormation YAML and Terraform files.

Only fixes with a literal value are patched (DirectInternetAccess: Disabled, enable_network_isolation = true);
a KMS key or a subnet is yours to choose, so those findings keep their textual fix. A value already present is
replaced on its line; an absent one is inserted at the top of the resource's properties (CloudFormation) or
block (Terraform), nested blocks created as needed.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

from advisor.audit.model import Finding

_KEY = re.compile(r"^(\s*)([A-Za-z_][A-Za-z0-9_-]*)(\s*[:=]\s*)(.*)$")


def patches(findings: list[Finding], base: Path) -> tuple[str, list[str]]:
    """The unified diff for every patchable failing finding, and notes on those left as text."""
    by_file: dict[str, list[Finding]] = {}
    notes = []
    for f in findings:
        if f.status != "fail":
            continue
        if f.want is None or f.kind not in ("cloudformation", "terraform") or not f.file or "[]" in f.path:
            if f.fix:
                notes.append(f"{f.file or 'live'}:{f.line or ''} {f.resource} {f.control}: {f.fix} (edit by hand: "
                             "the value is yours to choose, or sits in a list)")
            continue
        by_file.setdefault(f.file, []).append(f)
    out = []
    for shown, items in by_file.items():
        path = Path(shown) if Path(shown).is_absolute() else base / shown
        try:
            before = path.read_text(encoding="utf-8").splitlines(keepends=True)
        except OSError as exc:
            notes.append(f"{shown}: cannot read ({exc.strerror})")
            continue
        if items[0].kind == "cloudformation" and before and before[0].lstrip().startswith("{"):
            notes.extend(f"{shown}:{f.line} {f.resource} {f.control}: {f.fix} (JSON templates are not patched)"
                         for f in items)
            continue
        after = list(before)
        # bottom-up so earlier insertions do not move later lines
        for f in sorted(items, key=lambda x: (x.line or 0, x.resource_line or 0), reverse=True):
            if not _apply(after, f):
                notes.append(f"{shown}:{f.line} {f.resource} {f.control}: {f.fix} (could not place the change)")
        if after != before:
            out.append("".join(difflib.unified_diff(before, after, f"a/{shown}", f"b/{shown}")))
    return "".join(out), notes


def _literal(f: Finding) -> str:
    value = f.want
    if f.kind == "terraform":
        return json.dumps(value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str) and (value.isdigit() or value.lower() in ("true", "false", "yes", "no")):
        return f'"{value}"'
    return str(value)


def _apply(lines: list[str], f: Finding) -> bool:
    parts = [p for p in f.path.split(".")]
    leaf = parts[-1]
    if f.line and f.line != f.resource_line and f.line <= len(lines):
        match = _KEY.match(lines[f.line - 1].rstrip("\n"))
        if match and match.group(2) == leaf:  # the field is there: replace its value
            lines[f.line - 1] = f"{match.group(1)}{leaf}{match.group(3)}{_literal(f)}\n"
            return True
    start = f.resource_line
    if not start:
        return False
    if f.kind == "cloudformation":
        return _insert_cfn(lines, start, parts, _literal(f))
    return _insert_tf(lines, start, parts, _literal(f))


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _insert_cfn(lines: list[str], start: int, parts: list[str], value: str) -> bool:
    base = _indent(lines[start - 1])
    end = len(lines)
    for i in range(start, len(lines)):
        if lines[i].strip() and not lines[i].lstrip().startswith("#") and _indent(lines[i]) <= base:
            end = i
            break
    props = next((i for i in range(start, end) if lines[i].strip().startswith("Properties:")), None)
    if props is None:
        step = _indent(lines[start]) - base if start < end else 2
        block = [" " * (base + step) + "Properties:\n"]
        lines[end:end] = block
        props, end = end, end + 1
    where, indent = props, _indent(lines[props])
    step = 2
    for depth, name in enumerate(parts):
        child_indent = None
        found = None
        for i in range(where + 1, end):
            text = lines[i]
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            if _indent(text) <= indent:
                break
            child_indent = child_indent or _indent(text)
            match = _KEY.match(text.rstrip("\n"))
            if match and _indent(text) == child_indent and match.group(2) == name:
                found = i
                break
        if found is None:
            pad = child_indent or indent + step
            new = []
            for k, rest in enumerate(parts[depth:]):
                last = k == len(parts) - depth - 1
                new.append(" " * (pad + k * step) + f"{rest}:" + (f" {value}\n" if last else "\n"))
            lines[where + 1:where + 1] = new
            return True
        where, indent = found, _indent(lines[found])
    return False


def _insert_tf(lines: list[str], start: int, parts: list[str], value: str) -> bool:
    where = start - 1
    if not lines[where].rstrip().endswith("{"):
        return False
    indent = _indent(lines[where])
    for depth, name in enumerate(parts):
        found = None
        depth_indent = None
        for i in range(where + 1, len(lines)):
            text = lines[i]
            if text.strip() == "}" and _indent(text) <= indent:
                break
            if not text.strip():
                continue
            depth_indent = depth_indent or _indent(text)
            if _indent(text) == depth_indent and re.match(rf"^\s*{re.escape(name)}\s*\{{\s*$", text):
                found = i
                break
        if found is None or depth == len(parts) - 1:
            pad = " " * (depth_indent or indent + 2)
            new = []
            rest = parts[depth:]
            for k, block in enumerate(rest[:-1]):
                new.append(pad + "  " * k + f"{block} {{\n")
            new.append(pad + "  " * (len(rest) - 1) + f"{rest[-1]} = {value}\n")
            for k in reversed(range(len(rest) - 1)):
                new.append(pad + "  " * k + "}\n")
            lines[where + 1:where + 1] = new
            return True
        where, indent = found, _indent(lines[found])
    return False
