"""Fixtures of the TUI tests (the quiz fixtures come from tests/support/quiz_fixtures.py): a tutor on the
shipped bank, and one on a frozen sample of it for the snapshots (the shipped bank changes; the pictures must not)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from advisor.quiz.tutor import Tutor
from tests.support.quiz import FrozenClock


@pytest.fixture
def chapter_tutor(tmp_path: Path, clock: FrozenClock) -> Iterator[Tutor]:
    t = Tutor.open(tmp_path / "chapter-data", clock=clock)
    yield t
    t.close()


SNAPSHOT_BANKS = Path(__file__).parent / "banks"


@pytest.fixture
def snap_tutor(tmp_path: Path, clock: FrozenClock) -> Iterator[Tutor]:
    t = Tutor.open(tmp_path / "snap-data", clock=clock, banks_dir=SNAPSHOT_BANKS)
    yield t
    t.close()
