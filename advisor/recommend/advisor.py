"""The Advisor: one workload in, one explained Recommendation out. The CLI, the TUI and scripts all call this.

`recommend` reads as the order of work:
1. validate the workload and the asks the model cannot see (region, GPU where none exists);
2. work out the facts the rules read: the workload's fields, its derived facts, and the Lambda check when the
   workload has a unit of work for it (decision lambda.check; the security rules read whether the function
   would exist, `derived.lambda_fits`, or was asked about, `derived.lambda_stated`);
3. decide: evaluate every decision that applies once against those facts, keeping the traces (where Lambda
   fits, the decision of where the work goes instead is not consulted, so its rules are not in the trace);
4. size each stage from the chosen families (advisor.recommend.sizing), and cost it (advisor.recommend.costing);
5. secure: the security rows and guard rails for the selected controls;
6. assemble the Recommendation, with every warning said once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import ValidationError

from advisor import stages as stage_registry
from advisor.engine.conditions import Memo
from advisor.engine.decisions import Decision, DecisionTrace, Outcome
from advisor.errors import WorkloadError
from advisor.knowledge.loader import load_knowledge
from advisor.knowledge.models import (
    LAMBDA_ALTERNATIVES,
    LAMBDA_UNITS,
    SPOT_WAIT_WITHOUT_CHECKPOINTS_SECONDS,
    Algorithm,
    Knowledge,
)
from advisor.pricing.costs import (
    lambda_break_even_rps,
    lambda_managed_instances_monthly_cost,
    lambda_monthly_cost,
)
from advisor.pricing.models import PriceSnapshot
from advisor.pricing.snapshots import available_regions, borrowed_snapshot, load_snapshot, nearest_region
from advisor.recommend import costing, lambda_fit, sizing
from advisor.recommend.models import (
    Exclusion,
    FrozenDict,
    GuardRailAdvice,
    LambdaAlternative,
    LambdaFit,
    Recommendation,
    SecuritySetting,
    StageChoice,
    deep_frozen,
)
from advisor.recommend.options import hosted_models, hosting_reasons, option_warnings, several_models_stages
from advisor.recommend.pipeline import serial_pipeline
from advisor.recommend.security import SecurityRows, drop_volume_keys, serverless_gaps
from advisor.workload import (
    Derived,
    Workload,
    check_workload,
    context_fields,
    context_of,
    invalid_workload,
    stated_gpu,
    with_architecture,
    with_model_defaults,
)


class Facts(NamedTuple):
    """What the rules and sizing read of one workload: the flat rules context, the typed derived facts it was
    flattened from, and the Lambda check."""

    context: Mapping[str, Any]
    derived: Derived
    assessment: lambda_fit.LambdaAssessment | None
    """None when the workload has no unit of work for Lambda."""
    lambda_check: tuple[Outcome, ...]
    """The lambda.check decision: which unit of work Lambda is checked on, and why (or why not)."""
    evaluated: Memo
    """The leaves the lambda.check decision evaluated against `context`: the decisions after it share them (it
    reads none of the Lambda facts its outcome adds to the context, workload.LAMBDA_FACTS)."""


class Decided(NamedTuple):
    """Every decision's outcome for one workload, with the traces in the order they were evaluated."""

    exclusions: Mapping[str, tuple[Exclusion, ...]]
    families: Mapping[str, Outcome]
    controls: Outcome
    lambda_alternatives: tuple[LambdaAlternative, ...]
    traces: tuple[DecisionTrace, ...]
    hosting: Outcome | None = None
    """How several models share the real-time endpoint (decision realtime.hosting); None for one model."""


