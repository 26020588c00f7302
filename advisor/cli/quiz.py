"""`advisor quiz ...`: the quiz TUI, and its non-interactive commands (banks, export, stats, exam-date).

`advisor quiz` (and `advisor` alone) opens the TUI home; `advisor quiz practice|exam|review` opens straight
onto the first question. The progress store and the bank are opened before the TUI starts, so a bad bank, an
unknown bank id, an unwritable --data-dir or a database from a newer version is a plain error and a non-zero
exit, never a traceback inside a half-drawn screen. Textual is imported only when the TUI really starts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.atomic import write_user_file
from advisor.cli import CREATES_FOLDERS, add_data_dir
from advisor.errors import UsageError, shown_name
from advisor.quiz import MAX_EXAM_MINUTES
from advisor.quiz.interop import EXPORT_FORMATS, IMPORT_FORMATS
from advisor.render import FORMATS, emit, say, terminal_console, to_json, to_yaml
from advisor.resources import cache_dir, data_dir, shipped_dir

if TYPE_CHECKING:
    from advisor.quiz.bank import Bank
    from advisor.quiz.session import Session
    from advisor.quiz.tutor import Tutor
    from advisor.tui.home import PendingExam

PACKAGE = Path(__file__).resolve().parent.parent

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
    exam.add_argument("--exam", default=None, metavar="CODE",
                      help="blueprint code, e.g. MLS-C01 (default: the tutor's default exam; `advisor kb show exams` "
                           "lists them)")
    exam.add_argument("--count", type=_positive, default=None, help="questions (default: the blueprint's 65)")
    exam.add_argument("--minutes", type=_minutes, default=None,
                      help=f"time limit, at most {MAX_EXAM_MINUTES} (a week) (default: the blueprint's pace)")
    session("review", "open the TUI on the review queue (due questions first, then those answered wrong)")

    banks = quiz_sub.add_parser("banks", parents=[common], help="list the question banks")
    banks.add_argument("--format", choices=FORMATS, default="table")
    banks.set_defaults(handler=cmd_banks)

    export = quiz_sub.add_parser(
        "export", parents=[common], help="write a bank as a loadable bank file, or for Anki, Moodle or GIFT",
        description="yaml and json are our own bank format (loadable again); anki-csv, apkg, gift and moodle-xml "
                    "are for other tools. Questions a format cannot carry are listed on stderr.")
    export.add_argument("bank", metavar="BANK", help="bank id (see `advisor quiz banks`) or a bank file")
    export.add_argument("--format", choices=("yaml", "json", *EXPORT_FORMATS), default="yaml")
    export.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help=f"write here (atomically) instead of standard output; required for apkg; "
                             f"{CREATES_FOLDERS}")
    export.add_argument("--due", action="store_true",
                        help="only the questions FSRS says are due now (e.g. to review them in Anki on a phone)")
    export.set_defaults(handler=cmd_export)

    imp = quiz_sub.add_parser(
        "import", parents=[common], help="turn another tool's question bank into one of ours",
        description="Reads Ditectrev-style markdown, GIFT, Moodle XML, Anki CSV, an Anki package (.apkg) or hascard; "
                    "writes a bank file (default: the banks folder in the data folder, where practice, exam and "
                    "review find it) and reports, by line (by note in an .apkg), every block it could not map. "
                    "Images a question embeds (Moodle's base64 files, an .apkg's media) are saved only with --media.")
    imp.add_argument("file", type=Path, metavar="FILE", help="the file to import (its format from its name, else "
                                                            "--format)")
    imp.add_argument("--format", choices=IMPORT_FORMATS, dest="source_format", metavar="FORMAT",
                     help=f"the file's format, one of {', '.join(IMPORT_FORMATS)} (default: from its ending: .gift, "
                          ".xml for Moodle XML, .csv for Anki, .apkg for an Anki package)")
    imp.add_argument("--media", type=Path, default=None, metavar="DIR",
                     help="save the images the questions embed in DIR and point the questions' [image: ...] at "
                          f"the saved files (default: not saved, each named in the report); {CREATES_FOLDERS}")
    imp.add_argument("--out", type=Path, default=None, metavar="BANK.yaml",
                     help=f"the bank file to write (default: <data dir>/banks/<id>.yaml); {CREATES_FOLDERS}")
    imp.add_argument("--id", default=None, dest="bank_id", help="bank id (default: from the file name)")
    imp.add_argument("--title", default=None, help="bank title (default: from the file name)")
    imp.set_defaults(handler=cmd_import)

    lint = quiz_sub.add_parser(
        "lint", parents=[common], help="check bank files for errors and giveaway cues (for bank authors)",
        description="Every problem at file:line with its rule id, then each bank's cue figures. Exit 2 on errors; "
                    "with --strict, exit 1 on warnings only. --rules lists the rules.")
    lint.add_argument("target", type=Path, nargs="?", metavar="FILE|DIR", help="a bank file or a folder of them")
    lint.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    lint.add_argument("--format", choices=("text", "json"), default="text")
    lint.add_argument("--rules", action="store_true", help="list the rules and their severities")
    lint.set_defaults(handler=cmd_lint)

    drills = quiz_sub.add_parser(
        "drills", parents=[common], help="questions generated from the knowledge and the advisor's decisions",
        description="Lists the drill bank (practise it with `advisor quiz practice --bank drills`), or prints "
                    "it as a bank file with --format yaml|json.")
    drills.add_argument("--format", choices=FORMATS, default="table")
    drills.add_argument("--seed", type=int, default=0, help="seed of the answer positions (ids never change)")
    drills.set_defaults(handler=cmd_drills)

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


def _minutes(text: str) -> int:
    value = _positive(text)
    if value > MAX_EXAM_MINUTES:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_EXAM_MINUTES} (a week)")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-15") from None


@functools.cache
def drill_bank(seed: int = 0) -> Bank:
    """The knowledge drills with the advisor's own choices, from the cache while knowledge and code are unchanged."""
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.knowledge.loader import cache_key, knowledge_key, load_knowledge, read_cache, write_cache
    from advisor.quiz.bank import bank_from_plain

    prices = {f"pricing/{p.name}": p.read_bytes() for p in sorted(shipped_dir("pricing_data").glob("*.yaml"))}
    code = [str(p.relative_to(PACKAGE)) for folder in ("quiz", "recommend", "engine", "pricing")
            for p in sorted((PACKAGE / folder).glob("*.py"))]
    key = cache_key({"knowledge": knowledge_key().encode(), "seed": str(seed).encode(), **prices}, code)
    path = cache_dir() / f"drills-{key[:32]}.json"
    plain = read_cache(path, key)
    if plain is None:
        # deferred: generating the drills needs the knowledge models and the advisor; a cache hit needs neither
        from advisor.quiz.drills import drill_bank_data
        from advisor.quiz.models import QuizBank
        from advisor.recommend.advisor import Advisor

        knowledge = load_knowledge()
        data = drill_bank_data(knowledge, seed=seed, recommend=Advisor(knowledge).recommend)
        plain = QuizBank.model_validate(data).model_dump(mode="json")
        write_cache(path, key, plain)
    return bank_from_plain(plain, Path(f"<generated: {plain['id']}>"))


