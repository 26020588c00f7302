"""advisor.quiz.session: seeded order and shuffles, choose-N enforced, exam navigation and clock."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from advisor.errors import QuizError
from advisor.knowledge.loader import load_knowledge
from advisor.quiz import MAX_EXAM_MINUTES
from advisor.quiz.bank import Bank, find_bank
from advisor.quiz.session import exam_items, exam_minutes, new_session, option_order, practice_items
from tests.support.quiz import FrozenClock


def _session(bank: Bank, clock: FrozenClock, mode: str = "practice", seed: int = 7, **kw):
    return new_session(bank, mode, list(bank.items), seed=seed, clock=clock, **kw)  # type: ignore[arg-type]


def test_option_order_is_seeded_per_question_and_keeps_pinned_options(tiny: Bank) -> None:
    pinned = tiny.by_id["q-pinned-4"]
    orders = {option_order(pinned, seed) for seed in range(40)}
    assert len(orders) > 1, "the unpinned options are shuffled"
    assert all(order[-1] == "D" for order in orders), "All of the above stays last"
    assert option_order(pinned, 3) == option_order(pinned, 3)
    assert all(option_order(tiny.by_id["q-tf-3"], seed) == ("A", "B") for seed in range(10))


def test_single_answer_replaces_and_choose_n_is_enforced(tiny: Bank, clock: FrozenClock) -> None:
    session = _session(tiny, clock)
    slot = session.current
    assert session.toggle(0) is None and session.toggle(1) is None
    assert slot.response == {slot.order[1]}
    session.toggle(1)
    assert slot.response == frozenset()

    session.go(1)
    multi = session.current
    assert multi.item.id == "q-multi-2"
    assert session.toggle(0) is None
    with pytest.raises(QuizError, match=r"choose 2 \(you have chosen 1\)"):
        session.submit()
    assert session.toggle(1) is None
    assert session.toggle(2) == "choose 2: clear one of your picks first"
    assert len(multi.response) == 2
    assert session.toggle(9) is not None  # no such option


def test_practice_submit_locks_the_answer_and_marks_it(tiny: Bank, clock: FrozenClock) -> None:
    session = _session(tiny, clock)
    slot = session.current
    session.toggle(slot.order.index("B"))
    verdict = session.submit()
    assert verdict.correct and slot.submitted
    assert session.toggle(0) == "this question is already answered"
    assert slot.label("B") == "ABCD"[slot.order.index("B")]


def test_exam_answers_change_flags_toggle_and_nothing_is_marked(tiny: Bank, clock: FrozenClock) -> None:
    session = _session(tiny, clock, "exam", minutes=10, exam_code="MLA-C01")
    session.toggle(0)
    session.toggle(1)
    assert session.flag() is True and session.flag() is False
    with pytest.raises(QuizError):
        session.submit()
    assert session.go(-1) is False and session.go(1) is True and session.index == 1
    session.goto(5)
    assert session.go(1) is False
    with pytest.raises(QuizError):
        session.goto(6)


def test_the_exam_clock_runs_on_the_injected_clock(tiny: Bank, clock: FrozenClock) -> None:
    session = _session(tiny, clock, "exam", minutes=10, exam_code="MLA-C01")
    assert session.remaining() == dt.timedelta(minutes=10)
    clock.advance(minutes=9, seconds=30)
    assert session.remaining() == dt.timedelta(seconds=30) and not session.expired
    clock.advance(minutes=1)
    assert session.remaining() == dt.timedelta(0) and session.expired
    assert session.toggle(0) == "this question is already answered"
    assert _session(tiny, clock).remaining() is None


def test_practice_puts_never_answered_questions_first(tiny: Bank) -> None:
    seen = {"q-single-1", "q-tf-3"}
    items = practice_items(tiny, None, seed=1, seen=seen)
    assert {i.id for i in items[:4]} == {i.id for i in tiny.items} - seen
    assert practice_items(tiny, 3, seed=1, seen=seen) == items[:3]
    assert [i.id for i in practice_items(tiny, None, 1)] == [i.id for i in practice_items(tiny, None, 1)]
    assert [i.id for i in practice_items(tiny, None, 1)] != [i.id for i in practice_items(tiny, None, 2)]


def test_exam_draw_follows_the_blueprint_weights() -> None:
    bank = find_bank("chapter09")
    mla = load_knowledge().exam("MLA-C01")
    items = exam_items(bank, mla, 65, seed=3)
    assert len({i.id for i in items}) == 65
    drawn = Counter(i.domains["MLA-C01"] for i in items)
    # few data-preparation questions in a chapter on modeling: the rest of its 28% goes to the others, largest
    # shortfall first (the figures follow the shipped bank's domain mix: update them when chapter09.yaml's mix changes)
    assert drawn == {"model-development": 20, "deployment-orchestration": 17, "monitoring-maintenance-security": 19,
                     "data-preparation": 9}
    mls = load_knowledge().exam("MLS-C01")
    small = Counter(i.domains["MLS-C01"] for i in exam_items(bank, mls, 10, seed=3))
    assert small == {"modeling": 4, "ml-implementation-operations": 3, "data-engineering": 3}  # shares passed on
    with pytest.raises(QuizError, match="fewer than the 500 asked for"):
        exam_items(bank, mla, 500, seed=3)


def test_custom_exam_time_keeps_the_blueprints_pace() -> None:
    mla = load_knowledge().exam("MLA-C01")
    assert exam_minutes(mla, 65) == 130 and exam_minutes(mla, 10) == 20 and exam_minutes(mla, 1) == 2
    # whole numbers to the end, and never past a week: a float quotient showed 10**23 questions' time as
    # 199999999999999983222784 minutes, a time no clock could count down
    assert exam_minutes(mla, 10**23) == MAX_EXAM_MINUTES == 7 * 24 * 60 and exam_minutes(mla, 5039) == 10078


def test_an_empty_review_is_refused_plainly(tiny: Bank, clock: FrozenClock) -> None:
    with pytest.raises(QuizError, match="nothing is due"):
        new_session(tiny, "review", [], seed=1, clock=clock)
