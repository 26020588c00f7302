"""Proof that the generated requests would be accepted, without a network or credentials.

SageMaker, Lambda and Step Functions requests go through botocore's own ParamValidator against the installed
service model (the same check boto3 runs before sending), plus the enum check ParamValidator leaves out, so a
misspelt "Disabled" is caught here rather than by AWS. The state machine definition is checked for structure:
StartAt exists, every Next exists, every state is reachable, and every path ends.
"""

from __future__ import annotations

from typing import Any

from advisor.errors import InvalidGeneratedRequest
from advisor.knowledge.botocore_fields import service_model

#: Amazon States Language state types, and those that end an execution.
STATE_TYPES = frozenset({"Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"})
TERMINAL_TYPES = frozenset({"Succeed", "Fail"})


def shape_problems(value: Any, shape: Any) -> list[str]:
    """What botocore's ParamValidator (and an enum check) finds wrong with `value` for a botocore shape."""
    # deferred: botocore's service models load only when a request is validated
    from botocore.validate import ParamValidator

    report = ParamValidator().validate(value, shape)
    problems = [line for line in report.generate_report().splitlines() if line.strip()] if report.has_errors() else []
    problems += _enum_problems(value, shape, "")
    return problems


def _enum_problems(value: Any, shape: Any, path: str) -> list[str]:
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return [p for key, item in value.items() if key in shape.members
                for p in _enum_problems(item, shape.members[key], f"{path}.{key}" if path else key)]
    if kind == "list" and isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _enum_problems(item, shape.member, f"{path}[{i}]")]
    if kind == "map" and isinstance(value, dict):
        return [p for key, item in value.items() for p in _enum_problems(item, shape.value, f"{path}.{key}")]
    enum = getattr(shape, "enum", None)
    if kind == "string" and enum and isinstance(value, str) and value not in enum:
        return [f"Invalid value for parameter {path}: {value!r}, must be one of: {', '.join(enum)}"]
    return []


def request_problems(service: str, operation: str, params: dict[str, Any]) -> list[str]:
    """botocore's verdict on one request (empty when it would be sent)."""
    return shape_problems(params, service_model(service).operation_model(operation).input_shape)


def state_machine_problems(definition: Any, where: str = "") -> list[str]:
    """Structural problems of an Amazon States Language definition (empty when it is sound)."""
    if not isinstance(definition, dict):
        return [f"{where or 'definition'}: a state machine is an object with StartAt and States"]
    states = definition.get("States")
    start = definition.get("StartAt")
    prefix = f"{where}: " if where else ""
    if not isinstance(states, dict) or not states:
        return [f"{prefix}States is missing or empty"]
    problems: list[str] = []
    if start not in states:
        problems.append(f"{prefix}StartAt {start!r} is not a state (states: {', '.join(states)})")
    edges: dict[str, list[str]] = {}
    ends: set[str] = set()
    for name, state in states.items():
        here = f"{prefix}state {name!r}"
        if not isinstance(state, dict) or state.get("Type") not in STATE_TYPES:
            problems.append(f"{here}: Type must be one of {', '.join(sorted(STATE_TYPES))}")
            continue
        kind = state["Type"]
        targets = _transitions(state)
        for target in targets:
            if target not in states:
                problems.append(f"{here}: Next {target!r} is not a state")
        edges[name] = [t for t in targets if t in states]
        if kind in TERMINAL_TYPES:
            if "Next" in state or "End" in state:
                problems.append(f"{here}: a {kind} state ends the execution; it takes neither Next nor End")
            ends.add(name)
        elif kind == "Choice":
            if not state.get("Choices"):
                problems.append(f"{here}: a Choice state needs Choices")
        elif state.get("End") is True:
            if "Next" in state:
                problems.append(f"{here}: has both Next and End")
            ends.add(name)
        elif "Next" not in state:
            problems.append(f"{here}: neither Next nor End: true, so the path stops nowhere")
        problems += _retry_problems(state.get("Retry", []), here)
        problems += _catch_all_problems(state, here)
        for i, branch in enumerate(state.get("Branches", []) if kind == "Parallel" else []):
            problems += state_machine_problems(branch, f"{here} branch {i}")
        if kind == "Map":
            inner = state.get("ItemProcessor") or state.get("Iterator")
            problems += state_machine_problems(inner, f"{here} item processor")
    if isinstance(start, str) and start in states:
        problems += _graph_problems(start, edges, ends, prefix)
    return problems


