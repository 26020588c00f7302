"""The requests that carry out a recommendation: which operations it covers, and the set built from it."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from advisor import stages as stage_registry
from advisor.base import Frozen
from advisor.builders import lambda_, sagemaker, stepfunctions
from advisor.builders.common import Context, Operation, RequestOptions, placeholders_in
from advisor.builders.script import to_script
from advisor.errors import UsageError
from advisor.render import to_json, to_yaml, unknown_format

if TYPE_CHECKING:
    from advisor.knowledge.models import Knowledge
    from advisor.recommend.models import Recommendation
    from advisor.workload import Workload

#: Every operation, in the order a user would send them (the python script's order): each builder module lists
#: its own, beside the functions that build them.
OPERATIONS: tuple[Operation, ...] = (*sagemaker.OPERATIONS, *lambda_.OPERATIONS, *stepfunctions.OPERATIONS)
BY_NAME = {op.name: op for op in OPERATIONS}

#: Options that act on one request's instances, so a note can say when no stage had that request: (RequestOptions
#: field, CLI flag, the operation that reads it). The stages are those whose instances the operation carries.
_OPTION_OPERATIONS = (("lifecycle_config", "--lifecycle-config", "CreateNotebookInstance"),
                      ("git_repo", "--git-repo", "CreateNotebookInstance"),
                      ("canary_percent", "--canary", "CreateEndpointConfig"),  # a variant of instances: not serverless
                      ("input_filter", "--input-filter", "CreateTransformJob"),
                      ("join_source", "--join-source", "CreateTransformJob"),
                      ("output_filter", "--output-filter", "CreateTransformJob"))


def _option_stages() -> list[tuple[str, str, tuple[str, ...]]]:
    """(option, flag, the stages it acts on), from the registry: the stages whose instance_operation reads it."""
    return [(attr, flag, tuple(s.id for s in stage_registry.stages() if s.instance_operation == operation))
            for attr, flag, operation in _OPTION_OPERATIONS]


class Placeholder(Frozen):
    name: str
    description: str
    used_in: tuple[str, ...]
    controls: tuple[str, ...] = ()


class RequestSet(Frozen):
    """boto3 request parameters keyed by operation name, with the placeholders the user must fill in."""

    workload: str
    region: str
    requests: dict[str, dict[str, Any]]
    placeholders: tuple[Placeholder, ...]
    notes: tuple[str, ...] = ()

    @staticmethod
    def service_of(operation: str) -> str | None:
        return BY_NAME[operation].service

    def as_data(self) -> dict[str, Any]:
        """The JSON/YAML contract: one key per operation, then `placeholders` and `notes`."""
        return {**self.requests, "placeholders": [p.model_dump() for p in self.placeholders],
                "notes": list(self.notes)}


def missing_because(op: Operation, rec: Recommendation, options: RequestOptions) -> str | None:
    """Why the recommendation does not cover `op`, in plain words; None when it does."""
    if op.stages and not any(s in rec.instances for s in op.stages):
        return f"the recommendation has no {' or '.join(op.stages)} stage, so there is no {op.name}"
    if op.needs_lambda and rec.lambda_ is None:
        return (f"the workload has no unit of work for Lambda (no inference or processing stage, no `lambda` "
                f"section; `advisor explain --decision lambda.check`), so there is no {op.name}")
    if op.needs_lambda and rec.lambda_ is not None and rec.lambda_.verdict == "does_not_fit":
        failed = [c.name for c in rec.lambda_.checks if c.blocking and not c.ok]
        why = f" ({', '.join(failed)} beyond the limit)" if failed else ""
        return f"the Lambda verdict is does_not_fit{why}, so there is no {op.name}"
    if op.setting and not any(op.setting in rec.instances[s].settings for s in op.stages if s in rec.instances):
        return (f"{op.name} is built only when the real-time endpoint's models are inference components "
                "(several models: `advisor explain --decision realtime.hosting`)")
    if op.option and getattr(options, op.option) is None:
        return f"{op.name} is built only when you ask for it ({op.flag})"
    return None


def covered_operations(rec: Recommendation, options: RequestOptions | None = None) -> list[str]:
    chosen = options or RequestOptions()
    return [op.name for op in OPERATIONS if missing_because(op, rec, chosen) is None]


def build_requests(recommendation: Recommendation, workload: Workload, only: str | None = None, *,
                   lifecycle_config: str | None = None, git_repo: str | None = None,
                   canary_percent: int | None = None, input_filter: str | None = None,
                   join_source: str | None = None, output_filter: str | None = None,
                   knowledge: Knowledge | None = None) -> RequestSet:
    """The AWS requests that carry out `recommendation` (or only the operation `only`); `knowledge`: the one the
    recommendation was made with (loaded when a request needs it and it is not given).

    Raises UsageError when `only` is not an operation, or one the recommendation does not cover, and when an
    option is not something AWS would accept.
    """
    options = RequestOptions(lifecycle_config=lifecycle_config, git_repo=git_repo, canary_percent=canary_percent,
                             input_filter=input_filter, join_source=join_source, output_filter=output_filter)
    options.check()
    covered = covered_operations(recommendation, options)
    if only is not None:
        if only not in BY_NAME:
            close = difflib.get_close_matches(only, list(BY_NAME), n=1)
            raise UsageError(f"no operation {only!r}" + (f" (did you mean {close[0]!r}?)" if close else ""),
                             hint=f"this recommendation covers {', '.join(covered) or 'no operation'}")
        reason = missing_because(BY_NAME[only], recommendation, options)
        if reason is not None:
            raise UsageError(reason, hint=f"this recommendation covers {', '.join(covered) or 'no operation'}")
    wanted = [only] if only is not None else covered
    endpoints = [s for s in sagemaker.ENDPOINT_STAGES if s in recommendation.instances]
    if len(endpoints) > 1 and any(name in wanted for name in ("CreateEndpointConfig", "CreateEndpoint")):
        raise UsageError(f"the recommendation has {' and '.join(endpoints)}: each is its own endpoint, and one set "
                         "of requests creates one", hint=f"ask for one of them, e.g. --stage {endpoints[-1]}")
    ctx = Context(recommendation, workload, options, given_knowledge=knowledge)
    for attr, flag, stages in _option_stages():
        if getattr(options, attr) is not None and not any(s in recommendation.instances for s in stages):
            ctx.notes.append(f"{flag} has no effect: the recommendation has no {' or '.join(stages)} stage")
    requests = {name: BY_NAME[name].build(ctx) for name in wanted}
    return RequestSet(workload=workload.name, region=recommendation.region, requests=requests,
                      placeholders=_placeholders(ctx, requests), notes=tuple(dict.fromkeys(ctx.notes)))


def render_requests(request_set: RequestSet, fmt: str) -> str:
    """A request set in one of the formats advisor.render.FORMAT_TABLE lists for requests."""
    if fmt == "python":
        return to_script(request_set)
    if fmt == "json":
        return to_json(request_set.as_data())
    if fmt == "yaml":
        return to_yaml(request_set.as_data())
    raise unknown_format(fmt, "requests")


def _placeholders(ctx: Context, requests: dict[str, dict[str, Any]]) -> tuple[Placeholder, ...]:
    """Every placeholder the requests use, found in them, with where it is used."""
    used: dict[str, list[str]] = {}
    for operation, params in requests.items():
        for name, path in placeholders_in(params, ""):
            place = f"{operation}.{path}"
            if place not in used.setdefault(name, []):
                used[name].append(place)
    out = []
    for name, places in used.items():
        description, controls = ctx.describe(name)
        out.append(Placeholder(name=name, description=description, used_in=tuple(places), controls=controls))
    return tuple(out)
