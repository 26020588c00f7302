"""A quiz session: which questions, in which order, the options' shuffle, the answers given, the exam clock.

Everything that varies is injected: the seed decides the question order and every option shuffle, and the
clock decides the exam's time left, so a test (or a resumed exam) rebuilds exactly the same session.

Modes:
- practice: answer one question, see right or wrong and every explanation at once;
- exam: timed, answers can change, questions can be flagged, nothing is revealed until the exam is finished;
- review: the spaced-repetition queue (due first, then answered wrong), answered like practice.

How each question type is answered (all keyboard-friendly, by the place an option is shown at):
- single, multiple, true/false: `toggle(position)` selects or clears an option (`Slot.response`, a set);
- ordering: `toggle(position)` puts the step shown there next in the learner's order, or takes it out again
  (`Slot.sequence`, the keys in the order given); the answer is complete when every step is placed;
- matching: `assign(prompt_position, choice_position)` gives the prompt shown there the right-column choice
  shown at `choice_position` (`Slot.choices`, shuffled by the seed; `Slot.pairs`, prompt key -> choice); a
  choice is used once, so giving it to another prompt moves it. Complete when every prompt has a choice.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from advisor.errors import QuizError
from advisor.quiz import MAX_EXAM_MINUTES
from advisor.quiz.bank import Bank, Item
from advisor.quiz.scoring import Mark, Response, mark

if TYPE_CHECKING:
    from advisor.knowledge.models import ExamBlueprint

Mode = Literal["practice", "exam", "review"]
MODES: tuple[Mode, ...] = ("practice", "exam", "review")
Clock = Callable[[], dt.datetime]
LABELS = "ABCDEFGHI"


def system_clock() -> dt.datetime:
    """The real time, timezone-aware UTC (what FSRS and the store expect)."""
    return dt.datetime.now(dt.UTC)


@dataclass
class Slot:
    """One question of a session: its display order and the learner's answer (original option keys)."""

    item: Item
    order: tuple[str, ...]
    response: frozenset[str] = frozenset()
    flagged: bool = False
    submitted: bool = False  # practice and review: the answer is final and its feedback shown
    sequence: tuple[str, ...] = ()  # ordering: the keys in the learner's order
    pairs: dict[str, str] = field(default_factory=dict)  # matching: prompt key -> chosen right-column text
    choices: tuple[str, ...] = ()  # matching: the right column as shown (matches and distractors, shuffled)

    def label(self, key: str) -> str:
        """The letter an option is shown under (its place after the shuffle)."""
        return LABELS[self.order.index(key)]

    def labels(self, keys: Iterable[str]) -> list[str]:
        return sorted(self.label(k) for k in keys)

    @property
    def given(self) -> Response:
        """The answer in the shape scoring reads for this question's type."""
        if self.item.type == "ordering":
            return self.sequence
        if self.item.type == "matching":
            return self.pairs
        return self.response

    @property
    def answered(self) -> bool:
        return bool(self.given)

    @property
    def chosen(self) -> int:
        """How many of the `item.picks` choices are made so far."""
        return len(self.sequence if self.item.type == "ordering" else
                   self.pairs if self.item.type == "matching" else self.response)

    @property
    def complete(self) -> bool:
        """Whether the answer makes every choice it needs ("choose 2" with 1 pick is answered but incomplete)."""
        return self.chosen == self.item.picks

    @property
    def answer(self) -> list[str] | dict[str, str]:
        """The answer as JSON-ready data, the way the store keeps it (`restore` reads it back)."""
        if self.item.type == "ordering":
            return list(self.sequence)
        if self.item.type == "matching":
            return dict(self.pairs)
        return sorted(self.response)

    def restore(self, answer: Sequence[str] | Mapping[str, str]) -> None:
        """Put back an answer the store kept (see `answer`); keys or choices the question lost are dropped."""
        keys = set(self.order)
        if self.item.type == "matching":
            if isinstance(answer, Mapping):
                self.pairs = {k: v for k, v in answer.items() if k in keys and v in self.choices}
        elif isinstance(answer, Mapping):
            return
        elif self.item.type == "ordering":
            self.sequence = tuple(k for k in answer if k in keys)
        else:
            self.response = frozenset(k for k in answer if k in keys)

    @property
    def mark(self) -> Mark:
        return mark(self.item, self.given)


