"""Decisions: YAML rules with a hit policy (as in DMN), evaluated into an explaining trace.

Every rule of a decision is evaluated, whatever the hit policy, because the trace must say why each rule did
not fire as well as why one did. Policies:
- unique:   at most one rule can match; overlaps are refused when the rules load;
- first:    the first matching rule in file order is selected;
- priority: the matching rule with the highest priority is selected (priorities are distinct);
- collect:  every matching rule is selected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import combinations, compress
from typing import Any, Literal, Mapping

from pydantic import Field, model_validator

from advisor.engine.conditions import Condition, Leaf, LeafResult, Program, disjoint
from advisor.knowledge.base import Frozen, Id, Text

HitPolicy = Literal["unique", "first", "priority", "collect"]
Output = Literal["families", "exclusions", "controls", "lambda_alternatives"]


class Then(Frozen):
    """What a rule decides; which fields apply depends on the decision's `output`."""

    families: tuple[Id, ...] = ()
    stages: tuple[Id, ...] = Field(default=(), description="exclusions: the stages it applies to (empty: all).")
    controls: tuple[Id, ...] = ()
    alternatives: tuple[Id, ...] = ()


_THEN_FIELDS: dict[str, tuple[str, ...]] = {
    "families": ("families",),
    "exclusions": ("families", "stages"),
    "controls": ("controls",),
    "lambda_alternatives": ("alternatives",),
}


class Examples(Frozen):
    """Partial workloads (merged over the defaults) on which the rule must, and must not, match."""

    fires: tuple[dict[str, Any], ...] = Field(min_length=1)
    does_not_fire: tuple[dict[str, Any], ...] = Field(default=(), description="Empty only for a rule with no `when`.")


class Rule(Frozen):
    id: Id
    priority: int = 0
    when: Condition | None = Field(default=None, description="Absent: the rule always matches.")
    then: Then
    because: Text
    source: Text
    examples: Examples

    @model_validator(mode="after")
    def _examples_both_ways(self) -> Rule:
        if self.when is not None and not self.examples.does_not_fire:
            raise ValueError("a rule with a `when` needs at least one example in examples.does_not_fire")
        return self

    def leaves(self) -> tuple[Leaf, ...]:
        return self.when.leaves() if self.when is not None else ()


class Decision(Frozen):
    decision: Id
    title: Text
    output: Output
    hit_policy: HitPolicy
    stages: tuple[Id, ...] = Field(default=(), description="families: the workload stages this decision serves.")
    as_of: dt.date
    rules: tuple[Rule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Decision:
        allowed = set(_THEN_FIELDS[self.output])
        for index, rule in enumerate(self.rules):
            given = {name for name in Then.model_fields if getattr(rule.then, name)}
            if given - allowed:
                raise ValueError(f"rules[{index}] ({rule.id}): `then` of a {self.output} decision takes "
                                 f"{', '.join(sorted(allowed))}, not {', '.join(sorted(given - allowed))}")
            if _THEN_FIELDS[self.output][0] not in given:
                raise ValueError(f"rules[{index}] ({rule.id}): `then` needs {_THEN_FIELDS[self.output][0]}")
        ids = [r.id for r in self.rules]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"rule ids used twice: {', '.join(repeated)}")
        if self.output == "families" and not self.stages:
            raise ValueError("a families decision names the workload stages it serves in `stages`")
        if self.hit_policy == "priority":
            seen: dict[int, str] = {}
            for rule in self.rules:
                if rule.priority in seen:
                    raise ValueError(f"rules {seen[rule.priority]} and {rule.id} share priority {rule.priority}; "
                                     "under the priority policy a tie is ambiguous")
                seen[rule.priority] = rule.id
        if self.hit_policy == "unique":
            for a, b in combinations(self.rules, 2):
                if a.when is None or b.when is None or not disjoint(_conjunction(a), _conjunction(b)):
                    raise ValueError(f"rules {a.id} and {b.id} can both match under the unique policy: "
                                     "give them a condition on the same field with values that cannot both hold")
        return self


