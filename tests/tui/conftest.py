"""Fixtures of the TUI tests: the quiz fixtures (frozen clock, tiny bank, tutor) and a tutor on the shipped bank."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from advisor.quiz.tutor import Tutor
from tests.quiz.builders import FrozenClock
from tests.quiz.conftest import banks_dir, clock, tiny, tutor  # noqa: F401 - shared fixtures


@pytest.fixture
def chapter_tutor(tmp_path: Path, clock: FrozenClock) -> Iterator[Tutor]:  # noqa: F811
    t = Tutor.open(tmp_path / "chapter-data", clock=clock)
    yield t
    t.close()