class Advisor:
    """Recommends instances, security settings and a Lambda verdict for a workload, and explains each."""

    def __init__(self, knowledge: Knowledge | None = None, *, pricing_dir: Path | str | None = None,
                 clock: Callable[[], dt.date] = dt.date.today) -> None:
        if knowledge is None:
            knowledge = load_knowledge()
        self.knowledge = knowledge
        self._pricing_dir = Path(pricing_dir) if pricing_dir is not None else None  # "prices/" as a user types it
        self._clock = clock
        self._decisions = {d.decision: d for d in knowledge.decisions}
        self._stage_decision: dict[str, Decision] = {}
        self._by_output: dict[str, list[Decision]] = defaultdict(list)
        for decision in knowledge.decisions:
            self._by_output[decision.output].append(decision)
            if decision.output == "families":
                for stage in decision.stages:
                    self._stage_decision[stage] = decision
        self._read = context_fields({leaf.field for d in knowledge.decisions for rule in d.rules
                                     for leaf in rule.leaves()})
        """The workload fields the rules read: the context holds those."""
        self._catalogue = sizing.Catalogue.of(knowledge)
        self._security = SecurityRows(knowledge)
        self._snapshots: dict[str, PriceSnapshot | None] = {}
        self._borrowed_from: dict[str, str] = {}
        """Region without a snapshot -> the nearest region whose figures it is priced with."""

    # ---- public -----------------------------------------------------------------------------------------

    def recommend(self, workload: Workload | Mapping[str, Any], *, stages: Iterable[str] | None = None,
                  region: str | None = None) -> Recommendation:
        w = self._workload(workload, stages, region)
        facts = self.facts(w)
        snapshot = self._snapshot(w.region)
        decided = self._decide(w, facts)
        today = self._clock()
        instances: dict[str, StageChoice] = {
            stage: self._stage(stage, w, facts, decided, snapshot, today) for stage in w.stages}
        security, rails, refused, gap_warnings = self._secure(decided.controls, instances, w, facts.derived)
        lambda_result = self._lambda(facts.assessment, decided, instances, snapshot, today)
        warnings = [*self._price_warnings(w.region, snapshot, today), *gap_warnings, *refused,
                    *_workload_warnings(w, instances, self.knowledge),
                    *option_warnings(w, self.knowledge, instances, snapshot)]
        return Recommendation(
            workload=w.name, region=w.region, priority=w.priority, instances=FrozenDict(instances), security=security,
            guard_rails=rails, lambda_=lambda_result, warnings=tuple(dict.fromkeys(warnings)),
            prices_as_of=snapshot.as_of if snapshot else None,
            botocore_version=self.knowledge.botocore_version, trace=decided.traces)

    def facts(self, w: Workload) -> Facts:
        """The facts the rules read, including the Lambda facts the security rules depend on."""
        derived = Derived.of(w, self.knowledge)
        context = context_of(w, derived, self._read)
        memo: Memo = {}
        check = tuple(self._collect("lambda_units", context, memo))
        units = [unit for outcome in check for rule in outcome.rules for unit in rule.then.units]
        assessment = lambda_fit.assess(w, self.knowledge, derived, units) if units else None
        context.update({"derived.lambda_checked": assessment is not None,
                        "derived.lambda_fits": assessment is not None and assessment.verdict != "does_not_fit",
                        "derived.lambda_failed": assessment.failed if assessment else [],
                        "derived.lambda_mode": assessment.mode if assessment else None})
        return Facts(context, derived, assessment, check, memo)

    def evaluate(self, decision_id: str, w: Workload) -> Outcome:
        """One decision against a workload (what the rule examples are tested with)."""
        return self._decisions[decision_id].evaluate(self.facts(w).context)

    # ---- steps ------------------------------------------------------------------------------------------

    def _workload(self, workload: Workload | Mapping[str, Any], stages: Iterable[str] | None,
                  region: str | None) -> Workload:
        if isinstance(workload, (str, Path)):  # a file's name read as "a mapping of fields, got 'w.yaml'"
            raise WorkloadError(f"{workload}: recommend takes a Workload or a mapping of its fields, not a file name",
                                hint="read the file first: advisor.load_workload(path, advisor.knowledge), as "
                                     "`advisor recommend FILE` does")
        if not isinstance(workload, Workload):
            try:
                workload = Workload.model_validate(workload)
            except ValidationError as exc:
                raise invalid_workload(exc) from None
        updates: dict[str, Any] = {}
        if stages is not None:
            # one stage named as text (stages="training") is that stage, not the letters t, r, a, i, n, ...
            named = (stages,) if isinstance(stages, str) else tuple(stages)
            known = stage_registry.stage_ids()
            unknown = [s for s in named if s not in stage_registry.stage_names()]
            if unknown or not named:
                raise WorkloadError(f"unknown stage {', '.join(unknown) or '(none)'}",
                                    hint=f"one of {', '.join(known)}")
            # an alias (botocore's hosting, batch_transform) is its stage, as in a workload file's `stages`
            updates["stages"] = tuple(dict.fromkeys(stage_registry.stage(s).id for s in named))
        if region is not None:
            updates["region"] = region
        if updates:
            workload = workload.model_copy(update=updates)
        workload = with_model_defaults(workload, self.knowledge)
        check_workload(workload, self.knowledge)
        return with_architecture(workload, self.knowledge)

    def _snapshot(self, region: str) -> PriceSnapshot | None:
        """The region's prices, read once per Advisor (make a new Advisor to see a refreshed snapshot).

        A region without a snapshot is priced with the nearest region's figures, marked as estimates, rather
        than without prices.
        """
        if region not in self._snapshots:
            have = available_regions(self._pricing_dir)
            if region in have:
                self._snapshots[region] = load_snapshot(region, self._pricing_dir, self.knowledge)
            else:
                locations = {r.code: r.location for r in self.knowledge.regions}
                near = nearest_region(locations[region], {c: locations[c] for c in have if c in locations}) \
                    if region in locations else None
                self._snapshots[region] = borrowed_snapshot(
                    load_snapshot(near, self._pricing_dir, self.knowledge), region) if near else None
                if near:
                    self._borrowed_from[region] = near
        return self._snapshots[region]

    def _price_warnings(self, region: str, snapshot: PriceSnapshot | None, today: dt.date) -> list[str]:
        if snapshot is None:
            return [f"no price snapshot for {region}: prices and costs are unknown "
                    f"(run `advisor pricing refresh --region {region}`)"]
        warnings = []
        if region in self._borrowed_from:
            near = self._borrowed_from[region]
            warnings.append(f"no price snapshot for {region}: prices are the nearest snapshot's ({near}), marked "
                            f"as estimates; run `advisor pricing refresh --region {region}` for {region}'s own")
        stale = snapshot.stale_warning(today)
        return warnings + ([stale] if stale else [])

    def _decide(self, w: Workload, facts: Facts) -> Decided:
        """Every decision that applies, once: exclusions, each stage's families, the security controls, and
        where the work goes instead of Lambda (only when it does not fit). They all read one context, so a leaf
        several rules share is evaluated once (one memo for this context, starting from the Lambda check's)."""
        ctx = facts.context
        memo = dict(facts.evaluated)
        excluded = self._collect("exclusions", ctx, memo)
        families: dict[str, Outcome] = {}
        for stage in w.stages:
            if stage_registry.stage(stage).instance_stage is None:
                continue
            decision = self._stage_decision[stage]
            # a decision serving two of the stages (training and tuning) reads the same facts: evaluated once
            same = next((o for o in families.values() if o.trace.decision == decision.decision), None)
            families[stage] = same.at(stage) if same else decision.evaluate(ctx, stage, memo)
        controls = self._collect("controls", ctx, memo)
        hosting = _merged(self._collect("hosting", ctx, memo)) if hosted_models(w, self.knowledge) else None
        outcomes = [*excluded, *families.values(), *([hosting] if hosting else []), *controls,
                    *facts.lambda_check]
        alternatives: dict[str, LambdaAlternative] = {}
        if facts.assessment is not None and facts.assessment.verdict == "does_not_fit":
            elsewhere = self._collect("lambda_alternatives", ctx, memo)
            outcomes += elsewhere
            for rule in (r for o in elsewhere for r in o.rules):
                for alt in rule.then.alternatives:
                    alternatives.setdefault(alt, LambdaAlternative(id=alt, title=LAMBDA_ALTERNATIVES[alt],
                                                                   because=rule.because, rule=rule.id))
        return Decided(_exclusions_by_stage(excluded, w.stages), families, _merged(controls),
                       tuple(alternatives.values()), tuple(o.trace for o in outcomes), hosting)

    def _collect(self, output: str, ctx: Mapping[str, Any], memo: Memo | None = None) -> list[Outcome]:
        """Every decision with this output, evaluated (there is usually one)."""
        return [decision.evaluate(ctx, memo=memo) for decision in self._by_output[output]]

    def _stage(self, stage: str, w: Workload, facts: Facts, decided: Decided, snapshot: PriceSnapshot | None,
               today: dt.date) -> StageChoice:
        """Size and cost one stage from the families its decision chose (a stage without instances: its
        settings)."""
        spec = stage_registry.stage(stage)
        if spec.instance_stage is None:
            return self._settings_stage(spec, w, facts, snapshot, today)
        outcome = decided.families[stage]
        excluded = decided.exclusions.get(stage, ())
        chosen = [f for then in outcome.thens for f in then.families]
        reasons = [f"rule {rule.id}: {rule.because}" for rule in outcome.rules]
        reasons += [f"family {e.family} excluded by rule {e.rule}: {e.because}" for e in excluded if e.family in chosen]
        hosting = decided.hosting if stage in several_models_stages(self.knowledge) else None
        option = next((o for then in hosting.thens for o in then.hosting), None) if hosting else None
        sized_as = spec if option is None else spec._replace(sizing=option)
        pipeline = serial_pipeline(w, stage, self.knowledge, facts.derived) if option is None else None
        sized = sizing.size(sized_as, w, facts.derived, chosen, {e.family for e in excluded}, self._catalogue,
                            snapshot, pipeline)
        trains = stage in (stage_registry.stages_reading("training") or ())
        algorithm = self.knowledge.algorithm(w.model.algorithm)
        spot = w.training.interruptible and trains
        refusal = spot_refusal(w, self.knowledge) if spot else None
        priced = w.model_copy(update={"training": w.training.model_copy(update={"interruptible": False})}) \
            if refusal else w  # SageMaker would run it on demand: price it so
        cost, extra = costing.cost(spec, priced, sized.winner, snapshot, today, option)
        if spot:  # the requests follow what was priced (builders/sagemaker.py), and the reasons say why
            checkpoints = algorithm is None or algorithm.checkpoints
            extra = {**extra, "managed_spot": refusal is None, "spot_checkpoints": checkpoints}
            reasons.append(_spot_reason(w, algorithm, refusal))
        winner = sized.winner
        if trains and algorithm is not None and algorithm.required_hyperparameters:
            # a job without its Required training hyperparameters fails: the requests write each (builders)
            extra = {**extra, "required_hyperparameters": algorithm.required_hyperparameters}
            stated = {k: v for k, v in algorithm.stated(w.model.mode).items()
                      if k in algorithm.required_hyperparameters}  # model.mode, under its hyperparameter
            if stated:
                extra["stated_hyperparameters"] = stated
        if trains and algorithm is not None and winner.itype.accelerator is not None and (
                algorithm.training.gpu_hyperparameters or algorithm.training.multi_gpu_hyperparameters):
            # it trains on a GPU only when a hyperparameter says so (XGBoost's tree_method)
            told, said = gpu_hyperparameters(algorithm, winner.itype.accelerator.count, winner.instances)
            extra = {**extra, **told}
            reasons += said
        if hosting is not None and option is not None:
            reasons += hosting_reasons(w, self.knowledge, facts.derived, hosting, option, winner, cost)
            extra = {**extra, "hosting": option, "models": w.inference.models,
                     "hot_models": w.inference.hot_models or w.inference.models}
        return StageChoice(
            stage=stage, instance_type=winner.spec.name, instance_count=winner.instances, family=winner.itype.family,
            price_per_hour_usd=winner.per_instance, price_is_estimate=bool(winner.price and winner.price.estimate),
            estimated_cost=cost, fits=sized.fits, reasons=(*reasons, *sized.reasons), alternatives=sized.alternatives,
            excluded=excluded, decided_by=outcome.trace.selected, extra=deep_frozen(extra),
            settings=deep_frozen(sized.settings))

    def _settings_stage(self, spec: stage_registry.StageSpec, w: Workload, facts: Facts,
                        snapshot: PriceSnapshot | None, today: dt.date) -> StageChoice:
        """A stage that draws no instance type (serverless): its request settings, sized and costed."""
        sized = sizing.SETTINGS_SIZERS[spec.sizing](w, facts.derived, self.knowledge)
        cost, extra = costing.cost_settings(spec, w, sized, snapshot, today)
        return StageChoice(stage=spec.id, instance_type=None, instance_count=0, family=None, price_per_hour_usd=None,
                           price_is_estimate=False, estimated_cost=cost, fits=sized.fits, reasons=tuple(sized.reasons),
                           alternatives=(), extra=deep_frozen(extra), settings=deep_frozen(sized.settings))

    def _secure(self, controls: Outcome, instances: Mapping[str, StageChoice], w: Workload, derived: Derived
                ) -> tuple[tuple[SecuritySetting, ...], tuple[GuardRailAdvice, ...], list[str], list[str]]:
        """The selected controls as request fields, less the volume keys local NVMe storage makes moot and what a
        serverless endpoint cannot carry (said as `not_available` rows), and the guard rails that enforce what is
        left."""
        security, refused = drop_volume_keys(self._security.settings_for(controls), {
            stage: (c.instance_type, self.knowledge.instance_type(c.instance_type).instance_storage_gb)
            for stage, c in instances.items() if c.instance_type is not None})
        security, gaps = serverless_gaps(security, w, derived, self.knowledge)
        gaps += self._security.open_in_vpc(security, w)
        return security, self._security.rails_for(security), refused, gaps

    def _lambda(self, assessment: lambda_fit.LambdaAssessment | None, decided: Decided,
                instances: Mapping[str, StageChoice], snapshot: PriceSnapshot | None,
                today: dt.date) -> LambdaFit | None:
        """The verdict in words, naming the mode, with the cost beside the endpoint's where standard Lambda fits;
        on Lambda Managed Instances, an estimate of the EC2 instances, management fee and requests."""
        if assessment is None:
            return None
        monthly = endpoint = break_even = None
        unit = assessment.unit
        seconds = unit.value("seconds")
        if snapshot is not None and assessment.mode == "standard" and unit.invocations_per_month > 0:
            memory = float(assessment.settings["MemorySize"])  # type: ignore[arg-type]
            monthly = lambda_monthly_cost(snapshot, unit.invocations_per_month, seconds, memory,
                                          assessment.provisioned, today=today)
            realtime = _always_on(self.knowledge, instances)
            if realtime is not None and unit.kind == "request":
                endpoint = realtime.estimated_cost
                if endpoint.usd is not None and not assessment.provisioned:  # on-demand rates: no break-even then
                    break_even = lambda_break_even_rps(snapshot, endpoint.usd, seconds, memory)
        if snapshot is not None and assessment.mode == "managed_instances":
            shape = lambda_fit.managed_instances_shape(assessment, self.knowledge, snapshot.prices_for("hosting"))
            if shape is not None:
                monthly = lambda_managed_instances_monthly_cost(snapshot, shape.instance_type, shape.instances,
                                                                unit.invocations_per_month, shape.markup, today=today)
                monthly = monthly._replace(assumptions=(*monthly.assumptions, (
                    f"{shape.instances} x {shape.instance_type.removeprefix('ml.')} hold the invocations in flight "
                    f"({unit.value('requests_per_second'):g}/s x {seconds:g} s): {shape.why}")))
        summary = assessment.summary
        if assessment.verdict == "does_not_fit":
            summary += ": use " + (" or ".join(a.title for a in decided.lambda_alternatives)
                                   or "the SageMaker stage")
        return LambdaFit(
            verdict=assessment.verdict, mode=assessment.mode, orchestration=assessment.orchestration,
            summary=summary,
            unit=LAMBDA_UNITS[unit.kind], reasons=tuple(assessment.reasons),
            checks=tuple(assessment.checks), changes=tuple(assessment.changes),
            settings=deep_frozen(dict(assessment.settings)), alternatives=decided.lambda_alternatives,
            monthly_cost=monthly, endpoint_monthly_cost=endpoint,
            break_even_requests_per_second=None if break_even is None else round(break_even, 3))


