"""The "why?" view: every decision of a recommendation, and for the one highlighted, each rule with its verdict
and each condition with the value it was tested against (the same text as `advisor explain --decision`)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from advisor.recommend.models import Recommendation
from advisor.recommend.report import decision_ids
from advisor.tui import advice_views
from advisor.tui.base import BaseScreen

LABEL_WIDTH = 74  # what an 80-column terminal leaves inside the list's border and padding


class TraceScreen(BaseScreen[None]):
    BINDINGS = [Binding("escape,w", "back", "Back", key_display="esc")]

    def __init__(self, rec: Recommendation, decision: str | None = None) -> None:
        super().__init__()
        self.rec = rec
        self.decisions = decision_ids(rec)
        self.initial = decision if decision in self.decisions else (self.decisions[0] if self.decisions else None)

    def compose(self) -> ComposeResult:
        yield Static(Text("Why? ↑↓ a decision: its rules (+ selected, ~ matched, - not) and conditions",
                          style="bold"), id="title")
        options = []
        for decision in self.decisions:
            traces = [t for t in self.rec.trace if t.decision == decision]
            stages = [t.stage for t in traces if t.stage]
            chosen = sum(len(t.selected) for t in traces)
            label = Text.assemble((decision, "bold"), (f" [{', '.join(stages)}]" if stages else "", "dim"),
                                  (f" {chosen} selected", "green" if chosen else "dim"), f"  {traces[0].title}")
            label.truncate(LABEL_WIDTH, overflow="ellipsis")  # one line each: the trace below needs the room
            options.append(Option(label, id=decision))
        yield OptionList(*options, id="decisions")
        with VerticalScroll(id="trace-body"):
            yield Static(id="trace")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        decisions = self.query_one("#decisions", OptionList)
        if self.initial is not None:
            decisions.highlighted = self.decisions.index(self.initial)
            self._show(self.initial)
        decisions.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self._show(event.option.id)

    def _show(self, decision: str) -> None:
        self.query_one("#trace", Static).update(advice_views.trace_view(self.rec, decision))
        self.query_one("#trace-body", VerticalScroll).scroll_home(animate=False)

    @property
    def shown(self) -> str | None:
        """The decision whose trace is on screen."""
        decisions = self.query_one("#decisions", OptionList)
        if decisions.highlighted is None:
            return None
        return self.decisions[decisions.highlighted]

    def action_back(self) -> None:
        self.dismiss(None)
