"""The `advisor` command's process: `python -m advisor` and the installed `advisor` script both start here.

A Ctrl+C is never a traceback, however early or late it comes. The command line's own handler
(`advisor.cli.main`) turns one into "interrupted" and exit 130, but it exists only once `advisor.cli` and what it
imports have loaded (about a tenth of a second, longer on a busy machine), and no longer once it has returned (the
interpreter flushing output and waiting for threads at exit). So this module, which imports nothing of the
advisor's, installs a signal handler as its first act that ends the process at once with the same line and code.
Only while the command runs does a Ctrl+C raise Python's KeyboardInterrupt, which the commands rely on to clean up
(a draft saved, a child process stopped, a temporary file removed); a second one during that clean-up ends the
process at once. What runs before this module (the interpreter's
start-up, the installer's script template) is Python's own.
"""

import os
import signal
import sys
from types import FrameType

INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl+C


def _end_interrupted(signum: int, frame: FrameType | None) -> None:
    """Outside the command's own handler there is nothing to clean up: say so in one line and end now."""
    try:
        os.write(2, b"interrupted\n")
    finally:
        os._exit(INTERRUPTED)


signal.signal(signal.SIGINT, _end_interrupted)


def _interrupt_once(signum: int, frame: FrameType | None) -> None:
    """While the command runs: Python's KeyboardInterrupt, so the command cleans up and says "interrupted"; a
    second Ctrl+C while it does so (or while the command returns) ends the process at once. So does one that comes
    while a module loads (the commands import what they need as they run): raised there, it can crash a native
    extension's initialisation (orjson's, interrupted while it imported uuid, died of a segmentation fault)."""
    signal.signal(signal.SIGINT, _end_interrupted)
    if _importing(frame):
        _end_interrupted(signum, frame)
    raise KeyboardInterrupt


def _importing(frame: FrameType | None) -> bool:
    """Whether the interrupted code runs inside an import (Python's import machinery is on the stack)."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib._bootstrap"):
            return True
        frame = frame.f_back
    return False


def _unraisable(unraisable: "sys.UnraisableHookArgs") -> None:
    """A KeyboardInterrupt that native code could not pass on (pydantic-core checking a pattern while Ctrl+C came)
    is the user's Ctrl+C, not a failed check: end as one. Anything else is reported as Python reports it."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        _end_interrupted(signal.SIGINT, None)
    sys.__unraisablehook__(unraisable)


def main() -> int:
    """Run the command line of the process, a Ctrl+C at any point ending it with exit 130 and one line."""
    signal.signal(signal.SIGINT, _end_interrupted)  # again: `from advisor.__main__ import main` may have run long ago
    from advisor.cli import main as run

    signal.signal(signal.SIGINT, _interrupt_once)
    sys.unraisablehook = _unraisable
    try:
        code = run()
        signal.signal(signal.SIGINT, _end_interrupted)  # done: the interpreter's exit has nothing to clean up
    except KeyboardInterrupt:  # before the command's own handler was entered, or after it returned
        os.write(2, b"interrupted\n")
        code = INTERRUPTED
    try:
        sys.stdout.flush()  # what the command printed is out before a late Ctrl+C may end the process unflushed
    except (OSError, ValueError):
        pass  # a closed pipe or stream: the command has already dealt with its reader going away
    return code


if __name__ == "__main__":
    sys.exit(main())
