"""`advisor recommend` and `advisor explain`: a workload file in, a recommendation (or its trace) out.

JSON, YAML, Markdown and explain output are served from a content-keyed cache when nothing they depend on
changed (advisor/recommend/result_cache.py); the lookup runs before pydantic is imported.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.cli import check_regions
from advisor.errors import UsageError, WorkloadError, shown_name
from advisor.render import formats_for
from advisor.stages import stage_ids, stage_names

if TYPE_CHECKING:
    from advisor.recommend.models import Recommendation

def register(sub: argparse._SubParsersAction) -> None:
    rec = sub.add_parser("recommend", help="recommend instances, security settings and a Lambda verdict",
                         description="Recommend, for each stage of the workload, the instance type and count with "
                                     "their price and estimated cost, why, and the alternatives that lost; the "
                                     "security settings as exact request fields; and whether AWS Lambda fits.")
    _workload_args(rec)
    rec.add_argument("--format", choices=formats_for("recommendation"), default="table")
    rec.set_defaults(handler=cmd_recommend)

    exp = sub.add_parser("explain", help="print the decision trace: every rule, matched or not, and why; and each "
                                         "stage's sizing arithmetic",
                         description="Print every decision behind the workload's recommendation: each rule, "
                                     "selected, matched or not, with each condition's expected and actual value; "
                                     "then each stage's sizing arithmetic (the need, the count, the ranking, the "
                                     "price).")
    _workload_args(exp)
    exp.add_argument("--decision", help="only this decision (e.g. training.family, security.controls), or sizing: "
                                        "each stage's sizing arithmetic alone")
    exp.set_defaults(handler=cmd_explain)


def _workload_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workload", help="a workload YAML or JSON file, or - for standard input")
    parser.add_argument("--stage", action="append", choices=stage_names(), metavar="STAGE",  # a usage line in 80
                        help=f"this stage, in place of the workload's list (repeatable), even one the "
                             f"workload does not list: {', '.join(stage_ids())} (or botocore's name: "
                             f"{', '.join(n for n in stage_names() if n not in stage_ids())}); default: the "
                             "workload's stages")
    parser.add_argument("--region", help="a region code (e.g. eu-west-1) in place of the workload's region")
    parser.add_argument("--no-cache", action="store_true", help="recompute even if the same output is cached")


def read_source(name: str) -> bytes:
    if name == "-":
        from advisor.documents import MAX_BYTES, read_limited  # deferred: its stack loads when the command runs

        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a text-only stdin (tests, some embedders)
            return sys.stdin.read(MAX_BYTES + 1).encode("utf-8", "surrogateescape")[: MAX_BYTES + 1]
        return read_limited(stream, "<stdin>", WorkloadError)
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.documents import read_bytes

    return read_bytes(Path(name), shown_name(name), WorkloadError)


def run(args: argparse.Namespace, raw: bytes) -> Recommendation:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.recommend.advisor import Advisor
    from advisor.workload import load_workload

    advisor = Advisor()
    check_regions([args.region] if args.region else None, knowledge=advisor.knowledge)
    display = "<stdin>" if args.workload == "-" else shown_name(args.workload)
    workload = load_workload(display, advisor.knowledge, text=raw)
    return advisor.recommend(workload, stages=args.stage, region=args.region)


def _cached(args: argparse.Namespace, raw: bytes, command: str, render: Callable[[Recommendation], str],
            wrap: bool = False) -> int:
    """Print `render(recommendation)`, from the result cache when every input is unchanged; `wrap`: plain text
    that a terminal's width wraps at spaces after the cache (advisor.render.wrap_lines), as the report's tables."""
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.recommend import result_cache

    options = [command, getattr(args, "format", ""), getattr(args, "decision", None) or "", args.region or "",
               ",".join(args.stage or [])]
    key = None if args.no_cache else result_cache.key_for(raw, options)
    output = result_cache.get(key) if key else None
    if output is None:
        output = render(run(args, raw)).encode("utf-8")
        if key:
            result_cache.put(key, output)
    if wrap and sys.stdout.isatty():  # piped text stays one line per rule and condition, for grep
        # deferred: needed only on a terminal
        from advisor.render import terminal_console, wrap_lines

        output = wrap_lines(output.decode("utf-8"), terminal_console().width).encode("utf-8")
    sys.stdout.buffer.write(output)
    sys.stdout.flush()
    return 0


def cmd_recommend(args: argparse.Namespace) -> int:
    raw = read_source(args.workload)
    if args.format == "table":  # depends on the terminal: never cached
        # deferred: every command module loads at start; its stack loads when the command runs
        from advisor.recommend.report import build_report, print_report

        print_report(build_report(run(args, raw)))
        return 0
    return _cached(args, raw, "recommend", lambda rec: _render(rec, args.format))


def _render(rec: Recommendation, fmt: str) -> str:
    from advisor.recommend.report import render  # imported on a cache miss only: it brings pydantic

    return render(rec, fmt)


def cmd_explain(args: argparse.Namespace) -> int:
    raw = read_source(args.workload)

    def render(rec: Recommendation) -> str:
        # deferred: every command module loads at start; its stack loads when the command runs
        from advisor.recommend.report import SIZING, decision_ids, explain_text

        known = [*decision_ids(rec), SIZING]
        if args.decision and args.decision not in known:
            import difflib  # deferred: only this error needs it

            # `training` for training.family, `Training.Family` as typed from a heading
            wanted = args.decision.lower()
            close = [k for k in known if wanted in (k, k.split(".")[0])] or difflib.get_close_matches(wanted, known, 1)
            guess = f" (did you mean {close[0]!r}?)" if close else ""
            raise UsageError(f"no decision {args.decision!r} in this recommendation{guess}",
                             hint=f"one of {', '.join(known)}")
        return explain_text(rec, args.decision)

    return _cached(args, raw, "explain", render, wrap=True)
