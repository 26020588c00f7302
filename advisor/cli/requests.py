"""`advisor requests`: the AWS requests (boto3 parameters) that carry out a workload's recommendation."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from advisor.cli import check_regions
from advisor.cli.recommend import _workload_args, read_source
from advisor.errors import shown_name
from advisor.render import formats_for

if TYPE_CHECKING:
    from advisor.builders import RequestSet

def register(sub: argparse._SubParsersAction) -> None:
    req = sub.add_parser("requests", help="the AWS requests (boto3 parameters) that carry out a recommendation",
                         description="Print the SageMaker, Lambda and Step Functions requests that carry out the "
                                     "workload's recommendation, each checked by botocore's own validation. What "
                                     "only you know (role ARNs, bucket, subnets, KMS key, images) is a <<name>> "
                                     "placeholder, listed under `placeholders`.")
    _workload_args(req)
    req.add_argument("--only", metavar="OPERATION",
                     help="only this request: an operation the recommendation covers (a key of the JSON output), "
                          "e.g. CreateTrainingJob")
    req.add_argument("--format", choices=formats_for("requests"), default="json",
                     help="json or yaml: the requests keyed by operation, plus placeholders and notes; python: a "
                          "runnable boto3 script with the placeholders gathered at the top")
    req.add_argument("--canary", type=int, metavar="PERCENT",
                     help="endpoint: send PERCENT%% (1-99) of the traffic to the new model, the rest to the one "
                          "serving today (the chapter's 80/20 split is --canary 20)")
    req.add_argument("--lifecycle-config", metavar="NAME",
                     help="notebook: attach (and create) the lifecycle configuration of this name (1-63 letters, "
                          "digits and hyphens)")
    req.add_argument("--git-repo", metavar="URL",
                     help="notebook: its default code repository, an https:// git URL or the name of a SageMaker "
                          "code repository")
    req.add_argument("--input-filter", metavar="JSONPATH",
                     help="batch transform: the part of each record sent to the model (DataProcessing.InputFilter), "
                          "a JSONPath of the subset SageMaker supports: $ then .name, .*, ['a','b'], [0,-1], "
                          "[start:end]; a CSV row takes indexes only, e.g. $[1:] (all but the first column)")
    req.add_argument("--join-source", choices=("Input", "None"),
                     help="batch transform: Input joins each prediction to its input record; None (SageMaker's "
                          "default) writes the predictions alone")
    req.add_argument("--output-filter", metavar="JSONPATH",
                     help="batch transform: the part of the joined record written out (DataProcessing.OutputFilter), "
                          "a JSONPath as --input-filter takes, e.g. $[0,-1] (the first column and the prediction)")
    req.set_defaults(handler=cmd_requests)


def build(args: argparse.Namespace) -> RequestSet:
    """The request set for the command line's workload and options, checked by botocore."""
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.builders import build_requests
    from advisor.builders.validate import assert_valid
    from advisor.recommend.advisor import Advisor
    from advisor.workload import load_workload

    advisor = Advisor()
    check_regions([args.region] if args.region else None, knowledge=advisor.knowledge)  # before the file is read
    raw = read_source(args.workload)
    display = "<stdin>" if args.workload == "-" else shown_name(args.workload)
    workload = load_workload(display, advisor.knowledge, text=raw)
    rec = advisor.recommend(workload, stages=args.stage, region=args.region)
    request_set = build_requests(rec, workload, args.only, lifecycle_config=args.lifecycle_config,
                                 git_repo=args.git_repo, canary_percent=args.canary, input_filter=args.input_filter,
                                 join_source=args.join_source, output_filter=args.output_filter,
                                 knowledge=advisor.knowledge)
    return assert_valid(request_set)


def cmd_requests(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.builders import render_requests

    sys.stdout.write(render_requests(build(args), args.format))
    return 0
