"""`advisor audit`: check templates, plans, request files or a live account against the control catalog."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.atomic import write_user_file
from advisor.cli import CREATES_FOLDERS
from advisor.errors import UsageError

if TYPE_CHECKING:
    from advisor.audit import AuditReport
    from advisor.audit.catalog import Catalog

FORMATS = ("table", "json", "sarif", "junit", "patch")
SEVERITIES = ("critical", "high", "medium", "low")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit", help="check CloudFormation/SAM, Terraform, plans, request files or a live account",
        description="Audit existing SageMaker and Lambda configurations against the control catalog (the one the "
                    "advisor recommends from). An absent field is judged by AWS's default; a value the input does "
                    "not fix (an unresolved !Ref, a plan's known-after-apply) is reported as unknown. Files that are "
                    "no input of ours (a workflow, a manifest, package.json) are skipped with a reason. Exit codes: "
                    "0 nothing fails at or above --fail-on; 1 failing findings; 2 bad usage, nothing could be "
                    "audited, or an input meant as a template, Terraform file, plan or request file could not be "
                    "read (malformed YAML, JSON or HCL, an unknown intrinsic function, a plan JSON that is no "
                    "plan): every readable file is still audited and reported, and each unreadable one is an "
                    "error at its file and line in every format; 2 wins over 1.")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="files or folders: CloudFormation/SAM (YAML, JSON), Terraform .tf and .tf.json, "
                        "`terraform show -json` "
                        "plans, boto3 request files keyed by operation (e.g. `advisor requests` output)")
    p.add_argument("--live", action="store_true", help="read the account through boto3 (read-only Describe/List)")
    p.add_argument("--region", action="append", metavar="REGION", help="with --live; repeatable")
    p.add_argument("--profile", metavar="NAME", help="with --live: the AWS profile to use")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--output", "-o", type=Path, metavar="FILE",
                   help=f"write the report here instead of stdout; {CREATES_FOLDERS}")
    p.add_argument("--fail-on", choices=SEVERITIES, default="low",
                   help="exit 1 when a finding of this severity or higher fails (default low: any)")
    p.add_argument("--baseline", type=Path, metavar="FILE", help="report only findings not in this baseline")
    p.add_argument("--write-baseline", type=Path, metavar="FILE",
                   help=f"write today's failing findings as a baseline; {CREATES_FOLDERS}")
    p.add_argument("--show-passed", action="store_true", help="table: list passing checks too")
    p.add_argument("--allow-empty", action="store_true",
                   help="exit 0 when none of the files is a template (hooks that pass every changed file)")
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
    if args.write_baseline and report.errors:
        # a baseline written while a file could not be read would not hold that file's findings
        print(f"baseline not written to {args.write_baseline}: {unreadable_inputs(len(report.errors))}",
              file=sys.stderr)
    elif args.write_baseline:
        # deferred: every command module loads at start; its stack loads when the command runs
        from advisor.audit.baseline import write_baseline

        count = write_baseline(args.write_baseline, report.findings)
        print(f"wrote {count} failing findings to {args.write_baseline}", file=sys.stderr)
    _write(report, args, catalog)
    terminal = args.format == "table" and not args.output
    if nothing and (terminal or unreadable):
        # other formats said each input on stderr already (_write); a table on the terminal said them on stdout
        listed = "".join(f"\n  {s}" for s in [*report.errors, *report.skipped][:20] if s.file) if terminal else ""
        print("nothing could be audited" + (f": {unreadable_inputs(unreadable)}" if unreadable else "")
              + listed, file=sys.stderr)
    if report.errors:
        return 2  # an input nobody checked: the run is no pass, whatever the findings say
    threshold = SEVERITY_ORDER[args.fail_on]
    failing = any(f.status == "fail" and SEVERITY_ORDER[f.severity] >= threshold for f in report.findings)
    return 1 if failing else 0


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
    else:  # a table written to a file: plain text, no colours

        # deferred: rich loads only when a table is printed
        from rich.console import Console

        buffer = io.StringIO()
        writers.print_table(report, show_passed=args.show_passed, console=Console(file=buffer, width=120))
        text = buffer.getvalue()
    for s in report.skipped:
        print(f"skipped: {s}", file=sys.stderr)
    if args.format != "table" or args.output:  # a table on the terminal says them itself
        for s in report.errors:
            print(f"error: {s}", file=sys.stderr)
    if args.output:
        write_user_file(args.output, text)
    else:
        sys.stdout.write(text)
