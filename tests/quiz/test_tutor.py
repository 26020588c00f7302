"""advisor.quiz.tutor: answers recorded as given, review queue order, exams scored and resumed, stats."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from advisor.errors import QuizError
from advisor.quiz.bank import Bank
from advisor.quiz.session import Session
from advisor.quiz.stats import bar, sparkline, stats_data
from advisor.quiz.tutor import Tutor
from tests.support.quiz import FrozenClock


def answer(session: Session, right: bool) -> None:
    """Choose the right set, or a wrong one of the right size, for the current question."""
    slot = session.current
    keys = sorted(slot.item.correct_keys) if right else \
        [k for k in slot.order if k not in slot.item.correct_keys][:slot.item.picks]
    for key in keys:
        assert session.toggle(slot.order.index(key)) is None


def practice_round(tutor: Tutor, pattern: str, seed: int = 1) -> Session:
    """Answer a practice round right (R) or wrong (W), question by question."""
    session = tutor.practice(tutor.bank("tiny"), count=len(pattern), seed=seed)
    for outcome in pattern:
        answer(session, outcome == "R")
        tutor.submit(session)
        session.go(1)
    tutor.finish(session)
    return session


def test_the_first_bank_is_a_file_and_generated_banks_wait_until_listed(tmp_path: Path, banks_dir: Path,
                                                                       clock: FrozenClock) -> None:
    """A session started without a bank named opens on the first bank file; a generated bank (the drills) is
    built only for the full list (a banks folder without a file is refused: see below)."""
    from advisor.quiz.bank import find_bank

    built: list[str] = []

    def generated() -> Bank:
        built.append("drills")
        return replace(find_bank("tiny", banks_dir), id="drills")

    tutor = Tutor.open(tmp_path / "data", clock=clock, banks_dir=banks_dir, generated=(generated,))
    try:
        first = tutor.first_bank()
        assert first is not None and first.id == "tiny" and built == []
        assert [b.id for b in tutor.banks()] == ["tiny", "drills"] and built == ["drills"]
    finally:
        tutor.close()


def test_each_answer_is_recorded_with_its_schedule(tutor: Tutor) -> None:
    session = practice_round(tutor, "RW")
    attempts = tutor.store.attempts("tiny")
    assert [(a.question_id, a.correct) for a in attempts] == [(s.item.id, ok) for s, ok in
                                                              zip(session.slots, (True, False))]
    cards = tutor.store.cards("tiny")
    right, wrong = (cards[s.item.id] for s in session.slots)
    assert right.due - tutor.clock() == dt.timedelta(days=2) and wrong.due - tutor.clock() == dt.timedelta(days=1)


def test_review_is_due_first_then_wrong_and_nothing_else(tutor: Tutor, clock: FrozenClock) -> None:
    first = practice_round(tutor, "RRW")
    right1, right2, wrong = (s.item.id for s in first.slots)
    queue = tutor.queue(tutor.bank("tiny"))
    assert queue.due == () and queue.wrong == (wrong,) and queue.unseen == 3
    clock.advance(days=2, hours=1)  # everything answered is due now; the wrong one fell due first
    queue = tutor.queue(tutor.bank("tiny"))
    assert queue.due[0] == wrong and set(queue.due) == {right1, right2, wrong}
    review = tutor.review(tutor.bank("tiny"), seed=2)
    assert [s.item.id for s in review.slots] == list(queue.due)


def test_an_exam_date_makes_later_reviews_due_on_its_eve(tutor: Tutor, clock: FrozenClock) -> None:
    practice_round(tutor, "R")
    tutor.set_exam_date(dt.date(2026, 11, 26))  # the question falls due on the 26th, the eve is the 25th
    assert tutor.exam_date == dt.date(2026, 11, 26)
    clock.advance(days=1)
    assert len(tutor.queue(tutor.bank("tiny")).due) == 1
    tutor.set_exam_date(None)
    assert tutor.queue(tutor.bank("tiny")).due == ()


@pytest.mark.parametrize("minutes", [0, 10081, 99999999999999999999])
def test_an_exam_time_limit_past_a_week_is_a_plain_error(tutor: Tutor, minutes: int) -> None:
    """A time limit no clock can count down was an OverflowError out of datetime: an internal error."""
    with pytest.raises(QuizError, match=f"an exam's time limit is 1 to 10080 minutes \\(a week\\), not {minutes}"):
        tutor.exam(tutor.bank("tiny"), count=3, minutes=minutes)


def test_an_empty_review_queue_is_a_plain_error(tutor: Tutor) -> None:
    with pytest.raises(QuizError, match="no questions to review"):
        tutor.review(tutor.bank("tiny"))


def test_an_exam_is_scored_recorded_and_scheduled_in_one_go(tutor: Tutor, clock: FrozenClock) -> None:
    exam = tutor.exam(tutor.bank("tiny"), exam_code="MLA-C01", count=5, seed=4)  # the 5 that are not true/false
    assert exam.remaining() == dt.timedelta(minutes=10)  # MLA-C01's pace: 2 minutes a question
    for n in range(4):  # four answered (3 right), one left open
        answer(exam, n != 2)
        tutor.save(exam)
        exam.go(1)
    clock.advance(minutes=5)
    score = tutor.finish(exam)
    assert score is not None and (score.correct, score.total, score.answered) == (3, 5, 4)
    assert score.scaled == 640 and not score.passed
    [record] = tutor.store.exam_results("tiny")
    assert (record.scaled, record.pass_mark, record.correct, record.total) == (640, 720, 3, 5)
    assert len(tutor.store.attempts("tiny")) == 4 and len(tutor.store.cards("tiny")) == 4
    assert tutor.unfinished_exam(tutor.bank("tiny")) is None


def test_an_unfinished_exam_resumes_exactly(tutor: Tutor, clock: FrozenClock) -> None:
    bank = tutor.bank("tiny")
    exam = tutor.exam(bank, count=4, seed=9)
    answer(exam, True)
    tutor.save(exam)
    exam.go(1)
    exam.flag()
    tutor.save(exam)
    clock.advance(minutes=3)
    resumed = tutor.unfinished_exam(bank)
    assert resumed is not None and resumed.id == exam.id
    assert [(s.item.id, s.order, s.response, s.flagged) for s in resumed.slots] == \
        [(s.item.id, s.order, s.response, s.flagged) for s in exam.slots]
    assert resumed.remaining() == dt.timedelta(minutes=5)  # the clock kept running
    assert resumed.index == 1  # on the first question not answered, not back at the first one


def test_a_resumed_exam_goes_on_at_its_first_unanswered_question(tutor: Tutor) -> None:
    bank = tutor.bank("tiny")
    exam = tutor.exam(bank, count=4, seed=9)
    for _ in range(2):
        answer(exam, True)
        tutor.save(exam)
        exam.go(1)
    assert tutor.unfinished_exam(bank).index == 2
    for _ in range(2):
        answer(exam, True)
        tutor.save(exam)
        exam.go(1)
    assert tutor.unfinished_exam(bank).index == 0  # all answered: from the start, to review


def test_unknown_exam_code_is_refused(tutor: Tutor) -> None:
    with pytest.raises(QuizError, match="unknown exam 'MLZ-C01'"):
        tutor.exam(tutor.bank("tiny"), exam_code="MLZ-C01")


def test_stats_count_topics_domains_weakest_and_exam_trend(tutor: Tutor, clock: FrozenClock) -> None:
    session = practice_round(tutor, "RWRWRR", seed=3)
    exam = tutor.exam(tutor.bank("tiny"), count=5, seed=4)  # every question but the true/false one
    for _ in range(5):
        answer(exam, True)
        exam.go(1)
    tutor.finish(exam)
    data = stats_data(tutor.stats())
    assert (data["attempts"], data["correct"], data["seen"], data["questions"]) == (11, 9, 6, 6)
    by_topic = {t["id"]: (t["attempts"], t["correct"]) for t in data["topics"]}
    expected: dict[str, list[int]] = {}
    for slot, outcome in zip(session.slots, "RWRWRR"):
        for topic in slot.item.topics:
            tally = expected.setdefault(topic, [0, 0])
            in_exam = slot.item.type != "true_false"  # once in practice, once (right) in the exam
            tally[0] += 1 + in_exam
            tally[1] += in_exam + (outcome == "R")
    assert by_topic == {k: tuple(v) for k, v in expected.items()}
    assert data["weakest_topics"][0]["accuracy"] == min(t["accuracy"] for t in data["topics"])
    assert data["domains"]["MLA-C01"][0]["id"] == "data-preparation"
    assert [(e["scaled"], e["passed"]) for e in data["exams"]] == [(1000, True)]
    # the true/false question is no MLA-C01 item: a wrong practice answer to it stays wrong after the exam
    wrong = sum(slot.item.type == "true_false" and outcome == "W" for slot, outcome in zip(session.slots, "RWRWRR"))
    assert data["due"] == {"now": 0, "answered_wrong": wrong, "never_seen": 0}


def test_text_pictures() -> None:
    assert sparkline([100, 550, 1000], 100, 1000) == "▁▅█"
    assert bar(0.5, 10) == "█████·····"
    assert bar(None, 4) == "····"
    assert bar(0.25, 1) == "▎" and bar(0.55, 2) == "█▏"


def test_an_answer_the_store_could_not_save_stays_open(tutor: Tutor, monkeypatch: pytest.MonkeyPatch) -> None:
    from advisor.errors import StoreError

    session = tutor.practice(tutor.bank("tiny"), count=1, seed=1)
    answer(session, True)

    def refuse(*args: object, **kwargs: object) -> None:
        raise StoreError("disk full")

    monkeypatch.setattr(tutor.store, "record_attempt", refuse)
    with pytest.raises(StoreError):
        tutor.submit(session)
    assert not session.current.submitted
    monkeypatch.undo()
    assert tutor.submit(session).correct and len(tutor.store.attempts("tiny")) == 1


def test_weakest_topics_state_their_rule_and_mark_topics_with_few_answers(tutor: Tutor) -> None:
    # three answers over the tiny bank's topics: no topic reaches 3 answers
    practice_round(tutor, "WRR", seed=3)
    data = stats_data(tutor.stats())
    assert "fewer than 3 answers" in data["weakest_rule"]
    weakest = data["weakest_topics"]
    assert weakest and all(t["few_answers"] for t in weakest), "topics with under 3 answers are listed, marked"
    assert weakest[0]["accuracy"] == min(t["accuracy"] for t in data["topics"] if t["attempts"])


@pytest.mark.parametrize(("outcomes", "weak"), [("RRR", False), ("WRR", True)])
def test_a_topic_never_answered_wrong_is_not_among_the_weakest(tutor: Tutor, outcomes: str, weak: bool) -> None:
    """Driven at 80x24: after two right answers the stats read "Weakest  builtin-algorithms 100%, ...": a topic
    answered right every time is no weak spot."""
    session = practice_round(tutor, outcomes, seed=3)
    data = stats_data(tutor.stats())
    assert all(t["accuracy"] < 1 for t in data["weakest_topics"])
    assert bool(data["weakest_topics"]) is weak
    wrong_topics = {topic for slot, outcome in zip(session.slots, outcomes) if outcome == "W"
                    for topic in slot.item.topics}
    assert {t["id"] for t in data["weakest_topics"]} == wrong_topics


def test_stats_show_the_exam_a_learner_can_still_sit_first(tutor: Tutor) -> None:
    """MLS-C01 retired on 2026-03-31: MLA-C01's domains come first (a new user saw the retired exam on top)."""
    assert list(tutor.stats().domains) == ["MLA-C01", "MLS-C01"]