def _merged(outcomes: list[Outcome]) -> Outcome:
    """One outcome of several decisions with the same output (there is usually one)."""
    if len(outcomes) == 1:
        return outcomes[0]
    return Outcome(tuple(t for o in outcomes for t in o.thens), tuple(r for o in outcomes for r in o.rules),
                   outcomes[0].trace if outcomes else DecisionTrace("", "", "collect", (), ()))


def _exclusions_by_stage(outcomes: list[Outcome], stages: tuple[str, ...]) -> dict[str, tuple[Exclusion, ...]]:
    """The families each of the workload's stages may not use, with the rule that says so (a rule without stages
    covers all)."""
    per_stage: dict[str, list[Exclusion]] = defaultdict(list)
    for rule in (r for o in outcomes for r in o.rules):
        excluded = [Exclusion(family=family, rule=rule.id, because=rule.because) for family in rule.then.families]
        for stage in rule.then.stages or stages:
            if stage in stages:
                per_stage[stage] += excluded
    return {stage: tuple(items) for stage, items in per_stage.items()}


def gpu_hyperparameters(algorithm: Algorithm, devices: int, instances: int) -> tuple[dict[str, object], list[str]]:
    """What a training job (or each tuning trial) on GPUs must tell a built-in algorithm that does not find them
    itself (the knowledge's gpu_hyperparameters: XGBoost's tree_method gpu_hist), and, with more than one GPU in
    the job, what makes it use them all (multi_gpu_hyperparameters: XGBoost's Dask, which reads the whole input on
    every instance): the request's hyperparameters and input distribution (builders/sagemaker.py), and the
    reasons in words."""
    stage = algorithm.training
    told = dict(stage.gpu_hyperparameters or {})
    said = [f"HyperParameters {_pairs(told)}: {stage.gpu_note or 'the algorithm uses the GPU only so'}"] \
        if told else []
    gpus = devices * instances
    if gpus > 1 and stage.multi_gpu_hyperparameters:
        told.update(stage.multi_gpu_hyperparameters)
        said.append(f"HyperParameters {_pairs(stage.multi_gpu_hyperparameters)}: {gpus} GPUs in the job "
                    f"({instances} x {devices}); {stage.multi_gpu_note or 'the algorithm uses them all only so'}")
        return {"hyperparameters": told, "input_distribution": "FullyReplicated"}, said
    return {"hyperparameters": told}, said


