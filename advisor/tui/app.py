"""The quiz TUI: one app factory, used by `advisor quiz` and by the tests alike.

The app holds a `Tutor` (the quiz core joined to the progress store) and only routes between screens; what a
screen shows comes from the core (advisor.quiz) through advisor.tui.views.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, TypeVar

from textual.app import App
from textual.binding import Binding

from advisor.errors import AdvisorError

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from advisor.quiz.bank import Bank
    from advisor.quiz.session import Session
    from advisor.quiz.tutor import Tutor
    from advisor.tui.questionnaire import QuestionnaireStart

T = TypeVar("T")
THEMES = ("textual-dark", "textual-light")
THEME_KEY = "theme"


class QuizApp(App[int]):
    CSS_PATH = "quiz.tcss"
    TITLE = "SageMaker exam prep"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("t", "toggle_theme", "Theme", show=False),  # listed on home and in help; the footer is full
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(self, tutor: Tutor, *, bank_id: str | None = None, session: Session | None = None,
                 ticking: bool = True, questionnaire: QuestionnaireStart | None = None) -> None:
        super().__init__()
        self.tutor = tutor
        self.bank_id = bank_id
        self.initial_session = session
        self.ticking = ticking  # the exam timer's refresh; tests with a frozen clock may turn it off
        self.questionnaire = questionnaire  # `advisor questionnaire`: the app is the questionnaire alone

    def on_mount(self) -> None:
        saved = self.tutor.store.setting(THEME_KEY)
        self.theme = saved if saved in THEMES else THEMES[0]
        if self.initial_session is not None:  # straight to the question: home is built when it is first needed
            self.open_session(self.initial_session)
        elif self.questionnaire is not None:
            self.open_questionnaire(self.questionnaire)
        else:
            self.go_home()
        if self.tutor.store.notice:
            self.notify(self.tutor.store.notice, title="Progress database", severity="warning", timeout=20)

    # ---- routing ------------------------------------------------------------------------------------------

    def current_bank(self) -> Bank:
        banks = self.tutor.banks()
        if self.bank_id:
            return next((b for b in banks if b.id == self.bank_id), None) or self.tutor.bank(self.bank_id)
        self.bank_id = banks[0].id
        return banks[0]

    def open_session(self, session: Session) -> None:
        from advisor.tui.question import QuestionScreen

        self.push_screen(QuestionScreen(session))

    def open_questionnaire(self, start: QuestionnaireStart) -> None:
        from advisor.tui.questionnaire import QuestionnaireScreen

        self.push_screen(QuestionnaireScreen(start))

    def leave_questionnaire(self) -> None:
        """Home when the questionnaire was opened from it; the end of the app when it is all there is."""
        if self.questionnaire is not None:
            self.exit(0)
        else:
            self.go_home()

    def go_home(self) -> None:
        """Back to the home screen, building it if the app started on a question."""
        from advisor.tui.home import HomeScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            self.push_screen(HomeScreen())

    def background(self, node: DOMNode, work: Callable[[], T], then: Callable[[T], object], group: str) -> None:
        """Slow work (bank loads, stats, the pydantic import of an exam start) off the UI thread: `then(result)`
        runs back on it, or an AdvisorError becomes a notification. The worker belongs to `node`, so it is
        cancelled if that screen goes away first."""

        def job() -> None:
            try:
                result = work()
            except AdvisorError as exc:
                self.call_from_thread(self.report, exc)
                return
            self.call_from_thread(then, result)

        node.run_worker(job, thread=True, exclusive=True, group=group)

    def report(self, exc: AdvisorError) -> None:
        """An error a user can act on, as a notification (the TUI never shows a traceback for these)."""
        self.notify(exc.render(), title=exc.title, severity="error", timeout=12)

    # ---- app-wide actions ---------------------------------------------------------------------------------

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]
        try:
            self.tutor.store.set_setting(THEME_KEY, self.theme)
        except AdvisorError as exc:
            self.report(exc)

    def action_help(self) -> None:
        from advisor.tui.dialogs import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def create_app(tutor: Tutor, *, bank_id: str | None = None, session: Session | None = None,
               ticking: bool = True, questionnaire: QuestionnaireStart | None = None) -> QuizApp:
    """The app on a tutor; with `session`, it opens straight onto that session's first question; with
    `questionnaire`, it is the workload questionnaire alone (leaving it ends the app)."""
    return QuizApp(tutor, bank_id=bank_id, session=session, ticking=ticking, questionnaire=questionnaire)
