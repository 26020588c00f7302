"""The Advisor: one workload in, one explained Recommendation out. The CLI, the TUI and scripts all call this.

Order of work, and why:
1. validate the workload and the asks the model cannot see (region, GPU where none exists);
2. assess Lambda first: the security rules read whether the function would exist (`derived.lambda_fits`);
3. evaluate every decision that applies once against one flat context, keeping the traces (where Lambda fits,
   the decision of where the work goes instead is not consulted, so its rules are not in the trace);
4. size each stage from the chosen families, price it from the region's snapshot, say why alternatives lost.
Knowledge, compiled decisions and per-stage type lists are built once per Advisor and reused.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from advisor import stages as stage_registry
from advisor.engine.decisions import Decision, DecisionTrace, Outcome
from advisor.errors import WorkloadError
from advisor.knowledge.models import LAMBDA_ALTERNATIVES, Knowledge
from advisor.pricing.costs import (
    Cost,
    batch_transform_cost,
    endpoint_monthly_cost,
    lambda_break_even_rps,
    lambda_monthly_cost,
    notebook_monthly_cost,
    processing_cost,
    training_cost,
    tuning_cost,
)
from advisor.pricing.costs import HOURS_PER_MONTH
from advisor.pricing.models import PriceSnapshot
from advisor.recommend import lambda_fit, sizing
from advisor.recommend.models import (
    Alternative,
    Exclusion,
    LambdaAlternative,
    LambdaFit,
    Recommendation,
    StageChoice,
)
from advisor.recommend.security import SecurityRows, drop_refused
from advisor.workload import Workload, check_workload, context_of


class Advisor:
    """Recommends instances, security settings and a Lambda verdict for a workload, and explains each."""

    def __init__(self, knowledge: Knowledge | None = None, *, pricing_dir: Path | None = None,
                 clock: Callable[[], dt.date] = dt.date.today) -> None:
        if knowledge is None:
            from advisor.knowledge.loader import load_knowledge

            knowledge = load_knowledge()
        self.knowledge = knowledge
        self._pricing_dir = pricing_dir
        self._clock = clock
        self._decisions = {d.decision: d for d in knowledge.decisions}
        self._stage_decision: dict[str, Decision] = {}
        self._by_output: dict[str, list[Decision]] = defaultdict(list)
        for decision in knowledge.decisions:
            self._by_output[decision.output].append(decision)
            if decision.output == "families":
                for stage in decision.stages:
                    self._stage_decision[stage] = decision
        grouped: dict[tuple[str, str], list[sizing.Spec]] = defaultdict(list)
        for t in knowledge.instance_types:
            if t.status != "current":
                continue  # previous-generation and retired types are taught, never recommended
            generations = knowledge.family(t.family).generations
            spec = sizing.Spec.of(t, knowledge.tflops(t),
                                  generations.index(t.generation) if t.generation in generations else 0)
            for stage in t.stages:
                grouped[(stage, t.family)].append(spec)
        self._specs: dict[tuple[str, str], tuple[sizing.Spec, ...]] = {k: tuple(v) for k, v in grouped.items()}
        self._security = SecurityRows(knowledge)
        self._snapshots: dict[str, PriceSnapshot | None] = {}
        self._borrowed_from: dict[str, str] = {}
        """Region without a snapshot -> the nearest region whose figures it is priced with."""
        self._exclusion_rows: dict[str, tuple[Exclusion, ...]] = {}
        self._priced_rows: dict[tuple[str, str, str | None], tuple[sizing.Priced, ...]] = {}

    # ---- public -----------------------------------------------------------------------------------------

    def recommend(self, workload: Workload | Mapping[str, Any], *, stages: Iterable[str] | None = None,
                  region: str | None = None) -> Recommendation:
        w = self._workload(workload, stages, region)
        ctx, assessment = self.context(w)
        traces: list[DecisionTrace] = []
        warnings: list[str] = []
        snapshot = self._snapshot(w.region, warnings)
        today = self._clock()
        if snapshot is not None:
            stale = snapshot.stale_warning(today)
            if stale:
                warnings.append(stale)

        excluded = self._exclusions(ctx, w.stages, traces)
        instances = {stage: self._stage(stage, w, ctx, excluded.get(stage, ()), snapshot, traces, today)
                     for stage in w.stages}

        security_outcome = self._collect("controls", ctx, traces)
        security, rails = self._security.settings_for(security_outcome)
        security, refused = drop_refused(security, {
            stage: (c.instance_type, self.knowledge.instance_type(c.instance_type).instance_storage_gb)
            for stage, c in instances.items()})
        warnings.extend(refused)
        lambda_result = self._lambda(w, ctx, assessment, instances, snapshot, traces, today)

        if w.inference.latency_ms_p99 < w.inference.seconds_per_request * 1000 and (
                "realtime_inference" in w.stages):
            warnings.append(f"the p99 latency target ({w.inference.latency_ms_p99:g} ms) is below the compute time "
                            f"of one request ({w.inference.seconds_per_request * 1000:g} ms): no instance count "
                            "meets it; make the model faster or move it to an accelerator")
        for choice in instances.values():
            if not choice.fits:
                warnings.append(f"{choice.stage}: nothing in the knowledge meets the stated need; "
                                f"{choice.instance_type} is the closest")
        return Recommendation(
            workload=w.name, region=w.region, priority=w.priority, instances=instances, security=security,
            guard_rails=rails, lambda_=lambda_result, warnings=tuple(dict.fromkeys(warnings)),
            prices_as_of=snapshot.as_of if snapshot else None,
            botocore_version=self.knowledge.botocore_version, trace=tuple(traces))

    def context(self, w: Workload) -> tuple[dict[str, Any], lambda_fit.LambdaAssessment]:
        """The flat context the rules read, including the Lambda facts the security rules depend on."""
        ctx = context_of(w)
        assessment = lambda_fit.assess(w, self.knowledge)
        ctx["derived.lambda_fits"] = assessment.verdict != "does_not_fit"
        ctx["derived.lambda_failed"] = assessment.failed
        return ctx, assessment

    def evaluate(self, decision_id: str, w: Workload) -> Outcome:
        """One decision against a workload (what the rule examples are tested with)."""
        ctx, _ = self.context(w)
        return self._decisions[decision_id].evaluate(ctx)

    # ---- steps ------------------------------------------------------------------------------------------

    def _workload(self, workload: Workload | Mapping[str, Any], stages: Iterable[str] | None,
                  region: str | None) -> Workload:
        if not isinstance(workload, Workload):
            from pydantic import ValidationError

            from advisor.documents import format_path, plain_message
            from advisor.errors import Problem

            try:
                workload = Workload.model_validate(workload)
            except ValidationError as exc:
                problems = [Problem(plain_message(e), field=format_path(e["loc"]) or None) for e in exc.errors()]
                raise WorkloadError(f"{len(problems)} problem(s) in the workload", problems=problems) from None
        updates: dict[str, Any] = {}
        if stages is not None:
            chosen = tuple(dict.fromkeys(stages))
            known = stage_registry.stage_ids()
            unknown = [s for s in chosen if s not in known]
            if unknown or not chosen:
                raise WorkloadError(f"unknown stage {', '.join(unknown) or '(none)'}",
                                    hint=f"one of {', '.join(known)}")
            updates["stages"] = chosen
        if region is not None:
            updates["region"] = region
        if updates:
            workload = workload.model_copy(update=updates)
        check_workload(workload, self.knowledge)
        return workload

    def _snapshot(self, region: str, warnings: list[str]) -> PriceSnapshot | None:
        """The region's prices, read once per Advisor (make a new Advisor to see a refreshed snapshot)."""
        from advisor.pricing.snapshots import available_regions, borrowed_snapshot, load_snapshot, nearest_region

        if region not in self._snapshots:
            have = available_regions(self._pricing_dir)
            if region in have:
                self._snapshots[region] = load_snapshot(region, self._pricing_dir, self.knowledge)
            else:  # rank on the nearest region's figures, marked as estimates, rather than without prices
                locations = {r.code: r.location for r in self.knowledge.regions}
                near = nearest_region(locations[region], {c: locations[c] for c in have if c in locations}) \
                    if region in locations else None
                self._snapshots[region] = borrowed_snapshot(
                    load_snapshot(near, self._pricing_dir, self.knowledge), region) if near else None
                if near:
                    self._borrowed_from[region] = near
        snapshot = self._snapshots[region]
        if snapshot is None:
            warnings.append(f"no price snapshot for {region}: prices and costs are unknown "
                            f"(run `advisor pricing refresh --region {region}`)")
        elif region in self._borrowed_from:
            near = self._borrowed_from[region]
            warnings.append(f"no price snapshot for {region}: prices are the nearest snapshot's ({near}), marked as "
                            f"estimates; run `advisor pricing refresh --region {region}` for {region}'s own")
        return snapshot

    def _collect(self, output: str, ctx: Mapping[str, Any], traces: list[DecisionTrace]) -> Outcome:
        """Evaluate every decision with this output; one merged outcome (there is usually one decision)."""
        outcomes = [decision.evaluate(ctx) for decision in self._by_output[output]]
        traces.extend(o.trace for o in outcomes)
        if len(outcomes) == 1:
            return outcomes[0]
        return Outcome(tuple(t for o in outcomes for t in o.thens), tuple(r for o in outcomes for r in o.rules),
                       outcomes[0].trace if outcomes else DecisionTrace("", "", "collect", (), ()))

    def _exclusions(self, ctx: Mapping[str, Any], stages: tuple[str, ...],
                    traces: list[DecisionTrace]) -> dict[str, tuple[Exclusion, ...]]:
        outcome = self._collect("exclusions", ctx, traces)
        per_stage: dict[str, list[Exclusion]] = defaultdict(list)
        for rule in outcome.rules:
            exclusions = self._exclusion_rows.get(rule.id)
            if exclusions is None:  # immutable per rule: built once
                exclusions = self._exclusion_rows[rule.id] = tuple(
                    Exclusion(family=family, rule=rule.id, because=rule.because) for family in rule.then.families)
            for stage in rule.then.stages or stages:
                per_stage[stage].extend(exclusions)
        return {stage: tuple(items) for stage, items in per_stage.items()}

    def _stage(self, stage: str, w: Workload, ctx: dict[str, Any], excluded: tuple[Exclusion, ...],
               snapshot: PriceSnapshot | None, traces: list[DecisionTrace], today: dt.date) -> StageChoice:
        outcome = self._stage_decision[stage].evaluate(ctx, stage)
        traces.append(outcome.trace)
        banned = {e.family for e in excluded}
        chosen = [f for then in outcome.thens for f in then.families]
        families = [f for f in dict.fromkeys(chosen) if f not in banned]
        reasons = [f"rule {rule.id}: {rule.because}" for rule in outcome.rules]
        for e in excluded:
            if e.family in chosen:
                reasons.append(f"family {e.family} excluded by rule {e.rule}: {e.because}")

        sizer = sizing.StageSizer(stage, w, ctx)
        cands = sizer.candidates(self._priced(stage, families, snapshot))
        ranked = sizing.rank(cands, w.priority)
        if ranked is None:
            wider = [f.id for f in self.knowledge.families
                     if f.status == "current" and f.id not in banned and f.id not in families]
            more = sizer.candidates(self._priced(stage, wider, snapshot))
            ranked = sizing.rank(more, w.priority)
            if ranked is not None:
                reasons.append(f"no {'/'.join(families) or 'candidate'} type meets the need at this stage, so every "
                               "other current family was considered")
            cands += more
        fits = ranked is not None
        if ranked is None:
            closest = max(cands, key=lambda c: (c.spec.memory_gib, c.speed)) if cands else None
            if closest is None:  # no type of any allowed family runs this stage
                closest = sizer.candidates(self._priced(stage, [
                    f.id for f in self.knowledge.families if f.status == "current"], snapshot))[0]
            ranked = sizing.Ranked(closest, tuple(c for c in cands if c is not closest), 0)
        winner = ranked.winner
        need = sizer.need(winner.spec)
        reasons.extend(need.explain)
        if winner.fits:
            reasons.append(sizer.count_reason(winner.spec, winner.count))
        if fits:
            reasons.append(_ranking_reason(w.priority, ranked.fitting, winner))
        else:
            reasons.append(f"closest available: {winner.misfit}")
        reasons.append(_price_reason(winner, snapshot))

        others = list(ranked.others[:3])
        if len(others) < 3:
            misfits = [c for c in cands if not c.fits and c is not winner]
            misfits.sort(key=lambda c: (-c.spec.memory_gib, c.spec.name))
            others += misfits[:3 - len(others)]
        alternatives = tuple([Alternative(c.spec.name, c.count, _per_instance(c),
                                          sizing.lost_because(winner, c, w.priority)) for c in others])
        cost, extra = self._cost(stage, w, winner, snapshot, today)
        return StageChoice(
            stage=stage, instance_type=winner.spec.name, instance_count=winner.count, family=winner.itype.family,
            price_per_hour_usd=_per_instance(winner),
            price_is_estimate=bool(winner.price and winner.price.estimate), estimated_cost=cost, fits=fits,
            reasons=tuple(reasons), alternatives=alternatives, excluded=excluded,
            decided_by=outcome.trace.selected, extra=extra)

    def _priced(self, stage: str, families: Iterable[str], snapshot: PriceSnapshot | None) -> list[sizing.Priced]:
        """The types of these families that run `stage`, each with its price in the snapshot (memoised)."""
        out: list[sizing.Priced] = []
        region = snapshot.region if snapshot is not None else None
        for family in families:
            key = (stage, family, region)
            rows = self._priced_rows.get(key)
            if rows is None:
                spec = stage_registry.stage(stage)
                rows = self._priced_rows[key] = sizing.priced(
                    self._specs.get((spec.instance_stage or "", family), ()),
                    snapshot.prices_for(spec.price_component)  # type: ignore[arg-type]
                    if snapshot is not None and spec.price_component else None)
            out.extend(rows)
        return out

    def _cost(self, stage: str, w: Workload, c: sizing.Candidate, snapshot: PriceSnapshot | None,
              today: dt.date) -> tuple[Cost, dict[str, Any]]:
        name, count = c.spec.name, c.count
        period = stage_registry.stage(stage).cost_period
        if snapshot is None:
            return Cost(usd=None, usd_high=None, period=period,
                        formula=f"no price snapshot for {w.region}", assumptions=(),
                        warnings=(f"no price snapshot for {w.region}",)), {}
        if stage == "notebook":
            return notebook_monthly_cost(snapshot, name, w.notebook.hours_per_day, today=today), {}
        if stage == "training":
            return training_cost(snapshot, name, count, w.training.max_hours, w.training.interruptible,
                                 today=today), {}
        if stage == "tuning":
            cost, wall = tuning_cost(snapshot, name, count, w.training.max_hours, w.tuning.max_jobs,
                                     w.tuning.max_parallel_jobs, w.training.interruptible, today=today)
            return cost, {"wall_clock_hours": wall, "max_jobs": w.tuning.max_jobs,
                          "max_parallel_jobs": w.tuning.max_parallel_jobs}
        if stage == "realtime_inference":
            return endpoint_monthly_cost(snapshot, name, count, today=today), {}
        if stage == "batch_inference":
            seconds = w.batch.records_per_run * w.inference.seconds_per_request
            hours = max(1 / 60, seconds / (c.spec.workers * count * 3600))
            cost = batch_transform_cost(snapshot, name, count, round(hours, 4), today=today)
            monthly = None if cost.usd is None else round(cost.usd * w.batch.runs_per_month, 2)
            return cost, {"hours_per_run": round(hours, 3), "runs_per_month": w.batch.runs_per_month,
                          "usd_per_month": monthly}
        cost = processing_cost(snapshot, name, count, w.processing.max_hours, today=today)
        monthly = None if cost.usd is None else round(cost.usd * w.processing.runs_per_month, 2)
        return cost, {"runs_per_month": w.processing.runs_per_month, "usd_per_month": monthly}

    def _lambda(self, w: Workload, ctx: Mapping[str, Any], assessment: lambda_fit.LambdaAssessment,
                instances: Mapping[str, StageChoice], snapshot: PriceSnapshot | None,
                traces: list[DecisionTrace], today: dt.date) -> LambdaFit:
        alternatives: dict[str, LambdaAlternative] = {}
        if assessment.verdict == "does_not_fit":  # only then is "where else" a question (and in the trace)
            for rule in self._collect("lambda_alternatives", ctx, traces).rules:
                for alt in rule.then.alternatives:
                    alternatives.setdefault(alt, LambdaAlternative(id=alt, title=LAMBDA_ALTERNATIVES[alt],
                                                                   because=rule.because, rule=rule.id))
        checks = assessment.checks
        monthly = endpoint = break_even = None
        if snapshot is not None and assessment.verdict != "does_not_fit":
            requests = w.inference.requests_per_second * HOURS_PER_MONTH * 3600
            monthly = lambda_monthly_cost(snapshot, requests, w.inference.seconds_per_request,
                                          float(assessment.settings["MemorySize"]), today=today)  # type: ignore[arg-type]
            realtime = instances.get("realtime_inference")
            if realtime is not None:
                endpoint = realtime.estimated_cost
                if endpoint.usd is not None:
                    break_even = lambda_break_even_rps(snapshot, endpoint.usd, w.inference.seconds_per_request,
                                                       float(assessment.settings["MemorySize"]))  # type: ignore[arg-type]
        return LambdaFit(
            verdict=assessment.verdict, checks=checks, changes=tuple(assessment.changes),
            settings=dict(assessment.settings), alternatives=tuple(alternatives.values()), monthly_cost=monthly,
            endpoint_monthly_cost=endpoint,
            break_even_requests_per_second=None if break_even is None else round(break_even, 3))


def _per_instance(c: sizing.Candidate) -> float | str:
    if c.price is None or not c.price.known:
        return "unknown"
    return float(c.price.usd_per_hour)  # type: ignore[arg-type]


_RANKED_BY = {"cost": "the cheapest", "time": "the most peak FP16 TFLOPS (newest generation on a tie)",
              "balanced": f"the most peak TFLOPS within {sizing.BALANCED_BAND - 1:.0%} of the cheapest price"}


def _ranking_reason(priority: str, fitting: int, winner: sizing.Candidate) -> str:
    return (f"priority {priority}: {_RANKED_BY[priority]} of {fitting} types that fit "
            f"({sizing.price_text(winner)} in total)")


def _price_reason(c: sizing.Candidate, snapshot: PriceSnapshot | None) -> str:
    if snapshot is None:
        return "price unknown: no snapshot for this region"
    if c.price is None or not c.price.known:
        return f"price unknown: {c.itype.name} has no price in the {snapshot.region} snapshot"
    source = "an estimate (" + (c.price.basis or "") + ")" if c.price.estimate else c.price.source
    return f"price ${c.price.usd_per_hour:g}/h per instance, {source}; snapshot as of {snapshot.as_of}"