@dataclass
class Session:
    bank: Bank
    mode: Mode
    seed: int
    slots: list[Slot]
    started_at: dt.datetime
    clock: Clock = field(default=system_clock, repr=False)
    deadline: dt.datetime | None = None
    exam_code: str | None = None
    id: int | None = None
    index: int = 0
    finished: bool = False

    # ---- navigation ---------------------------------------------------------------------------------------

    @property
    def current(self) -> Slot:
        return self.slots[self.index]

    def go(self, delta: int) -> bool:
        """Move by `delta` questions; False at either end."""
        target = self.index + delta
        if not 0 <= target < len(self.slots):
            return False
        self.index = target
        return True

    def goto(self, index: int) -> None:
        if not 0 <= index < len(self.slots):
            raise QuizError(f"there is no question {index + 1} in this session of {len(self.slots)}")
        self.index = index

    # ---- answering ----------------------------------------------------------------------------------------

    @property
    def locked(self) -> bool:
        """Whether the current answer can no longer change."""
        return self.finished or self.current.submitted or (self.mode == "exam" and self.expired)

    def toggle(self, position: int) -> str | None:
        """Select or clear the option shown at `position` (0-based); returns why not, or None when done.

        A single answer replaces the previous one; a "choose N" question refuses an N+1-th pick, so the
        limit shown is also the limit enforced. Ordering: the step shown there goes next in the order (or, when
        already placed, comes out of it). Matching answers with `assign`.
        """
        slot = self.current
        if self.locked:
            return "this question is already answered" if not self.finished else "the session is over"
        if not 0 <= position < len(slot.order):
            return f"there is no option {LABELS[position] if position < len(LABELS) else position + 1}"
        key = slot.order[position]
        if slot.item.type == "matching":
            return "pick a prompt, then the choice that matches it"
        if slot.item.type == "ordering":
            slot.sequence = (tuple(k for k in slot.sequence if k != key) if key in slot.sequence
                             else (*slot.sequence, key))
        elif key in slot.response:
            slot.response = slot.response - {key}
        elif slot.item.picks == 1:
            slot.response = frozenset({key})
        elif len(slot.response) >= slot.item.picks:
            return f"choose {slot.item.picks}: clear one of your picks first"
        else:
            slot.response = slot.response | {key}
        return None

    def assign(self, prompt: int, choice: int | None) -> str | None:
        """Matching: give the prompt shown at `prompt` the right-column choice shown at `choice` (None clears
        it); a choice given to another prompt moves here. Returns why not, or None when done."""
        slot = self.current
        if slot.item.type != "matching":
            return "only matching questions pair prompts with choices"
        if self.locked:
            return "this question is already answered" if not self.finished else "the session is over"
        if not 0 <= prompt < len(slot.order):
            return f"there is no prompt {prompt + 1}"
        key = slot.order[prompt]
        pairs = dict(slot.pairs)
        if choice is None:
            pairs.pop(key, None)
        elif not 0 <= choice < len(slot.choices):
            return f"there is no choice {choice + 1}"
        else:
            text = slot.choices[choice]
            pairs = {k: v for k, v in pairs.items() if v != text}
            pairs[key] = text
        slot.pairs = pairs
        return None

    def clear(self) -> None:
        """Take back the current answer (every type), unless it is final."""
        if self.locked:
            return
        slot = self.current
        slot.response, slot.sequence, slot.pairs = frozenset(), (), {}

    def submit(self) -> Mark:
        """Practice and review: make the current answer final and return its verdict."""
        slot = self.current
        if self.mode == "exam":
            raise QuizError("exam answers are scored when the exam is finished")
        if slot.submitted:
            return slot.mark
        if not slot.complete:
            picked, needed = slot.chosen, slot.item.picks
            if slot.item.type == "ordering":
                raise QuizError(f"put all {needed} steps in order (you have placed {picked})")
            if slot.item.type == "matching":
                raise QuizError(f"match all {needed} prompts (you have matched {picked})")
            raise QuizError(f"choose {needed} (you have chosen {picked})")
        slot.submitted = True
        return slot.mark

    def flag(self) -> bool:
        """Exam: mark the current question for review (again to clear); returns the new state."""
        if self.mode != "exam" or self.finished:
            raise QuizError("flags are for exam questions")
        self.current.flagged = not self.current.flagged
        return self.current.flagged

    # ---- time ---------------------------------------------------------------------------------------------

    def remaining(self) -> dt.timedelta | None:
        if self.deadline is None:
            return None
        return max(dt.timedelta(0), self.deadline - self.clock())

    @property
    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= dt.timedelta(0)

    # ---- progress -----------------------------------------------------------------------------------------

    @property
    def done(self) -> list[Slot]:
        """The questions answered for good: submitted ones, or every answered one of an exam."""
        if self.mode == "exam":
            return [s for s in self.slots if s.answered]
        return [s for s in self.slots if s.submitted]

    def subset(self, indices: Sequence[int]) -> Session:
        """The same answered questions, restricted to `indices` (reviewing a finished exam: all or wrong)."""
        return Session(self.bank, self.mode, self.seed, [self.slots[i] for i in indices], self.started_at,
                       self.clock, self.deadline, self.exam_code, self.id, 0, self.finished)


