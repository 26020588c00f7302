"""`advisor questionnaire`: the workload questionnaire in the TUI, then its recommendation.

A --from file is read before the TUI starts: one that is not YAML, or not a mapping of fields, is a plain
located error and exit 2; one whose answers do not validate opens the wizard at its first bad field.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.cli import CREATES_FOLDERS, add_data_dir
from advisor.errors import AdvisorError, UsageError
from advisor.resources import data_dir

if TYPE_CHECKING:
    from advisor.quiz.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    q = sub.add_parser("questionnaire", help="describe a workload question by question (TUI), then see its "
                                             "recommendation",
                       description="Walk through the workload's fields in steps (stages; data and processing; "
                                   "model; notebook, training and tuning; inference and batch transform; a Lambda "
                                   "function; network and team), asking only what the chosen stages read; save "
                                   "the answers as a workload YAML and see the recommendation: instances, "
                                   "security settings, the Lambda verdict, why, and the AWS requests. A "
                                   "questionnaire left half-filled is saved as a draft in the data folder and "
                                   "offered on the next start.")
    q.add_argument("--from", dest="source", type=Path, metavar="FILE",
                   help="start from this workload file (a file that does not validate opens at its first bad field)")
    q.add_argument("--out", type=Path, metavar="FILE",
                   help=f"save the answers here (default: the --from file, else NAME.yaml in this folder); "
                        f"{CREATES_FOLDERS}")
    add_data_dir(q)
    q.set_defaults(handler=cmd_questionnaire)


def cmd_questionnaire(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.recommend.questions import Answers, answers_from_file

    if args.out is not None and args.out.is_dir():  # said now, not after the last answer, when saving fails
        raise UsageError(f"--out {args.out}: is a folder, not a file",
                         hint=f"name the workload file to write, e.g. --out {args.out / 'workload.yaml'}")
    answers, left_out = answers_from_file(args.source) if args.source is not None else (Answers(), [])
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the questionnaire is interactive: run it in a terminal",
                         hint="`advisor recommend FILE` gives a recommendation without one")
    # deferred: Textual loads only when the TUI starts
    from advisor.tui.questionnaire import QuestionnaireStart

    folder = data_dir(getattr(args, "data_dir", None))
    start = QuestionnaireStart(data_dir=folder, answers=answers, source=args.source, out=args.out,
                               left_out=tuple(left_out))
    store = _theme_store(folder)
    try:
        # deferred: Textual loads only when the TUI starts
        from advisor.tui.app import create_app

        app = create_app(None, questionnaire=start, settings=store)
        app.run()
        return app.return_code or 0
    finally:
        if store is not None:
            store.close()


def _theme_store(folder: Path) -> Store | None:
    """The quiz store, for the saved theme only: the questionnaire needs no quiz store, so one that cannot be
    opened (a database from a newer version, an unwritable folder) is passed over."""
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.quiz.store import FILENAME, Store

    if not (folder / FILENAME).exists():
        return None  # no quiz yet: nothing to create just for a theme
    try:
        return Store.open(folder)
    except AdvisorError:
        return None
