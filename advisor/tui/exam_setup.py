"""Choosing an exam: the blueprint (MLA-C01, MLS-C01) and, if wanted, a custom size and time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from advisor.quiz import MAX_EXAM_MINUTES
from advisor.quiz.session import Session, exam_count, exam_minutes, exam_plan, exam_pool
from advisor.quiz.tutor import DEFAULT_EXAM
from advisor.tui.base import BaseScreen

if TYPE_CHECKING:
    from advisor.knowledge.models import ExamBlueprint
    from advisor.quiz.bank import Bank
    from advisor.quiz.tutor import Tutor


class ExamSetupScreen(BaseScreen[Session | None]):
    """Dismissed with the exam session it started, or None (Esc)."""

    BINDINGS = [
        Binding("ctrl+s", "start", "Start", key_display="⏎"),
        Binding("escape", "back", "Back", key_display="esc"),
    ]

    def __init__(self, bank: Bank, tutor: Tutor) -> None:
        super().__init__()
        self.bank = bank
        self.tutor = tutor
        self.blueprints: dict[str, ExamBlueprint] = {}
        self._pools: dict[str, int] = {}  # blueprint code -> how many of the bank's questions it may draw

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="setup"):
            yield Static(Text(f"Exam simulation · {self.bank.title} ({len(self.bank.items)} questions)",
                              style="bold"))
            yield Label("Blueprint (↑↓, Tab to the size and time)")
            yield OptionList(id="blueprints")
            with Horizontal(id="sizes"):
                yield Label("Questions")
                yield Input(id="count", type="integer")
                yield Label("Minutes")
                yield Input(id="minutes", type="integer")
            yield Static(id="about")
            yield Static(id="problem")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#about", Static).update("Loading the exam blueprints…")
        self.load_blueprints()

    @work(thread=True, exclusive=True, group="setup", exit_on_error=False)
    def load_blueprints(self) -> None:
        self.deliver(self._show, self.tutor.blueprints())

    def _show(self, blueprints: tuple[ExamBlueprint, ...]) -> None:
        self.blueprints = {b.code: b for b in blueprints}  # the exams a learner can still sit first
        options = self.query_one("#blueprints", OptionList)
        for b in self.blueprints.values():
            status = f"retired {b.retired_on}" if b.retired_on else b.status
            options.add_option(Option(Text.assemble((b.code, "bold"), f"  {b.name} ({status})"), id=b.code))
        codes = list(self.blueprints)
        options.highlighted = codes.index(DEFAULT_EXAM) if DEFAULT_EXAM in codes else 0
        options.focus()

    @property
    def blueprint(self) -> ExamBlueprint | None:
        options = self.query_one("#blueprints", OptionList)
        if options.highlighted is None or not self.blueprints:
            return None
        return self.blueprints[str(options.get_option_at_index(options.highlighted).id)]

    def pool(self, blueprint: ExamBlueprint) -> int:
        """How many of the bank's questions an exam on `blueprint` may draw, counted once per blueprint (every
        keystroke in the fields redraws the description)."""
        if blueprint.code not in self._pools:
            self._pools[blueprint.code] = len(exam_pool(self.bank, blueprint))
        return self._pools[blueprint.code]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        blueprint = self.blueprint
        if blueprint is None:
            return
        count = exam_count(blueprint, self.pool(blueprint))
        self.query_one("#count", Input).value = str(count)
        self.query_one("#minutes", Input).value = str(exam_minutes(blueprint, count))
        self._describe()

    def on_input_changed(self, event: Input.Changed) -> None:
        blueprint = self.blueprint
        if event.input.id == "count" and blueprint is not None and event.value.isdigit() and int(event.value) > 0:
            self.query_one("#minutes", Input).value = str(exam_minutes(blueprint, int(event.value)))
        self._describe()  # what starts is said below the fields, not only the blueprint's own size
        for problem in self.query("#problem").results(Static):  # none while the screen is still being built
            if blueprint is not None and str(problem.content):  # a refusal shown stays only while it still holds
                refusal = self._requested(blueprint)
                problem.update(Text(refusal, style="bold red") if isinstance(refusal, str) else "")

    def _describe(self) -> None:
        blueprint = self.blueprint
        if blueprint is None:
            return
        text = Text(f"{blueprint.code}: {blueprint.questions} questions in {blueprint.minutes} minutes, pass mark "
                    f"{blueprint.pass_mark} on {blueprint.scale_min}-{blueprint.scale_max}. Questions are drawn "
                    "in the blueprint's domain weights, a case study's together, and scored all or nothing.")
        count, minutes = self.query_one("#count", Input).value, self.query_one("#minutes", Input).value
        if count.isdigit() and minutes.isdigit() and (int(count), int(minutes)) != (blueprint.questions,
                                                                                  blueprint.minutes):
            text.append(f"\nThis simulation: {count} questions in {minutes} minutes.", style="bold")
        pool = self.pool(blueprint)
        if pool < len(self.bank.items):
            text.append(f"\nIt draws {blueprint.code}'s question types: {pool} of this bank's "
                        f"{len(self.bank.items)} questions.", style="dim")
        size = int(count) if count.isdigit() and 0 < int(count) <= pool else None
        short = [d for d in exam_plan(self.bank, blueprint, size) if d.short] if size else []
        for domain in short:
            text.append(f"\n{domain.name}: the bank has {domain.available} of the {domain.target} questions its "
                        f"{domain.weight_percent:g}% asks for.", style="yellow")
        if short:
            text.append("\nThe other domains take their places.", style="yellow")
        if blueprint.retired_on:
            text.append(f"\n{blueprint.code} retired on {blueprint.retired_on}"
                        + (f"; its successor is {blueprint.successor}." if blueprint.successor else "."),
                        style="yellow")
        self.query_one("#about", Static).update(text)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_start()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_start()

    def action_start(self) -> None:
        blueprint = self.blueprint
        if blueprint is None:
            return
        size = self._requested(blueprint)
        if isinstance(size, str):
            self.query_one("#problem", Static).update(Text(size, style="bold red"))
            return
        self.start_exam(blueprint.code, *size)

    def _requested(self, blueprint: ExamBlueprint) -> tuple[int, int] | str:
        """The questions and minutes the fields ask for, or why they cannot start an exam."""
        try:
            count = int(self.query_one("#count", Input).value)
            minutes = int(self.query_one("#minutes", Input).value)
        except ValueError:
            return "Questions and minutes must be whole numbers."
        pool = self.pool(blueprint)
        if not 1 <= count <= pool or not 1 <= minutes <= MAX_EXAM_MINUTES:
            return f"Choose 1 to {pool} questions and 1 to {MAX_EXAM_MINUTES} minutes (a week)."
        return count, minutes

    @work(thread=True, exclusive=True, group="setup", exit_on_error=False)
    def start_exam(self, code: str, count: int, minutes: int) -> None:
        self.deliver(self.dismiss, self.tutor.exam(self.bank, exam_code=code, count=count, minutes=minutes))

    def action_back(self) -> None:
        self.dismiss(None)
