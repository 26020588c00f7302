"""Which SageMaker inference option fits the requests: real-time, serverless, asynchronous or batch transform.

The limits and capabilities are knowledge (rules/knowledge/hosting_options.yaml, from botocore's shapes and
AWS's pages); this module only compares the workload's requests with them and says, in a warning, which limit
a real-time endpoint breaks and which option fits instead, or when sporadic CPU traffic would cost less on a
serverless endpoint (with what that option cannot do).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping

from advisor.engine.decisions import Outcome
from advisor.knowledge.models import HostingOption, Knowledge
from advisor.pricing.costs import HOURS_PER_MONTH, Cost, money
from advisor.pricing.models import PriceSnapshot
from advisor.recommend.costing import cost_settings
from advisor.recommend.models import StageChoice
from advisor.recommend.sizing import MIN_INSTANCES_SETTING, SETTINGS_SIZERS, Candidate
from advisor.stages import data_job_stages, offer, stage
from advisor.workload import (
    Derived,
    Workload,
    has_idle_periods,
    option_request_seconds,
    request_seconds_said,
    scales_to_zero,
)


def _a(noun: str) -> str:
    """The noun with its indefinite article, lower-cased: "a real-time endpoint", "an asynchronous endpoint"."""
    noun = noun[0].lower() + noun[1:]
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _title(stage_id: str) -> str:
    """A stage's report title as a noun inside a sentence: "real-time endpoint"."""
    title = stage(stage_id).title
    return title[0].lower() + title[1:]


# The kinds of inference option the warnings weigh against each other, read from each option's capabilities and
# its stage's registry row, never from a stage's name: a new stage of a kind is weighed like the others.

def _always_on(stage_id: str, option: HostingOption) -> bool:
    """An endpoint on instances that bill every hour (real-time)."""
    return option.always_on


def _per_use(stage_id: str, option: HostingOption) -> bool:
    """An endpoint without instances that scales to zero, billed for the compute it uses (serverless)."""
    return option.capabilities.persistent and option.capabilities.scale_to_zero and \
        stage(stage_id).instance_stage is None


def _queued(stage_id: str, option: HostingOption) -> bool:
    """An endpoint on instances that scales to zero (asynchronous: a queue in front of the instances)."""
    return option.capabilities.persistent and option.capabilities.scale_to_zero and \
        stage(stage_id).instance_stage is not None


def _job(stage_id: str, option: HostingOption) -> bool:
    """A job over a data set, not an endpoint (batch transform)."""
    return not option.capabilities.persistent


Kind = Callable[[str, HostingOption], bool]
Stages = tuple[tuple[str, HostingOption], ...]
Kinds = dict[Kind, list[tuple[str, HostingOption]]]


def _of(stages: Stages, kind: Kind) -> list[tuple[str, HostingOption]]:
    return [(s, o) for s, o in stages if kind(s, o)]


def _kinds(knowledge: Knowledge) -> dict[Kind, list[tuple[str, HostingOption]]]:
    """Every registered inference stage by kind, built once per registry (Knowledge.from_registry)."""
    stages = knowledge.inference_stages()
    return knowledge.from_registry("option-kinds", lambda: {
        kind: _of(stages, kind) for kind in (_always_on, _per_use, _queued, _job)})


def _breaks(option: HostingOption, w: Workload) -> dict[str, str]:
    """The limits of `option` one request of this workload breaks: each limit's id and the breach in words
    (empty when it takes the request)."""
    inf = w.inference
    broken = {}
    payload = option.most("payload_mb")
    if payload is not None and inf.payload_mb > payload:
        broken["payload_mb"] = f"a {inf.payload_mb:g} MB payload (limit {payload:g} MB)"
    timeout = option.most("timeout_s")
    if timeout is not None and option_request_seconds(w, option) > timeout:
        broken["timeout_s"] = f"{request_seconds_said(w, option)} of processing (limit {timeout:g} s)"
    return broken


Breaks = Mapping[str, dict[str, str]]
"""The limits each inference stage's option breaks (_breaks), by stage."""


def _fields(option: HostingOption, limit_ids: Collection[str]) -> str:
    """The request fields that set the named limits of `option` (their api_field, without the operation), so a
    warning names only the settings the workload's requests break."""
    fields = [x.api_field.partition(":")[2].split(".", 1)[-1] for x in option.limits
              if x.id in limit_ids and x.api_field]
    return " and ".join(fields)


