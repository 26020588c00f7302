"""Marking one answer and scoring an exam the way AWS does: all-or-nothing per question, on a scaled score.

A multiple-response question earns its point only when exactly the correct set is chosen (AWS gives no
partial credit); an ordering question only with every step in its place, a matching question only with every
pair right. The partial figure (share of the correct set found, of steps in place, of pairs right) is kept for
diagnosis only ("you found 2 of 3"), never for the score.

The scaled score maps the share of correct answers linearly onto the blueprint's scale (100-1000). AWS does
not publish its scaling (it equates forms of different difficulty), so a linear map is the honest
approximation: it reads the same way, with the pass mark where the blueprint puts it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from advisor.quiz.bank import Item

if TYPE_CHECKING:
    from advisor.knowledge.models import ExamBlueprint

UNMAPPED = "unmapped"

#: A learner's answer: the keys chosen (choice types), the keys in the order given (ordering), or prompt key ->
#: right-column choice (matching).
Response = Iterable[str] | Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Mark:
    """The verdict on one answer."""

    correct: bool
    hits: int          # correct options chosen; ordering: steps in place; matching: pairs right
    misses: int        # correct options not chosen; ordering: steps out of place; matching: pairs wrong or open
    wrong_picks: int   # incorrect options chosen (choice types only)
    answered: bool

    @property
    def partial(self) -> float:
        """Share of the correct set found, less one share per wrong pick (never below 0): diagnosis only."""
        total = self.hits + self.misses
        return max(0.0, (self.hits - self.wrong_picks) / total) if total else 0.0


def mark(item: Item, response: Response) -> Mark:
    """The verdict on `response` (see `Response` for its shape per question type)."""
    if item.type == "ordering":
        given = tuple(response)
        right = sum(1 for a, b in zip(given, item.correct_order) if a == b)
        return Mark(correct=given == item.correct_order, hits=right, misses=len(item.options) - right,
                    wrong_picks=0, answered=bool(given))
    if item.type == "matching":
        pairs = dict(response) if isinstance(response, Mapping) else {}
        expected = item.correct_pairs
        right = sum(1 for key, match in expected.items() if pairs.get(key) == match)
        return Mark(correct=right == len(expected), hits=right, misses=len(expected) - right, wrong_picks=0,
                    answered=bool(pairs))
    chosen = frozenset(response)
    correct = item.correct_keys
    return Mark(correct=chosen == correct, hits=len(chosen & correct), misses=len(correct - chosen),
                wrong_picks=len(chosen - correct), answered=bool(chosen))


@dataclass(frozen=True, slots=True)
class DomainScore:
    id: str
    name: str
    weight_percent: float
    correct: int
    total: int
    target: int = 0  # the questions the blueprint's weight asks of an exam this size (`domain_targets`)

    @property
    def percent(self) -> float | None:
        return 100.0 * self.correct / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class ExamScore:
    exam_code: str
    total: int
    correct: int
    answered: int
    scaled: int
    pass_mark: int
    scale_min: int
    scale_max: int
    partial: float  # mean partial credit over all questions: diagnosis only
    domains: tuple[DomainScore, ...]

    @property
    def passed(self) -> bool:
        return self.scaled >= self.pass_mark

    @property
    def percent(self) -> float:
        return 100.0 * self.correct / self.total if self.total else 0.0


def domain_targets(blueprint: ExamBlueprint, count: int) -> dict[str, int]:
    """How many of `count` questions each domain's weight asks for, in whole questions summing to `count`.

    Largest remainder (Hamilton): each domain gets the whole part of its share, and the questions left over go to
    the largest fractional parts (ties to the domain the blueprint lists first). MLA-C01's 65 questions are
    18/17/14/16 for its 28/26/22/24% domains; rounding each share on its own could give 64 or 66."""
    if count <= 0 or sum(d.weight_percent for d in blueprint.domains) <= 0:
        return {d.id: 0 for d in blueprint.domains}
    return apportion({d.id: d.weight_percent for d in blueprint.domains}, count)


def apportion(weights: Mapping[str, float], count: int) -> dict[str, int]:
    """`count` whole questions shared in `weights`' proportion (positive total) by largest remainder: the whole
    parts, then one more to each of the largest fractional parts (ties to the key listed first)."""
    total = sum(weights.values())
    shares = {key: weight * count / total for key, weight in weights.items()}
    whole = {key: int(share) for key, share in shares.items()}
    for key in sorted(shares, key=lambda k: -(shares[k] - whole[k]))[:count - sum(whole.values())]:
        whole[key] += 1
    return whole


def scaled_score(correct: int, total: int, scale_min: int, scale_max: int) -> int:
    if total <= 0:
        return scale_min
    return round(scale_min + (scale_max - scale_min) * correct / total)


def score_exam(blueprint: ExamBlueprint, items: Sequence[Item], marks: Sequence[Mark]) -> ExamScore:
    """Score answered questions against a blueprint: all-or-nothing, scaled, with a per-domain breakdown."""
    correct = sum(m.correct for m in marks)
    per_domain: dict[str, list[int]] = {d.id: [0, 0] for d in blueprint.domains}
    for item, verdict in zip(items, marks):
        tally = per_domain.setdefault(item.domains.get(blueprint.code, UNMAPPED), [0, 0])
        tally[0] += verdict.correct
        tally[1] += 1
    names = {d.id: (d.name, d.weight_percent) for d in blueprint.domains}
    targets = domain_targets(blueprint, len(marks))
    domains = tuple(
        DomainScore(domain_id, *names.get(domain_id, ("Not mapped to this exam", 0.0)), ok, total,
                    targets.get(domain_id, 0))
        for domain_id, (ok, total) in per_domain.items()
    )
    return ExamScore(
        exam_code=blueprint.code, total=len(marks), correct=correct, answered=sum(m.answered for m in marks),
        scaled=scaled_score(correct, len(marks), blueprint.scale_min, blueprint.scale_max),
        pass_mark=blueprint.pass_mark, scale_min=blueprint.scale_min, scale_max=blueprint.scale_max,
        partial=sum(m.partial for m in marks) / len(marks) if marks else 0.0, domains=domains,
    )