def _pairs(values: Mapping[str, str]) -> str:
    return ", ".join(f"{name} {value}" for name, value in values.items())


CPU_TRAINING_BILLIONS = 1.0
"""Training a neural network of a billion parameters or more on CPUs is flagged: AWS trains such models on GPU or
Trainium instances, and no CPU count makes up the difference (our threshold, stated)."""


BAYESIAN_MIN_ROUNDS = 4
"""Bayesian tuning with fewer rounds of trials than this (max_jobs / max_parallel_jobs) is warned: trials started
together cannot learn from one another, so a search of one to three rounds is close to a random one at the same
price. AWS gives no number; the threshold is ours (the API's defaults, 10 jobs 2 at a time, make 5 rounds)."""


def spot_refusal(w: Workload, knowledge: Knowledge) -> str | None:
    """Why SageMaker would refuse managed spot training for this interruptible job, or None when it runs on spot.

    AWS limits a built-in algorithm that does not checkpoint to a spot wait (MaxWaitTimeInSeconds) of an hour, and
    the wait must cover the run (MaxRuntimeInSeconds): such a job longer than an hour runs on demand. Your own
    script (a framework container) checkpoints if you write it so, which training.interruptible states."""
    algorithm = knowledge.algorithm(w.model.algorithm)
    limit_hours = SPOT_WAIT_WITHOUT_CHECKPOINTS_SECONDS / 3600
    if not w.training.interruptible or algorithm is None or algorithm.checkpoints \
            or w.training.max_hours <= limit_hours:
        return None
    able = ", ".join(a.name for a in knowledge.algorithms if a.checkpoints)
    return (f"training.interruptible is true, but the {algorithm.name} built-in algorithm does not checkpoint "
            f"(AWS lists {able} as the built-ins that do), and SageMaker limits such a managed spot job to a "
            f"MaxWaitTimeInSeconds of {SPOT_WAIT_WITHOUT_CHECKPOINTS_SECONDS:,} s, which must cover its "
            f"MaxRuntimeInSeconds: a job of up to {w.training.max_hours:g} h (training.max_hours) cannot use managed "
            f"spot, so it is priced and requested on demand; keep each job within {limit_hours:g} h to use spot "
            "(an interruption then restarts it from the beginning)")


