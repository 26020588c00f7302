"""The `advisor` command: argument parsing and rendering only; every decision lives in the core.

Each command group is a module with `register(subparsers)`; its handlers take the parsed arguments and
return an exit code; a command line that names its command builds the parser of that command's module only
(the other modules, and what they import, are not loaded to run one command). Errors raised on purpose
(`Reported`: a user's `AdvisorError`, or an `AdvisorBug` the advisor caught itself, exit 70) print plainly with
their exit code; anything else is a bug and says so in one line (ADVISOR_DEBUG=1 shows the traceback). A
reader that closes the pipe early (`| head`) ends the command quietly with exit 0.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.__about__ import __version__
from advisor.errors import Reported, UsageError, printable

if TYPE_CHECKING:
    from advisor.knowledge.models import Knowledge

#: Command-group modules under advisor.cli, in the order `advisor --help` lists them.
COMMAND_MODULES = ("kb", "recommend", "requests", "audit", "questionnaire", "pricing", "quiz")
#: Each command and the module that registers it (a test holds this to what the modules register).
COMMANDS = {"kb": "kb", "recommend": "recommend", "explain": "recommend", "requests": "requests", "audit": "audit",
            "questionnaire": "questionnaire", "pricing": "pricing", "quiz": "quiz"}
#: Said by the help of every option that names a file or folder to write: each creates the folders missing on its
#: path, as a report path in CI (`-o reports/audit.sarif`) needs; the command's own "wrote PATH" shows a typo.
CREATES_FOLDERS = "missing folders are created"
DATA_DIR_HELP = ("folder of your data: quiz progress, imported banks, the questionnaire's draft "
                 "(default: ADVISOR_DATA_DIR, else the platform's user data folder)")


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    """--data-dir, accepted before or after the command (SUPPRESS keeps a later parser from resetting it)."""
    parser.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, metavar="DIR", help=DATA_DIR_HELP)


def check_regions(regions: Sequence[str] | None, option: str = "--region", knowledge: Knowledge | None = None
                  ) -> None:
    """Refuse a --region SageMaker does not run in before any other work (a file read, a credential lookup, a
    call to AWS), naming the option, the closest codes and every known one. `knowledge`: the one the command has
    loaded already, so it is not loaded twice."""
    if not regions:
        return
    # deferred: the knowledge loads only when a region is to be checked, and as plain data when no command has
    # loaded its records: a command that needs only the codes (`audit --live`) builds no models for them
    from advisor.regions import region_problem

    if knowledge is not None:
        codes: Collection[str] = knowledge.region_codes
    else:
        from advisor.knowledge.loader import knowledge_data

        codes = {str(row["code"]) for row in knowledge_data()["regions"]}
    for region in regions:
        found = region_problem(region, codes)
        if found:
            raise UsageError(f"{option}: {found[0]}", hint=found[1])


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command; of the one command `argv` names, when it names one."""
    parser = argparse.ArgumentParser(
        prog="advisor",
        description="SageMaker exam prep and offline advisor. With no command, opens the quiz TUI.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_data_dir(parser)  # `advisor --data-dir DIR`: the TUI there
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    command = command_named(argv) if argv is not None else None
    for name in (COMMANDS[command],) if command else COMMAND_MODULES:
        importlib.import_module(f"advisor.cli.{name}").register(sub)
    for each in every_parser(parser):  # a subparser inherits neither its parent's formatter nor this help
        each.formatter_class = SpacesFormatter
        say_defaults(each)
    return parser


class SpacesFormatter(argparse.HelpFormatter):
    """argparse's help, wrapped at spaces only: its textwrap also breaks after a hyphen, which cut region codes,
    options and file names in two at 80 columns (`pricing_data/us-` / `east-1.yaml`, `--write-` / `baseline`)."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        import textwrap  # deferred, as argparse's own: only help and errors format text

        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        return textwrap.fill(" ".join(text.split()), width, initial_indent=indent, subsequent_indent=indent,
                             break_on_hyphens=False)


def every_parser(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The parser and every subparser under it, each once (aliases map to the same parser): what the command
    line's help is set on, since argparse passes nothing down to a subparser."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield from every_parser(child)


def say_defaults(parser: argparse.ArgumentParser) -> None:
    """Give each option of this parser with choices and no help of its own its default in --help (`--format`
    printed its choices but not which one applies when it is left out)."""
    for action in parser._actions:
        if (action.option_strings and action.choices and "default" not in (action.help or "")
                and action.default not in (None, argparse.SUPPRESS)):
            action.help = f"{action.help} (default: {action.default})" if action.help else f"default: {action.default}"


def command_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the (sub)command `args` ran: a word it does not take is told with that command's usage
    (`advisor recommend a.yaml b.yaml` printed `advisor`'s own usage, which does not show `recommend`'s)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = action.choices.get(getattr(args, action.dest, None) or "")
            if chosen is not None:
                return command_parser(chosen, args)
    return parser


def command_named(argv: Sequence[str]) -> str | None:
    """The command `argv` runs, if its first word after the top-level options is one; else None (help, the
    TUI, a misspelt command: those need every command's parser)."""
    words = iter(argv)
    for word in words:
        if word == "--data-dir":
            next(words, None)
        elif not word.startswith("--data-dir="):
            return word if word in COMMANDS else None
    return None


#: Commands that read their input, print once and end: no terminal UI, no session (see `main`).
ONE_SHOT = frozenset({"recommend", "explain", "requests"})


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command line; with no `argv`, the process's own (the `advisor` script, `python -m advisor`).

    As the process, a one-shot command runs with Python's cyclic garbage collector paused: nearly everything it
    allocates (modules, classes, validators, the knowledge) lives until exit, so the collector's passes found
    nothing to free, and its full pass at exit walked every object once more (together about a tenth of the
    work of `advisor recommend`). A caller that passes `argv` runs in a longer-lived process (tests, scripts)
    and keeps its collector as it was; so does the terminal UI, which runs for as long as it is used.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    if argv is None and command_named(args_list) in ONE_SHOT:
        gc.disable()
        code = _main(args_list)
        gc.freeze()  # what is left is freed with the process, not walked by the collector's pass at exit
        return code
    return _main(args_list)


def _main(args_list: list[str]) -> int:
    try:
        parser = build_parser(args_list)
        args, extra = parser.parse_known_args(args_list)
        if extra:
            command_parser(parser, args).error(f"unrecognized arguments: {' '.join(extra)}")
        handler = getattr(args, "handler", None)
        if handler is None:
            if not (sys.stdin.isatty() and sys.stdout.isatty()):  # piped or scripted: no TUI, just help
                parser.print_help()
                return 0
            # deferred: every command module loads at start; its stack loads when the command runs
            from advisor.cli.quiz import cmd_tui

            return cmd_tui(args)
        code = int(handler(args) or 0)
        sys.stdout.flush()  # a reader that went away shows here, as a BrokenPipeError, not at interpreter exit
        return code
    except Reported as exc:  # a user error, or a bug of ours the advisor caught itself
        print(exc.render(), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `advisor recommend x.yaml | head -1`: the reader has all it wanted
        _quiet_stdout()
        return 0
    except Exception as exc:
        if os.environ.get("ADVISOR_DEBUG"):
            raise
        print(f"advisor: internal error: {type(exc).__name__}: {printable(str(exc))} "
              "(this is a bug; run with ADVISOR_DEBUG=1 for the traceback)", file=sys.stderr)
        return 70


def _quiet_stdout() -> None:
    """After a closed pipe, whatever is still buffered goes nowhere: standard output's descriptor now points at
    /dev/null, so the flush at exit neither fails nor prints "Exception ignored" (exit 0, like `head`'s writers
    that stop quietly; 141, death by SIGPIPE, would fail `set -o pipefail` scripts for a reader's choice)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
