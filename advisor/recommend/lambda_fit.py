"""Does one unit of work fit AWS Lambda, and in which execution mode? Every limit in the knowledge, need against
limit, per mode, with what to change.

Which unit of work is checked is a YAML decision (rules/decisions/lambda_check.yaml): an inference request, a
batch record, a processing job, or the function the user described in the workload's `lambda` section. Its
figures come from what the user stated, else from what the stage implies (a processing job runs up to
processing.max_hours; the model must fit in the function's memory), else from the workload's defaults, and the
verdict says which were assumed. The limits come from rules/knowledge/lambda_limits.yaml (today's values per
execution mode, never the book's): standard Lambda first; where it falls short, Lambda Managed Instances (more
memory, a GPU, longer asynchronous runs, steady traffic); else neither, and where the work goes instead is the
YAML decision rules/decisions/lambda.yaml.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from advisor.base import Frozen
from advisor.knowledge.models import LAMBDA_MODEL_UNITS, LAMBDA_UNITS, Knowledge, LimitValue
from advisor.pricing.costs import HOURS_PER_MONTH
from advisor.recommend.models import LambdaCheck
from advisor.workload import Derived, Workload

Verdict = Literal["fits", "fits_with_changes", "does_not_fit"]
Mode = Literal["standard", "managed_instances"]
Orchestration = Literal["durable_functions", "step_functions"]
Basis = Literal["stated", "implied", "assumed"]

SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
BUILTIN_CONTAINER = "builtin_container"
"""The LAMBDA_BLOCKERS id of a built-in algorithm's model (rules read it in derived.lambda_failed)."""
DURABLE_TIMEOUT_HEADROOM = 1.5
"""DurableConfig.ExecutionTimeout is set to the workflow's expected length x1.5 (our judgement: approvals and
callbacks run late), within the longest durable execution (the knowledge's durable timeout)."""


class Figure(NamedTuple):
    """One figure of the unit of work, and where it came from."""

    value: float
    basis: Basis
    said: str
    """Where it came from in words, e.g. "inference.memory_mb" or "processing.max_hours x 3600"."""


class Unit(NamedTuple):
    """The unit of work the check weighs: what it is, how it is invoked, and its figures."""

    kind: str
    invocation: str
    gpu: bool
    traffic: Figure
    """How invocations arrive: `said` is the pattern (steady, spiky, sporadic, scheduled)."""
    figures: dict[str, Figure]
    invocations_per_month: float
    """What a month bills: the peak rate around the clock for requests, every record of every run for batch,
    one invocation a processing job."""
    models: str | None = None
    """What several models (inference.models) mean for one function, in words; None for one model."""

    def value(self, name: str) -> float:
        return self.figures[name].value

    def said(self, basis: Basis) -> list[str]:
        """The figures of one basis in words, e.g. "memory 1,024 MB (inference.memory_mb, the default)"; an
        assumed none (no layers, no /tmp) is not worth saying."""
        out = [f"{_LABELS[name][0]} {f.value:,.6g}{_LABELS[name][1]} ({f.said})" for name, f in self.figures.items()
               if f.basis == basis and not (basis == "assumed" and f.value == 0 and name in _NONE_IS_NOTHING)]
        return out + ([f"traffic {self.traffic.said}"] if self.traffic.basis == basis else [])


class LambdaAssessment(NamedTuple):
    verdict: Verdict
    mode: Mode | None
    checks: tuple[LambdaCheck, ...]
    settings: dict[str, object]
    unit: Unit
    reasons: tuple[str, ...]
    needs: tuple[str, ...]
    """What standard Lambda lacks and the managed-instances mode gives (e.g. "20,070 MB of memory")."""
    mode_changes: tuple[str, ...] = ()
    orchestration: Orchestration | None = None
    """What runs a workflow of several steps that waits (None: one invocation)."""
    blocked: tuple[str, ...] = ()
    """What no Lambda mode can run whatever its limits: "builtin_container", a SageMaker built-in algorithm's
    model that loads only in its own container."""
    provisioned: int = 0
    """Provisioned concurrency the advice configures on standard Lambda (callers who cannot wait for a cold
    start, or spikes beyond the scaling rate): billed while configured, so the cost counts it."""

    @property
    def failed(self) -> list[str]:
        """The limits standard Lambda cannot meet, nor a change to it, and what no mode can run (the alternatives
        decision reads them)."""
        return [*self.blocked,
                *(c.limit for c in self.checks if c.applies and not c.ok and c.blocking and c.change is None)]

    @property
    def changes(self) -> list[str]:
        return [*self.mode_changes, *(c.change for c in self.checks if c.change and c.applies)]

    @property
    def summary(self) -> str:
        how = {"durable_functions": ", as a durable function (DurableConfig)",
               "step_functions": ", its steps orchestrated by Step Functions", None: ""}[self.orchestration]
        if self.mode == "standard":
            return "fits standard Lambda" + (" with changes" if self.verdict == "fits_with_changes" else "") + how
        if self.mode == "managed_instances":
            return f"fits Lambda Managed Instances only (needs {', '.join(self.needs)})" + how
        return "does not fit"