def _needs_gpu(w: Workload, choice: StageChoice | None, knowledge: Knowledge) -> bool:
    if w.inference.gpu == "required":
        return True
    if choice is None or choice.instance_type is None:
        return False
    return knowledge.instance_type(choice.instance_type).accelerator is not None


def option_warnings(w: Workload, knowledge: Knowledge, instances: Mapping[str, StageChoice],
                    snapshot: PriceSnapshot | None) -> list[str]:
    """Warnings that compare each endpoint stage's requests and traffic with what each inference option is for."""
    stages = knowledge.inference_stages()
    if not any(s in w.stages for s, _ in stages):  # every warning below is about an inference stage it has
        return []
    kinds = _kinds(knowledge)
    breaks = {stage_id: _breaks(option, w) for stage_id, option in stages}
    warnings = [*_serverless_for_steady_traffic(w, kinds), *_async_for_quick_requests(w, kinds, breaks),
                *_batch_records_too_large(w, stages, kinds, breaks), *_batch_models(w, kinds)]
    for here, _ in kinds[_always_on]:
        if here not in w.stages:
            continue
        choice = instances.get(here)
        broken = breaks[here]
        if broken:
            gpu = _needs_gpu(w, choice, knowledge)
            takers = {s: o for s, o in stages if s != here and not breaks[s] and (o.capabilities.gpu or not gpu)}
            fitting = [f"{o.name} (payload up to {o.most('payload_mb'):g} MB, {o.most('timeout_s'):g} s; "
                       f"use {offer(w.stages, stage_id)})" for stage_id, o in takers.items()
                       if offer(w.stages, stage_id)]
            if fitting:
                instead = f"{' or '.join(fitting)} fits them"
            elif takers:  # every option that takes them is a stage already: the real-time one is the odd one out
                instead = f"another inference stage of this workload takes them: drop {here} from stages"
            else:
                instead = "no SageMaker inference option takes requests this large or long: split the work"
            warnings.append(f"{here}: {_a(_title(here))} (InvokeEndpoint) cannot take these requests: "
                            f"{', '.join(broken.values())}; {instead}")
        if choice is not None:
            offers = [x for s, o in kinds[_per_use]
                      for x in _serverless_offer(w, knowledge, s, o, here, choice, snapshot, breaks)]
            warnings += offers or [x for s, o in kinds[_queued]
                                   for x in _async_for_idle_periods(w, knowledge, s, o, kinds, here, choice, breaks)]
    return warnings


def _serverless_for_steady_traffic(w: Workload, kinds: Kinds) -> list[str]:
    """AWS: on-demand serverless is for idle periods between spurts; steady load is a real-time endpoint's."""
    realtime = [s for s, _ in kinds[_always_on]]
    if w.inference.traffic != "steady" or not realtime:
        return []
    compare = offer(w.stages, *realtime)
    return [f"{here}: steady traffic leaves {_a(_title(here))} no idle time to save on and keeps its provisioned "
            f"concurrency warm all month; AWS suggests {_a(_title(realtime[0]))} for steady traffic with a latency "
            "target, so compare its cost with " + (compare or f"the {_title(realtime[0])} this workload also has")
            for here, _ in kinds[_per_use] if here in w.stages]


def _async_for_quick_requests(w: Workload, kinds: Kinds, breaks: Breaks) -> list[str]:
    """Requests a real-time endpoint takes gain nothing from a queue when the endpoint cannot scale to zero (no
    idle periods, or callers that cannot wait for a cold start)."""
    taking = [(s, o) for s, o in kinds[_always_on] if not breaks[s]]
    if not taking or scales_to_zero(w):
        return []
    realtime_stage, realtime = taking[0]
    return [f"{here}: these requests fit {_a(_title(realtime_stage))} ({w.inference.payload_mb:g} MB, "
            f"{request_seconds_said(w, realtime)}, within {realtime.most('payload_mb'):g} MB and "
            f"{realtime.most('timeout_s'):g} s) and the endpoint cannot scale to zero ("
            + ("callers cannot wait for a cold start" if has_idle_periods(w) else "the traffic has no idle periods")
            + f"), so the queue and S3 round trip only add latency; AWS suggests {option.name.lower()} for large "
            "payloads, long processing or idle periods: consider "
            + (offer(w.stages, *(s for s, _ in taking)) or f"the {_title(realtime_stage)} this workload also has alone")
            for here, option in kinds[_queued] if here in w.stages]


