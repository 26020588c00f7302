"""Must-pass and must-fail fixtures for every control, per input kind, written from the catalog's own paths.

For each control and each resource type an input kind knows it by, this writes real files in that kind's
syntax (a CloudFormation template, a Terraform file, a plan, request files) with one resource that passes and
one resource per way of failing (the field absent when AWS's default fails, a wrong value), plus a resource on
which the control must not fire (its `when` condition false). The readers parse those files like any user's;
the tests assert the exact sets of passing and failing resources, as checkov does for its checks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.knowledge.models import Condition, SecurityControl, Setting

GOOD_STRING = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@dataclass
class Case:
    """Resources (name -> properties) for one control and resource type, and the verdicts they must get."""

    control: str
    resource_type: str
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    must_pass: set[str] = field(default_factory=set)
    must_fail: set[str] = field(default_factory=set)
    must_not_fire: set[str] = field(default_factory=set)


def _put(props: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node: Any = props
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        name = part.removesuffix("[]")
        if part.endswith("[]"):
            lst = node.setdefault(name, [{}])
            if not isinstance(lst, list):
                lst = node[name] = [{}]
            if last:
                node[name] = [value]
                return
            node = lst[0]
        elif last:
            node[name] = value
        else:
            node = node.setdefault(name, {})


def _passing(setting: Setting) -> Any:
    check = setting.judged_by
    if check in ("equals", "at_least"):
        return setting.value
    if check == "one_of":
        return setting.values[0]
    if check == "none_of":
        return "https://www.example.com" if "Origin" in setting.field else "s3.amazonaws.com"
    if check == "no_secrets":
        return {"LOG_LEVEL": "info"} if "Variables" in setting.field else "ZWNobyBoZWxsbw=="  # "echo hello"
    if check == "tagged":
        return {"team": "ml"}
    return GOOD_STRING


def _failing(setting: Setting) -> list[tuple[str, Any]]:
    """(label, value) per way of failing; the value None means: leave the field out."""
    check = setting.judged_by
    out: list[tuple[str, Any]] = []
    if check == "equals":
        if setting.aws_default != setting.value:
            out.append(("absent", None))
        wrong = (not setting.value) if isinstance(setting.value, bool) else "Wrong"
        out.append(("wrong", wrong))
    elif check == "present":
        out.append(("absent", None))
        if setting.values:
            out.append(("sentinel", setting.values[0]))
    elif check == "at_least":
        out.append(("below", int(setting.value) - 1))  # type: ignore[arg-type]
    elif check == "one_of":
        out.append(("other", "python2.7"))
        if setting.aws_default not in setting.values:
            out.append(("absent", None))
    elif check == "none_of":
        out.append(("refused", setting.values[0]))
    elif check == "no_secrets":
        out.append(("secret", {"DB_PASSWORD": "hunter2hunter2"} if "Variables" in setting.field
                    else "ZXhwb3J0IEFXU19BQ0NFU1NfS0VZX0lEPUFLSUFJT1NGT0ROTjdFWEFNUExF"))
    elif check == "tagged":
        out.append(("absent", None))
        # only tags that do not count: AWS's system tags (a prefix) and a deployment tool's own
        out.append(("untagged", {f"{v}stack-name" if str(v).endswith(":") else str(v): "x" for v in setting.values}))
    return out


#: Values tried, in order, to make a `matches` condition hold or not: an ARN that names an account, one that
#: names none, a service principal, an account id
_MATCH_TRIES = (GOOD_STRING, "arn:aws:s3:::bucket", "s3.amazonaws.com", "123456789012")


def _meet(props: dict[str, Any], condition: Condition, path: str, hold: bool) -> bool:
    """Make a `satisfied_by` condition hold or not; False when no value here does."""
    if condition.check == "present":
        if hold:
            _put(props, path, GOOD_STRING)
        else:
            _drop(props, path)
        return True
    if condition.check == "matches":
        value = next((v for v in _MATCH_TRIES if bool(re.search(str(condition.value), v)) == hold), None)
        if value is None:
            return False
        _put(props, path, value)
        return True
    return False


def _satisfy(props: dict[str, Any], condition: Condition, path: str) -> bool:
    """Make a condition hold; False when it cannot be expressed (then the case is skipped)."""
    if condition.check == "present":
        if not _has(props, path):
            _put(props, path, {"Placeholder": "x"} if not path.endswith(("Arn", "Type")) else GOOD_STRING)
        return True
    if condition.check in ("absent", "not_equals"):
        return True  # absent satisfies both (not_equals' default is the other value here)
    if condition.check == "matches":
        _put(props, path, "s3.amazonaws.com")
        return True
    if condition.check == "equals":
        _put(props, path, condition.value)
        return True
    return False


def _break(props: dict[str, Any], condition: Condition, path: str) -> bool:
    if condition.check == "present":
        return True  # leave it out
    if condition.check == "absent":
        _put(props, path, {"MaxConcurrency": 1} if path.endswith("ServerlessConfig") else "x")
        return True
    if condition.check == "not_equals":
        _put(props, path, condition.value)
        return True
    if condition.check == "matches":
        _put(props, path, "123456789012")
        return True
    return False


def _has(props: dict[str, Any], path: str) -> bool:
    node: Any = props
    for part in path.split("."):
        if isinstance(node, list):
            node = node[0] if node else None
        if not isinstance(node, dict) or part.removesuffix("[]") not in node:
            return False
        node = node[part.removesuffix("[]")]
    return True


def cases(controls: tuple[SecurityControl, ...], paths_of: Any, condition_path: Any) -> list[Case]:
    """One Case per (control, resource type) for an input kind; `paths_of(setting)` gives type -> path."""
    out = []
    for control in controls:
        by_type: dict[str, list[tuple[Setting, str]]] = {}
        for setting in control.settings:
            if setting.judged_by == "review":
                continue
            for rtype, path in paths_of(setting).items():
                by_type.setdefault(rtype, []).append((setting, path))
        for rtype, settings in by_type.items():
            case = Case(control.id, rtype)
            good: dict[str, Any] = {}
            for setting, path in settings:
                for condition in setting.when:
                    cpath = condition_path(condition, rtype)
                    if cpath:
                        _satisfy(good, condition, cpath)
                _put(good, path, _passing(setting))
            case.resources["Pass"] = good
            case.must_pass.add("Pass")
            for n, (setting, path) in enumerate(settings):
                for label, value in _failing(setting):
                    bad = json.loads(json.dumps(good))
                    if value is None:
                        _drop(bad, path)
                    else:
                        _put(bad, path, value)
                    met = {}
                    for i, condition in enumerate(setting.satisfied_by):
                        cpath = condition_path(condition, rtype)
                        if cpath:
                            _meet(bad, condition, cpath, hold=False)
                            meeting = json.loads(json.dumps(bad))
                            if _meet(meeting, condition, cpath, hold=True):
                                met[f"Met{n}{label.capitalize()}{i}"] = meeting
                    name = f"Fail{n}{label.capitalize()}"
                    case.resources[name] = bad
                    case.must_fail.add(name)
                    for name, meeting in met.items():  # failing, but another field meets the control
                        case.resources[name] = meeting
                        case.must_pass.add(name)
            firsts = {(s.when[0].check, condition_path(s.when[0], rtype)) if s.when else None for s, _ in settings}
            if len(firsts) == 1 and None not in firsts:
                check, cpath = next(iter(firsts))  # type: ignore[misc]
                if cpath:
                    quiet = json.loads(json.dumps(good))
                    condition = settings[0][0].when[0]
                    if check == "present":
                        _drop(quiet, cpath)
                        ok = True
                    else:
                        ok = _break(quiet, condition, cpath)
                    if ok:
                        case.resources["Quiet"] = quiet
                        case.must_not_fire.add("Quiet")
            out.append(case)
    return out


def _drop(props: dict[str, Any], path: str) -> None:
    parts = path.split(".")
    node: Any = props
    for part in parts[:-1]:
        node = node.get(part.removesuffix("[]")) if isinstance(node, dict) else None
        if isinstance(node, list):
            node = node[0] if node else None
        if node is None:
            return
    if isinstance(node, dict):
        node.pop(parts[-1].removesuffix("[]"), None)


# ---- writers, one per input kind ----------------------------------------------------------------------------

def write_cloudformation(case: Case, folder: Path) -> Path:
    import yaml

    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
        name: {"Type": case.resource_type, "Properties": props} for name, props in case.resources.items()}}
    if case.resource_type.startswith("AWS::Serverless::"):
        template["Transform"] = "AWS::Serverless-2016-10-31"
    path = folder / f"{case.control}-{case.resource_type.replace('::', '-')}.yaml"
    path.write_text(yaml.safe_dump(template, sort_keys=False))
    return path


def _hcl_key(key: str) -> str:
    """A key as HCL takes it: an identifier bare, anything else (`aws:stack-name`) quoted."""
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) else json.dumps(key)


def _hcl_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_hcl_key(k)} = {_hcl_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def _hcl_body(props: dict[str, Any], indent: str, leaf_maps: set[str], prefix: str = "") -> list[str]:
    lines = []
    for key, value in props.items():
        here = f"{prefix}{key}"
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for element in value:
                lines.append(f"{indent}{key} {{")
                lines += _hcl_body(element, indent + "  ", leaf_maps, here + ".")
                lines.append(f"{indent}}}")
        elif isinstance(value, dict) and here not in leaf_maps:
            lines.append(f"{indent}{key} {{")
            lines += _hcl_body(value, indent + "  ", leaf_maps, here + ".")
            lines.append(f"{indent}}}")
        else:
            lines.append(f"{indent}{key} = {_hcl_value(value)}")
    return lines


def write_terraform(case: Case, folder: Path, leaf_maps: set[str]) -> Path:
    lines = []
    for name, props in case.resources.items():
        lines.append(f'resource "{case.resource_type}" "{name}" {{')
        lines += _hcl_body(props, "  ", leaf_maps)
        lines.append("}")
    path = folder / f"{case.control}-{case.resource_type}.tf"
    path.write_text("\n".join(lines) + "\n")
    return path


def _plan_values(value: Any, leaf_maps: set[str], prefix: str = "") -> Any:
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            here = f"{prefix}{k}"
            if isinstance(v, dict) and here not in leaf_maps:
                out[k] = [_plan_values(v, leaf_maps, here + ".")]
            elif isinstance(v, list) and v and isinstance(v[0], dict):
                out[k] = [_plan_values(x, leaf_maps, here + ".") for x in v]
            else:
                out[k] = v
        return out
    return value


def write_plan(case: Case, folder: Path, leaf_maps: set[str]) -> Path:
    resources = [{"address": f"{case.resource_type}.{name}", "mode": "managed", "type": case.resource_type,
                  "name": name, "values": _plan_values(props, leaf_maps)} for name, props in case.resources.items()]
    plan = {"format_version": "1.2", "terraform_version": "1.9.0",
            "planned_values": {"root_module": {"resources": resources}},
            "resource_changes": [{"address": r["address"], "change": {"after_unknown": {}}} for r in resources]}
    path = folder / f"{case.control}-{case.resource_type}.plan.json"
    path.write_text(json.dumps(plan))
    return path


def write_requests(case: Case, folder: Path) -> list[Path]:
    paths = []
    for name, props in case.resources.items():
        path = folder / f"{case.control}-{name}.json"
        path.write_text(json.dumps({case.resource_type: props}))
        paths.append(path)
    return paths


def write_terraform_json(case: Case, folder: Path) -> Path:
    """The same resources in Terraform's JSON syntax (`.tf.json`): a nested block written once is an object,
    as CDKTF writes it, and a repeated one an array of objects."""
    document = {"//": "written by the fixtures", "resource": {case.resource_type: case.resources}}
    path = folder / f"{case.control}-{case.resource_type}.tf.json"
    path.write_text(json.dumps(document, indent=2))
    return path


def _awscc_value(value: Any, indent: str) -> str:
    """HCL as the awscc provider takes it: every nested object an attribute (`a = { b = 1 }`), lists of
    objects `[{ ... }]`."""
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{\n" + "".join(f"{inner}{_hcl_key(k)} = {_awscc_value(v, inner)}\n" for k, v in value.items()) \
            + indent + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_awscc_value(v, indent) for v in value) + "]"
    return json.dumps(value)


def write_awscc(case: Case, folder: Path) -> Path:
    lines = []
    for name, props in case.resources.items():
        lines.append(f'resource "{case.resource_type}" "{name}" {{')
        lines += [f"  {key} = {_awscc_value(value, '  ')}" for key, value in props.items()]
        lines.append("}")
    path = folder / f"{case.control}-{case.resource_type}.tf"
    path.write_text("\n".join(lines) + "\n")
    return path
