"""Answering by key presses, as a user would: the keys of the right (or a wrong) answer as shown on screen."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from advisor.quiz.session import LABELS, Session


def answer_keys(session: Session, right: bool) -> list[str]:
    """The keys that give the right answer, or a wrong one of the right size, to the current question: the
    digits of the options to pick or of the steps in turn (ordering), or for each prompt its digit then the
    letter of its choice (matching)."""
    slot = session.current
    item = slot.item
    if item.type == "ordering":
        order = item.correct_order if right else tuple(reversed(item.correct_order))
        return [str(slot.order.index(k) + 1) for k in order]
    if item.type == "matching":
        pairs = item.correct_pairs
        matches = [pairs[k] for k in slot.order]
        if not right:
            matches = matches[1:] + matches[:1]
        return [key for n, match in enumerate(matches)
                for key in (str(n + 1), LABELS[slot.choices.index(match)].lower())]
    keys = sorted(item.correct_keys) if right else \
        [k for k in slot.order if k not in item.correct_keys][:item.picks]
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


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, row by row (the current screen as composed, without styles)."""
    return "\n".join("".join(s.text for s in strip) for strip in app.screen._compositor.render_strips())