def test_an_exam_date_already_gone_is_refused_and_today_is_kept(tutor: Tutor, clock: FrozenClock) -> None:
    today = clock().date()
    tutor.set_exam_date(today + dt.timedelta(days=3))
    with pytest.raises(QuizError, match="is in the past"):
        tutor.set_exam_date(today - dt.timedelta(days=1))  # a mistyped year, most likely: it would do nothing
    assert tutor.exam_date == today + dt.timedelta(days=3)  # the date set before is kept
    tutor.set_exam_date(today)
    assert tutor.exam_date == today


def test_an_exam_code_is_read_in_any_case_and_stored_as_aws_writes_it(tutor: Tutor) -> None:
    session = tutor.exam(tutor.bank("tiny"), exam_code="mla-c01", count=2)
    assert session.exam_code == "MLA-C01"
    with pytest.raises(QuizError, match="unknown exam 'mla-c02'"):
        tutor.exam(tutor.bank("tiny"), exam_code="mla-c02", count=2)


def test_an_empty_banks_folder_is_refused_by_the_quiz_itself(tmp_path: Path, clock: FrozenClock) -> None:
    """The Python API and the TUI get the error the CLI gives: a banks folder named on purpose and empty is a
    wrong path, not a quiz of the generated banks alone."""
    from advisor.quiz.bank import gather_banks

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(QuizError, match="holds no question bank"):
        Tutor.open(tmp_path / "data", clock=clock, banks_dir=empty)
    with pytest.raises(QuizError, match="holds no question bank"):
        gather_banks(empty)


def test_the_exam_setup_and_the_stats_list_the_exams_in_one_order(tutor: Tutor) -> None:
    """One rule orders the exams (exams_to_sit_first): the blueprints the exam setup offers come in the order the
    stats list their domains, the exam a learner can still sit first (the setup sorted them on its own)."""
    assert [b.code for b in tutor.blueprints()] == list(tutor.stats().domains) == ["MLA-C01", "MLS-C01"]