def _batch_records_too_large(w: Workload, stages: Stages, kinds: Kinds, breaks: Breaks) -> list[str]:
    """A batch transform sends records in mini-batches of at most 100 MB, each answered within an hour
    (CreateTransformJob MaxPayloadInMB, ModelClientConfig.InvocationsTimeoutInSeconds): a record beyond either
    cannot be scored by it, so the stage is warned with what takes such records."""
    warnings = []
    for here, batch in kinds[_job]:
        if here not in w.stages:
            continue
        broken = breaks[here]
        if not broken:
            continue
        fields = _fields(batch, broken)
        able = {s: f"{o.name} (payload up to {o.most('payload_mb'):g} MB, {o.most('timeout_s'):g} s a request"
                for s, o in stages if s != here and o.capabilities.persistent and not breaks[s]}
        able.update({job.id: f"{_a(job.title)} that loads the model and reads each object itself (up to "
                             f"{job.data_job_hours:g} hours" for job in data_job_stages()})
        takers = [f"{name}; {offer(w.stages, stage_id)})" for stage_id, name in able.items()
                  if offer(w.stages, stage_id)]
        have = [stage_id for stage_id in able if stage_id in w.stages]
        instead = " or ".join(takers) + " takes them" if takers else ""
        if have:
            instead += ("; " if instead else "") + f"this workload's {' and '.join(have)} stage can take them instead"
        warnings.append(f"{here}: {_a(batch.name)} (CreateTransformJob) cannot send these records: "
                        f"{', '.join(broken.values())}{f' ({fields})' if fields else ''}; "
                        f"{instead}")
    return warnings


def _async_for_idle_periods(w: Workload, knowledge: Knowledge, here: str, async_option: HostingOption,
                            kinds: Kinds, realtime_stage: str, choice: StageChoice, breaks: Breaks) -> list[str]:
    """A real-time endpoint bills every hour; with idle periods and a GPU (no serverless), async scales to zero,
    unless callers cannot wait for an instance to start (then it would keep one, as the real-time endpoint does).

    An endpoint of inference components that already scales to zero (its ManagedInstanceScaling.MinInstanceCount
    0) does not bill every hour, so it is not told to. A single model's endpoint is also told the one way a
    real-time endpoint scales to zero (AWS: endpoint-auto-scaling-zero-instances.html: only an endpoint hosting
    inference components, and it answers requests with errors until an instance is provisioned, several
    minutes), since that keeps synchronous calls where the asynchronous queue does not."""
    if here in w.stages or not scales_to_zero(w) or not async_option.capabilities.gpu \
            or not _needs_gpu(w, choice, knowledge) or breaks[here]:
        return []
    if choice.settings.get(MIN_INSTANCES_SETTING) == 0:
        return []
    no_gpu = [stage(s).title.split()[0].lower() for s, o in kinds[_per_use] if not o.capabilities.gpu]
    components = "" if hosted_models(w, knowledge) else (
        "; or, to keep synchronous InvokeEndpoint calls, host the model as one inference component with "
        f"{MIN_INSTANCES_SETTING} 0 (only an endpoint of inference components scales to zero), whose requests "
        "fail until an instance is provisioned, several minutes after the first one, so callers must retry")
    return [f"{realtime_stage}: the traffic has idle periods ({w.inference.traffic}) but {_a(_title(realtime_stage))} "
            f"bills its {choice.instance_count} instance{'s' if choice.instance_count > 1 else ''} every hour; if "
            f"callers can collect answers from S3, {_a(_title(here))} scales to zero between bursts on the same "
            f"GPU types, its requests waiting in its queue while an instance starts: stages: [{here}]"
            + (f" ({' and '.join(no_gpu)} has no GPU)" if no_gpu else "") + components]


