"""Small modal screens: help, a yes/no question, and the exam's question list (answered, flagged, open)."""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from advisor.errors import printable
from advisor.quiz.session import Session
from advisor.tui import views

#: What a yes/no screen answers: yes or no, or (KeepOrDropScreen) also None for "leave, deciding later".
ResultT = TypeVar("ResultT", bool, bool | None)

# Each line fits the dialog at 80 columns: 70 = its 76 columns less the border, padding and scroll bar.
HELP = Text.assemble(
    ("Keys\n", "bold"),
    "  Home      p practice · e exam · r review · x resume exam · s stats\n",
    "            ↑↓ the bank · w workload questionnaire (the advisor)\n",
    "  Question  1-9 or A-I  toggle the option shown at that place\n",
    "            Ordering    press the steps' keys in order (again takes\n",
    "                        one out; ⌫ takes back the last)\n",
    "            Matching    1-9 chooses a prompt, A-I gives it that\n",
    "                        choice (⌫ clears the prompt's match)\n",
    "            Enter       submit, then next (practice, review);\n",
    "                        next, on the last question finish (exam)\n",
    "            n or →      next        p or ←  previous\n",
    "            m flag · l list the questions · s finish the exam\n",
    "            ↓ PgDn      scroll a long explanation (▼ says there is\n",
    "                        more below)\n",
    "            Esc         leave the exam (saved: x resumes it); home;\n",
    "                        back to the results when reviewing them\n",
    "  Workload  Tab between fields · Space ticks a stage or flips a yes/no\n",
    "            Enter opens a list · ctrl+n / ctrl+p next or previous step\n",
    "            ctrl+s the summary, then recommend · esc leave (kept as a\n",
    "            draft) · results: 1-4 tabs · w why? · x export · e edit\n",
    "  Anywhere  ? this help · t dark or light theme · ctrl+q quit\n\n",
    ("Modes\n", "bold"),
    "  Practice  answer, then see right or wrong and why, option by option.\n",
    "  Exam      timed, on the MLA-C01 or MLS-C01 blueprint or your own\n",
    "            size and time. Change answers, flag, move freely; nothing\n",
    "            is revealed until you finish. Scored all or nothing per\n",
    "            question on the 100-1000 scale, by domain; then review\n",
    "            every question or only the wrong ones.\n",
    "  Review    what spaced repetition (FSRS) says is due, then what you\n",
    "            answered wrong last time.\n\n",
    ("Choose N", "bold"), ": a multiple-response question takes exactly N picks;\n",
    "a single answer replaces the previous one. In an exam, a question\n",
    "with fewer picks is marked ◐ incomplete and counts as wrong. Every\n",
    "answer is saved the moment you give it.",
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", key_display="esc")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(HELP)
        yield Footer(show_command_palette=False, compact=True)

    def action_close(self) -> None:
        self.dismiss(None)


class YesNoScreen(ModalScreen[ResultT]):
    """A question shown with the keys that answer it; y answers True and n False. The subclasses say what the
    result is, each its own type: a yes/no, or a yes/no that can also be left unanswered."""

    KEYS = Text.assemble(("y", "bold"), " yes    ", ("n", "bold"), " no")

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = printable(question)  # it names the user's paths and workload names: shown, never obeyed

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Static(Text(self.question))
            yield Static(self.KEYS)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ConfirmScreen(YesNoScreen[bool]):
    """Yes or no, always one of them: Esc is no (keep what is there, stay where you are). Its callback still
    takes `bool | None`, as Textual types every screen's callback, but is never given None."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]


class KeepOrDropScreen(YesNoScreen[bool | None]):
    """A yes/no whose no throws something away (the questionnaire's draft): Esc and Ctrl+C, a user's way out,
    answer neither and dismiss None, so leaving never deletes what the user may still want."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape,ctrl+c", "keep", "Leave", key_display="esc"),
    ]
    KEYS = Text.assemble(("y", "bold"), " yes    ", ("n", "bold"), " no    ", ("esc", "bold"),
                         " leave, deciding later")

    def action_keep(self) -> None:
        self.dismiss(None)


class NavigatorScreen(ModalScreen[int | None]):
    """Every exam question with its state; Enter jumps to it (review your flagged ones before finishing)."""

    BINDINGS = [Binding("escape,l", "close", "Close", key_display="esc")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        options = []
        for index, slot in enumerate(self.session.slots):
            state = Text(no_wrap=True, overflow="ellipsis")  # one line each, as wide as the dialog
            state.append(f"{index + 1:>3} ")
            mark = ("✔ " if slot.complete else "◐ ") if slot.answered else "· "
            state.append(mark, style="green" if slot.answered and slot.complete else ("bold" if slot.answered
                                                                                       else "dim"))
            state.append("⚑ " if slot.flagged else "  ", style="bold yellow")
            state.append(views.stem_line(slot.item.stem))
            options.append(Option(state))
        with Vertical(classes="dialog navigator"):
            yield Static(Text("Questions: ✔ answered · ◐ incomplete · ⚑ flagged · Enter jumps", style="bold"))
            yield OptionList(*options, id="questions")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#questions", OptionList).highlighted = self.session.index

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_close(self) -> None:
        self.dismiss(None)
