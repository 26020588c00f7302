"""A runnable boto3 script from a RequestSet: placeholders gathered at the top as constants, then the requests
in the order they must be sent, waiting where a request needs the output of an earlier job.

The script refuses to send anything while a placeholder still holds `<<name>>`, so running it unfilled is safe.
"""

from __future__ import annotations

import json
import re
import textwrap
from typing import TYPE_CHECKING, Any

from advisor.__about__ import __version__
from advisor.builders.common import STATE_MACHINE, TOKEN, value_at

if TYPE_CHECKING:
    from advisor.builders.request_set import RequestSet

#: boto3 client per botocore service, as the script names them.
CLIENTS = {"sagemaker": "sagemaker", "lambda": "lambda_client", "stepfunctions": "stepfunctions",
           "application-autoscaling": "autoscaling"}
#: Jobs whose output a later request may read: operation -> (where it writes, waiter, describe call, name key,
#: status key). The script waits for one only when a later request in the set reads what it writes.
WAITS = {
    "CreateProcessingJob": ("ProcessingOutputConfig.Outputs[].S3Output.S3Uri", "processing_job_completed_or_stopped",
                            "describe_processing_job", "ProcessingJobName", "ProcessingJobStatus"),
    "CreateTrainingJob": ("OutputDataConfig.S3OutputPath", "training_job_completed_or_stopped",
                          "describe_training_job", "TrainingJobName", "TrainingJobStatus"),
}

_HELPERS = r'''

def unfilled() -> list[str]:
    """The placeholders that still hold <<name>>."""
    return [name for name, value in PLACEHOLDERS.items() if re.search(r"<<[a-z][a-z0-9_]*>>", json.dumps(value))]


def send(operation: str, call, params: dict) -> None:
    """Send one request and print what it created; stop at the first refusal (what came before stays)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        response = call(**params)
    except (BotoCoreError, ClientError) as exc:
        raise SystemExit(f"{operation} failed: {exc}\nthe requests before it were sent") from None
    arn = next((str(v) for k, v in response.items() if k.lower().endswith("arn")), "done")
    print(f"{operation}: {arn}", flush=True)


def wait_for(client, waiter: str, describe: str, key: str, name: str, status_key: str, seconds: int) -> None:
    """Block until the job ends; stop the script unless it Completed (later requests read its output)."""
    print(f"waiting for {name} to finish (at most {seconds / 3600:.1f} h) ...", flush=True)
    try:
        client.get_waiter(waiter).wait(**{key: name}, WaiterConfig={"Delay": 60, "MaxAttempts": seconds // 60 + 10})
    except Exception as exc:  # botocore WaiterError: the job failed or the wait ran out
        raise SystemExit(f"{name}: {exc}; nothing that depends on it was created") from None
    status = getattr(client, describe)(**{key: name})[status_key]
    if status != "Completed":
        raise SystemExit(f"{name} ended {status}; nothing that depends on it was created")
'''


def constant(name: str) -> str:
    """The script's constant for a placeholder or an operation: CreateTrainingJob -> CREATE_TRAINING_JOB."""
    if name == STATE_MACHINE:
        return "STATE_MACHINE_DEFINITION"
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


