"""advisor.forked: a child's bytes come back, a failure is None, and no child outlives its block."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from advisor import forked
from advisor.forked import Child


def _no_child_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_child_s_bytes_come_back() -> None:
    with Child(lambda: b"made elsewhere " * 100_000) as child:  # more than a pipe holds: read as it is written
        assert child.result() == b"made elsewhere " * 100_000
    assert _no_child_left()


def test_a_child_that_fails_gives_none() -> None:
    def fails() -> bytes:
        raise ValueError("no")

    with Child(fails) as child:
        assert child.result() is None
    assert _no_child_left()


def test_leaving_the_block_early_stops_the_child() -> None:
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt), Child(lambda: time.sleep(60) or b""):
        raise KeyboardInterrupt
    assert time.monotonic() - start < 10 and _no_child_left()


def test_the_child_never_returns_into_the_caller_nor_flushes_its_buffers() -> None:
    code = ("import sys; from advisor.forked import Child\n"
            "print('once', end=' ')\n"  # still in the buffer (stdout is a pipe) when the child is forked
            "with Child(lambda: b'ok') as child:\n"
            "    print(child.result())\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "once b'ok'\n"


def test_work_is_forked_only_where_it_is_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "usable_cores", lambda: 2)
    assert forked.may_fork() == sys.platform.startswith("linux")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not forked.may_fork(), "never with another thread running"
    finally:
        stop.set()
        other.join()
    monkeypatch.setattr(forked, "usable_cores", lambda: 1)
    assert not forked.may_fork(), "one core: nothing to gain"
    monkeypatch.setattr(forked, "usable_cores", lambda: 2)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not forked.may_fork(), "Linux only"