def _changed(section: Frozen, *names: str) -> set[str]:
    """The fields of a workload section (of `names`, when given) that differ from their defaults: what the user
    stated. By value, not by which keys were written, so a workload from a file, the questionnaire or Python reads
    the same (a figure stated at its default is said to be the default, which it is)."""
    fields = type(section).model_fields
    return {name for name in names or fields if getattr(section, name) != fields[name].default}


def unit_of_work(w: Workload, derived: Derived, units: list[str], image_mb: float = 10_240) -> Unit:
    """The unit of work the decision chose, its figures from the `lambda` section, else the stage, else the
    defaults. `units` are the lambda.check decision's units in rule order; the first stage unit is the base."""
    stage_unit = next((u for u in units if u != "function"), None)
    inf, stated_inf = w.inference, _changed(w.inference)
    figures: dict[str, Figure] = {}

    def from_inference(name: str, field: str, implied: tuple[float, str] | None = None) -> None:
        if field in stated_inf:
            figures[name] = Figure(float(getattr(inf, field)), "stated", f"inference.{field}")
        elif implied is not None and implied[0] > getattr(inf, field):
            figures[name] = Figure(implied[0], "implied", implied[1])
        else:
            figures[name] = Figure(float(getattr(inf, field)), "assumed", f"inference.{field}, the default")

    model_mb = math.ceil(derived.model_memory_gb * 1024)
    model_said = "the model's serving memory (derived.model_memory_gb)"
    package_said = "the model artifact, model.size_mb"
    stated_model = bool(_changed(w.model, "size_mb", "parameters_millions"))
    invocation = "sync"
    several = _several_models(w, stage_unit, image_mb) if stage_unit != "job" else None
    if stage_unit in ("request", "serverless_request", "async_request", "record", None):
        many = several if stated_model else None  # the function holds several models (_several_models)
        if many is not None:
            from_inference("memory_mb", "memory_mb", (many[0] * model_mb, f"{many[3]} x the model's serving memory"))
        else:
            from_inference("memory_mb", "memory_mb", (model_mb, model_said) if stated_model else None)
        from_inference("seconds", "seconds_per_request")
        from_inference("payload_mb", "payload_mb")
        if many is None:
            from_inference("package_mb", "package_mb", (w.model.size_mb, package_said) if stated_model else None)
            from_inference("tmp_mb", "tmp_mb")
        elif many[1]:  # every artifact fits the package
            from_inference("package_mb", "package_mb", (inf.models * w.model.size_mb, "every model's artifact in "
                                                        "the package, inference.models x model.size_mb"))
            from_inference("tmp_mb", "tmp_mb")
        else:
            from_inference("package_mb", "package_mb")
            from_inference("tmp_mb", "tmp_mb", (many[2] * w.model.size_mb, f"{many[2]} model artifacts downloaded "
                                                "from S3 into /tmp as they are first used, model.size_mb each"))
        if stage_unit == "record":
            b = w.batch
            figures["requests_per_second"] = Figure(
                round(b.records_per_run / (b.max_hours * 3600), 3), "implied",
                "batch.records_per_run / batch.max_hours, one invocation a record")
            invocation = "async"
        else:
            from_inference("requests_per_second", "requests_per_second")
            invocation = "async" if stage_unit == "async_request" else "sync"
    else:  # job: one processing job, started by an upload to S3
        p, stated_p = w.processing, _changed(w.processing, "max_hours")
        data_said = bool(_changed(w.data, "size_gb", "in_memory_gb")) or bool(p.data_gb)
        figures["memory_mb"] = Figure(
            max(128.0, math.ceil(derived.processing_working_set_gb * 1024)), "implied" if data_said else "assumed",
            "the working set, data.in_memory_gb, processing.data_gb or data.size_gb" if data_said
            else "the working set of data.size_gb, the default")
        figures["seconds"] = Figure(p.max_hours * 3600, "implied" if "max_hours" in stated_p else "assumed",
                                    "processing.max_hours x 3600" + ("" if "max_hours" in stated_p else
                                                                     ", the default"))
        figures["payload_mb"] = Figure(0, "implied", "the event carries the S3 object's key, not the data")
        from_inference("package_mb", "package_mb")
        from_inference("tmp_mb", "tmp_mb")
        figures["requests_per_second"] = Figure(round(p.runs_per_month / SECONDS_PER_MONTH, 6), "implied",
                                                "processing.runs_per_month")
        invocation = "async"
    if stage_unit in ("request", "serverless_request", "async_request", None):
        traffic = Figure(0, "stated", inf.traffic) if "traffic" in stated_inf else \
            Figure(0, "assumed", f"{inf.traffic} (inference.traffic, the default)")
    else:
        traffic = Figure(0, "implied", "scheduled (runs of the stage)")
    gpu = inf.gpu == "required" or (inf.gpu == "auto" and w.model.kind == "llm" and stage_unit != "job")
    figures["layers"] = Figure(float(inf.layers), "stated" if "layers" in stated_inf else "assumed",
                               "inference.layers")
    figures["environment_kb"] = Figure(float(inf.environment_kb),
                                       "stated" if "environment_kb" in stated_inf else "assumed",
                                       "inference.environment_kb")

    fn = w.lambda_
    if fn is not None:
        for name, field in (("memory_mb", "memory_mb"), ("seconds", "timeout_seconds"),
                            ("payload_mb", "payload_mb"), ("package_mb", "package_mb"), ("tmp_mb", "tmp_mb"),
                            ("layers", "layers"), ("environment_kb", "environment_kb"),
                            ("requests_per_second", "requests_per_second")):
            value = getattr(fn, field)
            if value is not None:
                figures[name] = Figure(float(value), "stated", f"lambda.{field}")
        invocation = fn.invocation or invocation
        if fn.traffic is not None:
            traffic = Figure(0, "stated", fn.traffic)
        if fn.gpu is not None and fn.gpu != "auto":
            gpu = fn.gpu == "required"
    if fn is not None and fn.requests_per_second is not None:
        per_month = fn.requests_per_second * SECONDS_PER_MONTH
    elif stage_unit == "record":
        per_month = float(w.batch.records_per_run * w.batch.runs_per_month)
    elif stage_unit == "job":
        per_month = float(w.processing.runs_per_month)
    else:
        per_month = figures["requests_per_second"].value * SECONDS_PER_MONTH
    return Unit(stage_unit or "function", invocation, gpu, traffic, figures, per_month,
                None if several is None else several[3])


