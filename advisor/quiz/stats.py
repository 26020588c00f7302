"""Progress figures: attempts, accuracy per topic and per exam domain, weakest topics, exam trend, due counts.

Computed from the store and the banks (a question's topics and domains come from its bank, so fixing a tag
re-files old answers). Plain data out (`stats_data`) for the CLI's JSON; the TUI draws the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from advisor.quiz.bank import Bank, exams_to_sit_first
from advisor.quiz.scheduler import Queue
from advisor.quiz.store import ExamRecord, Store

#: Below this many answers a topic's accuracy is a rough figure: it is still listed, marked as such.
WEAK_MIN_ATTEMPTS = 3
WEAKEST = 3
WEAKEST_RULE = (f"the {WEAKEST} topics answered wrong at least once with the lowest share right (ties: more "
                f"answers first); a topic with fewer than {WEAK_MIN_ATTEMPTS} answers is marked as a rough figure")
#: What the CLI and the TUI say once answers exist but no topic has a wrong one (the CLI said nothing).
NO_WEAK_TOPIC = "none yet: every topic answered so far has only right answers"


@dataclass(frozen=True, slots=True)
class Tally:
    name: str
    attempts: int
    correct: int
    label: str = ""

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None

    @property
    def few_answers(self) -> bool:
        """Answered, but too seldom for the accuracy to mean much (see WEAKEST_RULE)."""
        return 0 < self.attempts < WEAK_MIN_ATTEMPTS


@dataclass(frozen=True, slots=True)
class Stats:
    questions: int
    seen: int
    attempts: int
    correct: int
    topics: tuple[Tally, ...]
    domains: Mapping[str, tuple[Tally, ...]]  # exam code -> its domains, in blueprint order
    weakest: tuple[Tally, ...]
    exams: tuple[ExamRecord, ...]
    due_now: int
    wrong: int
    unseen: int
    exam_date: dt.date | None
    as_of: dt.datetime

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.attempts if self.attempts else None


def compute_stats(banks: Sequence[Bank], store: Store, queues: Mapping[str, Queue], exam_date: dt.date | None,
                  now: dt.datetime) -> Stats:
    items = {(b.id, item.id): item for b in banks for item in b.items}
    topics: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    domains: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    attempts = correct = 0
    seen: set[tuple[str, str]] = set()
    for bank in banks:
        for attempt in store.attempts(bank.id):
            item = items.get((bank.id, attempt.question_id))
            if item is None:  # a question since removed from its bank
                continue
            seen.add((bank.id, item.id))
            attempts += 1
            correct += attempt.correct
            for topic in item.topics:
                topics[topic][0] += 1
                topics[topic][1] += attempt.correct
            for code, domain in item.domains.items():
                domains[(code, domain)][0] += 1
                domains[(code, domain)][1] += attempt.correct
    topic_tallies = tuple(Tally(name, n, ok) for name, (n, ok) in sorted(topics.items()))
    by_exam: dict[str, tuple[Tally, ...]] = {}
    for exam in exams_to_sit_first():
        tallies = []
        for d in exam["domains"]:
            answered, right = domains.get((exam["code"], d["id"]), (0, 0))
            tallies.append(Tally(d["id"], answered, right, label=d["name"]))
        by_exam[exam["code"]] = tuple(tallies)
    # a topic answered right every time is no weak spot: "Weakest: input-modes 100%" told a learner nothing
    weak = sorted((t for t in topic_tallies if t.correct < t.attempts),
                  key=lambda t: (t.accuracy or 0.0, -t.attempts, t.name))[:WEAKEST]
    exams = tuple(r for b in banks for r in store.exam_results(b.id))
    return Stats(
        questions=len(items), seen=len(seen), attempts=attempts, correct=correct, topics=topic_tallies,
        domains=by_exam, weakest=tuple(weak), exams=tuple(sorted(exams, key=lambda r: r.finished_at)),
        due_now=sum(len(q.due) for q in queues.values()), wrong=sum(len(q.wrong) for q in queues.values()),
        unseen=sum(q.unseen for q in queues.values()), exam_date=exam_date, as_of=now,
    )


def _tally(t: Tally) -> dict[str, Any]:
    out: dict[str, Any] = {"id": t.name, "attempts": t.attempts, "correct": t.correct,
                           "accuracy": round(t.accuracy, 4) if t.accuracy is not None else None}
    if t.label:
        out["name"] = t.label
    return out


def stats_data(stats: Stats) -> dict[str, Any]:
    """The stats as JSON-ready data (`advisor quiz stats --format json`)."""
    return {
        "as_of": stats.as_of.isoformat(),
        "questions": stats.questions,
        "seen": stats.seen,
        "attempts": stats.attempts,
        "correct": stats.correct,
        "accuracy": round(stats.accuracy, 4) if stats.accuracy is not None else None,
        "due": {"now": stats.due_now, "answered_wrong": stats.wrong, "never_seen": stats.unseen},
        "exam_date": stats.exam_date.isoformat() if stats.exam_date else None,
        "topics": [_tally(t) for t in stats.topics],
        "domains": {code: [_tally(t) for t in tallies] for code, tallies in stats.domains.items()},
        "weakest_topics": [{**_tally(t), "few_answers": t.few_answers} for t in stats.weakest],
        "weakest_rule": WEAKEST_RULE,
        "exams": [{"exam": r.exam_code, "bank": r.bank_id, "finished_at": r.finished_at.isoformat(),
                   "correct": r.correct, "total": r.total, "scaled": r.scaled, "pass_mark": r.pass_mark,
                   "passed": r.passed, "partial_credit": round(r.partial, 4)} for r in stats.exams],
    }


# ---- text pictures (shared by the CLI table and the TUI) -------------------------------------------------

_TICKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], low: float, high: float) -> str:
    """One character per value between `low` and `high` (a trend at a glance)."""
    span = (high - low) or 1.0
    return "".join(_TICKS[min(len(_TICKS) - 1, max(0, round((v - low) / span * (len(_TICKS) - 1))))]
                   for v in values)


def bar(fraction: float | None, width: int = 20) -> str:
    """A horizontal bar of `width` cells, filled by `fraction` (eighths of a cell)."""
    if fraction is None:
        return "·" * width
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, rest = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[rest] if rest else ""
    return ("█" * full + partial).ljust(width, "·")