# ---- building sessions -----------------------------------------------------------------------------------

def option_order(item: Item, seed: int) -> tuple[str, ...]:
    """The display order of an item's options: shuffled by (seed, item id), pinned options kept in place.

    Seeding per item keeps a question's shuffle the same wherever it appears in the session. True/false
    stays True, False: shuffling two fixed words only slows the reader down. An ordering question is never
    shown in its answer's order (a shuffle that lands on it is turned by one place).
    """
    keys = [o.key for o in item.options]
    if item.type == "true_false":
        return tuple(keys)
    free = [o.key for o in item.options if not o.pinned]
    random.Random(f"{seed}:{item.id}").shuffle(free)
    if item.type == "ordering" and free == keys:
        free = free[1:] + free[:1]
    shuffled = iter(free)
    return tuple(key if item.options[i].pinned else next(shuffled) for i, key in enumerate(keys))


def choice_order(item: Item, seed: int) -> tuple[str, ...]:
    """Matching: the right column (every match and distractor) shuffled by (seed, item id); else empty."""
    if item.type != "matching":
        return ()
    column = [o.match for o in item.options if o.match is not None] + list(item.distractors)
    random.Random(f"{seed}:{item.id}:choices").shuffle(column)
    return tuple(column)


def make_slot(item: Item, seed: int) -> Slot:
    """A fresh slot: the question with its options (and matching choices) in this session's order."""
    return Slot(item, option_order(item, seed), choices=choice_order(item, seed))


def new_session(bank: Bank, mode: Mode, items: Sequence[Item], *, seed: int, clock: Clock,
                minutes: float | None = None, exam_code: str | None = None) -> Session:
    if not items:
        raise QuizError(f"no questions to {mode}" + (" (nothing is due and nothing was answered wrong)"
                                                     if mode == "review" else ""))
    started = clock()
    deadline = started + dt.timedelta(minutes=minutes) if minutes else None
    slots = [make_slot(item, seed) for item in items]
    return Session(bank, mode, seed, slots, started, clock, deadline, exam_code)


def practice_items(bank: Bank, count: int | None, seed: int, seen: Iterable[str] = ()) -> list[Item]:
    """A practice round: questions never answered first, then the rest, each group shuffled by the seed."""
    rng = random.Random(seed)
    seen_ids = set(seen)
    fresh = [i for i in bank.items if i.id not in seen_ids]
    old = [i for i in bank.items if i.id in seen_ids]
    rng.shuffle(fresh)
    rng.shuffle(old)
    ordered = fresh + old
    return ordered[:count] if count else ordered


def exam_items(bank: Bank, blueprint: ExamBlueprint, count: int, seed: int) -> list[Item]:
    """Draw `count` questions in the blueprint's domain weights, then shuffle them.

    A domain the bank covers too thinly gives its share to the others (largest shortfall first), so a
    chapter bank that never touches "data preparation" still fills an exam of the requested size.
    """
    if count < 1:
        raise QuizError("an exam needs at least one question")
    if count > len(bank.items):
        raise QuizError(f"the bank {bank.id!r} has {len(bank.items)} questions, fewer than the {count} asked for")
    rng = random.Random(seed)
    pools: dict[str, list[Item]] = {d.id: [] for d in blueprint.domains}
    spare: list[Item] = []
    for item in bank.items:
        domain = item.domains.get(blueprint.code)
        pools.get(domain or "", spare).append(item)
    for pool in pools.values():
        rng.shuffle(pool)
    rng.shuffle(spare)
    targets = {d.id: d.weight_percent * count / 100 for d in blueprint.domains}
    taken = {d: 0 for d in pools}
    for _ in range(count):
        open_domains = [d for d in pools if taken[d] < len(pools[d])]
        if not open_domains:
            break
        best = max(open_domains, key=lambda d: targets[d] - taken[d])
        taken[best] += 1
    chosen = [item for d, pool in pools.items() for item in pool[:taken[d]]]
    chosen += spare[:count - len(chosen)]
    rng.shuffle(chosen)
    return chosen


def exam_minutes(blueprint: ExamBlueprint, count: int) -> int:
    """The blueprint's pace applied to `count` questions (a 10-question MLA-C01 drill gets 20 minutes), at most
    `MAX_EXAM_MINUTES`. Whole-number arithmetic: a float quotient showed a 23-digit count's minutes as
    199999999999999983222784."""
    return min(MAX_EXAM_MINUTES, max(1, -(-blueprint.minutes * count // blueprint.questions)))
