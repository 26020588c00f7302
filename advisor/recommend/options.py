"""Which SageMaker inference option fits the requests: real-time, serverless, asynchronous or batch transform.

The limits and capabilities are knowledge (rules/knowledge/hosting_options.yaml, from botocore's shapes and
AWS's pages); this module only compares the workload's requests with them and says, in a warning, which limit
a real-time endpoint breaks and which option fits instead, or when sporadic CPU traffic would cost less on a
serverless endpoint (with what that option cannot do).
"""

from __future__ import annotations

from collections.abc import Mapping

from advisor.engine.decisions import Outcome
from advisor.knowledge.models import HostingOption, Knowledge
from advisor.pricing.costs import HOURS_PER_MONTH, Cost, money
from advisor.pricing.models import PriceSnapshot
from advisor.recommend.costing import cost_settings
from advisor.recommend.models import StageChoice
from advisor.recommend.sizing import Candidate, size_serverless
from advisor.stages import offer, stage, stage_of_option
from advisor.workload import Derived, Workload, has_idle_periods, scales_to_zero


def _max(option: HostingOption, limit_id: str) -> float | None:
    limit = next((x for x in option.limits if x.id == limit_id), None)
    return None if limit is None else limit.value.max


def _breaks(option: HostingOption, w: Workload) -> list[str]:
    """The limits of `option` one request of this workload breaks, in words."""
    inf = w.inference
    broken = []
    payload = _max(option, "payload_mb")
    if payload is not None and inf.payload_mb > payload:
        broken.append(f"a {inf.payload_mb:g} MB payload (limit {payload:g} MB)")
    timeout = _max(option, "timeout_s")
    if timeout is not None and inf.seconds_per_request > timeout:
        broken.append(f"{inf.seconds_per_request:g} s of processing (limit {timeout:g} s)")
    return broken


def _needs_gpu(w: Workload, choice: StageChoice | None, knowledge: Knowledge) -> bool:
    if w.inference.gpu == "required":
        return True
    if choice is None or choice.instance_type is None:
        return False
    return knowledge.instance_type(choice.instance_type).accelerator is not None


def option_warnings(w: Workload, knowledge: Knowledge, instances: Mapping[str, StageChoice],
                    snapshot: PriceSnapshot | None) -> list[str]:
    """Warnings that compare each endpoint stage's requests and traffic with what each inference option is for."""
    if not knowledge.hosting_options:
        return []
    options = {o.id: o for o in knowledge.hosting_options}
    warnings = [*_serverless_for_steady_traffic(w, options), *_async_for_quick_requests(w, options),
                *_batch_records_too_large(w, options), *_batch_models(w)]
    if "realtime_inference" not in w.stages:
        return warnings
    realtime = options.get("realtime")
    choice = instances.get("realtime_inference")
    if realtime is not None:
        broken = _breaks(realtime, w)
        if broken:
            gpu = _needs_gpu(w, choice, knowledge)
            takers = {stage_of_option(key): o for key in ("async", "batch_transform")
                      if (o := options.get(key)) is not None and not _breaks(o, w) and (o.capabilities.gpu or not gpu)}
            fitting = [f"{o.name} (payload up to {_max(o, 'payload_mb'):g} MB, {_max(o, 'timeout_s'):g} s; "
                       f"use {offer(w.stages, stage_id)})" for stage_id, o in takers.items()
                       if offer(w.stages, stage_id)]
            if fitting:
                instead = f"{' or '.join(fitting)} fits them"
            elif takers:  # every option that takes them is a stage already: the real-time one is the odd one out
                instead = "another inference stage of this workload takes them: drop realtime_inference from stages"
            else:
                instead = "no SageMaker inference option takes requests this large or long: split the work"
            warnings.append(f"realtime_inference: a real-time endpoint (InvokeEndpoint) cannot take these requests: "
                            f"{', '.join(broken)}; {instead}")
    serverless = options.get("serverless")
    if serverless is not None and choice is not None:
        warnings += _serverless_offer(w, knowledge, serverless, choice, snapshot) \
            or _async_for_idle_periods(w, knowledge, options, choice)
    return warnings


def _serverless_for_steady_traffic(w: Workload, options: Mapping[str, HostingOption]) -> list[str]:
    """AWS: on-demand serverless is for idle periods between spurts; steady load is a real-time endpoint's."""
    if "serverless_inference" not in w.stages or w.inference.traffic != "steady" or "realtime" not in options:
        return []
    compare = offer(w.stages, "realtime_inference")
    return ["serverless_inference: steady traffic leaves a serverless endpoint no idle time to save on and keeps "
            "its provisioned concurrency warm all month; AWS suggests a real-time endpoint for steady traffic with a "
            "latency target, so compare its cost with " + (compare or "the real-time endpoint this workload also has")]


