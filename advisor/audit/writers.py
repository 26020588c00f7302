"""Findings out: a table grouped by resource, JSON, SARIF 2.1.0 for code scanning, JUnit XML for CI.

SARIF follows what GitHub code scanning reads: rule id = control id, `security-severity` with the `security`
tag on each rule, repo-relative URIs, a region with start/end lines and the resource's text as snippet,
`partialFingerprints` that do not depend on line numbers, and in-source suppressions as SARIF suppressions.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from advisor.__about__ import __version__
from advisor.audit import AuditReport
from advisor.audit.catalog import Catalog, catalog_of
from advisor.audit.model import SEVERITY_ORDER, Finding, unreadable
from advisor.render import table_for, terminal_console

if TYPE_CHECKING:
    from advisor.knowledge.models import Knowledge

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#: GitHub buckets security-severity as >9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, <=3.9 low.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
STATUS_ORDER = {"fail": 0, "unknown": 1, "suppressed": 2, "pass": 3}


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file or "", f.resource_line or 0, f.resource, STATUS_ORDER[f.status],
                                           -SEVERITY_ORDER[f.severity], f.control, f.field))


def to_json(report: AuditReport) -> str:
    """One finding per line: readable and diffable. Written by orjson: a run has thousands of findings, and the
    standard library's encoder spent as long on them as the checks did."""
    # deferred: only this format needs it
    import orjson

    def encode(value: object) -> bytes:
        return orjson.dumps(value, default=str)

    findings = b",\n    ".join(encode(f.as_data()) for f in _sorted(report.findings))
    skipped = b",\n    ".join(encode(s.as_data()) for s in report.skipped)
    errors = b",\n    ".join(encode(s.as_data()) for s in report.errors)
    return (b'{\n  "findings": [\n    ' + findings + b'\n  ],\n  "skipped": [\n    ' + skipped + b'\n  ],\n'
            b'  "errors": [\n    ' + errors + b'\n  ],\n'
            b'  "summary": ' + encode(report.summary()) + b"\n}\n").decode()


TABLE_HEADERS = ("status", "control", "severity", "field", "actual", "fix / reason")
STATUS_STYLES = {"fail": "red", "unknown": "yellow", "suppressed": "dim", "pass": "green"}


