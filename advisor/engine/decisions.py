"""Decisions: YAML rules with a hit policy (as in DMN), evaluated into an explaining trace.

Every rule of a decision is evaluated, whatever the hit policy, because the trace must say why each rule did
not fire as well as why one did. Policies:
- unique:   at most one rule can match; overlaps are refused when the rules load;
- first:    the first matching rule in file order is selected;
- priority: the matching rule with the highest priority is selected (priorities are distinct);
- collect:  every matching rule is selected.
"""


import datetime as dt
from collections.abc import Mapping
from itertools import combinations
from typing import Annotated, Any, Literal, NamedTuple

from annotated_types import MinLen
from pydantic import Field
from typing_extensions import Doc

from advisor.base import Id, Text
from advisor.engine.conditions import All, Condition, ConditionResult, Context, Leaf, LeafResult, Memo, disjoint
from advisor.records import record

HitPolicy = Literal["unique", "first", "priority", "collect"]
Output = Literal["families", "exclusions", "controls", "lambda_units", "lambda_alternatives", "hosting"]


@record
class Then(NamedTuple):
    """What a rule decides; which fields apply depends on the decision's `output`."""

    families: tuple[Id, ...] = ()
    stages: Annotated[tuple[Id, ...], Doc("exclusions: the stages it applies to (empty: all).")] = ()
    controls: tuple[Id, ...] = ()
    alternatives: tuple[Id, ...] = ()
    units: Annotated[tuple[Id, ...], Doc("lambda_units: the units of work Lambda is checked on.")] = ()
    hosting: Annotated[tuple[Id, ...], Doc("hosting: how several models share an endpoint (a hosting_options "
                                           "id: multi_model, multi_container, inference_components).")] = ()


_THEN_FIELDS: dict[str, tuple[str, ...]] = {
    "families": ("families",),
    "exclusions": ("families", "stages"),
    "controls": ("controls",),
    "lambda_units": ("units",),
    "lambda_alternatives": ("alternatives",),
    "hosting": ("hosting",),
}


@record
class Examples(NamedTuple):
    """Partial workloads (merged over the defaults) on which the rule must, and must not, match."""

    fires: Annotated[tuple[dict[str, Any], ...], MinLen(1)]
    does_not_fire: Annotated[tuple[dict[str, Any], ...], Doc("Empty only for a rule with no `when`.")] = ()


@record
class Rule(NamedTuple):
    id: Id
    then: Then
    because: Text
    source: Text
    examples: Examples
    priority: int = 0
    when: Annotated[Condition | None, Doc("Absent: the rule always matches.")] = None

    def _check(self, context: Mapping[str, Any] | None) -> None:
        if self.when is not None and not self.examples.does_not_fire:
            raise ValueError("a rule with a `when` needs at least one example in examples.does_not_fire")

    def leaves(self) -> tuple[Leaf, ...]:
        return self.when.leaves() if self.when is not None else ()


@record
class Decision(NamedTuple):
    decision: Id
    title: Text
    output: Output
    hit_policy: HitPolicy
    as_of: dt.date
    rules: Annotated[tuple[Rule, ...], MinLen(1)]
    stages: Annotated[tuple[Id, ...], Doc("families: the workload stages this decision serves.")] = ()

    def _check(self, context: Mapping[str, Any] | None) -> None:
        allowed = set(_THEN_FIELDS[self.output])
        for index, rule in enumerate(self.rules):
            given = {name for name in Then._fields if getattr(rule.then, name)}
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

    def evaluate(self, ctx: Context, stage: str | None = None, memo: Memo | None = None) -> "Outcome":
        """Every rule against `ctx`, then the hit policy picks among those that matched. Decisions evaluated
        against the same `ctx` may share a `memo` of its leaves (see conditions.Memo)."""
        memo = {} if memo is None else memo  # the rules of one decision share leaves too
        evaluated = []  # (rule, its leaves as evaluated in written order, whether it matched)
        for rule in self.rules:
            found: list[LeafResult] = []
            evaluated.append((rule, found, rule.when is None or rule.when.holds(ctx, memo, found)))
        selected = self._select([rule for rule, _, matched in evaluated if matched])
        chosen = tuple(r.id for r in selected)  # a decision's rule ids are unique (checked when it loads)
        traces = tuple(RuleTrace(rule.id, "selected" if rule.id in chosen else "matched" if matched else "unmatched",
                                 rule.priority, rule.because, tuple(found), rule.when)
                       for rule, found, matched in evaluated)
        trace = DecisionTrace(self.decision, self.title, self.hit_policy, chosen, traces, stage)
        return Outcome(tuple(r.then for r in selected), tuple(selected), trace)

    def _select(self, matched: list[Rule]) -> list[Rule]:
        if self.hit_policy == "collect" or not matched:
            return matched
        if self.hit_policy == "first":
            return matched[:1]
        if self.hit_policy == "priority":
            return [max(matched, key=lambda rule: rule.priority)]
        if len(matched) > 1:  # unique: the load-time overlap check should have made this impossible
            raise AmbiguousDecision(f"{self.decision}: rules {', '.join(r.id for r in matched)} all match")
        return matched


def _conjunction(rule: Rule) -> tuple[Leaf, ...]:
    """The leaves that must all hold for the rule to match (top-level `all` or a single leaf)."""
    if isinstance(rule.when, Leaf):
        return (rule.when,)
    if isinstance(rule.when, All):
        return tuple(c for c in rule.when.all if isinstance(c, Leaf))
    return ()


# ---- the trace ------------------------------------------------------------------------------------------------

RuleStatus = Literal["selected", "matched", "unmatched"]


class RuleTrace(NamedTuple):
    """One rule as evaluated. `conditions` lists its leaves in written order (the JSON trace); `when` puts them
    back into the rule's all / any / not structure for explanations (which conditions were alternatives), from
    the rule's own `condition`, which JSON leaves out."""

    id: str
    status: RuleStatus
    priority: int
    because: str
    conditions: tuple[LeafResult, ...]
    condition: Annotated[Condition | None, Field(exclude=True)] = None

    @property
    def when(self) -> ConditionResult | None:
        """The condition as evaluated: its groups with their verdicts over `conditions` (None: always matches)."""
        return None if self.condition is None else self.condition.explain(iter(self.conditions))

    def _json(self) -> dict[str, Any]:
        """The record as JSON writes it: every field but `condition`."""
        data = self._asdict()
        del data["condition"]
        return data


class DecisionTrace(NamedTuple):
    decision: str
    title: str
    hit_policy: str
    selected: tuple[str, ...]
    rules: tuple[RuleTrace, ...]
    stage: str | None = None


class Outcome(NamedTuple):
    """The selected rules' `then`s with the trace that justifies them."""

    thens: tuple[Then, ...]
    rules: tuple[Rule, ...]
    trace: DecisionTrace

    def at(self, stage: str) -> "Outcome":
        """The same outcome for another stage the decision serves (its context is the same: only the trace's stage
        differs)."""
        return self._replace(trace=self.trace._replace(stage=stage))


class AmbiguousDecision(RuntimeError):
    """Two rules of a unique decision matched at run time: the load-time overlap check has a hole."""