def banks_of(args: argparse.Namespace) -> list[Bank]:
    """Every bank a command may use, without opening the progress store (exporting needs no store)."""
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.quiz.bank import gather_banks
    from advisor.quiz.tutor import USER_BANKS

    folder = getattr(args, "banks", None)  # --banks (absent: the shipped banks, and the user's imported ones)
    user = data_dir(getattr(args, "data_dir", None)) / USER_BANKS if folder is None else None
    return gather_banks(folder, user, (drill_bank,))


def open_tutor(args: argparse.Namespace, *, reading: bool = False) -> Tutor:
    """The tutor on the chosen data folder and banks; a store notice (database moved aside, or opened read-only
    for a command that only reads) goes to stderr. A --banks folder without a bank file is refused by the quiz
    itself (`advisor.quiz.bank.require_banks`), as the TUI and the Python API are."""
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.quiz.tutor import Tutor

    tutor = Tutor.open(data_dir(getattr(args, "data_dir", None)), banks_dir=getattr(args, "banks", None),
                       generated=(drill_bank,), reading=reading)
    if tutor.store.notice:
        print(f"note: {tutor.store.notice}", file=sys.stderr)
    return tutor


def cmd_tui(args: argparse.Namespace) -> int:
    """Open the TUI (home, or straight onto a session); bank and store problems are reported before it starts.

    An empty review queue is good news, said as such (exit 0); anything else needs a terminal (exit 2 without
    one: a TUI on a pipe would write escape codes and wait for keys that never come)."""
    from advisor.quiz.tutor import DEFAULT_EXAM

    tutor = open_tutor(args)
    try:
        start = getattr(args, "start", None)
        bank_id = getattr(args, "bank", None)
        bank = tutor.bank(bank_id) if bank_id else tutor.first_bank()
        if bank is None:
            raise UsageError("there are no question banks", hint="give a folder of *.yaml banks with --banks")
        if start == "review" and not tutor.queue(bank).ids:
            say(f"Nothing to review in {bank.title}: nothing is due and nothing was answered wrong. "
                  "Practice (advisor quiz practice) brings new questions.")
            if not bank_id:  # the first bank was taken: say where the reviews are, when another bank has them
                for other in tutor.banks():
                    waiting = len(tutor.queue(other).ids) if other.id != bank.id else 0
                    if waiting:
                        say(f"{other.title} has {waiting} to review: advisor quiz review --bank {other.id}")
            return 0
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageError("the quiz is interactive: run it in a terminal",
                             hint="`advisor quiz stats`, `banks` and `export` print plain text or data")
        first: Session | PendingExam | None = None
        if start == "practice":
            first = tutor.practice(bank, seed=args.seed, **({"count": args.count} if args.count else {}))
        elif start == "exam":
            def make() -> Session:
                return tutor.exam(bank, exam_code=args.exam or DEFAULT_EXAM, count=args.count,
                                  minutes=args.minutes, seed=args.seed)

            # deferred: Textual loads only when the TUI starts
            from advisor.tui.home import PendingExam

            tutor.blueprint(args.exam or DEFAULT_EXAM)  # an unknown exam code: a plain error before the TUI
            unfinished = tutor.unfinished_exam(bank)
            first = PendingExam(make, unfinished) if unfinished is not None else make()
        elif start == "review":
            first = tutor.review(bank, seed=args.seed)
        # deferred: Textual loads only when the TUI starts
        from advisor.tui.app import create_app

        app = create_app(tutor, bank_id=bank.id, session=first)
        app.run()
        return app.return_code or 0
    finally:
        tutor.close()


