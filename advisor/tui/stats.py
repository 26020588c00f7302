"""The stats screen: the same figures as `advisor quiz stats`, with bars and the exam-score sparkline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from advisor.tui import views

if TYPE_CHECKING:
    from advisor.quiz.stats import Stats
    from advisor.tui.app import QuizApp


class StatsScreen(Screen[None]):
    BINDINGS = [Binding("escape,h,s", "back", "Back", key_display="esc")]

    app: QuizApp

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats-body"):
            yield Static("Counting…", id="stats")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.app.background(self, self.app.tutor.stats, self._show, "stats")

    def _show(self, stats: Stats) -> None:
        self.query_one("#stats", Static).update(views.stats_view(stats))

    def action_back(self) -> None:
        self.app.pop_screen()