def _async_for_quick_requests(w: Workload, options: Mapping[str, HostingOption]) -> list[str]:
    """Requests a real-time endpoint takes gain nothing from a queue when the endpoint cannot scale to zero (no
    idle periods, or callers that cannot wait for a cold start)."""
    realtime = options.get("realtime")
    if "async_inference" not in w.stages or realtime is None or _breaks(realtime, w) or scales_to_zero(w):
        return []
    return [f"async_inference: these requests fit a real-time endpoint ({w.inference.payload_mb:g} MB, "
            f"{w.inference.seconds_per_request:g} s, within {_max(realtime, 'payload_mb'):g} MB and "
            f"{_max(realtime, 'timeout_s'):g} s) and the endpoint cannot scale to zero ("
            + ("callers cannot wait for a cold start" if has_idle_periods(w) else "the traffic has no idle periods")
            + "), so the queue and S3 round trip only add latency; AWS suggests asynchronous inference for large "
            "payloads, long processing or idle periods: consider " + (offer(w.stages, "realtime_inference")
                                                        or "the real-time endpoint this workload also has alone")]


def _batch_records_too_large(w: Workload, options: Mapping[str, HostingOption]) -> list[str]:
    """A batch transform sends records in mini-batches of at most 100 MB, each answered within an hour
    (CreateTransformJob MaxPayloadInMB, ModelClientConfig.InvocationsTimeoutInSeconds): a record beyond either
    cannot be scored by it, so the stage is warned with what takes such records."""
    batch = options.get("batch_transform")
    if "batch_inference" not in w.stages or batch is None:
        return []
    broken = _breaks(batch, w)
    if not broken:
        return []
    able = {stage_of_option(key): f"{o.name} (payload up to {_max(o, 'payload_mb'):g} MB, "
                                  f"{_max(o, 'timeout_s'):g} s a request" for key in ("async",)
            if (o := options.get(key)) is not None and not _breaks(o, w)}
    able["processing"] = "a processing job that loads the model and reads each object itself (up to 216 hours"
    takers = [f"{name}; {offer(w.stages, stage_id)})" for stage_id, name in able.items() if offer(w.stages, stage_id)]
    have = [stage_id for stage_id in able if stage_id in w.stages]
    instead = " or ".join(takers) + " takes them" if takers else ""
    if have:
        instead += ("; " if instead else "") + f"this workload's {' and '.join(have)} stage can take them instead"
    return [f"batch_inference: a batch transform (CreateTransformJob) cannot send these records: {', '.join(broken)} "
            f"(MaxPayloadInMB and ModelClientConfig.InvocationsTimeoutInSeconds); {instead}"]


def _async_for_idle_periods(w: Workload, knowledge: Knowledge, options: Mapping[str, HostingOption],
                            choice: StageChoice) -> list[str]:
    """A real-time endpoint bills every hour; with idle periods and a GPU (no serverless), async scales to zero,
    unless callers cannot wait for an instance to start (then it would keep one, as the real-time endpoint does)."""
    async_option = options.get("async")
    if async_option is None or "async_inference" in w.stages or not scales_to_zero(w) \
            or not _needs_gpu(w, choice, knowledge) or _breaks(async_option, w):
        return []
    return [f"realtime_inference: the traffic has idle periods ({w.inference.traffic}) but a real-time endpoint "
            f"bills its {choice.instance_count} instance{'s' if choice.instance_count > 1 else ''} every hour; if "
            "callers can collect answers from S3, an asynchronous endpoint scales to zero between bursts on the same "
            "GPU types: stages: [async_inference] (serverless has no GPU)"]