def _several_models(w: Workload, stage_unit: str | None, image_mb: float
                    ) -> tuple[int, bool, int, str] | None:
    """What a function doing this unit of work holds when the workload serves several models: (models held in
    memory at once, whether every artifact ships in the package, artifacts cached in /tmp, the words that say
    why). None for one model, and for a batch record (a transform job runs one model, so a record is scored by
    one) unless the models are a serial chain, which one invocation runs whole.

    A standard Lambda execution environment serves one request at a time and keeps what it loaded between
    requests (lambda/latest/dg/lambda-runtime-environment.html): for several distinct models it holds the ones
    in use, as a multi-model endpoint's instance does, and loads another on its first request there; a serial
    chain holds every step. Every artifact ships in the package only while they fit a container image (10,240 MB,
    gettingstarted-limits.html); beyond that they are read from S3 into /tmp on first use."""
    inf = w.inference
    if inf.models < 2 or (stage_unit == "record" and not inf.serial):
        return None
    if inf.serial:
        held, words = inf.models, "every step of the serial chain, inference.serial"
    elif inf.hot_models is not None:
        held, words = inf.hot_models, "inference.hot_models"
    else:
        held, words = inf.models, "every model: inference.hot_models is not stated, an upper bound"
    return held, inf.models * w.model.size_mb <= image_mb, held, f"{held} models held at once ({words})"


def weigh_workflow(w: Workload, step_seconds: float, durable_max: float
                   ) -> tuple[Orchestration | None, list[str], dict[str, object]]:
    """For a function whose work is a workflow of steps that waits (lambda.steps, lambda.wait_hours): durable
    functions or Step Functions, weighed as AWS's "Durable functions or Step Functions" page does (several AWS
    services orchestrated: Step Functions; application logic within Lambda: durable functions), with the
    DurableConfig a durable function needs, within `durable_max` seconds (DurableConfig.ExecutionTimeout's
    maximum). Nothing for a single invocation."""
    fn = w.lambda_
    if fn is None or (fn.wait_hours is None and (fn.steps or 1) <= 1):
        return None, [], {}
    steps, wait_s, services = fn.steps or 1, (fn.wait_hours or 0) * 3600, fn.aws_services or 0
    total = steps * step_seconds + wait_s
    shape = (f"a workflow of {steps:,} step{'s' if steps > 1 else ''} of up to {step_seconds:,g} s"
             + (f" that waits {fn.wait_hours:,g} h in all (approvals, callbacks, long external calls)" if wait_s
                else "") + f": about {total / 3600:,.4g} h from start to end")
    lasts = (f", and one execution may last {durable_max / 86_400:,.0f} days" if math.isfinite(durable_max)
             else "")  # the knowledge gives no maximum: no figure to say
    if total > durable_max:
        return None, [f"{shape}, longer than one durable execution ({durable_max / 86_400:,.0f} days, "
                      "DurableConfig.ExecutionTimeout) or "
                      "one Step Functions Standard execution (one year) may last: split it into executions that "
                      "each finish within that"], {}
    durable = ("durable functions (DurableConfig): each step is checkpointed, waits suspend the function without "
               f"compute charges{lasts} (AWS: lambda/latest/dg/durable-functions.html)")
    if services >= 2:
        return "step_functions", [
            f"{shape}, calling {services} other AWS services: Step Functions, which AWS recommends for "
            "orchestrating several AWS services through native integrations without SDK code, and where people "
            "who do not read code must follow the workflow (lambda/latest/dg/durable-step-functions.html); a "
            "Standard workflow runs up to a year and waits for a task token (.waitForTaskToken) for an approval. "
            f"Beside it, {durable}, would call those services from code"], {}
    timeout = int(min(durable_max, math.ceil(total * DURABLE_TIMEOUT_HEADROOM)))
    stated = ("no other AWS service stated" if fn.aws_services is None else
              f"{services} other AWS service{'' if services == 1 else 's'} called")
    return "durable_functions", [
        f"{shape}, its logic within Lambda ({stated}, lambda.aws_services): {durable}; "
        f"DurableConfig.ExecutionTimeout {timeout:,} s (x{DURABLE_TIMEOUT_HEADROOM:g} the expected length, for "
        "late approvals). Beside it, Step Functions would fit too, and is AWS's choice when the workflow "
        "orchestrates several AWS services or people who do not read code must follow it "
        "(lambda/latest/dg/durable-step-functions.html)"], {"DurableConfig.ExecutionTimeout": timeout}


