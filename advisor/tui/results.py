"""The end of a session: an exam's scaled score, pass or fail and domains, or a practice round's tally."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from advisor.quiz.session import Session
from advisor.tui import views
from advisor.tui.base import BaseScreen
from advisor.tui.question import QuestionScreen

if TYPE_CHECKING:
    from rich.text import Text

    from advisor.quiz.scoring import ExamScore
    from advisor.quiz.tutor import Tutor


class ResultScreen(BaseScreen[None]):
    """A session's result; its questions are reviewed on question screens pushed from here (Esc comes back)."""

    BINDINGS = [
        Binding("a", "review(False)", "Review all"),
        Binding("w", "review(True)", "Review wrong"),
        Binding("h,escape", "home", "Home", key_display="h"),
    ]

    def __init__(self, session: Session, score: ExamScore | None, tutor: Tutor) -> None:
        super().__init__()
        self.session = session
        self.score = score
        self.tutor = tutor

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="result-body"):
            yield Static(self._body(), id="result")
        yield Footer(show_command_palette=False, compact=True)

    def _body(self) -> Text:
        if self.score is not None:
            return views.exam_result(self.session, self.score, self.tutor.clock(), self.text_width)
        return views.round_result(self.session, self.text_width)

    def on_resize(self, _event: events.Resize) -> None:
        self.query_one("#result", Static).update(self._body())  # domain names as wide as the terminal allows

    def _indices(self, wrong_only: bool) -> list[int]:
        scored = self.session.mode == "exam"
        return [i for i, slot in enumerate(self.session.slots)
                if (scored or slot.submitted) and not (wrong_only and slot.mark.correct)]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "review":
            return bool(self._indices(bool(parameters[0]))) or None
        return True

    def action_review(self, wrong_only: bool) -> None:
        indices = self._indices(wrong_only)
        if indices:
            self.app.push_screen(QuestionScreen(self.session.subset(indices), self.tutor))

    def action_home(self) -> None:
        self.dismiss(None)