def _serverless_offer(w: Workload, knowledge: Knowledge, serverless: HostingOption, choice: StageChoice,
                      snapshot: PriceSnapshot | None) -> list[str]:
    """Sporadic or spiky CPU traffic within serverless limits: its cost beside the endpoint's, and its limits.

    The settings and the cost are the serverless_inference stage's own (sizing.size_serverless, its costing), so
    the offer is what `stages: [serverless_inference]` would recommend."""
    inf = w.inference
    if "serverless_inference" in w.stages or inf.traffic not in ("sporadic", "spiky") or _breaks(serverless, w) \
            or _needs_gpu(w, choice, knowledge):
        return []  # the offer is never of a stage the workload has: its serverless stage is sized and costed
    derived = Derived.of(w, knowledge)
    sized = size_serverless(w, derived, knowledge)
    if not sized.fits:
        return []
    settings = sized.settings
    cost = ""
    if snapshot is not None and snapshot.serverless_inference is not None:
        monthly, _ = cost_settings(stage("serverless_inference"), w, sized, snapshot, snapshot.as_of)
        endpoint = choice.estimated_cost.usd
        against = (f" against {money(endpoint)}/month for the {choice.instance_count} x {choice.instance_type} "
                   "endpoint" if endpoint is not None else "")
        if monthly.usd is not None:
            cost = f": about {money(monthly.usd)}/month ({monthly.formula}){against}"
        elif monthly.caveat:  # priced in part (provisioned concurrency): what is missing, beside the endpoint's
            cost = f": its cost is unknown ({monthly.caveat}){against}"
    caveat = "; it scales to zero, so the first request after idle time waits for a cold start"
    if derived.sensitive or w.data.private_sources:
        caveat += (f", and it has no VPC configuration or network isolation, so this {w.data.sensitivity} workload "
                   "would give those up: keep the instance endpoint unless that is acceptable")
    top = _max(serverless, "memory_mb") or 6144
    provisioned = (f", ProvisionedConcurrency {settings['ProvisionedConcurrency']}"
                   if "ProvisionedConcurrency" in settings else "")
    return [f"realtime_inference: {inf.traffic} CPU traffic within Serverless Inference's limits (payload "
            f"{_max(serverless, 'payload_mb'):g} MB, {_max(serverless, 'timeout_s'):g} s, memory up to {top:g} MB, "
            f"no GPU) could use a serverless endpoint, stages: [serverless_inference] (CreateEndpointConfig "
            f"ServerlessConfig.MemorySizeInMB {settings['MemorySizeInMB']}, MaxConcurrency "
            f"{settings['MaxConcurrency']}{provisioned}){cost}{caveat}"]


# ---- several models behind one real-time endpoint (decision realtime.hosting) ----------------------------------

CONTAINERS_MAX = 15
"""botocore 1.44.5 CreateModel.Containers (at most 15): a multi-container endpoint's limit."""


def hosted_models(w: Workload) -> bool:
    """The real-time endpoint serves several models, so how they share it is decided (realtime.hosting)."""
    return "realtime_inference" in w.stages and (w.inference.models > 1 or w.inference.serial)


def hosting_reasons(w: Workload, knowledge: Knowledge, hosting: Outcome, option: str, winner: Candidate,
                    cost: Cost) -> list[str]:
    """The option the realtime.hosting rules chose and why, then why each other way to serve the models lost,
    from the workload's own figures (the count of models, the hot set, the chosen type's price)."""
    options = {o.id: o for o in knowledge.hosting_options}
    inf = w.inference
    n = inf.models
    rule = hosting.rules[0]
    chosen = options[option].name if option in options else option
    reasons = [f"hosting: {chosen} for {n} models (rule {rule.id}): {rule.because}"]

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
    mme = []
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
    container = []
    if n > CONTAINERS_MAX:
        container.append(f"it takes at most {CONTAINERS_MAX} containers (CreateModel.Containers), and there are {n} "
                         "models")
    if inf.same_container and not inf.serial:
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
        components.append(f"each of the {n} models would reserve its own CPU cores or devices and memory; up to "
                          f"{CONTAINERS_MAX} containers share the instances without reservations")
    lost("inference_components", "; ".join(components) or "")
    serverless = options.get("serverless")
    if serverless is not None:
        reasons.append(f"hosting alternative {serverless.name} lost: it hosts one model per endpoint (no "
                       "multi-model endpoints or inference pipelines; AWS: serverless-endpoints.html)")
    return [r for r in reasons if not r.endswith(" lost: ")]


def _batch_models(w: Workload) -> list[str]:
    """A transform job runs one model (CreateTransformJob.ModelName), so several models are several jobs."""
    inf = w.inference
    if inf.models < 2 or inf.serial or "batch_inference" not in w.stages:
        return []
    return [f"batch_inference: a transform job runs one model (CreateTransformJob.ModelName), so the "
            f"{inf.models} models of inference.models are {inf.models} jobs; the job sized and costed here is one "
            "model's, on batch.records_per_run records"]
