"""advisor.quiz.session: seeded order and shuffles, choose-N enforced, exam navigation and clock."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from advisor.errors import QuizError
from advisor.knowledge.loader import load_knowledge
from advisor.quiz import MAX_EXAM_MINUTES
from advisor.quiz.bank import Bank, find_bank
from advisor.quiz.scoring import domain_targets, mark, score_exam
from advisor.quiz.session import (
    exam_items,
    exam_minutes,
    exam_plan,
    exam_units,
    new_session,
    option_order,
    practice_items,
)
from advisor.tui.views import drawn_note
from tests.support.quiz import FrozenClock, question, write_bank


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
    # 28/26/22/24% of 65 by largest remainder: 18.2, 16.9, 14.3, 15.6 -> 18, 17, 14, 16 (rounding each alone: 64)
    assert drawn == {"data-preparation": 18, "model-development": 17, "deployment-orchestration": 14,
                     "monitoring-maintenance-security": 16}
    assert [d.short for d in exam_plan(bank, mla, 65)] == [0, 0, 0, 0]
    # MLA-C01's own item types, each drawn; never the book's true/false (the guide has none)
    assert set(Counter(i.type for i in items)) == {"single", "multiple", "ordering", "matching"}
    mls = load_knowledge().exam("MLS-C01")
    small = exam_items(bank, mls, 10, seed=3)
    assert {i.type for i in small} <= {"single", "multiple"}  # MLS-C01 had no ordering or matching items
    with pytest.raises(QuizError, match="fewer than the 500 asked for"):
        exam_items(bank, mla, 500, seed=3)


def test_domain_targets_are_whole_questions_by_largest_remainder() -> None:
    mla = load_knowledge().exam("MLA-C01")
    assert domain_targets(mla, 65) == {"data-preparation": 18, "model-development": 17,
                                       "deployment-orchestration": 14, "monitoring-maintenance-security": 16}
    assert domain_targets(mla, 10) == {"data-preparation": 3, "model-development": 3,
                                       "deployment-orchestration": 2, "monitoring-maintenance-security": 2}
    assert all(sum(domain_targets(mla, n).values()) == n for n in range(0, 300))


def _case_bank(tmp_path: Path, data_prep: int = 2) -> Bank:
    """A case study of three (two model-development questions, one monitoring) among single questions."""
    scenario = "Case study: a team trains a model weekly and serves it in real time."
    questions = [question(f"case-{n}", stem=f"{scenario}\n\nPart {n}: which option is right?",
                          mla="monitoring-maintenance-security" if n == 3 else "model-development")
                 for n in (1, 2, 3)]
    questions += [question(f"dev-{n}") for n in range(12)]
    questions += [question(f"ops-{n}", mla="deployment-orchestration") for n in range(12)]
    questions += [question(f"mon-{n}", mla="monitoring-maintenance-security") for n in range(12)]
    questions += [question(f"prep-{n}", mla="data-preparation") for n in range(data_prep)]
    write_bank(tmp_path / "cases", questions, bank_id="cases")
    return find_bank("cases", tmp_path / "cases")


def test_a_case_study_is_drawn_whole_in_order_and_counted_in_its_domains(tmp_path: Path) -> None:
    bank = _case_bank(tmp_path, data_prep=12)
    mla = load_knowledge().exam("MLA-C01")
    cases = {"case-1", "case-2", "case-3"}
    whole = 0
    for seed in range(60):
        ids = [i.id for i in exam_items(bank, mla, 20, seed)]
        assert len(ids) == len(set(ids)) == 20
        drawn = [q for q in ids if q in cases]
        assert drawn in ([], ["case-1", "case-2", "case-3"]), f"seed {seed}: {ids}"  # all or none, in order
        if drawn:
            whole += 1
            start = ids.index("case-1")
            assert ids[start:start + 3] == ["case-1", "case-2", "case-3"]  # together, not scattered
        # the case's questions count in their own domains: the blueprint's mix holds with or without it
        assert Counter(i.domains["MLA-C01"] for i in bank.items if i.id in ids) == {
            "data-preparation": 6, "model-development": 5, "deployment-orchestration": 4,
            "monitoring-maintenance-security": 5}
    assert 0 < whole < 60  # sometimes drawn, sometimes not
    assert exam_units(list(bank.items))[0] == tuple(bank.items[:3])


def test_a_domain_the_bank_lacks_is_said_not_filled_silently(tmp_path: Path) -> None:
    bank = _case_bank(tmp_path, data_prep=2)
    mla = load_knowledge().exam("MLA-C01")
    plan = {d.id: d for d in exam_plan(bank, mla, 20)}
    prep = plan["data-preparation"]
    assert (prep.target, prep.available, prep.drawn, prep.short) == (6, 2, 2, 4)
    assert sum(d.drawn for d in plan.values()) == 20  # the others take its places, in their weights
    items = exam_items(bank, mla, 20, seed=1)
    assert Counter(i.domains["MLA-C01"] for i in items)["data-preparation"] == 2
    score = score_exam(mla, items, [mark(i, ()) for i in items])
    by_domain = {d.id: (d.total, d.target) for d in score.domains}
    assert by_domain["data-preparation"] == (2, 6)
    assert "Data Preparation for Machine Learning: 2 of the 6 questions its 28% asks for" in str(
        drawn_note(score).plain)
    full = exam_items(_case_bank(tmp_path / "full", data_prep=12), mla, 20, seed=1)
    assert drawn_note(score_exam(mla, full, [mark(i, ()) for i in full])).plain == (
        "\nDrawn in the blueprint's domain weights.\n")


def test_custom_exam_time_keeps_the_blueprints_pace() -> None:
    mla = load_knowledge().exam("MLA-C01")
    assert exam_minutes(mla, 65) == 130 and exam_minutes(mla, 10) == 20 and exam_minutes(mla, 1) == 2
    # whole numbers to the end, and never past a week: a float quotient showed 10**23 questions' time as
    # 199999999999999983222784 minutes, a time no clock could count down
    assert exam_minutes(mla, 10**23) == MAX_EXAM_MINUTES == 7 * 24 * 60 and exam_minutes(mla, 5039) == 10078


def test_an_empty_review_is_refused_plainly(tiny: Bank, clock: FrozenClock) -> None:
    with pytest.raises(QuizError, match="nothing is due"):
        new_session(tiny, "review", [], seed=1, clock=clock)
