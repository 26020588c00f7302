"""Home: the banks with their due counts, and the ways in (practice, exam, review, stats, questionnaire)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from advisor.errors import AdvisorError
from advisor.tui.views import clock_text

if TYPE_CHECKING:
    from advisor.quiz.bank import Bank
    from advisor.quiz.session import Session
    from advisor.quiz.tutor import Queue
    from advisor.tui.app import QuizApp


@dataclass(frozen=True)
class BankRow:
    bank: Bank
    queue: Queue
    unfinished: Session | None


MENU = Text.assemble(
    ("p", "bold"), "  Practice  a round of 10, right or wrong and every explanation at once\n",
    ("e", "bold"), "  Exam      a timed simulation on a blueprint (or your own size and time)\n",
    ("r", "bold"), "  Review    what is due, then what you answered wrong\n",
    ("s", "bold"), "  Stats     accuracy per topic and domain, weakest topics, exam trend\n",
    ("w", "bold"), "  Workload  describe an ML workload: instances, security, Lambda, requests\n",
    ("?", "bold"), "  Help      keys and modes      ", ("t", "bold"), "  Theme      ", ("q", "bold"), "  Quit",
)


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("p", "practice", "Practice"),
        Binding("e", "exam", "Exam"),
        Binding("r", "review", "Review"),
        Binding("x", "resume", "Resume exam"),
        Binding("s", "stats", "Stats"),
        Binding("w", "questionnaire", "Workload"),
        Binding("q", "app.quit", "Quit"),
    ]

    app: QuizApp

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[BankRow] = []

    def compose(self) -> ComposeResult:
        yield Static(Text("SageMaker exam prep", style="bold"), id="title")
        with VerticalScroll(id="home-body"):
            yield OptionList(id="banks")
            yield Static(id="bank-detail")
            yield Static(MENU, id="menu")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#bank-detail", Static).update("Loading banks…")
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        tutor = self.app.tutor
        self.app.background(self, lambda: [BankRow(bank, tutor.queue(bank), tutor.unfinished_exam(bank))
                                           for bank in tutor.banks()], self._show, "home")

    def _show(self, rows: list[BankRow]) -> None:
        self.rows = rows
        banks = self.query_one("#banks", OptionList)
        highlighted = banks.highlighted
        banks.clear_options()
        for row in rows:
            banks.add_option(Option(Text.assemble(
                (row.bank.title, "bold"), f"\n  {len(row.bank.items)} questions · ",
                (f"{len(row.queue.due)} due", "bold" if row.queue.due else ""),
                f" · {len(row.queue.wrong)} wrong last time · {row.queue.unseen} never seen"), id=row.bank.id))
        if rows:
            wanted = next((i for i, r in enumerate(rows) if r.bank.id == self.app.bank_id), 0)
            banks.highlighted = highlighted if highlighted is not None and highlighted < len(rows) else wanted
        self._detail()
        self.refresh_bindings()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.app.bank_id = event.option.id
        self._detail()
        self.refresh_bindings()

    def _row(self) -> BankRow | None:
        return next((r for r in self.rows if r.bank.id == self.app.bank_id), self.rows[0] if self.rows else None)

    def _detail(self) -> None:
        row = self._row()
        text = Text()
        date = self.app.tutor.exam_date
        if date:
            days = (date - self.app.tutor.clock().date()).days
            text.append(f"Exam date {date} ({days} days): questions due after it come up before it.\n")
        else:
            text.append("No exam date set (advisor quiz exam-date YYYY-MM-DD brings reviews forward to it).\n",
                        style="dim")
        if row and row.unfinished:
            session = row.unfinished
            answered = sum(s.answered for s in session.slots)
            left = session.remaining()
            text.append(f"Unfinished {session.exam_code} exam: {answered} of {len(session.slots)} answered, "
                        f"{clock_text(left) if left is not None else '-'} left. Press x to resume.",
                        style="bold yellow")
        self.query_one("#bank-detail", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            row = self._row()
            return bool(row and row.unfinished)
        return True

    # ---- actions ------------------------------------------------------------------------------------------

    def _start(self, mode: str) -> None:
        tutor = self.app.tutor
        try:
            bank = self.app.current_bank()
            session = tutor.practice(bank) if mode == "practice" else tutor.review(bank)
        except AdvisorError as exc:
            self.app.report(exc)
            return
        self.app.open_session(session)

    def action_practice(self) -> None:
        self._start("practice")

    def action_review(self) -> None:
        self._start("review")

    def action_exam(self) -> None:
        from advisor.tui.exam_setup import ExamSetupScreen

        try:
            bank = self.app.current_bank()
        except AdvisorError as exc:
            self.app.report(exc)
            return
        self.app.push_screen(ExamSetupScreen(bank))

    def action_resume(self) -> None:
        row = self._row()
        if row and row.unfinished:
            self.app.open_session(row.unfinished)

    def action_questionnaire(self) -> None:
        from advisor.tui.questionnaire import QuestionnaireStart

        self.app.open_questionnaire(QuestionnaireStart(data_dir=self.app.tutor.store.path.parent))

    def action_stats(self) -> None:
        from advisor.tui.stats import StatsScreen

        self.app.push_screen(StatsScreen())