def _spot_reason(w: Workload, algorithm: Algorithm | None, refusal: str | None) -> str:
    """How an interruptible job runs, in words: on demand when SageMaker would refuse spot, on spot within the
    hour a built-in that does not checkpoint may wait, or on spot resuming from checkpoints."""
    if refusal is not None:
        return (f"on demand, not managed spot: {algorithm.name if algorithm else w.model.algorithm} does not "
                f"checkpoint, and SageMaker caps such a spot job's MaxWaitTimeInSeconds at "
                f"{SPOT_WAIT_WITHOUT_CHECKPOINTS_SECONDS:,} s, less than training.max_hours "
                f"({w.training.max_hours:g} h)")
    if algorithm is not None and not algorithm.checkpoints:
        return (f"managed spot (EnableManagedSpotTraining) without checkpoints: {algorithm.name} writes none, so "
                f"SageMaker caps the wait for spot capacity and the run together at "
                f"{SPOT_WAIT_WITHOUT_CHECKPOINTS_SECONDS:,} s (MaxWaitTimeInSeconds) and an interruption restarts "
                f"the job from the beginning; training.max_hours ({w.training.max_hours:g} h) fits within it")
    return ("managed spot (EnableManagedSpotTraining) with checkpoints (CheckpointConfig): an interrupted job "
            "resumes from its last checkpoint on the next spot instance, and waits up to twice its run time, 28 "
            "days at most (MaxWaitTimeInSeconds), for spot capacity")


