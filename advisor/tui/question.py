"""The question screen, for every mode: pick options by key, submit, move, flag, and (in an exam) the clock.

Keys: 1-9 or A-E toggle the option shown at that place; Enter submits (practice, review) or moves on (exam);
n/p (or the arrows) move; f flags; l lists every question; s finishes an exam; Escape goes home.
Every answer goes through the tutor, which commits it before the screen changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
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

def _pick_bindings() -> list[Binding]:
    bindings = [Binding("1", "pick(0)", "Pick", key_display="1-9/A-E")]
    bindings += [Binding(str(n + 1), f"pick({n})", show=False) for n in range(1, len(LABELS))]
    bindings += [Binding(letter.lower(), f"pick({n})", show=False) for n, letter in enumerate(LABELS[:5])]
    return bindings


class QuestionScreen(BaseScreen["Ended | None"]):
    BINDINGS = [
        *_pick_bindings(),
        Binding("enter", "submit", "Submit", key_display="⏎"),
        Binding("n", "next", "Next"),
        Binding("right", "next", show=False, priority=True),  # before the scroll area's own arrows
        Binding("p", "previous", "Prev"),
        Binding("left", "previous", show=False, priority=True),
        Binding("f", "flag", "Flag"),
        Binding("l", "list", "List"),
        Binding("s", "finish", "Finish"),
        Binding("escape", "leave", "Home", key_display="esc"),
    ]

    def __init__(self, session: Session, tutor: Tutor, *, ticking: bool = True) -> None:
        super().__init__()
        self.session = session
        self.tutor = tutor
        self.ticking = ticking  # the exam timer's refresh; tests with a frozen clock may turn it off

    def compose(self) -> ComposeResult:
        with Horizontal(id="bar"):
            yield Static(id="status")
            yield Static(id="timer")
        with VerticalScroll(id="body"):
            yield Static(id="stem")
            yield Static(id="instruction")
            yield Static(id="verdict")
            yield Static(id="options")
            yield Static(id="source")
        yield Static(id="message")

    def on_mount(self) -> None:
        self.show()
        # The key bindings' footer is mounted a frame after the question: it costs as much to build as the
        # rest of the screen, and the question is what a start should show first.
        self.call_after_refresh(self._add_footer)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
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
        self.query_one("#instruction", Static).update(Text(views.instruction(slot), style="italic"))
        reveal = views.reveals(session, slot)
        self.query_one("#options", Static).update(views.options_table(session, slot, self._palette()))
        verdict = self.query_one("#verdict", Static)
        verdict.display = reveal
        verdict.update(views.verdict(session, slot))
        source = self.query_one("#source", Static)
        source.display = reveal
        source.update(views.source_line(slot))
        self.query_one("#message", Static).update(Text(message, style="bold yellow"))
        self.refresh_bindings()

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
        if action in ("flag", "list", "finish"):
            return self._exam_running
        if action == "pick":
            return not self.session.finished
        if action == "previous":
            return self.session.index > 0 or None
        if action == "next":
            return self.session.index < len(self.session.slots) - 1 or None
        return True

    # ---- actions ------------------------------------------------------------------------------------------

    def action_pick(self, position: int) -> None:
        refusal = self.session.toggle(position)
        if refusal is None and self._exam_running:
            self._save()
        self.show(refusal or "")

    def _save(self) -> bool:
        try:
            self.tutor.save(self.session)
        except AdvisorError as exc:
            report(self, exc)
            return False
        return True

    def action_submit(self) -> None:
        session = self.session
        if session.mode == "exam":
            if session.finished or session.index < len(session.slots) - 1:
                self.action_next()
            else:
                self.action_finish()
            return
        if session.current.submitted or session.finished:
            self._advance()
            return
        try:
            self.tutor.submit(session)
        except AdvisorError as exc:
            self.show(exc.message)
            return
        self.show()
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)

    def _advance(self) -> None:
        if self.session.go(1):
            self._moved()
        elif not self.session.finished:
            self._end_round()

    def _moved(self) -> None:
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
        slots = self.session.slots
        answered = sum(s.answered for s in slots)
        flagged = sum(s.flagged for s in slots)
        question = (f"Finish the exam now?\n\nAnswered {answered} of {len(slots)}; {flagged} flagged. "
                    f"{len(slots) - answered} unanswered count as wrong.")
        self.app.push_screen(ConfirmScreen(question), lambda yes: self._finish_exam() if yes else None)

    def action_leave(self) -> None:
        if self._exam_running:
            question = ("Leave the exam?\n\nYour answers are saved; resume it from home (x). "
                        "The clock keeps running, as in a real exam.")
            def leave(yes: bool | None) -> None:
                if yes:
                    self.dismiss(None)

            self.app.push_screen(ConfirmScreen(question), leave)
            return
        if not self.session.finished:
            self._close_session()
        self.dismiss(None)  # home; a finished session is reviewed from its results: back to them

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