def _counted(count: Any, noun: str) -> str:
    """`1 file`, `2 files`: a summary's counts in words."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def print_table(report: AuditReport, *, show_passed: bool = False, console: Any = None) -> None:
    """A table per resource, as wide as the console: text wraps at spaces (advisor.render.table_for), so a field
    path or a fix is never cut inside a word, and rows too wide for six columns stand as blocks."""
    from rich.markup import escape
    from rich.text import Text

    console = console or terminal_console()
    # piped or written to a file, a plain line (a heading, a skip, an error, the summary) is not broken at the width
    line = functools.partial(console.print, soft_wrap=not console.is_terminal)
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for f in _sorted(report.findings):
        if f.status == "pass" and not show_passed:
            continue
        groups.setdefault((f.file or "", f.resource, f.resource_type), []).append(f)
    for (file, resource, rtype), items in groups.items():
        where = f"{file}:{items[0].resource_line}" if file and items[0].resource_line else (file or "live")
        line(Text(f"{resource} ({rtype}) — {where}", style="bold"))
        cells = [(f.status, f.control, f.severity, f.field + (f":{f.line}" if f.line else ""), f.actual,
                  f.justification or f.fix or ("expected " + f.expected if f.status != "pass" else ""))
                 for f in items]
        console.print(table_for(console.width, TABLE_HEADERS, cells, styles=[STATUS_STYLES[f.status] for f in items]))
    for s in report.skipped:
        line(f"[yellow]skipped[/] {escape(str(s))}")
    for s in report.errors:
        line(f"[bold red]error[/] {escape(str(s))}" + (" (not audited)" if s.where else ""))
    summary = report.summary()
    line(f"{_counted(summary['files'], 'file')}, {_counted(summary['resources'], 'resource')}: "
         f"{summary['fail']} failed, "
         f"{summary['unknown']} unknown, {summary['suppressed']} suppressed, {summary['pass']} passed"
         + (f", {_counted(summary['skipped'], 'input')} skipped" if summary["skipped"] else "")
         + (f", {unreadable(len(unread))}" if (unread := [e for e in report.errors if e.file]) else ""))


def to_sarif(report: AuditReport, catalog: Catalog | Knowledge) -> str:
    controls = catalog_of(catalog).by_id()
    # an unknown is reported too, as SARIF's "open" kind (3.27.9: the tool could not determine whether the result
    # is a pass or a fail; level none): left out, a code-scanning view would read it as a pass
    reported = [f for f in _sorted(report.findings) if f.status in ("fail", "suppressed", "unknown")]
    rule_ids = sorted({f.control for f in reported})
    index = {rid: i for i, rid in enumerate(rule_ids)}
    rules = []
    for rid in rule_ids:
        c = controls[rid]
        anchors = dict(c.anchors)
        rules.append({
            "id": rid, "name": "".join(w.capitalize() for w in c.title.split()[:8] if w.isalnum()) or rid,
            "shortDescription": {"text": c.title},
            "fullDescription": {"text": c.why},
            "help": {"text": f"{c.pass_condition}. Trade-off: {c.tradeoff or 'none stated'}",
                     "markdown": f"**{c.title}**\n\n{c.why}\n\nPasses when: {c.pass_condition}\n\n"
                                 + "".join(f"- {k}: {v}\n" for k, v in anchors.items())},
            "defaultConfiguration": {"level": LEVEL[c.severity]},
            "properties": {"security-severity": SECURITY_SEVERITY[c.severity],
                           "tags": list(dict.fromkeys(["security", "sagemaker" if rid.startswith("SM") else "lambda",
                                                        c.chapter_topic])),
                           "anchors": anchors},
        })
    snippets = _Snippets(report)
    results = []
    for f in reported:
        location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": f.file or "live"}}}
        if f.file and f.line:
            start = f.resource_line or f.line
            end = max(f.end_line or start, start)
            region: dict[str, Any] = {"startLine": f.line, "endLine": max(f.line, min(end, f.line + 40))}
            text = snippets.lines(f.file, f.line, region["endLine"] if f.line == start else f.line)
            if text:
                region["snippet"] = {"text": text}
            location["physicalLocation"]["region"] = region
            location["physicalLocation"]["contextRegion"] = {"startLine": start, "endLine": end}
        location["logicalLocations"] = [{"name": f.resource, "kind": "resource", "fullyQualifiedName": f.resource}]
        result: dict[str, Any] = {
            "ruleId": f.control, "ruleIndex": index[f.control],
            **({"kind": "open", "level": "none"} if f.status == "unknown" else {"level": LEVEL[f.severity]}),
            "message": {"text": f.message + (f". Fix: {f.fix}" if f.fix and f.status != "unknown" else "")},
            "locations": [location],
            "partialFingerprints": {"adviserFinding/v1": f.fingerprint},
            "properties": {"resource_type": f.resource_type, "field": f.field, "expected": f.expected,
                           "actual": f.actual, "status": f.status},
        }
        if f.status == "suppressed":
            result["suppressions"] = [{"kind": "inSource", "justification": f.justification or ""}]
        results.append(result)
    sarif = {
        "$schema": SARIF_SCHEMA, "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "sagemaker-advisor", "version": __version__,
                                      "informationUri": "https://github.com/", "rules": rules}},
                  "originalUriBaseIds": {"SRCROOT": {"uri": report.base.resolve().as_uri() + "/"}},
                  "invocations": [_invocation(report)],
                  "results": results}],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def _invocation(report: AuditReport) -> dict[str, Any]:
    """The run itself (SARIF 3.20): `executionSuccessful` is false when an input meant as a template, plan or
    request file could not be read, a `--live` call failed, or nothing could be audited, and each is a
    toolExecutionNotification (3.58) at error level, located at its file and line (a live call: at its region
    and resource, as a logical location, 3.33), so code scanning shows what went unchecked."""
    notifications = []
    for s in report.errors:
        note: dict[str, Any] = {"level": "error", "message": {"text": f"not audited: {s.reason}"},
                                "descriptor": {"id": "live-call-failed" if s.region else "unreadable-input"}}
        if s.file:
            location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": s.file}}}
            if s.line:
                location["physicalLocation"]["region"] = {"startLine": s.line}
            if s.region or s.resource:
                name = s.resource or s.region
                location["logicalLocations"] = [{
                    "name": name, "kind": "resource",
                    "fullyQualifiedName": "/".join(p for p in (s.region, s.resource) if p)}]
            note["locations"] = [location]
        notifications.append(note)
    invocation: dict[str, Any] = {"executionSuccessful": not report.errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


class _Snippets:
    """Reads a file's lines only when a result needs a snippet, one file held at a time."""

    def __init__(self, report: AuditReport) -> None:
        self.report = report
        self.cached: tuple[str, list[str]] | None = None

    def lines(self, shown: str, start: int, end: int) -> str:
        if self.cached is None or self.cached[0] != shown:
            try:
                whole = self.report.path_of(shown).read_text(encoding="utf-8", errors="replace")
                self.cached = (shown, whole.splitlines())
            except OSError:
                self.cached = (shown, [])
        text = self.cached[1][start - 1:end]
        return "\n".join(text)


