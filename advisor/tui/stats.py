"""The stats screen: the same figures as `advisor quiz stats`, with bars and the exam-score sparkline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from advisor.tui import views
from advisor.tui.base import BaseScreen

if TYPE_CHECKING:
    from advisor.quiz.stats import Stats
    from advisor.quiz.tutor import Tutor


class StatsScreen(BaseScreen[None]):
    BINDINGS = [Binding("escape,h,s", "back", "Back", key_display="esc")]

    def __init__(self, tutor: Tutor) -> None:
        super().__init__()
        self.tutor = tutor
        self.stats: Stats | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats-body"):
            yield Static("Counting…", id="stats")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.count()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def count(self) -> None:
        self.deliver(self._show, self.tutor.stats())

    def _show(self, stats: Stats) -> None:
        self.stats = stats
        self.query_one("#stats", Static).update(views.stats_view(stats, self.text_width))

    def on_resize(self, _event: events.Resize) -> None:
        if self.stats is not None:  # names as wide as the terminal now allows
            self._show(self.stats)

    def action_back(self) -> None:
        self.dismiss(None)
