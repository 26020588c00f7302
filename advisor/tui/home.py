"""Home: the banks with their due counts, and the ways in (practice, exam, review, stats, questionnaire)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from advisor.errors import AdvisorError
from advisor.quiz.session import Session
from advisor.tui.base import BaseScreen, report
from advisor.tui.dialogs import ConfirmScreen
from advisor.tui.exam_setup import ExamSetupScreen
from advisor.tui.question import Ended, QuestionScreen
from advisor.tui.results import ResultScreen
from advisor.tui.stats import StatsScreen
from advisor.tui.views import clock_text

if TYPE_CHECKING:
    from advisor.quiz.bank import Bank
    from advisor.quiz.tutor import Queue, Tutor


@dataclass(frozen=True)
class PendingExam:
    """A new exam asked for while another is unfinished: started only once the user says so."""

    make: Callable[[], Session]
    unfinished: Session


@dataclass(frozen=True)
class BankRow:
    bank: Bank
    queue: Queue
    unfinished: Session | None


MENU = Text.assemble(
    ("↑↓", "bold"), " Bank      the modes below use the highlighted bank\n",
    ("p", "bold"), "  Practice  a round of 10, right or wrong and every explanation at once\n",
    ("e", "bold"), "  Exam      a timed simulation on a blueprint (or your own size and time)\n",
    ("r", "bold"), "  Review    what is due, then what you answered wrong\n",
    ("s", "bold"), "  Stats     accuracy per topic and domain, weakest topics, exam trend\n",
    ("w", "bold"), "  Workload  describe an ML workload: instances, security, Lambda, requests\n",
    ("?", "bold"), "  Help      keys and modes      ", ("t", "bold"), "  Theme      ", ("q", "bold"), "  Quit",
)


def unfinished_text(session: Session) -> str:
    answered = sum(s.answered for s in session.slots)
    left = session.remaining()
    return (f"Unfinished {session.exam_code} exam: {answered} of {len(session.slots)} answered, "
            f"{clock_text(left) if left is not None else '-'} left")


class HomeScreen(BaseScreen[None]):
    """The base of the quiz mode: every session, setup, result and stats screen is pushed from here and comes
    back here. With `first`, the home opens straight onto that session (`advisor quiz practice|exam|review`)."""

    BINDINGS = [
        Binding("p", "practice", "Practice"),
        Binding("e", "exam", "Exam"),
        Binding("r", "review", "Review"),
        Binding("x", "resume", "Resume exam"),
        Binding("s", "stats", "Stats"),
        Binding("w", "questionnaire", "Workload"),
        Binding("q", "app.quit", "Quit"),
    ]

    class WorkloadWanted(Message):
        """The user asked for the workload questionnaire (the app switches to its mode)."""

    def __init__(self, tutor: Tutor, *, bank_id: str | None = None, first: Session | PendingExam | None = None,
                 ticking: bool = True) -> None:
        super().__init__()
        self.tutor = tutor
        self.bank_id = bank_id
        self.first = first
        self.ticking = ticking  # the exam timer's refresh; tests with a frozen clock may turn it off
        self.rows: list[BankRow] = []
        self.built = not isinstance(first, Session)  # the widgets; see compose

    def compose(self) -> ComposeResult:
        if not self.built:
            return  # opened straight onto a session, which covers home: home is built when first shown
        yield Static(Text("SageMaker exam prep", style="bold"), id="title")
        with VerticalScroll(id="home-body"):
            yield OptionList(id="banks")
            yield Static("Loading banks…", id="bank-detail")
            yield Static(MENU, id="menu")
        yield Footer(show_command_palette=False, compact=True)

    async def on_screen_resume(self) -> None:
        if self.app.screen is not self:
            return  # a resume that arrives once a session is pushed over home: nothing of home shows yet
        if self.first is not None:  # the question first: the banks load when home is first shown
            first, self.first = self.first, None
            if isinstance(first, PendingExam):
                pending = first
                self.ask_new_exam(pending.unfinished, lambda: self._start_pending(pending))
            else:
                self.open_session(first)
            return
        if not self.built:
            self.built = True
            await self.recompose()
        self.load()

    @work(thread=True, exclusive=True, group="home", exit_on_error=False)
    def load(self) -> None:
        tutor = self.tutor
        self.deliver(self._show, [BankRow(bank, tutor.queue(bank), tutor.unfinished_exam(bank))
                                  for bank in tutor.banks()])

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
            wanted = next((i for i, r in enumerate(rows) if r.bank.id == self.bank_id), 0)
            banks.highlighted = highlighted if highlighted is not None and highlighted < len(rows) else wanted
            banks.focus()  # the arrows choose a bank at once; the scrolling body would otherwise take them
        self._detail()
        self.refresh_bindings()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.bank_id = event.option.id
        self._detail()
        self.refresh_bindings()

    def _row(self) -> BankRow | None:
        return next((r for r in self.rows if r.bank.id == self.bank_id), self.rows[0] if self.rows else None)

    def _detail(self) -> None:
        row = self._row()
        text = Text()
        date = self.tutor.exam_date
        days = (date - self.tutor.clock().date()).days if date else 0
        if date and days < 0:  # set before it passed: it brings nothing forward any more
            text.append(f"Exam date {date} has passed (advisor quiz exam-date YYYY-MM-DD sets the next one, "
                        "--clear forgets it).\n", style="dim")
        elif date:
            when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
            text.append(f"Exam date {date} ({when}): questions due after it come up before it.\n")
        else:
            text.append("No exam date set (advisor quiz exam-date YYYY-MM-DD brings reviews forward to it).\n",
                        style="dim")
        if row and row.unfinished:
            text.append(f"{unfinished_text(row.unfinished)}. Press x to resume.", style="bold yellow")
        self.query_one("#bank-detail", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            row = self._row()
            return bool(row and row.unfinished)
        return True

    # ---- sessions: every one opens from here, and its end comes back here ------------------------------------

    def current_bank(self) -> Bank:
        banks = self.tutor.banks()
        if self.bank_id:
            return next((b for b in banks if b.id == self.bank_id), None) or self.tutor.bank(self.bank_id)
        self.bank_id = banks[0].id
        return banks[0]

    def open_session(self, session: Session) -> None:
        self.app.push_screen(QuestionScreen(session, self.tutor, ticking=self.ticking), self._ended)

    def _ended(self, ended: Ended | None) -> None:
        """A session screen closed: a finished round or exam shows its result; leaving comes home."""
        if ended is not None:
            self.app.push_screen(ResultScreen(ended.session, ended.score, self.tutor))

    # ---- actions ------------------------------------------------------------------------------------------

    def _start(self, mode: str) -> None:
        tutor = self.tutor
        try:
            bank = self.current_bank()
            if mode == "review" and not tutor.queue(bank).ids:
                self.notify("Nothing is due and nothing was answered wrong. Practice (p) brings new questions.",
                            title="Nothing to review", timeout=8)
                return
            session = tutor.practice(bank) if mode == "practice" else tutor.review(bank)
        except AdvisorError as exc:
            report(self, exc)
            return
        self.open_session(session)

    def action_practice(self) -> None:
        self._start("practice")

    def action_review(self) -> None:
        self._start("review")

    def action_exam(self) -> None:
        try:
            bank = self.current_bank()
        except AdvisorError as exc:
            report(self, exc)
            return
        row = self._row()

        def setup() -> None:
            self.app.push_screen(ExamSetupScreen(bank, self.tutor), self._exam_chosen)

        if row is not None and row.unfinished is not None and row.bank.id == bank.id:
            self.ask_new_exam(row.unfinished, setup)
        else:
            setup()

    def _exam_chosen(self, session: Session | None) -> None:
        if session is not None:
            self.open_session(session)

    def _start_pending(self, pending: PendingExam) -> None:
        try:
            session = pending.make()
        except AdvisorError as exc:
            report(self, exc)
            self.load()
            return
        self.open_session(session)

    def ask_new_exam(self, unfinished: Session, then: Callable[[], None]) -> None:
        """A new exam while one is unfinished: only if the user says so; the unfinished one is then closed
        unscored (home resumes only the latest, so it could never be resumed again)."""

        def answered(yes: bool | None) -> None:
            if not yes:
                self.load()
                return
            try:
                self.tutor.abandon(unfinished)
            except AdvisorError as exc:
                report(self, exc)
                return
            then()

        question = (f"{unfinished_text(unfinished)}.\n\nStart a new exam? y starts it and closes the unfinished "
                    "one unscored; n keeps it (x on home resumes it).")
        self.app.push_screen(ConfirmScreen(question), answered)

    def action_resume(self) -> None:
        row = self._row()
        if row and row.unfinished:
            self.open_session(row.unfinished)

    def action_questionnaire(self) -> None:
        """Say that the questionnaire is coming, then ask for it: its first opening loads the Workload model while
        this screen stays up (seconds on a busy machine), and a user who saw nothing happen pressed w again,
        which the questionnaire then took as the first letter of the workload's name."""
        for detail in self.query("#bank-detail").results(Static):
            detail.update(Text("Opening the workload questionnaire…", style="bold"))
        self.call_after_refresh(self.post_message, self.WorkloadWanted())

    def action_stats(self) -> None:
        self.app.push_screen(StatsScreen(self.tutor))
