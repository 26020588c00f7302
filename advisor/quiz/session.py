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
from advisor.quiz.scoring import UNMAPPED, Mark, Response, apportion, domain_targets, mark

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


@dataclass(frozen=True, slots=True)
class DomainDraw:
    """One blueprint domain in an exam draw: what its weight asks for, what the bank has, what is drawn."""

    id: str
    name: str
    weight_percent: float
    target: int     # the weight's share of the exam in whole questions (`domain_targets`)
    available: int  # the bank's questions in this domain
    drawn: int      # the draw's questions in this domain: the target, or all the bank has when that is fewer

    @property
    def short(self) -> int:
        """Questions the bank lacks for this domain's share (they come from the other domains)."""
        return max(0, self.target - self.drawn)


def exam_pool(bank: Bank, blueprint: ExamBlueprint) -> list[Item]:
    """The bank's questions an exam on `blueprint` may draw: those of the exam's own question types
    (`ExamBlueprint.item_types`; a true/false question is no MLA-C01 item), in the bank's order."""
    kinds = set(blueprint.item_types)
    return [item for item in bank.items if not kinds or item.type in kinds]


def exam_count(blueprint: ExamBlueprint, pool_size: int) -> int:
    """An exam's default size, for every front door: the blueprint's, or the whole pool (`exam_pool`) when the
    bank has fewer questions of the exam's types."""
    return min(blueprint.questions, pool_size)


def exam_plan(bank: Bank, blueprint: ExamBlueprint, count: int) -> tuple[DomainDraw, ...]:
    """How many questions a `count`-question draw takes from each domain of the blueprint.

    Each domain gets its weight's share (`domain_targets`). A domain the bank has too few questions for gives
    up what it lacks, and that is shared among the domains with questions to spare, again in their weights'
    proportion, so the exam keeps its size and stays as near the blueprint as the bank allows; `short` says
    what each domain lacks, for the setup and results screens to say (never a silent fill)."""
    available = {d.id: 0 for d in blueprint.domains}
    for item in exam_pool(bank, blueprint):
        domain = item.domains.get(blueprint.code)
        if domain in available:
            available[domain] += 1
    targets = domain_targets(blueprint, count)
    drawn = {d: min(targets[d], available[d]) for d in targets}
    weights = {d.id: d.weight_percent for d in blueprint.domains}
    while (left := count - sum(drawn.values())) > 0:
        spare = [d for d in blueprint.domains if drawn[d.id] < available[d.id]]
        if not spare:
            break  # the rest comes from questions with no domain in this exam (`exam_items`)
        for domain, n in apportion({d.id: weights[d.id] or 1 for d in spare}, left).items():
            drawn[domain] += min(n, available[domain] - drawn[domain])
    return tuple(DomainDraw(d.id, d.name, d.weight_percent, targets[d.id], available[d.id], drawn[d.id])
                 for d in blueprint.domains)


def exam_units(items: Sequence[Item]) -> list[tuple[Item, ...]]:
    """Questions as the units an exam draws: a case study's questions together in their order, every other
    question alone. The exam guide presents a case study as one scenario with its questions, so a draw takes
    all of them together, never scattered; only an exam's last places, when nothing else is left to fill them,
    may take a case study's first questions (`exam_items`)."""
    units: list[tuple[Item, ...]] = []
    cases: dict[str, list[Item]] = {}
    for item in items:
        scenario = item.scenario
        if scenario is None:
            units.append((item,))
        elif scenario in cases:
            cases[scenario].append(item)
        else:
            cases[scenario] = [item]
            units.append(())  # its place in the order, filled below
    filled = iter(cases.values())
    return [unit or tuple(next(filled)) for unit in units]


def exam_items(bank: Bank, blueprint: ExamBlueprint, count: int, seed: int) -> list[Item]:
    """Draw `count` questions in the blueprint's domain weights (`exam_plan`), a case study's questions together
    and in order, then shuffle the units.

    A case study counts toward the domains of each of its questions. It is taken when every domain it draws
    from still has room; when only case studies are left for a domain's last places, the one that overshoots
    least fills them, so the exam always has exactly `count` questions (a case study larger than what is left
    gives its first questions)."""
    if count < 1:
        raise QuizError("an exam needs at least one question")
    pool = exam_pool(bank, blueprint)
    if count > len(pool):
        kinds = (f" of {blueprint.code}'s question types ({', '.join(blueprint.item_types)})"
                 if len(pool) < len(bank.items) else "")
        raise QuizError(f"the bank {bank.id!r} has {len(pool)} questions{kinds}, fewer than the {count} asked for")
    rng = random.Random(seed)
    quota = {d.id: d.drawn for d in exam_plan(bank, blueprint, count)}
    quota[UNMAPPED] = count - sum(quota.values())
    units = exam_units(pool)
    rng.shuffle(units)

    def needs(unit: tuple[Item, ...]) -> dict[str, int]:
        need: dict[str, int] = {}
        for item in unit:
            domain = item.domains.get(blueprint.code)
            key = domain if domain in quota else UNMAPPED
            need[key] = need.get(key, 0) + 1
        return need

    taken = dict.fromkeys(quota, 0)
    chosen: list[tuple[Item, ...]] = []
    rest: list[tuple[Item, ...]] = []
    for unit in units:
        need = needs(unit)
        if all(taken[d] + n <= quota[d] for d, n in need.items()):
            chosen.append(unit)
            for d, n in need.items():
                taken[d] += n
        else:
            rest.append(unit)
    def fit(unit: tuple[Item, ...], left: int) -> tuple[int, int]:
        """Fills most of the places domains still lack, then overshoots the exam's size least."""
        fills = sum(min(n, quota[d] - taken[d]) for d, n in needs(unit).items())
        return (-fills, max(0, len(unit) - left))

    while (left := count - sum(len(u) for u in chosen)) > 0 and rest:
        unit = min(rest, key=lambda u: fit(u, left))
        rest.remove(unit)
        chosen.append(unit[:left])
        for d, n in needs(unit[:left]).items():
            taken[d] += n
    rng.shuffle(chosen)  # a unit placed late is not always last
    return [item for unit in chosen for item in unit]


def exam_minutes(blueprint: ExamBlueprint, count: int) -> int:
    """The blueprint's pace applied to `count` questions (a 10-question MLA-C01 drill gets 20 minutes), at most
    `MAX_EXAM_MINUTES`; the blueprint's own size gets the blueprint's own time. Whole-number arithmetic: a float
    quotient showed a 23-digit count's minutes as 199999999999999983222784."""
    return min(MAX_EXAM_MINUTES, max(1, -(-blueprint.minutes * count // blueprint.questions)))
