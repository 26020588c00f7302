"""Ordering and matching questions answered by key presses alone at 80x24, in practice, exam and review; and
the exam's marks for an incomplete answer (a "choose N" with fewer picks, steps not all placed)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Static

from advisor.quiz.tutor import Tutor
from advisor.tui.app import create_app
from advisor.tui.dialogs import ConfirmScreen, NavigatorScreen
from advisor.tui.question import QuestionScreen
from advisor.tui.results import ResultScreen
from tests.support.quiz import FrozenClock, matching, ordering, question, write_bank
from tests.tui.keys import answer_keys, run_async, shown

SIZE = (80, 24)


@pytest.fixture
def mixed_tutor(tmp_path: Path, clock: FrozenClock) -> Tutor:
    folder = tmp_path / "banks"
    write_bank(folder, [ordering("q-order-1"), matching("q-match-2", n=4),
                        question("q-multi-3", kind="multiple", correct="ACE", n=6)], bank_id="mixed")
    return Tutor.open(tmp_path / "data", clock=clock, banks_dir=folder)


def _goto(session, question_id: str) -> None:  # type: ignore[no-untyped-def]
    session.goto(next(i for i, s in enumerate(session.slots) if s.item.id == question_id))


def rendered(pilot, selector: str) -> str:  # type: ignore[no-untyped-def]
    """A Static's content as plain text at the body's width (tables included)."""
    console = Console(file=io.StringIO(), width=78, color_system=None)
    console.print(pilot.app.screen.query_one(selector, Static).content)
    return console.file.getvalue()  # type: ignore[attr-defined]


def footer_keys(screen: QuestionScreen) -> dict[str, str]:
    """What the footer shows: key -> label."""
    return {key: b.binding.description for key, b in screen.active_bindings.items() if b.binding.show}


@run_async
async def test_ordering_in_practice_by_keys_with_undo_and_the_verdict(mixed_tutor: Tutor) -> None:
    session = mixed_tutor.practice(mixed_tutor.bank("mixed"), count=None, seed=4)
    _goto(session, "q-order-1")
    app = create_app(mixed_tutor, session=session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        assert footer_keys(screen)["1"] == "Place" and "backspace" not in footer_keys(screen)
        right = answer_keys(session, True)
        await pilot.press(right[0], right[1], "enter")
        assert shown(pilot, "#message") == "put all 4 steps in order (you have placed 2)"
        assert "(2 of 4 placed)" in shown(pilot, "#instruction")
        assert "(1) " in rendered(pilot, "#options") and "(2) " in rendered(pilot, "#options")
        await pilot.press("backspace")                       # takes back the last step placed
        assert session.current.sequence == (session.current.order[int(right[0]) - 1],)
        await pilot.press(*right[1:])
        assert footer_keys(screen)["enter"] == "Submit"
        await pilot.press("enter")
        assert shown(pilot, "#verdict").startswith("Correct. The right order is")
        assert footer_keys(screen)["enter"] == "Next"
        [attempt] = mixed_tutor.store.attempts("mixed")
        assert attempt.correct and attempt.question_id == "q-order-1"


@run_async
async def test_matching_in_practice_by_keys_shows_each_right_match(mixed_tutor: Tutor) -> None:
    session = mixed_tutor.practice(mixed_tutor.bank("mixed"), count=None, seed=4)
    _goto(session, "q-match-2")
    app = create_app(mixed_tutor, session=session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        assert footer_keys(screen)["a"] == "Match" and "1" not in footer_keys(screen)  # "1-9/A-I Match"
        slot = session.current
        await pilot.press("a")                               # the first prompt gets choice A...
        assert slot.pairs == {slot.order[0]: slot.choices[0]} and screen.prompt == 1  # ...and the cursor moves on
        await pilot.press("3", "A")                          # a choice fits once: it moves to prompt 3
        assert slot.pairs == {slot.order[2]: slot.choices[0]}  # (in capitals too, as the screen shows them)
        assert screen.prompt == 3                            # on to the next prompt still open
        await pilot.press("3", "backspace")                  # clears prompt 3's match
        assert slot.pairs == {}
        await pilot.press(*answer_keys(session, False), "enter")
        verdict = shown(pilot, "#verdict")
        assert verdict.startswith("Wrong.") and "You had 0 of 4 pairs right" in verdict
        options = rendered(pilot, "#options")
        assert options.count("right: ") == 4 and "Prompt 1 fits choice 1." in options
        [attempt] = mixed_tutor.store.attempts("mixed")
        assert not attempt.correct and attempt.partial == 0


@run_async
async def test_an_exam_marks_incomplete_answers_and_the_finish_dialog_counts_them(mixed_tutor: Tutor) -> None:
    session = mixed_tutor.exam(mixed_tutor.bank("mixed"), count=3, seed=1)
    app = create_app(mixed_tutor, session=session, ticking=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        for index in range(3):
            session.goto(index)
            screen.show()
            keys = answer_keys(session, True)
            if session.current.item.id == "q-multi-3":
                await pilot.press(*keys[:2])                 # choose 3 with 2 picks
            elif session.current.item.id == "q-order-1":
                await pilot.press(*keys[:3])                 # 3 of 4 steps
            else:
                await pilot.press(*keys)                     # matched in full
            complete = session.current.item.id == "q-match-2"
            assert ("◐ incomplete" in shown(pilot, "#instruction")) != complete
        assert "answered 1 · ◐ incomplete 2 · flagged 0" in shown(pilot, "#status")  # as the dialog counts them
        assert footer_keys(screen)["enter"] == "Finish" and footer_keys(screen)["escape"] == "Leave"
        await pilot.press("l")
        assert isinstance(app.screen, NavigatorScreen)
        listed = app.screen.query_one("#questions")
        marks = [str(listed.get_option_at_index(i).prompt)[4] for i in range(3)]
        assert sorted(marks) == ["◐", "◐", "✔"]
        await pilot.press("escape", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Answered 1 of 3; 2 incomplete (not every pick made); 0 flagged." in app.screen.question
        assert "0 unanswered and the incomplete ones count as wrong" in app.screen.question
        saved = mixed_tutor.unfinished_exam(mixed_tutor.bank("mixed"))
        assert saved is not None and [s.answer for s in saved.slots] == [s.answer for s in session.slots]
        await pilot.press("y")
        assert isinstance(app.screen, ResultScreen)
        assert "Right 1 of 3" in shown(pilot, "#result")
        await pilot.press("a")                               # review every question: Esc goes back, not home
        review = app.screen
        assert isinstance(review, QuestionScreen) and footer_keys(review)["escape"] == "Back"
        assert "1" not in footer_keys(review)                # answers are final
        await pilot.press("escape")
        assert isinstance(app.screen, ResultScreen)


@run_async
async def test_review_brings_back_a_wrong_ordering_and_matching_answer(mixed_tutor: Tutor) -> None:
    bank = mixed_tutor.bank("mixed")
    session = mixed_tutor.practice(bank, count=None, seed=2)
    for index, slot in enumerate(session.slots):
        session.goto(index)
        if slot.item.type == "ordering":
            for key in reversed(slot.item.correct_order):
                session.toggle(slot.order.index(key))
        elif slot.item.type == "matching":
            for n in range(len(slot.order)):
                session.assign(n, (slot.choices.index(slot.item.correct_pairs[slot.order[n]]) + 1) % len(slot.choices))
        else:
            for key in slot.item.correct_keys:
                session.toggle(slot.order.index(key))
        mixed_tutor.submit(session)
    mixed_tutor.finish(session)
    app = create_app(mixed_tutor, bank_id="mixed")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("r")
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        review = screen.session
        assert sorted(s.item.type for s in review.slots) == ["matching", "ordering"]
        for n in range(2):
            assert shown(pilot, "#status").startswith(f" Review   {n + 1}/2")
            await pilot.press(*answer_keys(review, True), "enter")
            assert shown(pilot, "#verdict").startswith("Correct.")
            await pilot.press("enter")
        assert isinstance(app.screen, ResultScreen)
        assert shown(pilot, "#result").startswith("Review round: 2 of 2 right")


@run_async
async def test_f_picks_option_f_and_m_flags(mixed_tutor: Tutor) -> None:
    session = mixed_tutor.exam(mixed_tutor.bank("mixed"), count=3, seed=1)
    _goto(session, "q-multi-3")
    app = create_app(mixed_tutor, session=session, ticking=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f")
        assert session.current.response == {session.current.order[5]}
        await pilot.press("m")
        assert session.current.flagged and "⚑ flagged" in shown(pilot, "#status")
        assert footer_keys(app.screen)["m"] == "Flag" and "f" not in footer_keys(app.screen)


@run_async
async def test_the_question_list_gives_each_question_one_line(chapter_tutor: Tutor) -> None:
    """The list cut each stem at the dialog's edge by design, but the option list wrapped it: a stem's second line
    went on at the left edge, under the number and the marks, and six questions took a screen."""
    session = chapter_tutor.exam(chapter_tutor.bank("chapter09"), count=6, seed=2)
    assert sum(len(slot.item.stem) > 80 for slot in session.slots) >= 2  # the case: stems wider than the dialog
    app = create_app(chapter_tutor, session=session, ticking=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, NavigatorScreen)
        assert app.screen.query_one("#questions").virtual_size.height == 6