def _transitions(state: dict[str, Any]) -> list[str]:
    targets = [state["Next"]] if "Next" in state else []
    targets += [c.get("Next") for c in state.get("Choices", []) if isinstance(c, dict)]
    targets += [state["Default"]] if "Default" in state else []
    targets += [c.get("Next") for c in state.get("Catch", []) if isinstance(c, dict)]
    return targets


def _retry_problems(retriers: Any, here: str) -> list[str]:
    problems = []
    for i, r in enumerate(retriers if isinstance(retriers, list) else [None]):
        where = f"{here}: Retry[{i}]"
        if not isinstance(r, dict):
            problems.append(f"{where} is not an object")
            continue
        errors = r.get("ErrorEquals")
        if not (isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors)):
            problems.append(f"{where}: ErrorEquals must be a non-empty list of error names")
        checks = (("IntervalSeconds", int, 1), ("MaxAttempts", int, 0), ("BackoffRate", (int, float), 1.0))
        for key, kind, low in checks:
            if key in r and (isinstance(r[key], bool) or not isinstance(r[key], kind) or r[key] < low):
                problems.append(f"{where}: {key} must be a number >= {low}, got {r[key]!r}")
    return problems


def _catch_all_problems(state: dict[str, Any], here: str) -> list[str]:
    """The States Language: `States.ALL` must stand alone in its ErrorEquals and in the last retrier or catcher
    (a matcher after it could never match)."""
    problems = []
    for key in ("Retry", "Catch"):
        entries = state.get(key)
        if not isinstance(entries, list):
            continue
        for i, entry in enumerate(entries):
            errors = entry.get("ErrorEquals") if isinstance(entry, dict) else None
            if not isinstance(errors, list) or "States.ALL" not in errors:
                continue
            if len(errors) > 1:
                problems.append(f"{here}: {key}[{i}]: States.ALL must be alone in ErrorEquals")
            if i != len(entries) - 1:
                problems.append(f"{here}: {key}[{i}]: States.ALL must be in the last {key} entry")
    return problems


def _graph_problems(start: str, edges: dict[str, list[str]], ends: set[str], prefix: str) -> list[str]:
    """Unreachable states, and reachable states from which no path ends (a loop with no way out)."""
    reached = {start}
    todo = [start]
    while todo:
        for target in edges.get(todo.pop(), []):
            if target not in reached:
                reached.add(target)
                todo.append(target)
    finishing = set(ends)
    changed = True
    while changed:
        changed = False
        for name, targets in edges.items():
            if name not in finishing and any(t in finishing for t in targets):
                finishing.add(name)
                changed = True
    problems = [f"{prefix}state {n!r} is never reached from StartAt" for n in edges if n not in reached]
    problems += [f"{prefix}state {n!r}: no path from it ever ends" for n in edges
                 if n in reached and n not in finishing]
    return problems


def request_set_problems(request_set: Any) -> dict[str, list[str]]:
    """Problems per operation of a RequestSet (only operations with problems appear)."""
    out: dict[str, list[str]] = {}
    for operation, params in request_set.requests.items():
        service = request_set.service_of(operation)
        found = (state_machine_problems(params) if service is None
                 else request_problems(service, operation, params))
        if found:
            out[operation] = found
    return out


def assert_valid(request_set: Any) -> Any:
    """The request set itself, or InvalidGeneratedRequest naming what fails: nothing AWS would refuse is shown."""
    problems = request_set_problems(request_set)
    if problems:
        detail = "; ".join(f"{op}: {', '.join(found)}" for op, found in problems.items())
        raise InvalidGeneratedRequest(f"a generated request fails botocore's validation: {detail}",
                                      hint="this is a bug in advisor; please report it")
    return request_set
