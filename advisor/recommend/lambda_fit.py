"""Does one unit of work fit AWS Lambda? Every limit in the knowledge, need against limit, with what to change.

The figures come from rules/knowledge/lambda_limits.yaml (today's values, never the book's): when AWS moves a
limit, the YAML changes and this verdict follows. What is computed here is arithmetic; where the work goes
when it does not fit is a YAML decision (rules/decisions/lambda.yaml).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from advisor.knowledge.models import Knowledge
from advisor.recommend.models import LambdaCheck
from advisor.workload import Workload

Verdict = Literal["fits", "fits_with_changes", "does_not_fit"]

@dataclass(frozen=True, slots=True)
class LambdaAssessment:
    verdict: Verdict
    checks: tuple[LambdaCheck, ...]
    settings: dict[str, object]

    @property
    def failed(self) -> list[str]:
        return [c.limit for c in self.checks if not c.ok and c.blocking and c.change is None]

    @property
    def changes(self) -> list[str]:
        return [c.change for c in self.checks if c.change]


def assess(w: Workload, knowledge: Knowledge) -> LambdaAssessment:
    """Check the workload's unit of work against every Lambda limit the knowledge holds."""
    inf = w.inference
    rows = knowledge.lambda_limit_rows  # the limits the knowledge holds; one removed is simply not checked
    checks: list[LambdaCheck] = []

    def top(limit_id: str) -> float:
        return rows[limit_id][2]

    def add(limit_id: str, need: float, blocking: bool = True, change: str | None = None, note: str | None = None,
            ok: bool | None = None) -> None:
        row = rows.get(limit_id)
        if row is None:
            return
        name, unit, maximum = row
        shown = round(need, 3)
        checks.append(LambdaCheck(limit_id, name, unit, shown, maximum, round(maximum - shown, 3),
                                  need <= maximum if ok is None else ok, blocking, change, note))

    memory = max(128.0, math.ceil(inf.memory_mb))
    add("memory", memory, note=f"set MemorySize to {int(memory)} MB")
    timeout = min(max(3, math.ceil(inf.seconds_per_request * 3)), top("timeout")) if "timeout" in rows else 3
    add("timeout", inf.seconds_per_request, note=f"set Timeout to {int(timeout)} s (3x one unit of work)")
    add("layers", inf.layers)
    zipped_ok = inf.package_mb <= top("package_unzipped") if "package_unzipped" in rows else True
    # Informational: a .zip over the direct-upload size still deploys through S3.
    if not zipped_ok:
        zip_note: str | None = "does not apply: too large for a .zip, so it ships as a container image"
    elif "package_zipped" in rows and inf.package_mb > top("package_zipped"):
        zip_note = "upload the .zip through S3 (direct upload takes 50 MB)"
    else:
        zip_note = None
    add("package_zipped", inf.package_mb, False, None, zip_note, True)
    image_ok = inf.package_mb <= top("container_image") if "container_image" in rows else True
    add("package_unzipped", inf.package_mb,
        change="ship as a container image (PackageType Image)" if image_ok and not zipped_ok else None)
    add("console_editor", inf.package_mb, False, None,
        "edit locally: the console editor shows packages up to 3 MB" if inf.package_mb > 3 else None, True)
    add("container_image", inf.package_mb)
    tmp_default = (knowledge.lambda_limit("ephemeral_storage").today.default or 512) if "ephemeral_storage" in rows \
        else 512
    tmp_size = max(tmp_default, math.ceil(inf.tmp_mb))
    add("ephemeral_storage", inf.tmp_mb,
        change=(f"set EphemeralStorage.Size to {int(tmp_size)} MB"
                if tmp_default < inf.tmp_mb <= top("ephemeral_storage") else None))
    add("payload_sync", inf.payload_mb)
    add("payload_async", inf.payload_mb, False, None,
        "invoke synchronously: asynchronous invocations take at most 1 MB"
        if "payload_async" in rows and inf.payload_mb > top("payload_async") else None)
    add("payload_streamed", inf.payload_mb, False)
    add("environment_variables", inf.environment_kb)
    add("gpu", 1 if inf.gpu == "required" else 0)
    add("gpu_memory", 0, False, None,  # informational: the gpu row above already decides
        "standard Lambda has no GPU; Lambda Managed Instances give 3-48 GiB per device (AcceleratorConfig)"
        if inf.gpu == "required" else None, inf.gpu != "required")
    concurrency = math.ceil(inf.requests_per_second * inf.seconds_per_request)
    if "account_concurrency" in rows:
        name, unit, _ = rows["account_concurrency"]
        quota = float(knowledge.lambda_limit("account_concurrency").today.default or top("account_concurrency"))
        fits = concurrency <= quota
        checks.append(LambdaCheck(
            "account_concurrency", name, unit, concurrency, quota, round(quota - concurrency, 3), fits, True,
            None if fits else f"request a concurrency quota above {concurrency} (Service Quotas)"))
    if "burst_concurrency" in rows:
        name, unit, rate = rows["burst_concurrency"]
        spiky = inf.traffic == "spiky"
        checks.append(LambdaCheck("burst_concurrency", name, unit, concurrency, rate, round(rate - concurrency, 3),
                                  not spiky or concurrency <= rate, True,
                                  f"configure provisioned concurrency of {concurrency} for the spikes"
                                  if spiky and concurrency > rate else None,
                                  f"a spike from zero to {concurrency} takes {math.ceil(concurrency / rate) * 10} s "
                                  "to scale" if spiky else None))

    verdict: Verdict = "fits"
    for c in checks:
        if not c.ok and c.blocking and c.change is None:
            verdict = "does_not_fit"
            break
        if c.change:
            verdict = "fits_with_changes"
    settings: dict[str, object] = {
        "MemorySize": int(memory),
        "Timeout": int(timeout),
        "EphemeralStorage.Size": int(tmp_size),
        "PackageType": "Image" if (not zipped_ok and image_ok) else "Zip",
    }
    return LambdaAssessment(verdict, tuple(checks), settings)
