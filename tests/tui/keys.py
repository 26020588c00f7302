"""Answering by key presses, as a user would: the keys of the right (or a wrong) answer as shown on screen."""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Awaitable, Callable

from textual.pilot import Pilot
from textual.widgets import Static

from advisor.quiz.session import Session


def answer_keys(session: Session, right: bool) -> list[str]:
    """The digit keys that pick the right set, or a wrong set of the right size, of the current question."""
    slot = session.current
    keys = sorted(slot.item.correct_keys) if right else \
        [k for k in slot.order if k not in slot.item.correct_keys][:slot.item.picks]
    return [str(slot.order.index(k) + 1) for k in keys]


def shown(pilot: Pilot, selector: str) -> str:
    """The plain text of a Static on the current screen."""
    return str(pilot.app.screen.query_one(selector, Static).content)


def run_async(test: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """Run an async Pilot test on a fresh event loop (no async plugin for pytest is needed)."""

    @functools.wraps(test)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return wrapper
