"""Spaced repetition with FSRS (the scheduler Anki ships): a right answer is Good, a wrong one is Again.

Settings, and why:
- no learning or relearning steps: FSRS's minute-scale steps suit flashcards seen many times a day; a quiz
  question with its explanation just read is next worth asking after a day or more, and the review mode
  already re-asks what was answered wrong;
- no fuzz: fsrs draws its fuzz from the global `random`, which would make schedules untestable.

An exam date brings forward every question that would otherwise fall due after it: such a question is due on
the eve of the exam instead (unless it was already reviewed on or after that eve), so the last days before the
exam cover everything once more. The stored card keeps FSRS's own due date; the exam date is applied when
due dates are read, so setting or clearing it takes effect at once.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class CardState:
    """FSRS's card for one question, as the store keeps it."""

    card: dict[str, Any]  # fsrs.Card.to_dict(), JSON-ready
    due: dt.datetime
    last_review: dt.datetime


class Scheduler:
    def __init__(self, exam_date: dt.date | None = None) -> None:
        self.exam_date = exam_date
        self._fsrs: Any = None

    def _engine(self) -> Any:
        if self._fsrs is None:  # fsrs is imported on the first answer, not at start
            from fsrs import Scheduler as Fsrs  # deferred: the scheduler's library loads only when a card is reviewed

            self._fsrs = Fsrs(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
        return self._fsrs

    def review(self, question_id: str, previous: dict[str, Any] | None, correct: bool, when: dt.datetime) -> CardState:
        """The card after answering `question_id` at `when` (timezone-aware), right or wrong."""
        from fsrs import Card, Rating  # deferred: the scheduler's library loads only when a card is reviewed

        when = when.astimezone(dt.UTC)
        card = (Card.from_dict(previous) if previous  # type: ignore[arg-type]  # fsrs wants its own TypedDict
                else Card(card_id=zlib.crc32(question_id.encode()), due=when))
        card, _ = self._engine().review_card(card, Rating.Good if correct else Rating.Again, when)
        return CardState(card.to_dict(), card.due, when)

    def effective_due(self, due: dt.datetime, last_review: dt.datetime | None, now: dt.datetime) -> dt.datetime:
        """When a question is due, with the exam date applied (see the module docstring)."""
        if self.exam_date is None:
            return due
        exam_start = dt.datetime.combine(self.exam_date, dt.time(0), dt.UTC)
        eve = exam_start - dt.timedelta(days=1)
        if now >= exam_start or due <= eve:
            return due
        if last_review is not None and last_review >= eve:
            return due
        return eve

    def is_due(self, due: dt.datetime, last_review: dt.datetime | None, now: dt.datetime) -> bool:
        return self.effective_due(due, last_review, now) <= now


@dataclass(frozen=True, slots=True)
class Queue:
    """A bank's review queue right now: what is due (soonest first) and what was last answered wrong."""

    due: tuple[str, ...]
    wrong: tuple[str, ...]
    unseen: int

    @property
    def ids(self) -> list[str]:
        return list(self.due) + [q for q in self.wrong if q not in self.due]
