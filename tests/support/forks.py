"""A fixture that counts the children `advisor.forked` forks, for tests of work read in pieces on several cores."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the children forked during the test (os.fork still forks: the work runs for real)."""
    pids: list[int] = []
    fork = os.fork

    def counted() -> int:
        pid = fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted)
    return pids
