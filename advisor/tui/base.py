"""What every screen shares: the one handler of errors from background work, and how a result comes back.

Slow work (bank loads, stats, knowledge, requests) runs in Textual `@work` thread workers declared with
`exit_on_error=False`; whatever such a worker raises ends up in `on_worker_state_changed` below, so an error a
user can act on (an AdvisorError) becomes a notification on every screen alike, and anything else (a bug) is
raised again to stop the app with its traceback, as an unhandled error should.

Screens never import the App: they get their collaborators in `__init__`, give results back with `dismiss()`
or messages, and use only what every Textual app has (notify, push_screen, call_from_thread).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.worker import NoActiveWorker, Worker, WorkerState, get_current_worker

from advisor.errors import AdvisorError

T = TypeVar("T")
R = TypeVar("R")


def report(screen: Widget, exc: AdvisorError) -> None:
    """An error a user can act on, as a notification (the TUI never shows a traceback for these)."""
    screen.notify(exc.body(), title=exc.title, severity="error", timeout=12)


class WorkerErrors:
    """Mixin of the screens: the one error handler of their workers, and delivery of a worker's result."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, AdvisorError):
            report(self, error)  # type: ignore[arg-type]  # a mixin of screens
            return
        raise error if error is not None else RuntimeError(f"worker {event.worker.name} failed")

    def deliver(self, then: Callable[[T], object], result: T) -> None:
        """From a thread worker: run `then(result)` on the UI thread, if this screen is still there and the
        worker was not replaced by a newer one of its group (an exclusive worker's thread cannot be stopped,
        so a stale result is dropped here instead)."""
        screen: Screen[object] = self  # type: ignore[assignment]
        try:
            if get_current_worker().is_cancelled:
                return
        except NoActiveWorker:
            pass

        def run() -> None:
            if screen.is_attached:
                then(result)

        screen.app.call_from_thread(run)


class ReadyForKeys(Message):
    """Posted to the app by a screen that was shown before it could take keys (its fields still being built),
    once its first field has the focus: the keys typed meanwhile, which the app held, are replayed to it."""

    def __init__(self, screen: BaseScreen[Any]) -> None:
        super().__init__()
        self.screen = screen


class BaseScreen(WorkerErrors, Screen[R]):
    """A full screen of the TUI. `takes_keys` False: the app holds the keys typed at it until the screen posts
    ReadyForKeys (a user who starts typing as the screen appears loses nothing)."""

    takes_keys = True

    @property
    def text_width(self) -> int:
        """Columns a screen's text may use: its width less a padding column each side and a scroll bar's two."""
        return max(40, self.size.width - 4)


class BaseModal(WorkerErrors, ModalScreen[R]):
    """A dialog of the TUI."""