def _tuning_warnings(w: Workload) -> list[str]:
    """Bayesian optimisation is sequential (AWS, Best practices for hyperparameter tuning: 'a tuning job improves
    only through successive rounds of experiments'; 'Bayesian optimization is a sequential method, so it cannot
    scale massively'); Random search and Hyperband are the strategies AWS gives for many parallel jobs."""
    t = w.tuning
    rounds = math.ceil(t.max_jobs / t.max_parallel_jobs)
    tuners = [s for s in stage_registry.stages_reading("tuning") or () if s in w.stages]
    if not tuners or t.strategy != "Bayesian" or t.max_parallel_jobs == 1 or rounds >= BAYESIAN_MIN_ROUNDS:
        return []
    return [f"{tuners[0]}: Bayesian search with {t.max_parallel_jobs} of its {t.max_jobs} training jobs at a time runs "
            f"{rounds} round{'s' if rounds > 1 else ''}, and jobs that run together cannot learn from one another: "
            "AWS says a tuning job improves only through successive rounds and that Bayesian optimization cannot "
            "scale massively; lower tuning.max_parallel_jobs (one at a time typically gives the best result for the "
            "least compute), or use strategy Random (independent jobs, the most parallel) or Hyperband (large jobs, "
            "early stopping) to run this many at once"]


