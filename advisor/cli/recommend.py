"""`advisor recommend` and `advisor explain`: a workload file in, a recommendation (or its trace) out."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from advisor.errors import UsageError

if TYPE_CHECKING:
    from advisor.recommend.models import Recommendation

STAGE_CHOICES = ("notebook", "training", "tuning", "realtime_inference", "batch_inference", "processing")


def register(sub: argparse._SubParsersAction) -> None:
    rec = sub.add_parser("recommend", help="recommend instances, security settings and a Lambda verdict")
    _workload_args(rec)
    rec.add_argument("--format", choices=("table", "json", "yaml", "markdown"), default="table")
    rec.set_defaults(handler=cmd_recommend)

    exp = sub.add_parser("explain", help="print the decision trace: every rule, matched or not, and why")
    _workload_args(exp)
    exp.add_argument("--decision", help="only this decision (e.g. training.family, security.controls)")
    exp.set_defaults(handler=cmd_explain)


def _workload_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workload", help="a workload YAML or JSON file, or - for standard input")
    parser.add_argument("--stage", action="append", choices=STAGE_CHOICES,
                        help="only this stage (repeatable); default: the workload's stages")
    parser.add_argument("--region", help="override the workload's region")


def run(args: argparse.Namespace) -> Recommendation:
    from advisor.recommend.advisor import Advisor
    from advisor.recommend.workload import load_workload

    advisor = Advisor()
    if args.workload == "-":
        workload = load_workload("<stdin>", advisor.knowledge, text=sys.stdin.read())
    else:
        from pathlib import Path

        workload = load_workload(Path(args.workload), advisor.knowledge)
    return advisor.recommend(workload, stages=args.stage, region=args.region)


def cmd_recommend(args: argparse.Namespace) -> int:
    rec = run(args)
    if args.format == "json":
        sys.stdout.write(rec.model_dump_json(indent=2) + "\n")
    elif args.format == "yaml":
        from advisor.render import to_yaml

        sys.stdout.write(to_yaml(rec.model_dump(mode="json")))
    elif args.format == "markdown":
        from advisor.recommend.report import to_markdown

        sys.stdout.write(to_markdown(rec))
    else:
        from advisor.recommend.report import print_table

        print_table(rec)
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from advisor.recommend.report import decision_ids, explain_text

    rec = run(args)
    if args.decision and args.decision not in decision_ids(rec):
        raise UsageError(f"no decision {args.decision!r} in this recommendation",
                         hint=f"one of {', '.join(decision_ids(rec))}")
    sys.stdout.write(explain_text(rec, args.decision))
    return 0