def builtin_container(w: Workload, knowledge: Knowledge, unit: Unit) -> tuple[str, str | None] | None:
    """Whether the unit of work runs a SageMaker built-in algorithm's model, which Lambda cannot run as it is:
    the built-in container serves SageMaker's hosting contract (/invocations and /ping), not the Lambda runtime
    API a function image must implement. The reason in words, and the change that would let a function load the
    model where AWS documents an open-source library for its artifact (None: no such library, so Lambda does
    not fit). None when the unit runs no model or the model is a framework's or the user's own code."""
    algorithm = knowledge.algorithm(w.model.algorithm)
    if algorithm is None or unit.kind not in LAMBDA_MODEL_UNITS:
        return None
    why = (f"model.algorithm {algorithm.id} is a SageMaker built-in algorithm ({algorithm.name}): its container "
           "runs only in SageMaker training, hosting and batch transform, serving SageMaker's /invocations "
           "contract, not the Lambda runtime API a function's image must implement "
           "(lambda/latest/dg/images-create.html); a function can still call the SageMaker endpoint "
           "(InvokeEndpoint). If the model is your own code in a framework, set model.algorithm to it")
    if algorithm.export is None:
        return (f"{why}. AWS documents no library that loads a {algorithm.name} model artifact outside its "
                "container, so Lambda cannot run this model", None)
    export = algorithm.export
    return (f"{why}. A function can load the model itself only through {export.library}, which loads the "
            f"artifact outside the container ({export.source})", f"load the model with {export.library}: {export.how}")


def streaming_seconds(payload_mb: float, rows: Mapping[str, tuple[str, str, float]]) -> float:
    """Seconds a streamed response of `payload_mb` takes at least: AWS streams the first part uncapped (the buffered
    limit, 6 MB) and the rest at most at the stream bandwidth (2 MBps), all within the invocation, so its Timeout
    must allow for it however fast the work is (configuration-response-streaming.html). 0 when the knowledge
    holds no bandwidth."""
    if "stream_bandwidth" not in rows or rows["stream_bandwidth"][2] <= 0:
        return 0.0
    uncapped = rows["payload_sync"][2] if "payload_sync" in rows else 0.0
    return max(0.0, payload_mb - uncapped) / rows["stream_bandwidth"][2]