def _assumed_model(w: Workload, knowledge: Knowledge) -> list[str]:
    """What the advice assumed where the workload leaves the model half said: only one of model.kind and
    model.algorithm (with_model_defaults; a built-in algorithm's kind is AWS's, no assumption), or a framework's
    deep model without its size."""
    stated = w.model.model_fields_set
    builtin = knowledge.algorithm(w.model.algorithm) is not None
    said = []
    if "kind" in stated and "algorithm" not in stated:
        said.append(f"model.algorithm is not given: advised as {w.model.algorithm}, the usual container for "
                    f"model.kind {w.model.kind}; name model.algorithm (a built-in algorithm, a framework or an LLM "
                    "serving stack) for advice on its own instance guidance")
    elif "algorithm" in stated and "kind" not in stated and not builtin and w.model.kind != "tree_based":
        said.append(f"model.kind is not given: sized as model.kind {w.model.kind}, the usual kind for "
                    f"{w.model.algorithm}; state model.kind (llm sizes the KV cache of served sequences)")
    unsized = w.model.kind == "llm" or "size_mb" not in stated
    sizes_model = any(s in w.stages for section in ("training", "inference")
                      for s in stage_registry.stages_reading(section) or ())
    if w.model.kind in ("deep_learning", "llm") and not builtin and not w.model.parameters_millions and unsized \
            and sizes_model:
        said.append(f"model.parameters_millions is not given: the {w.model.kind} model is sized from model.size_mb "
                    f"({w.model.size_mb:g} MB{'' if 'size_mb' in stated else ', its default'}); state "
                    f"model.parameters_millions{' or model.architecture' if w.model.kind == 'llm' else ''} to size "
                    "its accelerator memory from the model itself")
    return said


