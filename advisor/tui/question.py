"""The question screen, for every mode: answer by key, submit, move, flag, and (in an exam) the clock.

Keys: 1-9 or A-I toggle the option shown at that place (ordering: place the step next, again to take it out;
matching: 1-9 choose a prompt, A-I give it that choice); Backspace takes back the last step or the prompt's
match; Enter submits (practice, review), then moves on; in an exam Enter moves on and, on the last question,
finishes; n/p (or the arrows) move; m flags; l lists every question; s finishes an exam; Esc leaves.
Every answer goes through the tutor, which commits it before the screen changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Static

from advisor.errors import AdvisorError
from advisor.quiz.session import LABELS, Session
from advisor.tui import views
from advisor.tui.base import BaseScreen, report
from advisor.tui.dialogs import ConfirmScreen, NavigatorScreen

if TYPE_CHECKING:
    from advisor.quiz.scoring import ExamScore
    from advisor.quiz.tutor import Tutor


@dataclass(frozen=True)
class Ended:
    """What a question screen is dismissed with when its session ended: a round, or an exam and its score.
    (Leaving an unfinished session, or the review of a finished one, dismisses with None.)"""

    session: Session
    score: ExamScore | None

class QuestionBody(VerticalScroll):
    """The question's scroll area. It says when its size or scrollable extent changed: a layout pass updates
    `virtual_size` without running its watchers, but it does send the widget a Resize, and the "more below" hint
    must follow the question now shown, not the one before it."""

    class ExtentChanged(Message):
        """The scroll area's size or scrollable extent changed."""

    def on_resize(self, _event: events.Resize) -> None:
        self.post_message(self.ExtentChanged())


def _position_bindings() -> list[Binding]:
    """1-9 and A-I, each for the option shown at that place. Three meanings, one shown at a time (check_action
    picks): pick an option (choice types), place a step (ordering), or, for matching, 1-9 choose a prompt and
    A-I give it the right-column choice with that letter. A letter works in either case: the screen shows
    capitals, so Shift or Caps Lock must not leave a learner's key press unanswered."""
    digits = [(str(n + 1), n) for n in range(len(LABELS))]
    letters = [(key, n) for n, letter in enumerate(LABELS) for key in (letter.lower(), letter.upper())]
    bindings: list[Binding] = []
    for action, label, keys in (("pick", "Pick", digits + letters), ("place", "Place", digits + letters),
                                ("match", "Match", letters), ("prompt", "Prompt", digits)):
        for i, (key, n) in enumerate(keys):
            shown = i == 0 and action != "prompt"  # matching's one entry: "1-9/A-I Match" (80 columns are few)
            bindings.append(Binding(key, f"{action}({n})", label, show=shown, key_display="1-9/A-I"))
    return bindings