def assess(w: Workload, knowledge: Knowledge, derived: Derived, units: list[str]) -> LambdaAssessment:
    """Check the unit of work against every Lambda limit the knowledge holds, in each execution mode."""
    rows = knowledge.lambda_limit_rows  # the limits the knowledge holds; one removed is simply not checked
    unit = unit_of_work(w, derived, units, rows["container_image"][2] if "container_image" in rows else math.inf)
    checks: list[LambdaCheck] = []
    memory_need, seconds, payload = unit.value("memory_mb"), unit.value("seconds"), unit.value("payload_mb")
    package, tmp = unit.value("package_mb"), unit.value("tmp_mb")
    rps = unit.value("requests_per_second")
    traffic = unit.traffic.said.split(" ")[0]
    sync = unit.invocation in ("sync", "stream")

    def managed(limit_id: str) -> LimitValue | None:
        return knowledge.lambda_limit(limit_id).managed_instances if limit_id in rows else None

    def top(limit_id: str) -> float:
        return rows[limit_id][2]

    def add(limit_id: str, need: float, blocking: bool = True, change: str | None = None, note: str | None = None,
            ok: bool | None = None, applies: bool = True, managed_max: float | None = None) -> None:
        row = rows.get(limit_id)
        if row is None:
            return
        name, unit_name, maximum = row
        shown = round(need, 3)
        fits = need <= maximum if ok is None else ok
        managed_ok = None if managed_max is None else need <= managed_max
        checks.append(LambdaCheck(limit_id, name, unit_name, float(shown), float(maximum),
                                  float(round(maximum - shown, 3)), fits, blocking, change, note, applies,
                                  None if managed_max is None else float(managed_max), managed_ok))

    memory = max(128.0, math.ceil(memory_need))
    lmi_memory = managed("memory")
    add("memory", memory, note=f"set MemorySize to {int(memory)} MB",
        managed_max=lmi_memory.max if lmi_memory and lmi_memory.max else None)
    lmi_timeout = managed("timeout")
    long_max = lmi_timeout.max if lmi_timeout and lmi_timeout.max and not sync else None
    add("timeout", seconds, managed_max=long_max if long_max else (top("timeout") if "timeout" in rows else None),
        note=None if sync or not long_max else
        f"Lambda Managed Instances run {unit.invocation} invocations up to {long_max:g} s")
    add("layers", unit.value("layers"), change="merge the layers, or ship a container image (PackageType Image), "
        "which carries its dependencies and takes no layers"
        if "layers" in rows and unit.value("layers") > top("layers") else None)
    zipped_ok = package <= top("package_unzipped") if "package_unzipped" in rows else True
    if not zipped_ok:  # informational: a .zip over the direct-upload size still deploys through S3
        zip_note: str | None = "does not apply: too large for a .zip, so it ships as a container image"
    elif "package_zipped" in rows and package > top("package_zipped"):
        zip_note = "upload the .zip through S3 (direct upload takes 50 MB)"
    else:
        zip_note = None
    image = not zipped_ok or unit.gpu  # a GPU function must be a container image (AcceleratorConfig)
    add("package_zipped", package, False, None, zip_note, True, applies=not image)
    image_ok = package <= top("container_image") if "container_image" in rows else True
    add("package_unzipped", package, change="ship as a container image (PackageType Image)"
        if image_ok and not zipped_ok else None, applies=not image or not zipped_ok)
    add("console_editor", package, False, None,
        "edit locally: the console editor shows packages up to 3 MB" if package > 3 and not image else None, True,
        applies=not image)
    add("container_image", package)
    tmp_default = (knowledge.lambda_limit("ephemeral_storage").today.default or 512) if "ephemeral_storage" in rows \
        else 512
    tmp_size = max(tmp_default, math.ceil(tmp))
    lmi_tmp = managed("ephemeral_storage")
    add("ephemeral_storage", tmp,
        change=(f"set EphemeralStorage.Size to {int(tmp_size)} MB"
                if tmp_default < tmp <= top("ephemeral_storage") else None),
        managed_max=(lmi_tmp.max if lmi_tmp and lmi_tmp.max and unit.gpu else top("ephemeral_storage"))
        if "ephemeral_storage" in rows else None)
    # A streamed invocation's payload is its response, which InvokeWithResponseStream lets grow to the streamed
    # limit (200 MB); the 6 MB synchronous limit is for buffered requests and responses.
    streamed = unit.invocation == "stream"
    add("payload_sync", payload, applies=sync and not streamed)
    add("payload_async", payload, blocking=not sync, applies=not sync)
    streamable = "payload_streamed" in rows and payload <= top("payload_streamed")
    add("payload_streamed", payload, applies=streamed,  # the note says which runtimes stream: a change for Python
        change=knowledge.lambda_limit("payload_streamed").note if streamed and streamable else None)
    stream_seconds = streaming_seconds(payload, rows) if streamed else 0.0

    durable = knowledge.lambda_limit("timeout").durable if "timeout" in rows else None
    durable_max = durable.max if durable is not None and durable.max else math.inf

    def timeout_within(ceiling: float) -> int:
        """The Timeout to set: three times the run (a streamed response's time included), at least 3 s."""
        return int(min(max(3, math.ceil(max(seconds, stream_seconds) * 3)), ceiling))

    if "stream_bandwidth" in rows:  # the response streams within one invocation, at most the timeout's maximum
        beyond = max(0.0, payload - (top("payload_sync") if "payload_sync" in rows else 0.0))
        longest = top("timeout") if "timeout" in rows else math.inf
        add("stream_bandwidth", beyond / longest, applies=streamed and beyond > 0,
            note=f"the {beyond:g} MB past the first {payload - beyond:g} MB stream in {stream_seconds:,.0f} s at "
                 f"{top('stream_bandwidth'):g} MB/s, so the invocation lasts at least that; Timeout allows for it"
            if streamed and beyond > 0 else None)
    environment_kb = unit.value("environment_kb")
    add("environment_variables", environment_kb,
        change="keep the configuration in Parameter Store, Secrets Manager or S3 and read it at start-up"
        if "environment_variables" in rows and environment_kb > top("environment_variables") else None)
    gpu_need = derived.model_memory_gb if unit.gpu else 0.0
    lmi_gpu_memory = managed("gpu_memory")
    gpu_memory_max = lmi_gpu_memory.max if lmi_gpu_memory and lmi_gpu_memory.max else 0
    gpu_memory_min = lmi_gpu_memory.min if lmi_gpu_memory and lmi_gpu_memory.min else 0
    add("gpu", 1 if unit.gpu else 0, managed_max=1 if "gpu" in rows and managed("gpu") else None)
    add("gpu_memory", gpu_need, False, None,
        f"standard Lambda has no GPU; Lambda Managed Instances give {gpu_memory_min:g}-"
        f"{gpu_memory_max:g} GiB a device (AcceleratorConfig)" if unit.gpu else None,
        not unit.gpu, applies=unit.gpu, managed_max=gpu_memory_max or None)
    concurrency = math.ceil(rps * seconds)
    if "account_concurrency" in rows:
        name, unit_name, _ = rows["account_concurrency"]
        quota = float(knowledge.lambda_limit("account_concurrency").today.default or top("account_concurrency"))
        fits = concurrency <= quota
        checks.append(LambdaCheck(
            "account_concurrency", name, unit_name, float(concurrency), quota, round(quota - concurrency, 3), fits,
            True,
            None if fits else f"request a concurrency quota above {concurrency} (Service Quotas)"))
    bursts = False  # spikes beyond the scaling rate: provisioned concurrency absorbs them
    if "burst_concurrency" in rows:
        name, unit_name, rate = rows["burst_concurrency"]
        spiky = traffic == "spiky"
        bursts = spiky and concurrency > rate
        checks.append(LambdaCheck("burst_concurrency", name, unit_name, float(concurrency), float(rate),
                                  float(round(rate - concurrency, 3)), not bursts, True,
                                  f"configure provisioned concurrency of {concurrency} for the spikes"
                                  if bursts else None,
                                  f"a spike from zero to {concurrency} takes {math.ceil(concurrency / rate) * 10} s "
                                  "to scale" if spiky else None, spiky))

    what = LAMBDA_UNITS[unit.kind]
    if w.lambda_ is not None and unit.kind != "function":  # a described function doing a stage's work
        what = f"{LAMBDA_UNITS['function']}, doing {what} (figures you did not state come from it)"
    reasons = [f"unit of work: {what}, invoked {_INVOKED[unit.invocation]}"]
    if unit.models is not None:
        reasons.append(_models_reason(w, unit))
    implied, assumed = unit.said("implied"), unit.said("assumed")
    if implied:
        reasons.append("implied by the stage: " + "; ".join(implied))
    if assumed:
        reasons.append("assumed (the workload's defaults, not stated): " + "; ".join(assumed))
    settings: dict[str, object] = {
        "MemorySize": int(memory),
        "Timeout": timeout_within(top("timeout")) if "timeout" in rows else 3,
        "EphemeralStorage.Size": int(tmp_size),
        "PackageType": "Image" if image and image_ok else "Zip",
    }
    container = builtin_container(w, knowledge, unit)
    exported: tuple[str, ...] = ()
    if container is not None:
        reasons.append(container[0])
        if container[1] is None:
            return LambdaAssessment("does_not_fit", None, tuple(checks), settings, unit, tuple(reasons), (),
                                    blocked=(BUILTIN_CONTAINER,))
        exported = (container[1],)
    blocking = [c for c in checks if c.applies and not c.ok and c.blocking and c.change is None]
    if not blocking:
        # the burst check's provisioned concurrency keeps the function warm too: said once
        warm = None if bursts else _kept_warm(w, knowledge, unit, concurrency, settings["PackageType"] == "Image",
                                              float(settings["EphemeralStorage.Size"]))  # type: ignore[arg-type]
        if warm:
            exported = (*exported, warm)
        provisioned = max(1, concurrency) if warm or bursts else 0
        verdict: Verdict = "fits_with_changes" if exported or any(c.change for c in checks if c.applies) \
            else "fits"
        if traffic == "steady" and concurrency >= 100:
            reasons.append(f"standard Lambda fits; at {concurrency} requests in flight of steady traffic, Lambda "
                           "Managed Instances (EC2 pricing, no cold starts) may cost less: compare before choosing")
        orchestration, weighed, durable_settings = weigh_workflow(w, seconds, durable_max)
        return LambdaAssessment(verdict, "standard", tuple(checks), {**settings, **durable_settings}, unit,
                                tuple(reasons + weighed), (), exported, orchestration=orchestration,
                                provisioned=provisioned)
    # standard Lambda falls short: can Lambda Managed Instances carry every limit it fails?
    needs, short = [], []
    for c in blocking:
        if c.managed_ok:
            needs.append(_NEED.get(c.limit, "{name}").format(need=c.need, name=c.name.lower(), unit=c.unit))
        else:
            short.append(c.name)
    if unit.gpu and gpu_need > gpu_memory_max:
        short.append(f"accelerator memory ({gpu_need:g} GiB on one device, at most {gpu_memory_max:g})")
    if traffic == "spiky":
        short.append("spiky traffic (Lambda Managed Instances scale on CPU use and may throttle traffic that more "
                     "than doubles within 5 minutes)")
    if short:
        reasons.append(f"standard Lambda: {', '.join(c.name for c in blocking)} beyond its limits; Lambda Managed "
                       f"Instances cannot help with {'; '.join(short)}")
        if "timeout" in {c.limit for c in blocking} and any(m.id == "durable" for m in knowledge.lambda_modes):
            reasons.append("durable functions (DurableConfig) do not lengthen one invocation; they fit only if the "
                           "work splits into checkpointed steps, each within the timeout")
        return LambdaAssessment("does_not_fit", None, tuple(checks), settings, unit, tuple(reasons), ())
    reasons.append(f"standard Lambda: {', '.join(c.name for c in blocking)} beyond its limits; Lambda Managed "
                   f"Instances carry it ({', '.join(needs)}), billed at EC2 rates for at least three instances "
                   "(one execution environment serves several requests: the handler must be thread-safe)")
    if traffic == "sporadic":
        reasons.append("sporadic traffic: the managed instances keep running between requests, so idle hours are "
                       "paid for; SageMaker Serverless Inference scales to zero")
    checks = [_managed_concurrency(c, knowledge) for c in checks]
    settings["Timeout"] = timeout_within(long_max or top("timeout"))
    settings["CapacityProviderConfig.LambdaManagedInstancesCapacityProviderConfig.CapacityProviderArn"] = \
        "<<capacity_provider_arn>>"
    if unit.gpu:
        sizes = lmi_gpu_memory.values if lmi_gpu_memory else ()  # AcceleratorMemorySize's valid values
        settings["AcceleratorConfig.AcceleratorMemorySize"] = int(next(
            (size for size in sizes if size >= gpu_need), gpu_memory_max))
        settings["Architectures"] = ["x86_64"]
        settings["PackageType"] = "Image"
    orchestration, weighed, durable_settings = weigh_workflow(w, seconds, durable_max)
    settings.update(durable_settings)
    to_managed = ("run on Lambda Managed Instances: a capacity provider (CreateCapacityProvider) named in "
                  "CapacityProviderConfig" + (f", with AcceleratorConfig.AcceleratorMemorySize "
                                              f"{settings['AcceleratorConfig.AcceleratorMemorySize']} GiB"
                                              if unit.gpu else ""))
    return LambdaAssessment("fits_with_changes", "managed_instances", tuple(checks), settings, unit,
                            tuple(reasons + weighed), tuple(needs), orchestration=orchestration,
                            mode_changes=(*exported, to_managed))


