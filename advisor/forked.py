"""Work on another core: a forked child that hands back bytes, used only where forking is safe.

A big input can make one core the limit: a 10,000-question bank's cold load is mostly libyaml and pydantic,
which hold the GIL, so threads would take turns; processes do not. Its YAML is read in pieces at once
(`advisor.documents`), and its cache is written while the session's bank is built (`advisor.quiz.bank`).

Safe means (`may_fork`): Linux (macOS does not allow some system libraries in a forked child that does not exec,
which is why Python's multiprocessing spawns there; Windows has no fork), a process with one thread (a fork copies
only the calling thread: a lock another thread held would stay held in the child; the TUI loads banks in worker
threads, so there the same work runs in turn, here), and a second usable core. Elsewhere the callers do the work
themselves, with the same result.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from contextlib import suppress
from types import TracebackType
from typing import NoReturn


def usable_cores() -> int:
    """The cores this process may run on (its affinity: `taskset` or a container's limit), not the machine's."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def may_fork() -> bool:
    """Whether work may go to a forked child here (see the module docstring for why these three)."""
    import threading  # here, as `signal` below: every start imports this module, few fork

    return sys.platform.startswith("linux") and threading.active_count() == 1 and usable_cores() > 1


class Child:
    """`work` run in a forked child from `with Child(work) as child:`; `child.result()` waits for it and gives
    the bytes `work` returned, or None if it raised or the child died.

    The child exits straight after `work` (`os._exit`: no exit handlers, no buffers flushed twice), never
    returning into the caller's code, whatever happens, an interrupt included. Leaving the block before the
    result was taken (an error, an interrupt) kills the child; it is always waited for, so none is left behind.
    Entering raises OSError when no process or pipe can be had.
    """

    def __init__(self, work: Callable[[], bytes]) -> None:
        self._work = work
        self._pid = 0
        self._read_end = -1

    def __enter__(self) -> Child:
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:
            os.close(read_end)
            _run_and_exit(self._work, write_end)
        os.close(write_end)
        self._pid, self._read_end = pid, read_end
        return self

    def result(self) -> bytes | None:
        """What `work` returned, once the child has exited; None if it failed."""
        try:
            with os.fdopen(self._read_end, "rb") as stream:
                blob = stream.read()
        finally:
            self._read_end = -1
            _, status = os.waitpid(self._pid, 0)
            self._pid = 0
        return blob if status == 0 else None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._read_end >= 0:
            os.close(self._read_end)
        if self._pid:
            import signal

            with suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            with suppress(OSError):
                os.waitpid(self._pid, 0)


def _run_and_exit(work: Callable[[], bytes], out: int) -> NoReturn:
    status = 1
    try:
        blob = work()
        with os.fdopen(out, "wb") as stream:
            stream.write(blob)
        status = 0
    finally:  # whatever happened (an error, an interrupt): exit here, the parent does the work itself
        os._exit(status)