def _conjunction(rule: Rule) -> tuple[Leaf, ...]:
    """The leaves that must all hold for the rule to match (top-level `all` or a single leaf)."""
    from advisor.engine.conditions import All

    if isinstance(rule.when, Leaf):
        return (rule.when,)
    if isinstance(rule.when, All):
        return tuple(c for c in rule.when.all if isinstance(c, Leaf))
    return ()


# ---- evaluation and trace -------------------------------------------------------------------------------------

RuleStatus = Literal["selected", "matched", "unmatched"]


# The trace records are slotted but not frozen: a frozen dataclass sets each field through object.__setattr__,
# which made the ~100 records of a recommendation cost 4x as much. Nothing writes to them after creation.


@dataclass(slots=True)
class RuleTrace:
    id: str
    status: RuleStatus
    priority: int
    because: str
    conditions: tuple[LeafResult, ...]


@dataclass(slots=True)
class DecisionTrace:
    decision: str
    title: str
    hit_policy: str
    selected: tuple[str, ...]
    rules: tuple[RuleTrace, ...]
    stage: str | None = None


@dataclass(slots=True)
class Outcome:
    """The selected rules' `then`s with the trace that justifies them."""

    thens: tuple[Then, ...]
    rules: tuple[Rule, ...]
    trace: DecisionTrace


class AmbiguousDecision(RuntimeError):
    """Two rules of a unique decision matched at run time: the load-time overlap check has a hole."""


_STATUS = ("unmatched", "matched")  # by whether the rule matched
_COLLECTED = ("unmatched", "selected")  # under collect every matching rule is selected


@dataclass(slots=True)
class CompiledDecision:
    """A decision ready to evaluate: what every evaluation reads of its rules is read once, here.

    Evaluation runs ~5 times per recommendation; its bookkeeping is done with map/compress/itemgetter in C.
    """

    decision: Decision
    program: Program
    id: str
    title: str
    policy: str
    positions: range
    ids: tuple[str, ...]
    priorities: tuple[int, ...]
    becauses: tuple[str, ...]
    thens: tuple[Then, ...]
    rules: tuple[Rule, ...]
    reasons: dict[str, str]
    """Rule id -> "rule <id>: <because>", the line a selected rule adds to an explanation."""

    @classmethod
    def of(cls, decision: Decision) -> CompiledDecision:
        rules = decision.rules
        return cls(decision, Program([r.when for r in rules]), decision.decision, decision.title,
                   decision.hit_policy, range(len(rules)),
                   tuple(r.id for r in rules), tuple(r.priority for r in rules), tuple(r.because for r in rules),
                   tuple(r.then for r in rules), rules, {r.id: f"rule {r.id}: {r.because}" for r in rules})

    def evaluate(self, ctx: Mapping[str, Any], stage: str | None = None) -> Outcome:
        holds, leaves = self.program.run(ctx)
        if self.policy == "collect":  # every matching rule is selected
            statuses = list(map(_COLLECTED.__getitem__, holds))
            ids, thens, rules = tuple(compress(self.ids, holds)), tuple(compress(self.thens, holds)), tuple(
                compress(self.rules, holds))
        else:
            statuses = list(map(_STATUS.__getitem__, holds))
            chosen = self._select(list(compress(self.positions, holds)))
            for i in chosen:
                statuses[i] = "selected"
            ids, thens, rules = (tuple([self.ids[i] for i in chosen]), tuple([self.thens[i] for i in chosen]),
                                 tuple([self.rules[i] for i in chosen]))
        trace = DecisionTrace(self.id, self.title, self.policy, ids,
                              tuple(map(RuleTrace, self.ids, statuses, self.priorities, self.becauses, leaves)),
                              stage)
        return Outcome(thens, rules, trace)

    def _select(self, matched: list[int]) -> list[int]:
        """The selected rules among those that matched, by a policy other than collect."""
        if not matched:
            return matched
        if self.policy == "first":
            return matched[:1]
        if self.policy == "priority":
            return [max(matched, key=self.priorities.__getitem__)]
        if len(matched) > 1:  # unique
            raise AmbiguousDecision(f"{self.id}: rules {', '.join(self.ids[i] for i in matched)} "
                                    "all match")
        return matched
