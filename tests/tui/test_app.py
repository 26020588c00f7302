"""The TUI driven by key presses (Textual's Pilot): a whole practice round, a whole exam, review, help, theme."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from advisor.quiz.session import Session
from advisor.quiz.tutor import Tutor
from advisor.tui.app import create_app
from advisor.tui.dialogs import HelpScreen
from advisor.tui.exam_setup import ExamSetupScreen
from advisor.tui.home import HomeScreen
from advisor.tui.question import QuestionScreen
from advisor.tui.results import ResultScreen
from tests.support.quiz import FrozenClock, write_bank
from tests.tui.keys import answer_keys, run_async, shown

SIZE = (80, 24)


@run_async
async def test_a_whole_practice_round_by_key_presses(tutor: Tutor) -> None:
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("p")
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        session = screen.session
        plan = [True, False, True, True, False, True]
        assert len(session.slots) == len(plan)
        for n, right in enumerate(plan):
            assert shown(pilot, "#status").startswith(f" Practice   {n + 1}/6")
            await pilot.press(*answer_keys(session, right))
            await pilot.press("enter")
            assert shown(pilot, "#verdict").startswith("Correct." if right else "Wrong.")
            await pilot.press("enter")
        assert isinstance(app.screen, ResultScreen)
        assert shown(pilot, "#result").startswith("Practice round: 4 of 6 right")
        assert [a.correct for a in tutor.store.attempts("tiny")] == plan
        await pilot.press("w")  # review the two wrong ones, explanations shown
        assert isinstance(app.screen, QuestionScreen) and len(app.screen.session.slots) == 2
        assert shown(pilot, "#verdict").startswith("Wrong.")
        await pilot.press("escape", "h")
        assert isinstance(app.screen, HomeScreen)


@run_async
async def test_choose_n_is_shown_and_enforced_on_screen(tutor: Tutor) -> None:
    session = tutor.practice(tutor.bank("tiny"), count=None, seed=1)
    session.goto(next(i for i, s in enumerate(session.slots) if s.item.id == "q-multi-6"))
    app = create_app(tutor, bank_id="tiny", session=session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert shown(pilot, "#instruction") == "Choose 3. (0 of 3 chosen)"
        await pilot.press("1", "2", "enter")
        assert shown(pilot, "#message") == "choose 3 (you have chosen 2)"
        await pilot.press("3", "4")
        assert shown(pilot, "#message") == "choose 3: clear one of your picks first"
        assert shown(pilot, "#instruction") == "Choose 3. (3 of 3 chosen)"
        await pilot.press("a")  # letters toggle too: A clears the first pick
        assert shown(pilot, "#instruction") == "Choose 3. (2 of 3 chosen)"
        await pilot.press("A")  # and in capitals, as the screen shows them (Shift or Caps Lock): A picks it again
        assert shown(pilot, "#instruction") == "Choose 3. (3 of 3 chosen)"


@run_async
async def test_a_whole_exam_with_flag_back_and_finish(tutor: Tutor, clock: FrozenClock) -> None:
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        assert isinstance(app.screen, ExamSetupScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        # the bank is smaller than 65, and its true/false question is no MLA-C01 item: 5 are drawn
        assert app.screen.query_one("#count").value == "5"
        assert app.screen.query_one("#minutes").value == "10"   # MLA-C01's 2 minutes a question
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuestionScreen)
        session = screen.session
        assert "0:10:00 left" in shown(pilot, "#timer")
        assert all(slot.item.type != "true_false" for slot in session.slots)
        plan = [True, False, False, True, True]
        await pilot.press(*answer_keys(session, False), "m")  # first a wrong answer, flagged for review
        assert "⚑ flagged" in shown(pilot, "#status")
        assert shown(pilot, "#verdict") == ""                   # nothing revealed during an exam
        for right in plan[1:]:
            await pilot.press("n")
            await pilot.press(*answer_keys(session, right))
        clock.advance(minutes=7)
        screen.tick()
        assert "0:03:00 left" in shown(pilot, "#timer")
        await pilot.press("l")                                   # the list: jump back to the flagged one
        await pilot.press("home", "enter")
        assert session.index == 0
        await pilot.press(*answer_keys(session, False))          # clear the wrong picks...
        await pilot.press(*answer_keys(session, True), "m")      # ...pick the right ones, unflag
        await pilot.press("right", "p")
        assert session.index == 0
        await pilot.press("s")
        await pilot.press("y")
        assert isinstance(app.screen, ResultScreen)
        result = shown(pilot, "#result")
        # 3 of 5 right: 100 + 900 * 3/5 = 640, under MLA-C01's 720
        assert result.startswith("MLA-C01 exam simulation: FAIL")
        assert "Scaled score 640 of 1000 (pass mark 720)" in result
        assert "Right 3 of 5 (60%)" in result and "time used 0:07:00" in result
        [record] = tutor.store.exam_results("tiny")
        assert record.scaled == 640
        await pilot.press("w")
        assert len(app.screen.session.slots) == 2
        await pilot.press("escape", "a")
        assert len(app.screen.session.slots) == 5
        await pilot.press("escape", "h")
        assert isinstance(app.screen, HomeScreen)


@run_async
async def test_the_exam_ends_itself_when_time_is_up(tutor: Tutor, clock: FrozenClock) -> None:
    session = tutor.exam(tutor.bank("tiny"), count=2, minutes=1, seed=2)
    app = create_app(tutor, bank_id="tiny", session=session, ticking=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*answer_keys(session, True))
        clock.advance(minutes=1)
        app.screen.tick()
        await pilot.pause()
        assert isinstance(app.screen, ResultScreen)
        assert "Right 1 of 2" in shown(pilot, "#result")


@run_async
async def test_leaving_an_exam_keeps_it_for_resume(tutor: Tutor) -> None:
    session = tutor.exam(tutor.bank("tiny"), count=3, seed=2)
    app = create_app(tutor, bank_id="tiny", session=session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*answer_keys(session, True), "escape", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert "Unfinished MLA-C01 exam: 1 of 3 answered" in shown(pilot, "#bank-detail")
        await pilot.press("x")
        resumed = app.screen.session
        assert resumed.id == session.id and resumed.slots[0].response == session.slots[0].response
        assert resumed.index == 1  # goes on at the first question not answered


@run_async
async def test_review_asks_what_was_answered_wrong(tutor: Tutor) -> None:
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        assert isinstance(app.screen, HomeScreen)  # nothing to review yet: a notice, no screen
        await pilot.press("p")
        first = app.screen.session.current.item.id
        await pilot.press(*answer_keys(app.screen.session, False), "enter", "escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("r")
        assert isinstance(app.screen, QuestionScreen)
        assert [s.item.id for s in app.screen.session.slots] == [first]


@run_async
async def test_help_and_theme(tutor: Tutor) -> None:
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert app.theme == "textual-dark"
        await pilot.press("t")
        assert app.theme == "textual-light"
    assert tutor.store.setting("theme") == "textual-light"
    again = create_app(tutor, bank_id="tiny")
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "textual-light"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@run_async
async def test_the_longest_question_fits_at_80x24_and_larger(chapter_tutor: Tutor, size: tuple[int, int]) -> None:
    bank = chapter_tutor.bank("chapter09")
    session = chapter_tutor.practice(bank, count=None, seed=1)
    longest = max(range(len(session.slots)), key=lambda i: len(session.slots[i].item.stem)
                  + sum(len(o.text) for o in session.slots[i].item.options))
    session.goto(longest)
    app = create_app(chapter_tutor, session=session)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press(*answer_keys(session, True), "enter")
        body = app.screen.query_one("#body")
        assert body.virtual_size.width <= size[0]  # nothing wider than the terminal: text wraps
        assert shown(pilot, "#verdict").startswith("Correct.")


@run_async
async def test_a_new_exam_while_one_is_unfinished_asks_first(tutor: Tutor) -> None:
    from advisor.tui.dialogs import ConfirmScreen
    from advisor.tui.home import PendingExam

    bank = tutor.bank("tiny")
    unfinished = tutor.exam(bank, count=3, seed=2)
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e")
        assert isinstance(app.screen, ConfirmScreen) and "Unfinished MLA-C01 exam: 0 of 3 answered" in str(
            app.screen.question)
        await pilot.press("n")                                   # kept: still resumable
        assert isinstance(app.screen, HomeScreen)
        assert tutor.unfinished_exam(bank).id == unfinished.id
        await pilot.press("e", "y")
        assert isinstance(app.screen, ExamSetupScreen)
        assert tutor.unfinished_exam(bank) is None               # closed unscored, not orphaned
        assert tutor.store.exam_results("tiny") == []
    second = tutor.exam(bank, count=2, seed=3)                   # `advisor quiz exam` with one unfinished
    started: list[int] = []

    def make() -> Session:
        started.append(1)
        return tutor.exam(bank, count=2, seed=4)

    app = create_app(tutor, bank_id="tiny", session=PendingExam(make, second))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and not started
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen) and started == [1]
        assert app.screen.session.id != second.id


@run_async
async def test_a_scroll_hint_shows_while_an_explanation_goes_on_below(snap_tutor: Tutor) -> None:
    session = snap_tutor.practice(snap_tutor.bank("chapter09"), count=None, seed=11)
    session.goto(next(i for i, s in enumerate(session.slots) if s.item.id == "c09-book-q2"))
    app = create_app(snap_tutor, session=session, ticking=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        more = app.screen.query_one("#more")
        assert not more.display                                  # the question fits: no hint
        await pilot.press(*answer_keys(session, True), "enter")
        await pilot.pause()
        assert more.display and "more below" in str(more.content)
        app.screen.query_one("#body").scroll_end(animate=False)
        await pilot.pause()
        await pilot.pause()
        assert not more.display                                  # at the end: nothing more to say


@run_async
async def test_the_stats_view_states_the_weakest_topics_rule(tutor: Tutor) -> None:
    session = tutor.practice(tutor.bank("tiny"), count=None, seed=1)
    for index in range(len(session.slots)):
        session.goto(index)
        for key in answer_keys(session, index % 2 == 0):
            session.toggle(int(key) - 1)
        tutor.submit(session)
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = shown(pilot, "#stats")
        assert "Weakest topics are the 3 topics answered wrong at least once with the lowest share right" in text
        assert "few answers" in text                             # a topic with 1 or 2 answers is marked


@run_async
async def test_an_error_in_background_work_becomes_a_notice_not_a_crash(tutor: Tutor,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from advisor.errors import QuizError
    from advisor.tui.stats import StatsScreen

    def broken() -> None:
        raise QuizError("the stats could not be counted")

    monkeypatch.setattr(tutor, "stats", broken)
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen) and app.is_running
        assert any("the stats could not be counted" in n.message and n.severity == "error"
                   for n in app._notifications)


@run_async
async def test_opened_onto_a_session_home_is_built_and_its_banks_loaded_only_when_shown(tutor: Tutor) -> None:
    """`advisor quiz practice` shows the question first: home under it builds no widgets and loads no banks
    until the user comes back to it."""
    from textual.widgets import OptionList

    session = tutor.practice(tutor.bank("tiny"), seed=1)
    app = create_app(tutor, bank_id="tiny", session=session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        home = app.screen_stack[0]
        assert isinstance(home, HomeScreen)
        assert not home.query(OptionList) and not home.rows and not app.workers
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is home
        assert [o.id for o in home.query_one("#banks", OptionList).options] == ["tiny"]
        assert "Practice" in shown(pilot, "#menu")


@run_async
async def test_the_scroll_hint_goes_when_the_next_question_fits(snap_tutor: Tutor) -> None:
    """A new user saw "▼ more below" stay on a short question after a long explanation: the hint must follow the
    question now shown, not the one before it."""
    session = snap_tutor.practice(snap_tutor.bank("chapter09"), count=None, seed=11)
    start = next(i for i, s in enumerate(session.slots) if s.item.id == "c09-book-q2")
    session.goto(start)
    app = create_app(snap_tutor, session=session, ticking=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        more = app.screen.query_one("#more")
        await pilot.press(*answer_keys(session, True), "enter")
        await pilot.pause()
        assert more.display                                      # the explanations go on below the fold
        await pilot.press("enter")                               # on to the next question, unanswered
        await pilot.pause()
        await pilot.pause()
        body = app.screen.query_one("#body")
        assert body.max_scroll_y == 0                            # it fits ...
        assert not more.display                                  # ... so nothing is said to be below


@run_async
async def test_stats_names_use_the_width_the_terminal_gives(tutor: Tutor) -> None:
    """At 120 columns whole domain names show; narrowed to 80, the same screen cuts them to fit its bars."""
    whole = "ML Solution Monitoring, Maintenance, and Security"
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert whole in shown(pilot, "#stats")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        lines = shown(pilot, "#stats").splitlines()
        assert whole not in "\n".join(lines) and any(line.startswith("  ML Solution Monitoring") for line in lines)
        bars = [line for line in lines if line.startswith("  ") and "/" in line]
        assert bars and max(len(line) for line in bars) <= 76   # each bar line fits the 80 columns


@run_async
async def test_the_help_fits_its_dialog_at_80_columns(tutor: Tutor) -> None:
    """Two help lines wrapped at 80x24 and broke the key column ('more)' and 'edit' alone at the left)."""
    from textual.widgets import Static

    from advisor.tui.dialogs import HELP

    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        text = app.screen.query_one("#help").query_one(Static)
        assert max(len(line) for line in HELP.plain.splitlines()) <= text.content_region.width == 70


@run_async
async def test_the_arrows_choose_the_bank_on_home_at_once(tmp_path: Path, clock: FrozenClock, banks_dir: Path) -> None:
    """A first-time user presses ↓ to reach the second bank: the bank list has the focus as home opens (the
    scrolling body around it took the arrows before), and the menu says what the arrows do."""
    write_bank(banks_dir, bank_id="umbrella")  # listed after tiny (files in name order)
    tutor = Tutor.open(tmp_path / "two-banks", clock=clock, banks_dir=banks_dir)
    try:
        app = create_app(tutor)
        async with app.run_test(size=SIZE) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "↑↓ Bank" in shown(pilot, "#menu")
            await pilot.press("down", "p")
            assert isinstance(app.screen, QuestionScreen)
            assert app.screen.session.bank.id == "umbrella"
    finally:
        tutor.close()


@run_async
async def test_home_says_when_the_exam_date_has_passed_not_a_negative_count(tutor: Tutor, clock: FrozenClock) -> None:
    tutor.set_exam_date(clock().date() + dt.timedelta(days=1))
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "(tomorrow): questions due after it come up before it" in shown(pilot, "#bank-detail")
    clock.advance(days=3)  # the exam went by
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        detail = shown(pilot, "#bank-detail")
        assert "has passed" in detail and "days" not in detail


@run_async
async def test_the_exam_setup_says_the_size_and_time_that_will_start(tutor: Tutor) -> None:
    """Below the blueprint's own figures (65 questions in 130 minutes) the setup says what the fields make."""
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # the bank has 6, of which 5 are MLA-C01's question types (no true/false)
        assert "This simulation: 5 questions in 10 minutes." in shown(pilot, "#about")
        assert "It draws MLA-C01's question types: 5 of this bank's 6 questions." in shown(pilot, "#about")
        await pilot.press("tab", "3")  # the field is selected as it takes the focus: 3 replaces 5
        await pilot.pause()
        assert app.screen.query_one("#minutes").value == "6"
        assert "This simulation: 3 questions in 6 minutes." in shown(pilot, "#about")