def _managed_concurrency(check: LambdaCheck, knowledge: Knowledge) -> LambdaCheck:
    """The account-concurrency check as it reads on Lambda Managed Instances: Lambda's concurrent-executions quota
    is not what bounds them (their quotas are separate; one execution environment serves several requests at once),
    so a need beyond it asks for the environments and EC2 capacity the knowledge names instead of a Lambda quota
    increase. Other checks pass unchanged."""
    if check.limit != "account_concurrency" or check.ok:
        return check
    managed = knowledge.lambda_limit("account_concurrency").managed_instances
    if managed is None or managed.text is None:
        return check
    return check._replace(change=f"{check.need:,.0f} requests in flight on Lambda Managed Instances: {managed.text}; "
                                 "set PerExecutionEnvironmentMaxConcurrency and MaxExecutionEnvironments for the peak "
                                 "and check the EC2 vCPU quota", managed_max=managed.max,
                          managed_ok=managed.max is None or check.need <= managed.max)


def _kept_warm(w: Workload, knowledge: Knowledge, unit: Unit, concurrency: int, image: bool,
               tmp_mb: float) -> str | None:
    """The change standard Lambda needs when its synchronous callers cannot wait for a cold start (inference.
    cold_starts_ok stated false): standard Lambda starts a new execution environment, loading the model, after idle
    time and beyond the environments already warm, so AWS's answer for strict start-up latency is provisioned
    concurrency; SnapStart is said beside it with what it cannot do, or why it cannot serve this function (the
    knowledge's `snapstart` feature: its runtimes, package types, /tmp and regions). None when a caller does not wait
    (asynchronous, event-source or batch invocations) or when cold starts are acceptable; not asked when the burst
    check already asks for provisioned concurrency (assess)."""
    if w.inference.cold_starts_ok or unit.invocation not in ("sync", "stream"):
        return None
    snapstart = ""
    feature = knowledge.lambda_feature("snapstart")
    if feature is not None:
        why_not = feature.unavailable(w.region, "Image" if image else "Zip", tmp_mb)
        snapstart = f"; {why_not}" if why_not else f"; {feature.said}"
    return (f"configure provisioned concurrency of {max(1, concurrency)} on an alias (PutProvisionedConcurrencyConfig"
            ".ProvisionedConcurrentExecutions; billed while configured): inference.cold_starts_ok is false, and "
            "standard Lambda starts a new execution environment, loading the model, after idle time or beyond the "
            f"warm ones{snapstart}")


