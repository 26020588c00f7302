"""Ordering and matching questions end to end in the core: format, lint, answering, scoring, store, export."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.errors import KnowledgeError, QuizError
from advisor.quiz.bank import Bank, bank_file_data, find_bank, load_bank
from advisor.quiz.scoring import mark
from advisor.quiz.session import choice_order, new_session, option_order
from advisor.quiz.tutor import Tutor
from tests.conftest import line_of
from tests.support.quiz import FrozenClock, matching, ordering, tiny_questions, write_bank


@pytest.fixture
def mixed(tmp_path: Path) -> Bank:
    folder = tmp_path / "banks"
    write_bank(folder, [*tiny_questions(), ordering("q-order-7", tasks=["2.2"]), matching("q-match-8")])
    return find_bank("tiny", folder)


def _problems(path: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_bank(path)
    return [str(p) for p in info.value.problems]


def test_ordering_and_matching_load_with_their_answers(mixed: Bank) -> None:
    order, match = mixed.by_id["q-order-7"], mixed.by_id["q-match-8"]
    assert order.correct_order == ("A", "B", "C", "D") and order.picks == 4 and order.tasks == {"MLA-C01": ("2.2",)}
    assert match.correct_pairs == {"A": "Choice 1", "B": "Choice 2", "C": "Choice 3"}
    assert match.distractors == ("Nothing at all",) and match.picks == 3


@pytest.mark.parametrize(("edit", "message"), [
    (lambda q: q["options"][1].update(correct=True), "option B: `correct` and `pinned` do not apply to ordering"),
    (lambda q: q.update(choose=2), "`choose` applies to multiple-response questions only, not ordering"),
    (lambda q: q.update(options=q["options"][:2]), "an ordering question has 3-6 options, found 2"),
    (lambda q: q["options"][0].update(match="X"), "`match` and `distractors` belong to matching questions"),
])
def test_ordering_format_errors_are_located(tmp_path: Path, edit, message: str) -> None:
    question = ordering("q-order-bad")
    edit(question)
    path = write_bank(tmp_path, [*tiny_questions(), question])
    [problem] = _problems(path)
    assert f":{line_of(path, 'id: q-order-bad')}: questions[6]" in problem and message in problem


@pytest.mark.parametrize(("edit", "message"), [
    (lambda q: q["options"][2].pop("match"), "option C: a matching prompt needs its `match`"),
    (lambda q: q["options"][2].update(match="choice 1"), "each right-column choice"),
    (lambda q: q.update(distractors=["Choice 2"]), "each right-column choice"),
    (lambda q: q.update(distractors=["w", "x", "y", "z"]), "at most 3 distractors"),
    (lambda q: q["options"][0].update(pinned=True), "option A: `correct` and `pinned` do not apply to matching"),
])
def test_matching_format_errors_are_located(tmp_path: Path, edit, message: str) -> None:
    question = matching("q-match-bad")
    edit(question)
    path = write_bank(tmp_path, [*tiny_questions(), question])
    [problem] = _problems(path)
    assert f":{line_of(path, 'id: q-match-bad')}: questions[6]" in problem and message in problem


def test_match_and_distractors_are_refused_on_choice_questions(tmp_path: Path) -> None:
    questions = tiny_questions()
    questions[0]["distractors"] = ["x"]
    [problem] = _problems(write_bank(tmp_path, questions))
    assert "`match` and `distractors` belong to matching questions, not single" in problem


def test_tasks_are_checked_against_the_exam_guide(tmp_path: Path) -> None:
    bad_id = ordering("q-order-a", tasks=["9.9"])
    wrong_domain = ordering("q-order-b", tasks=["3.1"])  # 3.1 is deployment, the question says model development
    unknown_exam = ordering("q-order-c")
    unknown_exam["tasks"] = {"MLZ-C01": ["1.1"]}
    path = write_bank(tmp_path, [*tiny_questions(), bad_id, wrong_domain, unknown_exam])
    problems = _problems(path)
    assert len(problems) == 3
    assert "questions[6].tasks.MLA-C01[0]: '9.9' is not a task statement of MLA-C01" in problems[0]
    assert "task 3.1 belongs to the MLA-C01 domain 'deployment-orchestration', not 'model-development'" \
        in problems[1]
    assert "questions[8].tasks.MLZ-C01: unknown exam 'MLZ-C01'" in problems[2]
    assert problems[0].startswith(f"{path}:{line_of(path, '9.9')}:")


def test_ordering_marks_all_or_nothing_with_partial_credit(mixed: Bank) -> None:
    item = mixed.by_id["q-order-7"]
    right = mark(item, ("A", "B", "C", "D"))
    assert right.correct and right.partial == 1.0
    swapped = mark(item, ("A", "B", "D", "C"))
    assert not swapped.correct and swapped.partial == 0.5 and swapped.answered
    assert not mark(item, ()).answered


def test_matching_marks_all_or_nothing_with_partial_credit(mixed: Bank) -> None:
    item = mixed.by_id["q-match-8"]
    assert mark(item, {"A": "Choice 1", "B": "Choice 2", "C": "Choice 3"}).correct
    one_wrong = mark(item, {"A": "Choice 1", "B": "Nothing at all", "C": "Choice 3"})
    assert not one_wrong.correct and one_wrong.partial == pytest.approx(2 / 3)
    assert mark(item, {"A": "Choice 1"}).partial == pytest.approx(1 / 3)


def test_an_ordering_question_is_never_shown_in_its_answer_order(mixed: Bank) -> None:
    item = mixed.by_id["q-order-7"]
    orders = {option_order(item, seed) for seed in range(200)}
    assert item.correct_order not in orders and len(orders) > 5


def test_matching_choices_are_the_matches_and_distractors_shuffled(mixed: Bank) -> None:
    item = mixed.by_id["q-match-8"]
    columns = {choice_order(item, seed) for seed in range(30)}
    assert all(sorted(c) == ["Choice 1", "Choice 2", "Choice 3", "Nothing at all"] for c in columns)
    assert len(columns) > 1 and choice_order(item, 4) == choice_order(item, 4)


def test_ordering_is_answered_by_picking_steps_in_turn(mixed: Bank, clock: FrozenClock) -> None:
    session = new_session(mixed, "practice", [mixed.by_id["q-order-7"]], seed=3, clock=clock)
    slot = session.current
    for key in ("A", "B", "C"):
        assert session.toggle(slot.order.index(key)) is None
    assert slot.sequence == ("A", "B", "C") and not slot.complete and slot.answered
    with pytest.raises(QuizError, match=r"put all 4 steps in order \(you have placed 3\)"):
        session.submit()
    session.toggle(slot.order.index("B"))  # taking a step out closes the gap
    assert slot.sequence == ("A", "C")
    for key in ("B", "D"):
        session.toggle(slot.order.index(key))
    verdict = session.submit()
    assert slot.sequence == ("A", "C", "B", "D") and not verdict.correct and verdict.hits == 2


def test_matching_is_answered_by_assigning_choices(mixed: Bank, clock: FrozenClock) -> None:
    session = new_session(mixed, "practice", [mixed.by_id["q-match-8"]], seed=3, clock=clock)
    slot = session.current
    assert session.toggle(0) == "pick a prompt, then the choice that matches it"
    prompt = {key: slot.order.index(key) for key in "ABC"}
    choice = {text: slot.choices.index(text) for text in slot.choices}
    assert session.assign(prompt["A"], choice["Choice 2"]) is None
    assert session.assign(prompt["B"], choice["Choice 2"]) is None  # a choice is used once: it moves
    assert slot.pairs == {"B": "Choice 2"}
    with pytest.raises(QuizError, match=r"match all 3 prompts \(you have matched 1\)"):
        session.submit()
    session.assign(prompt["A"], choice["Choice 1"])
    session.assign(prompt["C"], choice["Choice 3"])
    assert session.assign(prompt["C"], 9) == "there is no choice 10"
    assert session.submit().correct
    assert session.assign(prompt["C"], None) == "this question is already answered"


def test_exam_with_ordering_and_matching_resumes_and_scores(tmp_path: Path, clock: FrozenClock) -> None:
    folder = tmp_path / "banks"
    write_bank(folder, [ordering("q-order-1"), matching("q-match-2"), ordering("q-order-3", n=3)])
    tutor = Tutor.open(tmp_path / "data", clock=clock, banks_dir=folder)
    try:
        bank = tutor.bank("tiny")
        exam = tutor.exam(bank, count=3, seed=5)
        for index, slot in enumerate(exam.slots):
            exam.goto(index)
            if slot.item.type == "ordering":
                for key in slot.item.correct_order:
                    exam.toggle(slot.order.index(key))
            else:
                exam.assign(slot.order.index("A"), slot.choices.index("Choice 1"))  # 1 of 3 pairs
            tutor.save(exam)
        resumed = tutor.unfinished_exam(bank)
        assert resumed is not None
        assert [(s.sequence, s.pairs, s.choices) for s in resumed.slots] == \
            [(s.sequence, s.pairs, s.choices) for s in exam.slots]
        score = tutor.finish(resumed)
        assert score is not None and (score.correct, score.total) == (2, 3)
        assert score.partial == pytest.approx((1 + 1 + 1 / 3) / 3)
        attempts = {a.question_id: a.response for a in tutor.store.attempts("tiny")}
        assert attempts["q-match-2"] == {"A": "Choice 1"} and attempts["q-order-3"] == ("A", "B", "C")
        assert len(tutor.store.cards("tiny")) == 3  # FSRS schedules them like any question
    finally:
        tutor.close()


def test_export_of_ordering_and_matching_loads_back(mixed: Bank, tmp_path: Path) -> None:
    import yaml

    data = bank_file_data(mixed)
    copy = tmp_path / "again" / "bank.yaml"
    copy.parent.mkdir()
    copy.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert bank_file_data(load_bank(copy)) == data
    order = next(q for q in data["questions"] if q["type"] == "ordering")
    assert order["tasks"] == {"MLA-C01": ["2.2"]} and "correct" not in order["options"][0]