@run_async
async def test_the_exam_setup_refuses_a_time_past_a_week_on_screen(tutor: Tutor) -> None:
    """A 20-digit time limit ended the app with an internal error (datetime overflowed): now it is refused beside
    the fields, and the setup stays open."""
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("tab", "3", "tab", *"99999999999999999999", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ExamSetupScreen)
        assert shown(pilot, "#problem") == "Choose 1 to 5 questions and 1 to 10080 minutes (a week)."
        assert tutor.store.unfinished_exam("tiny") is None


@run_async
async def test_a_refusal_beside_the_exam_fields_goes_once_they_change(tutor: Tutor) -> None:
    """Driven at 80x24: a size refused, then corrected, still read "Questions and minutes must be whole numbers"
    in red under a valid "This simulation: 3 questions in 6 minutes"."""
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("tab", "backspace", "x", "enter")
        await pilot.pause()
        assert shown(pilot, "#problem") == "Questions and minutes must be whole numbers."
        await pilot.press("backspace")
        await pilot.pause()
        assert shown(pilot, "#problem") == "Questions and minutes must be whole numbers."  # still not a number
        await pilot.press("3")
        await pilot.pause()
        assert shown(pilot, "#problem") == ""
        assert "This simulation: 3 questions in 6 minutes." in shown(pilot, "#about")