def _models_reason(w: Workload, unit: Unit) -> str:
    """What serving several models from one function means: memory for the models held, where the artifacts
    live, and the cold loads a multi-model endpoint would pay once per instance paid here per execution
    environment."""
    inf = w.inference
    if inf.serial:
        return (f"several models: each request runs the {inf.models} steps of the serial chain in one invocation, "
                "so the function's memory and package hold every step's model, and its cold start loads them all")
    if unit.figures["package_mb"].said.startswith("every model"):
        where = ("every artifact ships in the package (a container image holds them), so a model is read from the "
                 "image on its first request in an execution environment")
    elif unit.figures["tmp_mb"].said.endswith("model.size_mb each"):
        where = (f"the {inf.models} artifacts ({inf.models * w.model.size_mb:,.6g} MB) do not fit a container "
                 "image (10,240 MB), so the function reads each from S3 into /tmp on its first request in an "
                 "execution environment (EphemeralStorage up to 10,240 MB; Amazon EFS, FileSystemConfigs, for a "
                 "larger model store)")
    else:
        where = ("state model.size_mb to size them: the artifacts ship in the package while they fit a container "
                 "image (10,240 MB), else the function reads each from S3 into /tmp on its first use")
    return (f"several models (inference.models {inf.models}): Lambda runs each request in an execution environment "
            "that serves one request at a time and keeps what it loaded, so every environment holds the models in "
            f"use itself, {unit.models}; {where}. That is a cold load per model and per environment, "
            "where a multi-model endpoint pays it once per instance, and provisioned concurrency keeps "
            "environments warm, not the models in them; requests for a rarely used model mostly pay it")