def cmd_banks(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.quiz.bank import bank_summary

    rows = [bank_summary(b) for b in banks_of(args)]
    emit(rows, args.format, title="Question banks", columns=(
        ("id", lambda r: r["id"]), ("title", lambda r: r["title"]), ("questions", lambda r: r["question_count"]),
        ("as of", lambda r: r["as_of"]),
    ))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.quiz.bank import bank_file, bank_file_data, choose_bank
    from advisor.quiz.interop import export_text
    from advisor.quiz.interop.anki import write_apkg

    bank = bank_file(args.bank) or choose_bank(args.bank, banks_of(args))
    data = bank_file_data(bank, full=args.format not in ("yaml", "json"))  # other formats read every field
    if args.due:
        tutor = open_tutor(args, reading=True)
        try:
            due = set(tutor.queue(bank).due)
        finally:
            tutor.close()
        data["questions"] = [q for q in data["questions"] if q["id"] in due]
        print(f"{len(data['questions'])} of {len(bank.items)} questions of {bank.id} are due now", file=sys.stderr)
        if not data["questions"]:  # a bank of no questions would not load again, and a deck of none is no use
            print("nothing to export: no file written", file=sys.stderr)
            return 0
    if args.format == "apkg":
        if args.out is None:
            raise UsageError("an .apkg deck is a binary file: give --out FILE.apkg")
        write_user_file(args.out, write_apkg(data))
        print(f"wrote {args.out} ({len(data['questions'])} notes)", file=sys.stderr)
        return 0
    left_out: list[str] = []
    if args.format in ("yaml", "json"):
        text = to_yaml(data) if args.format == "yaml" else to_json(data)
    else:
        text, left_out = export_text(data, args.format)
    if left_out:
        print(f"note: {args.format} cannot carry {len(left_out)} question(s), left out: {', '.join(left_out)}",
              file=sys.stderr)
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_user_file(args.out, text)
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.quiz.bank import load_bank
    from advisor.quiz.interop import bank_id_for, import_file, import_format_for
    from advisor.quiz.tutor import USER_BANKS

    shown = shown_name(str(args.file))  # the bank's title and source carry it: a name that is not UTF-8, escaped
    if args.source_format is None and not args.file.is_file():
        # deferred: only a path that is no file needs it
        from advisor.documents import read_bytes
        from advisor.errors import QuizError

        read_bytes(args.file, shown, QuizError)  # "no such file", "is a folder": before "cannot tell its format"
    source_format = args.source_format or import_format_for(args.file, shown)
    bank_id = shown_name(args.bank_id) if args.bank_id else bank_id_for(args.file)
    title = shown_name(args.title) if args.title else None  # argv bytes that are not UTF-8, escaped
    result = import_file(args.file, source_format, display=shown, bank_id=bank_id, title=title,
                         media_dir=args.media)
    result.bank["as_of"] = dt.date.today().isoformat()
    out = args.out or data_dir(getattr(args, "data_dir", None)) / USER_BANKS / f"{bank_id}.yaml"
    header = "# Imported by `advisor quiz import`; edit freely (ids keep your progress).\n"
    write_user_file(out, header + to_yaml(result.bank))
    try:
        bank = load_bank(out)  # the same validation and lint as every bank: the import must be playable
    except Exception:
        out.unlink(missing_ok=True)
        raise
    print(f"imported {len(bank.items)} question(s) into {out} (bank id {bank.id})")
    for problem in result.skipped:
        print(f"  skipped {problem}")
    for problem in result.notes:
        print(f"  imported, but {problem}")
    for note in result.missing:
        print(f"  note: {note}")
    if result.saved:
        print(f"  saved {len(result.saved)} embedded file(s) in {args.media}")
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.quiz.lint import lint_paths, summary_lines

    [report] = lint_paths(out)  # the cue and completeness lint an author would run: counts, not every line
    print("lint: " + "\n".join(summary_lines(report)).strip() + f"\n  (details: advisor quiz lint {out})")
    print(f"play it: advisor quiz practice --bank {bank.id if args.out is None else out}")
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.quiz.lint import RULES, exit_code, lint_paths, report_data, summary_lines

    if args.rules:
        for rule in RULES.values():
            print(f"{rule.id:22} {rule.severity:8} {rule.summary}")
        return 0
    if args.target is None:
        raise UsageError("give a bank file or a folder of banks", hint="advisor quiz lint quizzes/")
    reports = lint_paths(args.target)
    if args.format == "json":
        sys.stdout.write(to_json(report_data(reports)))
    else:
        for report in reports:
            for finding in report.findings:
                print(finding)
            print("\n".join(summary_lines(report)))
    return exit_code(reports, args.strict)


def cmd_drills(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.quiz.bank import bank_file_data

    bank = drill_bank(args.seed)
    if args.format != "table":
        emit(bank_file_data(bank), args.format)
        return 0
    kinds: dict[str, int] = {}
    for item in bank.items:
        kinds[item.section] = kinds.get(item.section, 0) + 1
    emit([{"section": k, "questions": n} for k, n in kinds.items()], "table",
         title=f"Knowledge drills: {len(bank.items)} questions (advisor quiz practice --bank drills)",
         columns=(("section", lambda r: r["section"]), ("questions", lambda r: r["questions"])))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.quiz.stats import stats_data

    tutor = open_tutor(args, reading=True)
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
    # deferred: rich loads only when a table is printed
    from rich.table import Table

    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.quiz.stats import bar, sparkline

    console = terminal_console()
    accuracy = f"{stats.accuracy:.0%}" if stats.accuracy is not None else "-"
    console.print(f"[bold]Progress[/bold]: {stats.attempts} answers, {accuracy} right; "
                  f"{stats.seen} of {stats.questions} questions seen")
    exam_date = f"; exam on {stats.exam_date}" if stats.exam_date else ""
    console.print(f"[bold]Due[/bold]: {stats.due_now} now, {stats.wrong} last answered wrong, "
                  f"{stats.unseen} never seen{exam_date}")
    for title, rows in [("Accuracy per topic", stats.topics),
                        *[(f"Accuracy per {code} domain", rows) for code, rows in stats.domains.items()]]:
        if not rows:  # no topic answered yet: a table of headers only says less than this
            console.print(f"[bold]{title}[/bold]: no answers yet")
            continue
        table = Table(title=title, header_style="bold")
        for name in ("topic" if "topic" in title else "domain", "answers", "right", "", "%"):
            table.add_column(name)
        for t in rows:
            table.add_row(t.label or t.name, str(t.attempts), str(t.correct), bar(t.accuracy),
                          f"{t.accuracy:.0%}" if t.accuracy is not None else "-")
        console.print(table)
    if stats.weakest:
        # deferred: every command module loads at start; its stack loads when the command runs
        from advisor.quiz.stats import WEAKEST_RULE

        console.print("[bold]Weakest topics[/bold]: " + ", ".join(
            f"{t.name} ({t.accuracy:.0%} of {t.attempts}{', few answers' if t.few_answers else ''})"
            for t in stats.weakest))
        console.print(f"  [dim]({WEAKEST_RULE})[/dim]")
    elif stats.attempts:
        from advisor.quiz.stats import NO_WEAK_TOPIC

        console.print(f"[bold]Weakest topics[/bold]: {NO_WEAK_TOPIC}")
    if stats.exams:
        trend = sparkline([r.scaled for r in stats.exams], 100, 1000)
        console.print(f"[bold]Exam scores[/bold] {trend}  " + ", ".join(
            f"{r.scaled}{'✓' if r.passed else '✗'}" for r in stats.exams[-8:]))


def cmd_exam_date(args: argparse.Namespace) -> int:
    tutor = open_tutor(args, reading=not (args.date or args.clear))
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