def _serverless_offer(w: Workload, knowledge: Knowledge, here: str, serverless: HostingOption, realtime_stage: str,
                      choice: StageChoice, snapshot: PriceSnapshot | None, breaks: Breaks) -> list[str]:
    """Sporadic or spiky CPU traffic within serverless limits: its cost beside the endpoint's, and its limits.

    The settings and the cost are the serverless stage's own (its settings sizer and costing), so the offer is
    what `stages: [serverless_inference]` would recommend."""
    inf = w.inference
    if here in w.stages or inf.traffic not in ("sporadic", "spiky") or breaks[here] \
            or (_needs_gpu(w, choice, knowledge) and not serverless.capabilities.gpu):
        return []  # the offer is never of a stage the workload has: its serverless stage is sized and costed
    derived = Derived.of(w, knowledge)
    spec = stage(here)
    sized = SETTINGS_SIZERS[spec.sizing](w, derived, knowledge)
    if not sized.fits:
        return []
    settings = sized.settings
    cost = ""
    if snapshot is not None:  # a snapshot without the option's prices costs it as unknown, with no caveat: unsaid
        monthly, _ = cost_settings(spec, w, sized, snapshot, snapshot.as_of)
        endpoint = choice.estimated_cost.usd
        against = (f" against {money(endpoint)}/month for the {choice.instance_count} x {choice.instance_type} "
                   "endpoint" if endpoint is not None else "")
        if monthly.usd is not None:
            cost = f": about {money(monthly.usd)}/month ({monthly.formula}){against}"
        elif monthly.caveat:  # priced in part (provisioned concurrency): what is missing, beside the endpoint's
            cost = f": its cost is unknown ({monthly.caveat}){against}"
    caveat = "; it scales to zero, so the first request after idle time waits for a cold start"
    lacks = [what for what, has in (("VPC configuration", serverless.capabilities.vpc),
                                    ("network isolation", serverless.capabilities.network_isolation)) if not has]
    if lacks and (derived.sensitive or w.data.private_sources):
        caveat += (f", and it has no {' or '.join(lacks)}, so this {w.data.sensitivity} workload "
                   "would give those up: keep the instance endpoint unless that is acceptable")
    top = serverless.most("memory_mb")
    return [f"{realtime_stage}: {inf.traffic} CPU traffic within {serverless.name}'s limits (payload "
            f"{serverless.most('payload_mb'):g} MB, {serverless.most('timeout_s'):g} s"
            f"{f', memory up to {top:g} MB' if top else ''}"
            f"{'' if serverless.capabilities.gpu else ', no GPU'}) could use {_a(_title(here))}, stages: [{here}] "
            f"({_settings_text(serverless, settings)}){cost}{caveat}"]


def _settings_text(option: HostingOption, settings: Mapping[str, object]) -> str:
    """The settings as the request carries them ("CreateEndpointConfig ServerlessConfig.MemorySizeInMB 2048,
    MaxConcurrency 5"): each setting's operation and structure come from the api_field of the option's limit on
    it (rules/knowledge/hosting_options.yaml), said once for the settings that share them; a setting no limit
    names is written by its name alone."""
    paths = {path[-1]: path for path in (x.api_field.partition(":")[2].split(".") for x in option.limits
                                         if x.api_field)}
    text, said = [], None
    for key, value in settings.items():
        path = paths.get(key, [key])
        where = (path[0], path[-2]) if len(path) > 2 else None
        text.append(f"{where[0]} {where[1]}.{key} {value}" if where is not None and where != said
                    else f"{key} {value}")
        said = where or said
    return ", ".join(text)


# ---- several models behind one real-time endpoint (decision realtime.hosting) ----------------------------------

def several_models_stages(knowledge: Knowledge) -> frozenset[str]:
    """The stages whose option serves several models behind one endpoint (capabilities.several_models)."""
    return knowledge.from_registry("several-models", lambda: frozenset(
        s for s, o in knowledge.inference_stages() if o.capabilities.several_models))


def hosted_models(w: Workload, knowledge: Knowledge) -> bool:
    """An endpoint stage that can serve several models (capabilities.several_models: real-time) serves several,
    so how they share it is decided (realtime.hosting)."""
    return (w.inference.models > 1 or w.inference.serial) and not several_models_stages(knowledge).isdisjoint(
        w.stages)