def method(operation: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", operation).lower()


class _Renderer:
    """Python source for request values, with placeholders replaced by their constants."""

    def __init__(self, request_set: RequestSet) -> None:
        self.forms: dict[str, str] = {}
        for params in request_set.requests.values():
            self._find_forms(params)
        asl = request_set.requests.get(STATE_MACHINE)
        self.definition = json.dumps(asl, indent=2) if asl is not None else None

    def _find_forms(self, value: Any) -> None:
        whole = self._whole(value)
        if whole is not None:
            name, form = whole
            if form != "string" or name not in self.forms:
                self.forms[name] = form
        elif isinstance(value, dict):
            for item in value.values():
                self._find_forms(item)
        elif isinstance(value, list):
            for item in value:
                self._find_forms(item)
        elif isinstance(value, str):
            for name in TOKEN.findall(value):
                self.forms.setdefault(name, "string")

    @staticmethod
    def _whole(value: Any) -> tuple[str, str] | None:
        """(name, form) when `value` is exactly a placeholder: "<<n>>", ["<<n>>"] or {"<<n>>": "<<n>>"}."""
        if isinstance(value, str) and (m := TOKEN.fullmatch(value)):
            return m.group(1), "string"
        if (isinstance(value, list) and len(value) == 1 and isinstance(value[0], str)
                and (m := TOKEN.fullmatch(value[0]))):
            return m.group(1), "list"
        if isinstance(value, dict) and len(value) == 1:
            key, item = next(iter(value.items()))
            if (m := TOKEN.fullmatch(key)) and item == key:
                return m.group(1), "map"
        return None

    def initial(self, name: str) -> str:
        token = f"<<{name}>>"
        return {"list": f"[{json.dumps(token)}]", "map": f"{{{json.dumps(token)}: {json.dumps(token)}}}"}.get(
            self.forms[name], json.dumps(token))

    def value(self, value: Any, depth: int = 0) -> str:
        whole = self._whole(value)
        if whole is not None:
            name, form = whole
            return constant(name) if form == self.forms[name] else f"{constant(name)}[0]"
        pad, inner = "    " * depth, "    " * (depth + 1)
        if isinstance(value, dict):
            if not value:
                return "{}"
            items = [f"{inner}{self.value(k)}: {self.value(v, depth + 1)}," for k, v in value.items()]
            return "{\n" + "\n".join(items) + f"\n{pad}}}"
        if isinstance(value, list):
            if not value:
                return "[]"
            return "[\n" + "\n".join(f"{inner}{self.value(v, depth + 1)}," for v in value) + f"\n{pad}]"
        if isinstance(value, str):
            if self.definition is not None and value == self.definition:
                return "json.dumps(STATE_MACHINE_DEFINITION, indent=2)"
            parts = TOKEN.split(value)
            if len(parts) == 1:
                return json.dumps(value)
            text = "".join(json.dumps(p)[1:-1].replace("{", "{{").replace("}", "}}") if i % 2 == 0
                           else "{" + constant(p) + "}" for i, p in enumerate(parts))
            return f'f"{text}"'
        return repr(value)


def to_script(request_set: RequestSet) -> str:
    """The runnable script's source."""
    r = _Renderer(request_set)
    requests = request_set.requests
    lines = [
        "#!/usr/bin/env python3",
        f'"""Create what sagemaker-advisor recommends for the workload {request_set.workload} '
        f"in {request_set.region}.",
        "",
        f"Generated by `advisor requests --format python` (sagemaker-advisor {__version__}). Fill in every",
        "placeholder below, review the requests, then run this file. It sends nothing while a placeholder",
        "still holds <<name>>. What it creates is billed until you delete it (notebooks and endpoints run by",
        "the hour).",
    ]
    if request_set.notes:
        lines += ["", "Notes from the advisor:"]
        lines += [line for n in request_set.notes for line in textwrap.wrap(n, 110, initial_indent="- ",
                                                                             subsequent_indent="  ")]
    lines += ['"""', "", "from __future__ import annotations", "", "import json", "import re", "import sys", "",
              "import boto3", "", f"REGION = {json.dumps(request_set.region)}", "",
              "# ---- placeholders: fill these in " + "-" * 70]
    for p in request_set.placeholders:
        controls = f" (controls {', '.join(p.controls)})" if p.controls else ""
        lines += textwrap.wrap(p.description, 110, initial_indent="# ", subsequent_indent="# ")
        lines += textwrap.wrap(f"used in {', '.join(p.used_in)}{controls}", 110, initial_indent="# ",
                               subsequent_indent="#   ", break_on_hyphens=False)
        lines.append(f"{constant(p.name)} = {r.initial(p.name)}")
    lines += ["", "# ---- the requests " + "-" * 85]
    for operation, params in requests.items():
        lines.append(f"{constant(operation)} = {r.value(params)}")
        lines.append("")
    lines.append("PLACEHOLDERS = {" + ", ".join(f"{json.dumps(constant(p.name))}: {constant(p.name)}"
                                              for p in request_set.placeholders) + "}")
    lines.append(_HELPERS)
    lines += ["", "def main() -> int:", "    missing = unfilled()", "    if missing:",
              '        print("fill in these placeholders at the top of this script first: " + ", ".join(missing),',
              "              file=sys.stderr)", "        return 2"]
    services = sorted({s for op in requests if (s := request_set.service_of(op))})
    lines += [f"    {CLIENTS[s]} = boto3.client({json.dumps(s)}, region_name=REGION)" for s in services]
    pending: list[str] = []  # jobs sent whose output a later request may read
    for operation in requests:
        service = request_set.service_of(operation)
        if service is None:
            continue
        for job in [j for j in pending if _reads(operation, j, requests)]:
            lines.append(_wait_line(job, requests[job]))
            pending.remove(job)
        if operation == "RegisterScalableTarget" and "CreateEndpoint" in requests:  # scaling needs it InService
            lines.append('    print("waiting for the endpoint to be InService ...", flush=True)')
            lines.append('    sagemaker.get_waiter("endpoint_in_service").wait('
                         f'EndpointName={constant("CreateEndpoint")}["EndpointName"])')
        call = f"{CLIENTS[service]}.{method(operation)}"
        lines.append(f"    send({json.dumps(operation)}, {call}, {constant(operation)})")
        if operation in WAITS:
            pending.append(operation)
    lines += ["    return 0", "", "", 'if __name__ == "__main__":', "    sys.exit(main())", ""]
    return "\n".join(lines)


def _reads(operation: str, job: str, requests: dict[str, dict[str, Any]]) -> bool:
    """Does `operation`'s request read what `job` writes?"""
    text = json.dumps(requests[operation])
    return any(out in text for out in value_at(requests[job], WAITS[job][0]))


def _wait_line(job: str, params: dict[str, Any]) -> str:
    _, waiter, describe, key, status_key = WAITS[job]
    stopping = params["StoppingCondition"]
    seconds = stopping.get("MaxWaitTimeInSeconds", stopping["MaxRuntimeInSeconds"])
    return (f"    wait_for(sagemaker, {json.dumps(waiter)}, {json.dumps(describe)}, {json.dumps(key)},\n"
            f"             {constant(job)}[{json.dumps(key)}], {json.dumps(status_key)}, {seconds})")