def to_junit(report: AuditReport) -> str:
    """One testsuite per file (or `live`), one testcase per finding; failing findings are <failure>s."""
    # deferred: saxutils brings urllib.request and http.client, which no other format needs
    from xml.sax.saxutils import escape, quoteattr

    suites: dict[str, list[Finding]] = {}
    for f in _sorted(report.findings):
        suites.setdefault(f.file or "live", []).append(f)
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    unread: dict[str, list[Any]] = {}
    for s in report.errors:
        unread.setdefault(s.file or "run", []).append(s)
    total = sum(len(v) for v in suites.values()) + len(report.errors)
    failures = sum(f.status == "fail" for f in report.findings)
    out.append(f'<testsuites name="advisor audit" tests="{total}" failures="{failures}" '
               f'errors="{len(report.errors)}">')
    for name, errors in unread.items():  # an input that could not be read: an error, not a pass
        out.append(f"  <testsuite name={quoteattr(name)} tests=\"{len(errors)}\" failures=\"0\" "
                   f"errors=\"{len(errors)}\">")
        for s in errors:
            case = f"{s.region or ''} {s.resource or ''}".strip() if s.region or s.resource else "read " + name
            out.append(f"    <testcase classname={quoteattr(name)} name={quoteattr(case)}>")
            kind = "live-call-failed" if s.region else "unreadable-input"
            out.append(f"      <error type=\"{kind}\" message={quoteattr(s.reason)}>"
                       f"{escape(str(s))}</error>")
            out.append("    </testcase>")
        out.append("  </testsuite>")
    for name, items in suites.items():
        fails = sum(f.status == "fail" for f in items)
        skips = sum(f.status in ("unknown", "suppressed") for f in items)
        out.append(f"  <testsuite name={quoteattr(name)} tests=\"{len(items)}\" failures=\"{fails}\" "
                   f"skipped=\"{skips}\">")
        for f in items:
            case = f"{f.control} {f.resource} {f.field}"
            out.append(f"    <testcase classname={quoteattr(f.resource)} name={quoteattr(case)}>")
            if f.status == "fail":
                out.append(f"      <failure type={quoteattr(f.severity)} message={quoteattr(f.message)}>"
                           f"{escape(f'{name}:{f.line}: {f.message}' + (f'; fix: {f.fix}' if f.fix else ''))}"
                           "</failure>")
            elif f.status in ("unknown", "suppressed"):
                out.append(f"      <skipped message={quoteattr(f.justification or f.message)}/>")
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def _cell(text: Any) -> str:
    """Text for a Markdown table cell: pipes escaped, lines joined (a cell is one line)."""
    return str(text).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _code(text: Any) -> str:
    """Text as a Markdown code span inside a table cell (a backtick in it lengthens the fence)."""
    text = _cell(text)
    fence = "``" if "`" in text else "`"
    return f"{fence}{' ' if fence == '``' else ''}{text}{' ' if fence == '``' else ''}{fence}"


def to_markdown(report: AuditReport, *, show_passed: bool = False) -> str:
    """GitHub-flavoured Markdown for a pull-request comment or a job summary ($GITHUB_STEP_SUMMARY): the summary
    line, what could not be read, then failing findings (most severe first), unknown ones (they are not passes),
    suppressed ones with their reasons, and with `show_passed` the passes; each row names the file and line."""
    summary = report.summary()
    unread = [e for e in report.errors if e.file]
    out = ["## advisor audit", "",
           f"**{_counted(summary['files'], 'file')}, {_counted(summary['resources'], 'resource')}: "
           f"{summary['fail']} failed, {summary['unknown']} unknown, {summary['suppressed']} suppressed, "
           f"{summary['pass']} passed**"
           + (f" ({_counted(summary['skipped'], 'input')} skipped)" if summary["skipped"] else "")
           + (f"; {unreadable(len(unread))}" if unread else ""), ""]
    if report.errors:
        out += ["### Not audited", ""]
        out += [f"- {_cell(s)}" for s in report.errors]
        out.append("")
    ordered = _sorted(report.findings)
    sections = [
        ("fail", "Failed", ("Severity", "Control", "Resource", "Field", "Actual", "Fix")),
        ("unknown", "Unknown: cannot be judged before deployment", ("Severity", "Control", "Resource", "Field",
                                                                     "Value", "Expected")),
        ("suppressed", "Suppressed in the source", ("Severity", "Control", "Resource", "Field", "Actual", "Reason")),
        *((("pass", "Passed", ("Severity", "Control", "Resource", "Field", "Actual", "Expected")),)
          if show_passed else ()),
    ]
    for status, title, headers in sections:
        items = [f for f in ordered if f.status == status]
        if status == "fail":
            items.sort(key=lambda f: -SEVERITY_ORDER[f.severity])  # stable: file and line order within a severity
        if not items:
            continue
        out += [f"### {title} ({len(items)})", "", "| " + " | ".join(headers) + " |",
                "|" + "---|" * len(headers)]
        for f in items:
            where = f"{f.file}:{f.line}" if f.file and f.line else (f.file or "live")
            last = (f.fix or f"expected {f.expected}") if status == "fail" else \
                (f.justification or "") if status == "suppressed" else f.expected
            out.append(f"| {f.severity} | {f.control} | {_code(f.resource)} ({_cell(f.resource_type)}) | "
                       f"{_code(f.field)} at {_cell(where)} | {_cell(f.actual)} | "
                       f"{_code(last) if status == 'fail' and f.fix else _cell(last)} |")
        out.append("")
    if report.skipped:
        out += [f"<details><summary>{_counted(len(report.skipped), 'input')} skipped</summary>", ""]
        out += [f"- {_cell(s)}" for s in report.skipped]
        out += ["", "</details>", ""]
    return "\n".join(out)
