"""Fixtures of the quiz and TUI tests: a frozen clock, a tiny bank folder, and a tutor on a temporary data folder.

Registered as a plugin by tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.quiz.bank import Bank, find_bank
from advisor.quiz.tutor import Tutor
from tests.support.quiz import FrozenClock, write_bank


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def banks_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    write_bank(folder)
    return folder


@pytest.fixture
def tiny(banks_dir: Path) -> Bank:
    return find_bank("tiny", banks_dir)


@pytest.fixture
def tutor(tmp_path: Path, clock: FrozenClock, banks_dir: Path) -> Iterator[Tutor]:
    t = Tutor.open(tmp_path / "data", clock=clock, banks_dir=banks_dir)
    yield t
    t.close()
