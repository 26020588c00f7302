"""The TUI: one app factory, used by `advisor quiz`, `advisor questionnaire` and the tests alike.

The app has two Textual modes, each its own stack of screens:
- "quiz": the home screen (banks, practice, exam, review, stats) and everything opened from it;
- "workload": the workload questionnaire and its recommendation.
`advisor questionnaire` starts in the workload mode and needs no quiz store: a progress database that cannot
be opened only costs the saved theme. The app routes between the modes and owns the app-wide keys (theme,
help); screens get their collaborators (the tutor, the clock) from it when they are made, and never import it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from textual import events
from textual.app import App, ScreenStackError, UnknownModeError
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from advisor.errors import AdvisorError, printable
from advisor.quiz.session import Session, system_clock
from advisor.tui.base import ReadyForKeys
from advisor.tui.dialogs import HelpScreen
from advisor.tui.home import HomeScreen, PendingExam

if TYPE_CHECKING:
    from advisor.quiz.tutor import Tutor
    from advisor.tui.questionnaire import QuestionnaireScreen, QuestionnaireStart

THEMES = ("textual-dark", "textual-light")
THEME_KEY = "theme"
QUIZ, WORKLOAD = "quiz", "workload"


class Settings(Protocol):
    """Where the theme is remembered (the quiz store's settings table)."""

    def setting(self, key: str) -> str | None: ...

    def set_setting(self, key: str, value: str | None) -> None: ...


class AdvisorApp(App[int]):
    # The mode the app opens in: Textual builds its first screen at startup. Opening on Textual's blank default
    # screen and switching in on_mount built that one too and parsed every style sheet twice more before the
    # first question showed.
    DEFAULT_MODE = QUIZ
    CSS_PATH = "quiz.tcss"
    TITLE = "SageMaker exam prep"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("t", "toggle_theme", "Theme", show=False),  # listed on home and in help; the footer is full
        Binding("question_mark", "help", "Help", key_display="?"),
    ]

    def __init__(self, tutor: Tutor | None, *, bank_id: str | None = None, session: Session | PendingExam | None = None,
                 ticking: bool = True, questionnaire: QuestionnaireStart | None = None,
                 settings: Settings | None = None, clock: Callable[[], dt.datetime] | None = None) -> None:
        super().__init__()
        self.tutor = tutor
        self.settings = settings if settings is not None else (tutor.store if tutor is not None else None)
        self.clock = clock or (tutor.clock if tutor is not None else system_clock)
        self.questionnaire = questionnaire  # `advisor questionnaire`: the workload mode is all there is
        self.held_keys: list[tuple[Screen[object], events.Key]] = []  # typed at a screen not taking keys yet
        self.workload_start = questionnaire
        if tutor is not None:
            self.add_mode(QUIZ, lambda: HomeScreen(tutor, bank_id=bank_id, first=session, ticking=ticking))
        self.add_mode(WORKLOAD, self._workload_screen)

    # ---- keys typed before a screen can take them ----------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """A key typed at a screen that cannot take keys yet (the questionnaire builds its fields after it is
        shown; on a busy machine that took seconds, and what the user typed was lost) is held, in order."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            screen = self._current_screen()
            if screen is not None and not getattr(screen, "takes_keys", True):
                self.held_keys.append((screen, event))
                return
        await super().on_event(event)

    def _current_screen(self) -> Screen[object] | None:
        try:
            return self.screen
        except (ScreenStackError, UnknownModeError):  # no screen yet: Textual's own handling applies
            return None

    async def on_ready_for_keys(self, message: ReadyForKeys) -> None:
        """The screen can take keys: replay those held, before any typed after them (they wait in this queue)."""
        message.screen.takes_keys = True  # set on the app's turn: keys already queued here are held until now
        held, self.held_keys = self.held_keys, []
        for screen, key in held:
            if screen is message.screen:  # not those typed at a screen that was closed before it was ready
                await super().on_event(key)

    def _workload_screen(self) -> Screen[None]:
        # deferred: the questionnaire loads the Workload model, which a quiz start does not need
        from advisor.tui.questionnaire import QuestionnaireScreen

        assert self.workload_start is not None
        return QuestionnaireScreen(self.workload_start, self.clock)

    def on_mount(self) -> None:
        saved = self._read_theme()
        self.theme = saved if saved in THEMES else THEMES[0]
        if self.tutor is not None and self.tutor.store.notice:
            self.notify(self.tutor.store.notice, title="Progress database", severity="warning", timeout=20)

    # ---- between the modes --------------------------------------------------------------------------------

    def on_home_screen_workload_wanted(self, _: HomeScreen.WorkloadWanted) -> None:
        # deferred: the questionnaire loads the Workload model, which a quiz start does not need
        from advisor.tui.questionnaire import QuestionnaireStart

        assert self.tutor is not None
        self.workload_start = QuestionnaireStart(data_dir=self.tutor.store.path.parent)
        self.switch_mode(WORKLOAD)

    def on_questionnaire_screen_closed(self, _: QuestionnaireScreen.Closed) -> None:
        """The end of `advisor questionnaire`; from the quiz home, back there with a fresh questionnaire
        for next time (its answers are saved or kept as a draft)."""
        if self.questionnaire is not None or self.tutor is None:
            self.exit(0)
            return
        self.switch_mode(QUIZ)
        self.remove_mode(WORKLOAD)
        self.add_mode(WORKLOAD, self._workload_screen)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification of every screen comes here (a widget's notify calls its app's): its text names the
        user's paths, fields and bank text, so it is shown as plain text (a `[/x]` in a path would be read as
        markup and stop the app) with control characters escaped (an ESC or OSC sequence would reach the
        terminal). No notification of ours uses markup."""
        super().notify(printable(message), title=printable(title), severity=severity, timeout=timeout, markup=False)

    # ---- app-wide actions ---------------------------------------------------------------------------------

    def action_help_quit(self) -> None:
        """Ctrl+C (Textual's binding): name the key that quits here. Textual's own hint is markup ("Press [b]q[/b]"),
        and every notification here is plain text (`notify`), so the tags showed as typed."""
        keys = [key for key, active in self.active_bindings.items() if active.binding.action in ("quit", "app.quit")]
        if keys:
            self.notify(f"Press {keys[0]} to quit the app.", title="Do you want to quit?")

    def _read_theme(self) -> str | None:
        try:
            return self.settings.setting(THEME_KEY) if self.settings is not None else None
        except AdvisorError:
            return None

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]
        if self.settings is None:
            return
        try:
            self.settings.set_setting(THEME_KEY, self.theme)
        except AdvisorError as exc:
            self.notify(exc.body(), title=exc.title, severity="error", timeout=12)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


class QuestionnaireApp(AdvisorApp):
    """`advisor questionnaire` (or no quiz store): the app opens in the workload mode."""

    DEFAULT_MODE = WORKLOAD


def create_app(tutor: Tutor | None, *, bank_id: str | None = None, session: Session | PendingExam | None = None,
               ticking: bool = True, questionnaire: QuestionnaireStart | None = None,
               settings: Settings | None = None, clock: Callable[[], dt.datetime] | None = None) -> AdvisorApp:
    """The app on a tutor; with `session`, it opens straight onto that session's first question; with
    `questionnaire`, it is the workload questionnaire alone (leaving it ends the app), and `tutor` may be None
    (`settings` then keeps the theme, if given)."""
    app = QuestionnaireApp if questionnaire is not None or tutor is None else AdvisorApp
    return app(tutor, bank_id=bank_id, session=session, ticking=ticking, questionnaire=questionnaire,
               settings=settings, clock=clock)
