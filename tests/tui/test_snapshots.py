"""Snapshots of the key screens at 80x24 (pytest-textual-snapshot): fixed seed, frozen clock, no ticking.

Regenerate after a deliberate change with `pytest tests/tui --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from textual.pilot import Pilot

from advisor.quiz.session import Session, Slot
from advisor.quiz.tutor import Tutor
from advisor.tui.app import create_app
from tests.support.quiz import FrozenClock

Compare = Callable[..., bool]


def _goto(session: Session, question_id: str) -> Session:
    session.goto(next(i for i, s in enumerate(session.slots) if s.item.id == question_id))
    return session


def _wrong(slot: Slot) -> list[str]:
    """A wrong answer of the right size: wrong options first, topped up with right ones."""
    keys = [k for k in slot.order if k not in slot.item.correct_keys]
    keys += [k for k in slot.order if k in slot.item.correct_keys]
    return keys[:slot.item.picks] if set(keys[:slot.item.picks]) != slot.item.correct_keys else keys[-slot.item.picks:]


def _pick(session: Session, keys: Iterable[str]) -> None:
    for key in keys:
        session.toggle(session.current.order.index(key))


async def _settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def _settled_press(key: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Wait for the screen's background work, press `key`, wait again (snap_compare's run_before)."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        await pilot.press(key)
        await _settle(pilot)

    return run_before


def test_practice_question_after_an_answer(snap_compare: Compare, snap_tutor: Tutor) -> None:
    session = _goto(snap_tutor.practice(snap_tutor.bank("chapter09"), count=None, seed=11), "c09-book-q2")
    _pick(session, "ABC")  # C is wrong: explanations for every option are shown at once
    app = create_app(snap_tutor, session=session, ticking=False)
    assert snap_compare(app, press=["enter"], terminal_size=(80, 24))


def test_exam_question_with_timer_and_flag(snap_compare: Compare, snap_tutor: Tutor,
                                           clock: FrozenClock) -> None:
    session = snap_tutor.exam(snap_tutor.bank("chapter09"), exam_code="MLA-C01", seed=5)
    clock.advance(minutes=17, seconds=42)
    _pick(session, sorted(session.current.item.correct_keys)[:1])
    session.flag()
    app = create_app(snap_tutor, session=session, ticking=False)
    assert snap_compare(app, run_before=_settle, terminal_size=(80, 24))


def _answered_exam(tutor: Tutor, clock: FrozenClock) -> Session:
    session = tutor.exam(tutor.bank("chapter09"), exam_code="MLA-C01", count=20, seed=5)
    for index, slot in enumerate(session.slots[:18]):
        session.goto(index)
        wrong = _wrong(slot)
        _pick(session, sorted(slot.item.correct_keys) if index % 4 else wrong)
    session.goto(19)
    clock.advance(minutes=31, seconds=5)
    return session


def test_exam_result(snap_compare: Compare, snap_tutor: Tutor, clock: FrozenClock) -> None:
    app = create_app(snap_tutor, session=_answered_exam(snap_tutor, clock), ticking=False)
    assert snap_compare(app, press=["s", "y"], terminal_size=(80, 24))


def test_exam_result_at_120_columns(snap_compare: Compare, snap_tutor: Tutor, clock: FrozenClock) -> None:
    """A wide terminal shows the domains' whole names (they were cut at 34 columns whatever the width)."""
    app = create_app(snap_tutor, session=_answered_exam(snap_tutor, clock), ticking=False)
    assert snap_compare(app, press=["s", "y"], terminal_size=(120, 40))


def _history(tutor: Tutor, clock: FrozenClock) -> None:
    """Two practice rounds and two exams, so every stats section has figures."""
    bank = tutor.bank("chapter09")
    for seed, every in ((1, 3), (2, 2)):
        session = tutor.practice(bank, seed=seed)
        for index, slot in enumerate(session.slots):
            session.goto(index)
            wrong = _wrong(slot)
            _pick(session, sorted(slot.item.correct_keys) if index % every else wrong)
            tutor.submit(session)
        tutor.finish(session)
        clock.advance(days=1)
    for seed, every in ((3, 3), (4, 6)):
        exam = tutor.exam(bank, count=20, seed=seed)
        for index, slot in enumerate(exam.slots):
            exam.goto(index)
            wrong = _wrong(slot)
            _pick(exam, sorted(slot.item.correct_keys) if index % every else wrong)
        tutor.finish(exam)
        clock.advance(days=2)


def test_stats(snap_compare: Compare, snap_tutor: Tutor, clock: FrozenClock) -> None:
    _history(snap_tutor, clock)
    app = create_app(snap_tutor, ticking=False)
    assert snap_compare(app, run_before=_settled_press("s"), terminal_size=(80, 24))


def test_stats_at_120_columns(snap_compare: Compare, snap_tutor: Tutor, clock: FrozenClock) -> None:
    """Topic and domain names as wide as the terminal allows (they were cut at 30 columns whatever the width)."""
    _history(snap_tutor, clock)
    app = create_app(snap_tutor, ticking=False)
    assert snap_compare(app, run_before=_settled_press("s"), terminal_size=(120, 40))


def test_home_in_the_light_theme(snap_compare: Compare, snap_tutor: Tutor, clock: FrozenClock) -> None:
    _history(snap_tutor, clock)
    snap_tutor.set_exam_date(clock().date() + dt.timedelta(days=10))
    app = create_app(snap_tutor, ticking=False)
    assert snap_compare(app, run_before=_settled_press("t"), terminal_size=(80, 24))


def test_ordering_question_after_an_answer(snap_compare: Compare, snap_tutor: Tutor) -> None:
    """Each step with the place given, the right place where it differs, and why: 80x24, keys only."""
    session = _goto(snap_tutor.practice(snap_tutor.bank("chapter09"), count=None, seed=11),
                    "c09-order-training-lifecycle")
    slot = session.current
    given = [*slot.item.correct_order[:2], slot.item.correct_order[3], slot.item.correct_order[2]]
    keys = [str(slot.order.index(k) + 1) for k in given]
    app = create_app(snap_tutor, session=session, ticking=False)
    assert snap_compare(app, press=[*keys, "enter"], terminal_size=(80, 24))


def test_matching_question_in_an_exam(snap_compare: Compare, snap_tutor: Tutor, clock: FrozenClock) -> None:
    """Two prompts matched, the cursor on the third; nothing revealed; the footer's matching keys."""
    session = _goto(snap_tutor.exam(snap_tutor.bank("chapter09"), exam_code="MLA-C01", seed=5),
                    "c09-match-inference-options")
    slot = session.current
    pairs = slot.item.correct_pairs
    keys = [key for n in (0, 1) for key in (str(n + 1), "abcdefghi"[slot.choices.index(pairs[slot.order[n]])])]
    app = create_app(snap_tutor, session=session, ticking=False)
    assert snap_compare(app, press=keys, terminal_size=(80, 24))
