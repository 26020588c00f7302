"""Snapshots of the workload questionnaire at 80x24: a step with a bad answer, and the recommendation.

Regenerate after a deliberate change with `pytest tests/tui --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from advisor.quiz.tutor import Tutor
from advisor.recommend.questions import answers_from_file
from advisor.tui.app import create_app
from advisor.tui.questionnaire import QuestionnaireStart
from tests.conftest import ROOT

Compare = Callable[..., bool]
FRAUD = ROOT / "examples" / "workloads" / "fraud-detector.yaml"


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(2):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _fraud(tutor: Tutor) -> QuestionnaireStart:
    return QuestionnaireStart(data_dir=tutor.store.path.parent, answers=answers_from_file(FRAUD)[0],
                              out=Path("fraud-detector.yaml"))


def test_a_step_with_a_bad_answer(snap_compare: Compare, chapter_tutor: Tutor) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        await pilot.press("ctrl+n")  # the data step
        await _settle(pilot)
        for field in pilot.app.screen.query(Input):  # a blinking cursor made the picture depend on the machine's load
            field.cursor_blink = False
        await pilot.press(*"4o", "ctrl+n")  # Next refused, the problem beside the field
        await _settle(pilot)

    app = create_app(chapter_tutor, questionnaire=_fraud(chapter_tutor), ticking=False)
    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


def test_the_recommendation(snap_compare: Compare, chapter_tutor: Tutor, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        await pilot.press("ctrl+s", "enter")  # the summary, then save and recommend
        await _settle(pilot)

    app = create_app(chapter_tutor, questionnaire=_fraud(chapter_tutor), ticking=False)
    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))