@run_async
async def test_the_exam_setup_lists_the_exam_a_learner_can_still_sit_first(tutor: Tutor) -> None:
    """Driven at 80x24: the retired MLS-C01 headed the list of blueprints, above MLA-C01 (the stats already list
    the live exam first)."""
    from textual.widgets import OptionList

    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        options = app.screen.query_one("#blueprints", OptionList)
        assert [str(options.get_option_at_index(i).id) for i in range(options.option_count)] == ["MLA-C01", "MLS-C01"]
        assert options.highlighted == 0


@run_async
async def test_ctrl_c_names_the_quit_key_in_plain_words(tutor: Tutor) -> None:
    """Textual's hint is markup, and every notice here is plain text: it read "Press [b]q[/b] to quit the app"."""
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert [(n.title, n.message) for n in app._notifications] == [("Do you want to quit?",
                                                                        "Press q to quit the app.")]


@run_async
async def test_a_rounds_result_lists_each_question_on_one_line(tmp_path: Path, clock: FrozenClock) -> None:
    """At 80x24 a learner sees the whole round at once: one row per question, its stem cut with an ellipsis (the
    stems wrapped to three or four rows each, and a case study's blank line split its entry in two)."""
    from tests.support.quiz import question
    from tests.tui.keys import shown

    long = "A team must choose how to serve a model whose traffic is spiky and whose payloads are large; " * 2
    stems = [f"{long}Which option fits? ({n})" for n in range(4)]
    stems.append("Case study: a retailer forecasts demand.\n\nWhich instance family fits the training job?")
    questions = [question(f"q-long-{n}", stem=stem) for n, stem in enumerate(stems)]
    tutor = Tutor.open(tmp_path / "data", clock=clock, banks_dir=write_bank(tmp_path / "banks", questions).parent)
    try:
        app = create_app(tutor, bank_id="tiny")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("p")
            session = app.screen.session  # type: ignore[attr-defined]
            for n in range(len(stems)):
                await pilot.press(*answer_keys(session, n % 2 == 0), "enter", "enter")
            assert isinstance(app.screen, ResultScreen)
            await pilot.pause()
            width = app.screen.text_width  # what the result is drawn to: the 80 columns less the margins
            assert width <= SIZE[0]
            rows = [row.rstrip() for row in shown(pilot, "#result").splitlines()]
            marked = [row for row in rows if row.lstrip().startswith(("✔", "✘"))]
            assert [row.lstrip()[0] for row in marked] == ["✔", "✘", "✔", "✘", "✔"]
            cut = [row for row in marked if "A team must choose" in row]
            assert len(cut) == 4 and all(row.endswith("…") and len(row) <= width for row in cut), marked
            # a case study shows its question, not the scenario every question of the case opens with
            assert [row.lstrip()[2:] for row in marked if "Case study" in row] == [
                "Case study · Which instance family fits the training job?"]
            assert not any("spiky" in row or "retailer" in row for row in rows if row not in marked)
    finally:
        tutor.close()