def hosting_reasons(w: Workload, knowledge: Knowledge, derived: Derived, hosting: Outcome, option: str,
                    winner: Candidate, cost: Cost) -> list[str]:
    """The option the realtime.hosting rules chose and why, then why each other way to serve the models lost,
    from the workload's own figures (the count of models, the hot set, the chosen type's price) and from what
    the container can do (Derived.multi_model_container, the one fact the rules read too)."""
    options = {o.id: o for o in knowledge.hosting_options}
    inf = w.inference
    n = inf.models
    rule = hosting.rules[0]
    chosen = options[option].name if option in options else option
    reasons = [f"hosting: {chosen} for {n} models (rule {rule.id}): {rule.because}"]
    if option == "multi_model" and derived.multi_model_note:
        reasons.append(f"multi-model container: {derived.multi_model_note}")
    if option == "multi_model" and not inf.models_reused:
        reasons.append("MultiModelConfig.ModelCacheSetting Disabled: each model is invoked once or rarely again "
                       "(inference.models_reused false), so caching it gains nothing; AWS recommends disabling the "
                       "cache then: the model is unloaded and deleted right after its invocation and models load "
                       "with more concurrency, for higher throughput, every request paying its model's load "
                       "(multi-model-caching.html)")

    def lost(other: str, why: str) -> None:
        if other != option:
            name = options[other].name if other in options else other
            reasons.append(f"hosting alternative {name} lost: {why}")

    minimum = 2 if inf.production else 1
    price = winner.per_instance
    dedicated = (f"{n} endpoints of at least {minimum} instance{'s' if minimum > 1 else ''} each bill {n} times the "
                 "instances of one")
    if isinstance(price, float) and cost.usd is not None:
        dedicated += (f": about {money(n * minimum * price * HOURS_PER_MONTH)}/month at {minimum} x "
                      f"{winner.spec.name} each, against {money(cost.usd)}/month for this endpoint")
    reasons.append(f"hosting alternative one endpoint per model lost: {dedicated}; AWS keeps a dedicated endpoint "
                   "for a model with much higher traffic or a strict latency need")
    mme_container = derived.multi_model_container
    mme = []
    if not mme_container and derived.multi_model_note:
        mme.append(derived.multi_model_note)
    if inf.serial:
        mme.append("it sends each request to one model (TargetModel); a chain needs its containers in series")
    if not inf.same_container:
        mme.append("it serves every model from one shared container, and these models need different containers")
    if not inf.cold_starts_ok:
        mme.append("a model not in memory is loaded from S3 on its next request (a cold load), which "
                   "inference.cold_starts_ok false refuses")
    if w.model.kind == "llm":
        mme.append("an LLM's gigabytes of weights would load from S3 on a cold request, and on GPUs it runs only "
                   "Triton on single-GPU instance types")
    lost("multi_model", "; ".join(mme) or "")
    containers = options["multi_container"].most("containers") or math.inf  # CreateModel.Containers' bound
    container = []
    if n > containers:
        container.append(f"it takes at most {containers:g} containers (CreateModel.Containers), and there are {n} "
                         "models")
    if inf.same_container and not inf.serial and mme_container:
        container.append("its containers would all be the same image, each holding its model on every instance, "
                         "where one multi-model container loads only the models in use")
    if w.model.kind == "llm" and not inf.serial:
        container.append("every container holds its model on every instance: no model gets its own accelerators "
                         "or scales on its own")
    lost("multi_container", "; ".join(container) or "")
    components = []
    if option == "multi_model":
        held = inf.hot_models or n
        components.append(f"every component keeps at least one copy loaded with memory reserved for it: all {n} "
                          f"models resident, where a multi-model endpoint holds the {held} in use and loads the "
                          "rest on demand")
    if inf.serial:
        components.append("each request goes to one component (InferenceComponentName): components do not chain a "
                          "request through steps")
    if option == "multi_container" and not inf.serial:
        bound = f"up to {containers:g} containers" if math.isfinite(containers) else "the containers"
        components.append(f"each of the {n} models would reserve its own CPU cores or devices and memory; {bound} "
                          "share the instances without reservations")
    lost("inference_components", "; ".join(components) or "")
    for _, other in _kinds(knowledge)[_per_use]:  # an endpoint without instances hosting one
        lacks = [what for what, has in (("multi-model endpoints", other.capabilities.several_models),
                                        ("inference pipelines", other.capabilities.serial_pipeline)) if not has]
        if lacks:
            reasons.append(f"hosting alternative {other.name} lost: it hosts one model per endpoint (no "
                           f"{' or '.join(lacks)}; AWS: {other.page.rsplit('/', 1)[-1]})")
    return [r for r in reasons if not r.endswith(" lost: ")]


def _batch_models(w: Workload, kinds: Kinds) -> list[str]:
    """A job option that runs one model (a transform job: CreateTransformJob.ModelName), so several models are
    several jobs; a serial pipeline is one model where the option runs pipelines."""
    inf = w.inference
    if inf.models < 2:
        return []
    return [f"{here}: {option.serves_one_model or option.name + ' runs one model'}, so the {inf.models} models of "
            f"inference.models are {inf.models} jobs; the job sized and costed here is one model's, on "
            "batch.records_per_run records"
            for here, option in kinds[_job] if here in w.stages and not option.hosts_models(inf.serial)]
