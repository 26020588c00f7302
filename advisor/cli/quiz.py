"""`advisor quiz ...`: the quiz TUI, and its non-interactive commands (banks, export, stats, exam-date).

`advisor quiz` (and `advisor` alone) opens the TUI home; `advisor quiz practice|exam|review` opens straight
onto the first question. The progress store and the bank are opened before the TUI starts, so a bad bank, an
unknown bank id, an unwritable --data-dir or a database from a newer version is a plain error and a non-zero
exit, never a traceback inside a half-drawn screen. Textual is imported only when the TUI really starts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.errors import UsageError
from advisor.render import FORMATS, emit

if TYPE_CHECKING:
    from advisor.quiz.tutor import Tutor

DATA_DIR_HELP = "folder of the progress database (default: ADVISOR_DATA_DIR, else the platform's user data folder)"


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    """--data-dir, accepted before or after the command (SUPPRESS keeps a later parser from resetting it)."""
    parser.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, metavar="DIR", help=DATA_DIR_HELP)


def register(sub: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    add_data_dir(common)
    common.add_argument("--banks", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="folder of question banks (default: the shipped quizzes/)")

    quiz = sub.add_parser("quiz", parents=[common], help="chapter quizzes: practice, timed exams, spaced review",
                          description="With no command, opens the quiz TUI home.")
    quiz.set_defaults(handler=cmd_tui, start=None)
    quiz_sub = quiz.add_subparsers(dest="quiz_command", metavar="QUIZ_COMMAND")

    def session(name: str, help_text: str) -> argparse.ArgumentParser:
        p = quiz_sub.add_parser(name, parents=[common], help=help_text)
        p.add_argument("--bank", default=None, help="bank id (default: the first bank)")
        p.add_argument("--seed", type=int, default=None, help="seed of the question order and option shuffles")
        p.set_defaults(handler=cmd_tui, start=name)
        return p

    practice = session("practice", "open the TUI on a practice round (explanations after each answer)")
    practice.add_argument("--count", type=_positive, default=None, help="questions in the round (default 10)")
    exam = session("exam", "open the TUI on a timed exam simulation")
    exam.add_argument("--exam", default=None, metavar="CODE", help="blueprint: MLA-C01 (default) or MLS-C01")
    exam.add_argument("--count", type=_positive, default=None, help="questions (default: the blueprint's 65)")
    exam.add_argument("--minutes", type=_positive, default=None, help="time limit (default: the blueprint's pace)")
    session("review", "open the TUI on the review queue (due questions first, then those answered wrong)")

    banks = quiz_sub.add_parser("banks", parents=[common], help="list the question banks")
    banks.add_argument("--format", choices=FORMATS, default="table")
    banks.set_defaults(handler=cmd_banks)

    export = quiz_sub.add_parser("export", parents=[common], help="print a whole bank as data")
    export.add_argument("bank", metavar="BANK", help="bank id (see `advisor quiz banks`)")
    export.add_argument("--format", choices=("json", "yaml"), default="json")
    export.set_defaults(handler=cmd_export)

    stats = quiz_sub.add_parser("stats", parents=[common], help="attempts, accuracy, weakest topics, exam trend")
    stats.add_argument("--bank", default=None, help="only this bank (default: every bank)")
    stats.add_argument("--format", choices=FORMATS, default="table")
    stats.set_defaults(handler=cmd_stats)

    date = quiz_sub.add_parser("exam-date", parents=[common],
                               help="show or set your exam date (reviews due after it come earlier)")
    date.add_argument("date", nargs="?", type=_date, help="YYYY-MM-DD")
    date.add_argument("--clear", action="store_true", help="forget the exam date")
    date.set_defaults(handler=cmd_exam_date)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-15") from None


def open_tutor(args: argparse.Namespace) -> Tutor:
    """The tutor on the chosen data folder and banks; a store notice (database moved aside) goes to stderr."""
    from advisor.quiz.tutor import Tutor
    from advisor.resources import data_dir

    tutor = Tutor.open(data_dir(getattr(args, "data_dir", None)), banks_dir=getattr(args, "banks", None))
    if tutor.store.notice:
        print(f"note: {tutor.store.notice}", file=sys.stderr)
    return tutor


def cmd_tui(args: argparse.Namespace) -> int:
    """Open the TUI (home, or straight onto a session); bank and store problems are reported before it starts."""
    tutor = open_tutor(args)
    try:
        start = getattr(args, "start", None)
        bank_id = getattr(args, "bank", None)
        banks = tutor.banks()
        if not banks:
            raise UsageError("there are no question banks", hint="give a folder of *.yaml banks with --banks")
        bank = tutor.bank(bank_id) if bank_id else banks[0]
        session = None
        if start == "practice":
            session = tutor.practice(bank, seed=args.seed, **({"count": args.count} if args.count else {}))
        elif start == "exam":
            session = tutor.exam(bank, exam_code=args.exam or "MLA-C01", count=args.count, minutes=args.minutes,
                                 seed=args.seed)
        elif start == "review":
            session = tutor.review(bank, seed=args.seed)
        from advisor.tui.app import create_app

        app = create_app(tutor, bank_id=bank.id, session=session)
        app.run()
        return app.return_code or 0
    finally:
        tutor.close()


def cmd_banks(args: argparse.Namespace) -> int:
    from advisor.quiz.bank import bank_summary, load_banks

    rows = [bank_summary(b) for b in load_banks(getattr(args, "banks", None))]
    emit(rows, args.format, title="Question banks", columns=(
        ("id", lambda r: r["id"]), ("title", lambda r: r["title"]), ("questions", lambda r: r["question_count"]),
        ("as of", lambda r: r["as_of"]),
    ))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from advisor.quiz.bank import export_bank, find_bank

    emit(export_bank(find_bank(args.bank, getattr(args, "banks", None))), args.format)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from advisor.quiz.stats import stats_data

    tutor = open_tutor(args)
    try:
        banks = [tutor.bank(args.bank)] if args.bank else tutor.banks()
        stats = tutor.stats(banks)
    finally:
        tutor.close()
    if args.format != "table":
        emit(stats_data(stats), args.format)
        return 0
    print_stats(stats)
    return 0


def print_stats(stats: Any) -> None:
    """The stats as a few rich tables: figures first, then bars where a picture reads faster."""
    from rich.console import Console
    from rich.table import Table

    from advisor.quiz.stats import bar, sparkline

    console = Console()
    accuracy = f"{stats.accuracy:.0%}" if stats.accuracy is not None else "-"
    console.print(f"[bold]Progress[/bold]: {stats.attempts} answers, {accuracy} right; "
                  f"{stats.seen} of {stats.questions} questions seen")
    exam_date = f"; exam on {stats.exam_date}" if stats.exam_date else ""
    console.print(f"[bold]Due[/bold]: {stats.due_now} now, {stats.wrong} last answered wrong, "
                  f"{stats.unseen} never seen{exam_date}")
    for title, rows in [("Accuracy per topic", stats.topics),
                        *[(f"Accuracy per {code} domain", rows) for code, rows in stats.domains.items()]]:
        table = Table(title=title, header_style="bold")
        for name in ("topic" if "topic" in title else "domain", "answers", "right", "", "%"):
            table.add_column(name)
        for t in rows:
            table.add_row(t.label or t.name, str(t.attempts), str(t.correct), bar(t.accuracy),
                          f"{t.accuracy:.0%}" if t.accuracy is not None else "-")
        console.print(table)
    if stats.weakest:
        console.print("[bold]Weakest topics[/bold]: " + ", ".join(
            f"{t.name} ({t.accuracy:.0%} of {t.attempts})" for t in stats.weakest))
    if stats.exams:
        trend = sparkline([r.scaled for r in stats.exams], 100, 1000)
        console.print(f"[bold]Exam scores[/bold] {trend}  " + ", ".join(
            f"{r.scaled}{'✓' if r.passed else '✗'}" for r in stats.exams[-8:]))


def cmd_exam_date(args: argparse.Namespace) -> int:
    tutor = open_tutor(args)
    try:
        if args.clear and args.date:
            raise UsageError("give a date or --clear, not both")
        if args.clear:
            tutor.set_exam_date(None)
        elif args.date:
            tutor.set_exam_date(args.date)
        date = tutor.exam_date
    finally:
        tutor.close()
    print(f"exam date: {date.isoformat()}" if date else "exam date: not set")
    return 0
