"""Baselines: remember today's failing findings so a later run reports only new ones.

A finding is known by its fingerprint (control, file, resource, field), never by its line, so edits elsewhere
in a template do not resurrect it.
"""

from __future__ import annotations

import json
from pathlib import Path

from advisor.atomic import write_user_file
from advisor.audit.model import Finding
from advisor.documents import read_bytes
from advisor.errors import AuditError, Problem


def read_baseline(path: Path) -> set[str]:
    if not path.exists():
        raise AuditError(f"{path}: no such baseline file", hint="create it with --write-baseline")
    try:
        data = json.loads(read_bytes(path, str(path), AuditError).decode("utf-8"))  # bounded, like every input
    except UnicodeDecodeError as exc:
        raise AuditError(f"{path}: the baseline is not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise AuditError("the baseline is not JSON", problems=[Problem(exc.msg, str(path), exc.lineno)]) from None
    except RecursionError:  # json's decoder stops at Python's recursion limit, cleanly
        raise AuditError("the baseline is not one this program wrote",
                         problems=[Problem("nested too deeply", str(path))]) from None
    items = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise AuditError("the baseline has no findings list", problems=[Problem("expected {findings: [...]}",
                                                                                 str(path), 1)])
    return {str(i.get("fingerprint")) for i in items if isinstance(i, dict)}


def write_baseline(path: Path, findings: list[Finding]) -> int:
    failing = sorted((f for f in findings if f.status == "fail"), key=lambda f: f.fingerprint)
    data = {"version": 1, "findings": [{"fingerprint": f.fingerprint, "control": f.control, "file": f.file,
                                        "resource": f.resource, "field": f.field} for f in failing]}
    write_user_file(path, json.dumps(data, indent=2) + "\n")
    return len(failing)
