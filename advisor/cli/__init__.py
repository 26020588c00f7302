"""The `advisor` command: argument parsing and rendering only; every decision lives in the core.

Each command group is a module with `register(subparsers)`; its handlers take the parsed arguments and
return an exit code. Errors raised on purpose (`Reported`: a user's `AdvisorError`, or an `AdvisorBug` the
advisor caught itself, exit 70) print plainly with their exit code; anything else is a bug and says so in one
line (ADVISOR_DEBUG=1 shows the traceback). A reader that closes the pipe early (`| head`) ends the command
quietly with exit 0.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from advisor.__about__ import __version__
from advisor.errors import Reported, printable

#: Command-group modules under advisor.cli, in the order `advisor --help` lists them.
COMMAND_MODULES = ("kb", "recommend", "requests", "audit", "questionnaire", "pricing", "quiz")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="advisor",
        description="SageMaker exam prep and offline advisor. With no command, opens the quiz TUI.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    importlib.import_module("advisor.cli.quiz").add_data_dir(parser)  # `advisor --data-dir DIR`: the TUI there
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"advisor.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        args = parser.parse_args(args_list)
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