class QuestionScreen(BaseScreen["Ended | None"]):
    """One session's questions. The footer shows what each key does here and now: Enter submits an answer,
    moves on, or finishes the exam; Esc leaves the exam (saved), goes home, or back to the results."""

    BINDINGS = [
        *_position_bindings(),
        Binding("backspace", "undo", "Undo", key_display="⌫"),
        Binding("backspace", "clear_match", "Clear", key_display="⌫"),
        Binding("enter", "submit", "Submit", key_display="⏎"),
        Binding("enter", "forward", "Next", key_display="⏎"),
        Binding("enter", "finish_last", "Finish", key_display="⏎"),
        Binding("p", "previous", "Move", key_display="n/p"),
        Binding("n", "next", "Next", show=False),  # shown with p: "n/p Move"
        Binding("right", "next", show=False, priority=True),  # before the scroll area's own arrows
        Binding("left", "previous", show=False, priority=True),
        Binding("m", "flag", "Flag"),
        Binding("l", "list", "List"),
        Binding("s", "finish", "Finish"),
        Binding("escape", "leave_exam", "Leave", key_display="esc"),
        Binding("escape", "leave", "Home", key_display="esc"),
        Binding("escape", "back", "Back", key_display="esc"),
    ]

    def __init__(self, session: Session, tutor: Tutor, *, ticking: bool = True) -> None:
        super().__init__()
        self.session = session
        self.tutor = tutor
        self.ticking = ticking  # the exam timer's refresh; tests with a frozen clock may turn it off
        self.prompt = 0  # matching: the prompt (by place) that A-I give a choice to

    def compose(self) -> ComposeResult:
        with Horizontal(id="bar"):
            yield Static(id="status")
            yield Static(id="timer")
        with QuestionBody(id="body"):
            yield Static(id="stem")
            yield Static(id="instruction")
            yield Static(id="verdict")
            yield Static(id="options")
            yield Static(id="source")
        yield Static("▼ more below: ↓ or PgDn scrolls", id="more")
        yield Static(id="message")

    def on_mount(self) -> None:
        self.show()
        # The key bindings' footer is mounted a frame after the question: it costs as much to build as the
        # rest of the screen, and the question is what a start should show first.
        self.call_after_refresh(self._add_footer)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        body = self.query_one("#body", VerticalScroll)
        self.watch(body, "scroll_y", lambda _: self._scroll_hint(), init=False)
        self.watch(body, "virtual_size", lambda _: self._scroll_hint(), init=False)
        if self._exam_running and self.ticking:
            self.set_interval(1.0, self.tick)

    async def _add_footer(self) -> None:
        await self.mount(Footer(show_command_palette=False, compact=True))
        self.refresh_bindings()  # a footer fills itself when the bindings are next announced

    @property
    def _exam_running(self) -> bool:
        return self.session.mode == "exam" and not self.session.finished

    # ---- drawing ------------------------------------------------------------------------------------------

    def show(self, message: str = "") -> None:
        session, slot = self.session, self.session.current
        self.query_one("#status", Static).update(views.status_line(session))
        self.query_one("#timer", Static).update(views.timer_text(session))
        self.query_one("#stem", Static).update(Text(slot.item.stem, style="bold"))
        self.query_one("#instruction", Static).update(views.instruction(session, slot))
        reveal = views.reveals(session, slot)
        self.query_one("#options", Static).update(views.options_table(session, slot, self._palette(), self.prompt))
        verdict = self.query_one("#verdict", Static)
        verdict.display = reveal
        verdict.update(views.verdict(session, slot))
        source = self.query_one("#source", Static)
        source.display = reveal
        source.update(views.source_line(slot))
        self.query_one("#message", Static).update(Text(message, style="bold yellow"))
        self.refresh_bindings()
        self.call_after_refresh(self._scroll_hint)

    def on_question_body_extent_changed(self, _message: QuestionBody.ExtentChanged) -> None:
        self._scroll_hint()

    def _scroll_hint(self) -> None:
        """Say so when the question (an explanation, most often) goes on below the fold."""
        body = self.query_one("#body", VerticalScroll)
        self.query_one("#more", Static).display = body.max_scroll_y > 0 and body.scroll_y < body.max_scroll_y

    def _palette(self) -> views.Palette:
        colours = self.app.theme_variables
        return views.Palette(colours.get("success", "green"), colours.get("error", "red"),
                             colours.get("accent", "yellow"))

    def _theme_changed(self, _theme: object) -> None:
        self.show()

    def tick(self) -> None:
        if not self._exam_running:
            return
        self.query_one("#timer", Static).update(views.timer_text(self.session))
        if self.session.expired:
            self.notify("Time is up: the exam is scored as it stands.", severity="warning")
            self._finish_exam()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        session, slot = self.session, self.session.current
        kind = slot.item.type
        last = session.index == len(session.slots) - 1
        practising = session.mode != "exam" and not session.finished
        if action in ("flag", "list"):
            return self._exam_running
        if action == "finish":
            return self._exam_running
        if action == "finish_last":  # Enter on an exam's last question
            return self._exam_running and last
        if action in ("pick", "place", "prompt", "match"):
            wanted = {"ordering": "place", "matching": "prompt match"}.get(kind, "pick")
            return action in wanted.split() and not session.locked
        if action == "undo":
            return kind == "ordering" and not session.locked and slot.answered
        if action == "clear_match":
            return kind == "matching" and not session.locked and slot.order[self.prompt] in slot.pairs
        if action == "submit":
            return practising and not slot.submitted
        if action == "forward":  # Enter once the answer is in: the next question, or the end of the round
            if self._exam_running:
                return not last
            return (slot.submitted or session.finished) and (practising or not last)
        if action == "previous":
            return session.index > 0 or len(session.slots) > 1 or None  # "n/p Move": lit while either moves
        if action == "next":
            return not last or None
        if action == "leave_exam":
            return self._exam_running
        if action == "leave":
            return practising
        if action == "back":
            return session.finished
        return True

    # ---- answering ----------------------------------------------------------------------------------------

    def _answered(self, refusal: str | None) -> None:
        if refusal is None and self._exam_running:
            self._save()
        self.show(refusal or "")

    def action_pick(self, position: int) -> None:
        self._answered(self.session.toggle(position))

    def action_place(self, position: int) -> None:
        self._answered(self.session.toggle(position))

    def action_prompt(self, position: int) -> None:
        if position >= len(self.session.current.order):
            self.show(f"there is no prompt {position + 1}")
            return
        self.prompt = position
        self.show()

    def action_match(self, position: int) -> None:
        slot = self.session.current
        refusal = self.session.assign(self.prompt, position)
        if refusal is None:  # on to the next prompt still open, if any
            open_prompts = [i for i, key in enumerate(slot.order) if key not in slot.pairs]
            later = [i for i in open_prompts if i > self.prompt] or open_prompts
            if later:
                self.prompt = later[0]
        self._answered(refusal)

    def action_undo(self) -> None:
        """Ordering: take back the last step placed."""
        slot = self.session.current
        if slot.sequence:
            self._answered(self.session.toggle(slot.order.index(slot.sequence[-1])))

    def action_clear_match(self) -> None:
        """Matching: clear the chosen prompt's match."""
        self._answered(self.session.assign(self.prompt, None))

    def _save(self) -> bool:
        try:
            self.tutor.save(self.session)
        except AdvisorError as exc:
            report(self, exc)
            return False
        return True

    def action_submit(self) -> None:
        session = self.session
        if session.mode == "exam" or session.current.submitted or session.finished:
            return
        try:
            self.tutor.submit(session)
        except AdvisorError as exc:
            self.show(exc.message)
            return
        self.show()
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)

    def action_forward(self) -> None:
        if self.session.go(1):
            self._moved()
        elif self.session.mode != "exam" and not self.session.finished:
            self._end_round()

    # ---- moving -------------------------------------------------------------------------------------------

    def _moved(self) -> None:
        self.prompt = 0
        self.show()
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)

    def action_next(self) -> None:
        if self.session.go(1):
            self._moved()

    def action_previous(self) -> None:
        if self.session.go(-1):
            self._moved()

    def action_flag(self) -> None:
        if not self._exam_running:
            return
        self.session.flag()
        if self._save():
            self.show()

    def action_list(self) -> None:
        def jump(index: int | None) -> None:
            if index is not None:
                self.session.goto(index)
                self._moved()

        self.app.push_screen(NavigatorScreen(self.session), jump)

    def action_finish(self) -> None:
        if not self._exam_running:
            return
        self.app.push_screen(ConfirmScreen(views.finish_question(self.session)),
                             lambda yes: self._finish_exam() if yes else None)

    def action_finish_last(self) -> None:
        self.action_finish()

    def action_leave_exam(self) -> None:
        question = ("Leave the exam?\n\nYour answers are saved; resume it from home (x). "
                    "The clock keeps running, as in a real exam.")

        def leave(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(question), leave)

    def action_leave(self) -> None:
        self._close_session()
        self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)  # a finished session is reviewed from its results: back to them

    # ---- endings ------------------------------------------------------------------------------------------

    def _close_session(self) -> None:
        try:
            self.tutor.finish(self.session)
        except AdvisorError as exc:
            report(self, exc)

    def _end_round(self) -> None:
        self._close_session()
        self.dismiss(Ended(self.session, None))

    def _finish_exam(self) -> None:
        if self.session.finished:
            return
        try:
            score = self.tutor.finish(self.session)
        except AdvisorError as exc:
            report(self, exc)
            return
        self.dismiss(Ended(self.session, score))
