"""advisor.quiz.scheduler: FSRS with right -> Good and wrong -> Again, deterministic, and the exam date."""

from __future__ import annotations

import datetime as dt

from advisor.quiz.scheduler import Scheduler
from tests.support.quiz import START

UTC = dt.UTC


def test_right_schedules_later_than_wrong_and_is_deterministic() -> None:
    s = Scheduler()
    good = s.review("q1", None, True, START)
    again = s.review("q1", None, False, START)
    assert again.due < good.due
    assert good.due - START == dt.timedelta(days=2)  # FSRS-6 default initial stability for Good, no fuzz
    assert again.due - START == dt.timedelta(days=1)
    assert s.review("q1", None, True, START) == good
    assert good.last_review == START and good.card["card_id"] == s.review("q1", None, False, START).card["card_id"]


def test_intervals_grow_with_right_answers_and_shrink_after_a_lapse() -> None:
    s = Scheduler()
    state = s.review("q1", None, True, START)
    intervals = []
    for _ in range(3):
        when = state.due
        state = s.review("q1", state.card, True, when)
        intervals.append(state.due - when)
    assert intervals[0] < intervals[1] < intervals[2]
    lapse_at = state.due
    lapsed = s.review("q1", state.card, False, lapse_at)
    assert lapsed.due - lapse_at < intervals[-1]


def test_an_exam_date_brings_later_reviews_forward_to_its_eve() -> None:
    exam = dt.date(2026, 12, 1)
    eve = dt.datetime(2026, 11, 30, tzinfo=UTC)
    s = Scheduler(exam)
    far = dt.datetime(2026, 12, 20, tzinfo=UTC)
    assert s.effective_due(far, START, START) == eve
    assert not s.is_due(far, START, START)
    assert s.is_due(far, START, eve)
    near = dt.datetime(2026, 11, 26, tzinfo=UTC)
    assert s.effective_due(near, START, START) == near           # due before the exam anyway
    assert s.effective_due(far, eve, eve) == far                 # already reviewed on the eve: leave it
    after = dt.datetime(2026, 12, 2, tzinfo=UTC)
    assert s.effective_due(far, START, after) == far             # the exam is over
    assert Scheduler(None).effective_due(far, START, START) == far