def _always_on(knowledge: Knowledge, instances: Mapping[str, StageChoice]) -> StageChoice | None:
    """The recommendation's endpoint that bills every hour (a real-time endpoint, HostingOption.always_on): what
    a function answering the same requests, and a latency target on CPUs, are weighed against."""
    always_on = knowledge.from_registry("always-on", lambda: tuple(s for s, o in knowledge.inference_stages()
                                                                   if o.always_on))
    return next((instances[s] for s in always_on if s in instances), None)


def _workload_warnings(w: Workload, instances: Mapping[str, StageChoice], knowledge: Knowledge) -> list[str]:
    """What no choice can fix: a latency target below one request's compute on the CPU type chosen (an
    accelerator that meets it is no cause to warn; one that does not says so in its ranking reason), a need
    nothing meets."""
    warnings = _assumed_model(w, knowledge)
    realtime = _always_on(knowledge, instances)
    on_cpu = realtime is not None and realtime.instance_type is not None and \
        knowledge.instance_type(realtime.instance_type).accelerator is None
    if w.inference.latency_ms_p99 < w.inference.seconds_per_request * 1000 and on_cpu:
        warnings.append(f"the p99 latency target ({w.inference.latency_ms_p99:g} ms) is below the compute time "
                        f"of one request on one vCPU ({w.inference.seconds_per_request * 1000:g} ms): no CPU "
                        "instance count meets it; make the model faster or move it to an accelerator")
    for stage, choice in instances.items():  # a stated GPU need that another rule's exclusion overrides
        section = next((s for s in stage_registry.stage(stage).sections
                        if stated_gpu(w, s) == "required"), None)
        if section is None or choice.instance_type is None \
                or knowledge.instance_type(choice.instance_type).accelerator is not None:
            continue
        blocking = [e for e in choice.excluded if e.family in ("g", "p") and not e.rule.startswith("ex-gpu")
                    and not e.rule.startswith("ex-no-gpu")]
        if blocking:
            warnings.append(f"{stage}: {section}.gpu is required, but rule {blocking[0].rule} rules GPUs out "
                            f"({blocking[0].because.rstrip('.')}), so it runs on {choice.instance_type}; change "
                            f"{section}.gpu or model.algorithm")
    trains = [s for s in stage_registry.stages_reading("training") or () if s in instances]
    billions = w.model.parameters_millions / 1000
    if trains and w.training.gpu == "none" and w.model.kind in ("llm", "deep_learning") \
            and billions >= CPU_TRAINING_BILLIONS:
        warnings.append(f"training.gpu is none for a {billions:,.3g}B-parameter model: {', '.join(trains)} on CPUs "
                        f"would take far longer than on accelerators (every forward and backward pass over "
                        f"{billions:,.3g} billion weights); allow a GPU or Trainium (training.gpu auto), or train a "
                        "smaller model")
    warnings += [f"{c.stage}: nothing in the knowledge meets the stated need; {c.instance_type} is the closest"
                 if c.instance_type is not None else
                 f"{c.stage}: the workload needs more than this option's largest settings (see its reasons)"
                 for c in instances.values() if not c.fits]
    refusal = spot_refusal(w, knowledge) if trains else None
    return warnings + _tuning_warnings(w) + ([refusal] if refusal else [])