ML_MARKUP_CPU = 1.20
"""SageMaker's ml.* price over EC2's for CPU types, measured on every real us-east-1 row (pricing_data/SOURCES.md):
what turns a snapshot's ml.* price back into the EC2 price Lambda Managed Instances bill."""
ML_MARKUP_GPU = {"xlarge": 1.40, "larger": 1.25}
"""The same markup for g4dn, g5 and g6: 1.40 at xlarge, 1.25 above (pricing_data/SOURCES.md)."""


MANAGED_GIB_PER_VCPU = 2.0
MANAGED_VCPU_DOC = ("docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-core-concepts.html (each execution "
                    "environment handles several invocations at once; scaling on CPU utilisation only); "
                    "lambda-managed-instances-best-practices.html (the smallest function 2 GB and 1 vCPU)")
"""An execution environment on Lambda Managed Instances has a vCPU per 2 GiB of its memory (the smallest function,
2 GB and 1 vCPU; CapacityProviderConfig ExecutionEnvironmentMemoryGiBPerVCpu 2-8) and serves several invocations at
once; compute-bound work keeps one vCPU busy per invocation in flight."""


class ManagedShape(NamedTuple):
    """The instances Lambda Managed Instances would run the work on, and why that many, in words for the note."""

    instance_type: str
    instances: int
    markup: float
    why: str
    """Why that many, in words: what each invocation in flight keeps busy, with AWS's page where it says so."""


def managed_instances_shape(assessment: LambdaAssessment, knowledge: Knowledge,
                            hosting_prices: Mapping[str, Any]) -> ManagedShape | None:
    """The EC2 type and count Lambda Managed Instances would run the work on, for a cost estimate, and the markup
    that turns its ml.* price into EC2's: the cheapest current M type (G with a GPU) whose memory (each device's
    memory) holds one execution environment, enough of them for the invocations in flight: a vCPU for each (work
    that computes), and memory for the environments that serve them, each several at once (multi-concurrency,
    MANAGED_GIB_PER_VCPU), not one environment per invocation."""
    unit, settings = assessment.unit, assessment.settings
    memory_gib = float(settings["MemorySize"]) / 1024  # type: ignore[arg-type]
    in_flight = max(1, math.ceil(unit.value("requests_per_second") * unit.value("seconds")))
    # An execution environment serves several invocations at once (multi-concurrency), as many as its vCPUs keep
    # busy for compute-bound work: Lambda scales Managed Instances on CPU use only (MANAGED_VCPU_DOC).
    per_environment = max(1, math.floor(memory_gib / MANAGED_GIB_PER_VCPU))
    environments = math.ceil(in_flight / per_environment)
    accelerator_size = settings.get("AcceleratorConfig.AcceleratorMemorySize")
    device_gib = float(accelerator_size) if isinstance(accelerator_size, (int, float)) else 0.0
    if device_gib:  # counted below a GPU per invocation in flight: no vCPU or memory sharing to speak of
        why = (f"a GPU busy for each, each GPU with the function's {device_gib:g} GiB of accelerator memory "
               "(AcceleratorConfig)")
    else:
        why = (f"a vCPU busy for each, and execution environments of {settings['MemorySize']} MB that each serve "
               f"several at once, one per {MANAGED_GIB_PER_VCPU:g} GiB vCPU (multi-concurrency; AWS: "
               f"{MANAGED_VCPU_DOC})")
    best: tuple[float, str, int, float] | None = None
    for t in knowledge.types_of("g" if device_gib else "m"):
        if t.status != "current" or "hosting" not in t.stages:
            continue
        price = hosting_prices.get(t.name)
        if price is None or not isinstance(price.usd_per_hour, float):
            continue
        if device_gib:
            if t.accelerator is None or t.accelerator.memory_gib / t.accelerator.count < device_gib:
                continue
            count = math.ceil(in_flight / t.accelerator.count)
            markup = ML_MARKUP_GPU["xlarge" if t.name.endswith(".xlarge") else "larger"]
        else:
            if t.memory_gib < memory_gib:
                continue
            count = max(math.ceil(environments * memory_gib / t.memory_gib), math.ceil(in_flight / t.vcpu))
            markup = ML_MARKUP_CPU
        total = price.usd_per_hour * count
        if best is None or (total, t.memory_gib) < (best[0], 0):
            best = (total, t.name, count, markup)
    return None if best is None else ManagedShape(best[1], best[2], best[3], why)


_INVOKED = {"sync": "synchronously", "async": "asynchronously", "event_source": "by an event source mapping",
            "stream": "with a streamed response"}
_NEED = {"memory": "{need:,g} MB of memory", "timeout": "{need:,g} s a run", "gpu": "a GPU",
         "ephemeral_storage": "{need:,g} MB of /tmp"}
_LABELS = {"memory_mb": ("memory", " MB"), "seconds": ("run time", " s"), "payload_mb": ("payload", " MB"),
           "package_mb": ("package", " MB"), "tmp_mb": ("/tmp", " MB"), "layers": ("layers", ""),
           "environment_kb": ("environment variables", " KB"), "requests_per_second": ("rate", " invocations/s")}
_NONE_IS_NOTHING = ("tmp_mb", "layers", "environment_kb")
