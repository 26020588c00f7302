"""`advisor audit`: check templates, plans, request files or a live account against the control catalog."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.atomic import write_user_file
from advisor.cli import CREATES_FOLDERS, check_regions
from advisor.errors import UsageError

if TYPE_CHECKING:
    from advisor.audit import AuditReport
    from advisor.audit.catalog import Catalog

FORMATS = ("table", "json", "sarif", "junit", "markdown", "patch")
SEVERITIES = ("critical", "high", "medium", "low")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit", help="check CloudFormation/SAM, Terraform, plans, request files or a live account",
        description="Audit existing SageMaker, Lambda and Step Functions configurations against the control catalog "
                    "(the one the advisor recommends from). An absent field is judged by AWS's default; a value the "
                    "input does not fix (an unresolved !Ref, a plan's known-after-apply) is reported as unknown. "
                    "Files that are "
                    "no input of ours (a workflow, a manifest, package.json) are skipped with a reason. Exit codes: "
                    "0 nothing fails at or above --fail-on (unknown findings do not fail, as checkov's unknown and "
                    "skipped checks do not, unless --fail-on-unknown); 1 failing findings; 2 bad usage, nothing "
                    "could be audited or judged (no template found, or every finding unknown: a green run would "
                    "say checked what nobody checked; --allow-empty accepts both), or an input meant as a "
                    "template, Terraform file, plan or request file could not be read (malformed YAML, JSON or "
                    "HCL, an unknown intrinsic function, a plan JSON that is no plan, a YAML or JSON file named "
                    "here that does not parse): every readable file is still audited and reported, and each "
                    "unreadable one is an error at its file and line in every format; 2 wins over 1. "
                    "--write-baseline: 0 once the baseline is written, 2 when an input could not be read (nothing "
                    "is written then).")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="files or folders: CloudFormation/SAM (YAML, JSON), Terraform .tf and .tf.json, "
                        "`terraform show -json` "
                        "plans, boto3 request files keyed by operation (e.g. `advisor requests` output)")
    p.add_argument("--live", action="store_true", help="read the account through boto3 (read-only Describe/List)")
    p.add_argument("--region", action="append", metavar="REGION", help="with --live; repeatable")
    p.add_argument("--profile", metavar="NAME", help="with --live: the AWS profile to use")
    p.add_argument("--format", choices=FORMATS, default=None,
                   help="the report's format (default table); with --write-baseline a report is written only "
                        "when --format or --output asks for one")
    p.add_argument("--output", "-o", type=Path, metavar="FILE",
                   help=f"write the report here instead of stdout; {CREATES_FOLDERS}")
    p.add_argument("--fail-on", choices=SEVERITIES, default="low",
                   help="exit 1 when a finding of this severity or higher fails (default low: any)")
    p.add_argument("--baseline", type=Path, metavar="FILE", help="report only findings not in this baseline")
    p.add_argument("--write-baseline", type=Path, metavar="FILE",
                   help="write today's failing findings as a baseline and say so in one line (exit 0 once "
                        "written; 2, and nothing written, when an input could not be read); "
                        f"{CREATES_FOLDERS}")
    p.add_argument("--show-passed", action="store_true", help="table and markdown: list passing checks too")
    p.add_argument("--allow-empty", action="store_true",
                   help="exit 0 when none of the files is a template (hooks that pass every changed file), or "
                        "when every finding is unknown")
    p.add_argument("--fail-on-unknown", action="store_true",
                   help="exit 1 for an unknown finding at or above --fail-on too (a strict pipeline: nothing "
                        "passes unverified)")
    p.add_argument("--base", type=Path, metavar="DIR", help="paths in the report are relative to this folder "
                                                            "(default: the current folder)")
    p.set_defaults(handler=cmd_audit)


def cmd_audit(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.audit import AuditReport, audit_paths, audit_resources, load_catalog
    from advisor.audit.model import SEVERITY_ORDER, Skipped
    from advisor.audit.model import unreadable as unreadable_inputs

    if not args.paths and not args.live:
        raise UsageError("give PATHs to audit, or --live", hint="advisor audit templates/ or advisor audit --live")
    if (args.region or args.profile) and not args.live:
        raise UsageError("--region and --profile go with --live")
    check_regions(args.region)  # before the files are read and any AWS call is made
    # writing a baseline is its own job: its one line says what was written; a report only when asked for
    report_asked = not args.write_baseline or args.format is not None or args.output is not None
    args.format = args.format or "table"
    catalog = load_catalog()  # the controls as plain data: an audit builds no knowledge models
    base = (args.base or Path.cwd()).resolve()
    report = audit_paths(list(args.paths), catalog, base) if args.paths else AuditReport(base=base)
    if args.live:
        # deferred: every command module loads at start; its stack loads when the command runs
        from advisor.audit.readers.live import read_live

        items = list(read_live(args.region, args.profile))
        resources = [r for r in items if not isinstance(r, Skipped)]
        report.errors.extend(r for r in items if isinstance(r, Skipped))  # an AWS call that failed: unchecked
        report.resources += len(resources)
        report.findings.extend(audit_resources(resources, catalog))
    nothing = bool(args.paths) and report.files == 0 and not args.live
    unreadable = len(report.errors)
    if nothing:
        if args.allow_empty and not report.errors:
            return 0
        if not report.errors:
            # only files that are no input of ours: still a report (a CI step uploads its SARIF), and a failed run
            kinds = "CloudFormation/SAM template, Terraform file, plan or request file"
            found = len(report.skipped)
            which = (f"the paths hold no {kinds}" if found == 0 else f"the one input is not a {kinds}" if found == 1
                     else f"none of the {found} inputs is a {kinds}")
            report.errors.append(Skipped("", f"nothing could be audited: {which}", error=True))
    unjudged = _nothing_judged(report)
    if unjudged and not report.errors and not args.allow_empty:
        # every finding waits on a value the input does not fix: a green run would say checked what nobody
        # checked, so it fails as a run that audited nothing does (in every format: SARIF, JUnit, JSON)
        report.errors.append(Skipped("", unjudged, error=True))
    if args.baseline:
        # deferred: every command module loads at start; its stack loads when the command runs
        from advisor.audit.baseline import read_baseline

        known = read_baseline(args.baseline)
        before = len(report.findings)
        report.findings = [f for f in report.findings if not (f.status == "fail" and f.fingerprint in known)]
        if before > len(report.findings):  # else "0 failed" reads as a clean run, not as known debt
            hidden = before - len(report.findings)
            print(f"{hidden} failing finding{'' if hidden == 1 else 's'} in the baseline {args.baseline} "
                  "not reported", file=sys.stderr)
    written = None
    if args.write_baseline and not report.errors:
        # deferred: every command module loads at start; its stack loads when the command runs
        from advisor.audit.baseline import write_baseline

        written = write_baseline(args.write_baseline, report.findings)
    if report_asked:
        _write(report, args, catalog)
    elif report.errors or report.skipped:
        # no report: what went unread is still said, once each
        _notes(report)
    terminal = args.format == "table" and not args.output and report_asked
    if nothing and (terminal or unreadable):
        # other formats said each input on stderr already (_write). A table said them on stdout: on stderr again
        # only when stdout is not the terminal stderr shows (a table piped to a file), so a terminal shows each
        # error once, and the conclusion once (a run-level error the table printed is that conclusion)
        shown = terminal and _same_terminal()
        listed = ("".join(f"\n  {s}" for s in [*report.errors, *report.skipped][:20] if s.file)
                  if terminal and not shown else "")
        if listed or (unreadable and not shown) or any(e.file for e in report.errors):
            print("nothing could be audited" + (f": {unreadable_inputs(unreadable)}" if unreadable else "")
                  + listed, file=sys.stderr)
    if args.write_baseline:
        _say_baseline(args, report, written, on_stdout=not report_asked or bool(args.output))
        return 0 if written is not None else 2
    if report.errors:
        return 2  # an input nobody checked: the run is no pass, whatever the findings say
    threshold = SEVERITY_ORDER[args.fail_on]
    failing = any(f.status in (("fail", "unknown") if args.fail_on_unknown else ("fail",))
                  and SEVERITY_ORDER[f.severity] >= threshold for f in report.findings)
    return 1 if failing else 0


def _nothing_judged(report: AuditReport) -> str | None:
    """The run-level error of a run whose findings are all unknown (none passed, none failed), else None."""
    statuses = {f.status for f in report.findings}
    if "unknown" not in statuses or statuses & {"pass", "fail"}:
        return None
    count = sum(f.status == "unknown" for f in report.findings)
    return (f"nothing could be judged: {'the one finding is' if count == 1 else f'all {count} findings are'} "
            "unknown (values the input does not fix: a parameter without a default, a variable without a value, "
            "a plan's known-after-apply); give them values, or --allow-empty to accept the run")


def _same_terminal() -> bool:
    """Whether stdout and stderr both show on a terminal (what one prints, the person reads beside the other)."""
    return sys.stdout.isatty() and sys.stderr.isatty()


def _say_baseline(args: argparse.Namespace, report: AuditReport, written: int | None, *, on_stdout: bool) -> None:
    """The one line a baseline run is for: what was written where, or why nothing was."""
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.audit.model import unreadable as unreadable_inputs

    if written is None:
        # a baseline written while a file could not be read would not hold that file's findings
        unread = [e for e in report.errors if e.file]
        print(f"baseline not written to {args.write_baseline}: "
              + (unreadable_inputs(len(unread)) if unread else "nothing could be audited"), file=sys.stderr)
        return
    summary = report.summary()
    print(f"wrote {written} failing finding{'' if written == 1 else 's'} "
          f"({summary['files']} file{'' if summary['files'] == 1 else 's'}, {summary['resources']} "
          f"resource{'' if summary['resources'] == 1 else 's'}) to {args.write_baseline}; a run with "
          f"--baseline {args.write_baseline} reports only new ones",
          file=sys.stdout if on_stdout else sys.stderr)


def _notes(report: AuditReport) -> None:
    for s in report.skipped:
        print(f"skipped: {s}", file=sys.stderr)
    for s in report.errors:
        print(f"error: {s}", file=sys.stderr)


def _write(report: AuditReport, args: argparse.Namespace, catalog: Catalog) -> None:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.audit import writers

    if args.format == "table" and not args.output:
        writers.print_table(report, show_passed=args.show_passed)
        return
    if args.format == "patch":
        # deferred: every command module loads at start; its stack loads when the command runs
        from advisor.audit.fixes import patches

        text, notes = patches(report.findings, report.base, report.paths)
        for note in notes:
            print(f"not patched: {note}", file=sys.stderr)
    elif args.format == "json":
        text = writers.to_json(report)
    elif args.format == "sarif":
        text = writers.to_sarif(report, catalog)
    elif args.format == "junit":
        text = writers.to_junit(report)
    elif args.format == "markdown":
        text = writers.to_markdown(report, show_passed=args.show_passed)
    else:  # a table written to a file: plain text, no colours

        # deferred: rich loads only when a table is printed
        from rich.console import Console

        buffer = io.StringIO()
        writers.print_table(report, show_passed=args.show_passed, console=Console(file=buffer, width=120))
        text = buffer.getvalue()
    _notes(report)  # beside a report written elsewhere, or one whose format has no place for them
    if args.output:
        write_user_file(args.output, text)
    else:
        sys.stdout.write(text)
