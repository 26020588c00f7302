"""Catalog-driven checks: each control's settings say, per input kind and resource type, which path to read and
what to expect; this module only knows how to read a path and judge a value. There is no code per control.

An absent field takes AWS's default (`aws_default`); a value the input does not fix is unknown, never a pass.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from advisor.audit.catalog import Catalog, Condition, Control, Setting
from advisor.audit.model import (
    MISSING,
    Finding,
    Kind,
    PathKey,
    Reference,
    Resource,
    Status,
    Unknown,
    arn_form,
    arn_of,
)

PLACEHOLDER = re.compile(r"^<<[a-z0-9_]+>>$")


@dataclass(frozen=True, slots=True)
class Rule:
    """One setting of one control, as a path in one resource type of one input kind.

    What a finding says about the rule itself (the expected value, the fix in the input's syntax) does not depend
    on the resource, so it is written once here rather than once per finding."""

    control: Control
    setting: Setting
    path: str
    conditions: tuple[tuple[Condition, str], ...]
    expected: str
    fix: str
    #: for a setting AWS refuses on instance types with local NVMe storage: those types (else empty)
    local_storage: frozenset[str] = frozenset()
    #: conditions that meet the control another way (`satisfied_by`), with their paths here
    satisfied: tuple[tuple[Condition, str], ...] = ()
    #: the type to declare instead where this one cannot carry the field (Catalog.sam_cannot_set): no patch can set
    #: it here
    declare_as: str | None = None


def awscc_type(cfn_type: str) -> str | None:
    """The Terraform awscc provider's resource for a CloudFormation type. The provider is generated from the
    CloudFormation registry schemas: `AWS::SageMaker::ProcessingJob` is `awscc_sagemaker_processing_job`, and
    each property path is the CloudFormation one in snake_case (`NetworkConfig.EnableNetworkIsolation` is
    `network_config.enable_network_isolation`), nested objects written as attributes. SAM's types are a
    transform's, not the registry's: none."""
    parts = cfn_type.split("::")
    if len(parts) != 3 or parts[0] != "AWS" or parts[1] == "Serverless":
        return None
    return f"awscc_{parts[1].lower()}_{_snake(parts[2])}"


def awscc_path(cfn_path: str) -> str:
    return ".".join(_snake(part) for part in cfn_path.split("."))


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def _paths_for(kind: Kind, setting: Setting) -> dict[str, str]:
    if kind == "cloudformation":
        return dict(setting.cfn)
    if kind in ("terraform", "plan"):
        paths = dict(setting.tf)
        for cfn_type, path in setting.cfn.items():
            name = awscc_type(cfn_type)
            if name and name not in paths:
                paths[name] = awscc_path(path)
        return paths
    return {setting.operation: setting.field}


def _condition_path(kind: Kind, condition: Condition, resource_type: str) -> str | None:
    if kind == "cloudformation":
        return condition.cfn.get(resource_type)
    if kind in ("terraform", "plan"):
        if resource_type in condition.tf or not resource_type.startswith("awscc_"):
            return condition.tf.get(resource_type)
        return next((awscc_path(path) for cfn_type, path in condition.cfn.items()
                     if awscc_type(cfn_type) == resource_type), None)
    return condition.field


def compile_rules(catalog: Catalog, kind: Kind) -> dict[str, tuple[Rule, ...]]:
    """Resource type -> the rules that judge it, for one input kind (review-only settings are left out)."""
    rules: dict[str, list[Rule]] = defaultdict(list)
    for control in catalog.controls:
        for setting in control.settings:
            if setting.judged_by == "review":
                continue
            for resource_type, path in _paths_for(kind, setting).items():
                conditions = _paths_of(kind, setting.when, resource_type)
                fix = fix_text(kind, path, setting, attributes=resource_type.startswith("awscc_"))
                generated = catalog.sam_cannot_set.get((resource_type, path.split(".", 1)[0]))
                if generated:
                    fix = f"declare it as {generated} (SAM's {resource_type} has no such property): {fix}"
                rules[resource_type].append(Rule(
                    control, setting, path, conditions, expected_text(setting), fix,
                    catalog.local_storage if setting.requires_ebs else frozenset(),
                    _paths_of(kind, setting.satisfied_by, resource_type), declare_as=generated))
    return {t: tuple(r) for t, r in rules.items()}


def _paths_of(kind: Kind, conditions: tuple[Condition, ...], resource_type: str
              ) -> tuple[tuple[Condition, str], ...]:
    """The conditions that have a path in this resource type and input kind, with it."""
    out = []
    for condition in conditions:
        cpath = _condition_path(kind, condition, resource_type)
        if cpath:
            out.append((condition, cpath))
    return tuple(out)


_RULES: dict[tuple[int, Kind], tuple[Catalog, dict[str, tuple[Rule, ...]]]] = {}


def rules_for(catalog: Catalog, kind: Kind) -> dict[str, tuple[Rule, ...]]:
    held = _RULES.get((id(catalog), kind))
    if held is None or held[0] is not catalog:
        held = _RULES[(id(catalog), kind)] = (catalog, compile_rules(catalog, kind))
    return held[1]


# ---- reading a path ------------------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _segments(path: str) -> tuple[tuple[str, bool], ...]:
    return tuple((p[:-2], True) if p.endswith("[]") else (p, False) for p in path.split("."))


def read(node: Any, path: str, start: PathKey = ()) -> Iterator[tuple[PathKey, Any]]:
    """Every (concrete path, value) at `path`; a value is MISSING or Unknown when so.

    `x[]` walks every element of list x (none if x is absent: nothing to judge). A list met where a mapping is
    expected is looked through (a Terraform block parses as a list of one mapping).
    """
    states: list[tuple[PathKey, Any]] = [(start, node)]
    for name, is_list in _segments(path):
        nxt: list[tuple[PathKey, Any]] = []
        for where, value in states:
            for where2, value2 in _through_lists(where, value):
                if value2 is MISSING or isinstance(value2, Unknown):
                    nxt.append(((*where2, name), value2))
                    continue
                child = value2.get(name, MISSING) if isinstance(value2, dict) else MISSING
                if isinstance(child, dict) and _is_unknown_marker(child):
                    child = Unknown(_describe(child))
                if not is_list or isinstance(child, Unknown):
                    nxt.append(((*where2, name), child))
                elif isinstance(child, list):
                    for i, element in enumerate(child):
                        nxt.append(((*where2, name, i), element))
        states = nxt
    return iter(states)


def _through_lists(where: PathKey, value: Any) -> Iterator[tuple[PathKey, Any]]:
    if isinstance(value, list):
        if not value:
            yield where, MISSING
        for i, element in enumerate(value):
            yield (*where, i), element
    else:
        yield where, value


def _is_unknown_marker(value: dict[str, Any]) -> bool:
    return len(value) == 1 and next(iter(value)) in _INTRINSICS


_INTRINSICS = frozenset({
    "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::If", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::FindInMap",
    "Fn::ImportValue", "Fn::Base64", "Fn::Cidr", "Fn::GetAZs", "Fn::Transform", "Fn::ToJsonString", "Fn::Length",
    "Fn::And", "Fn::Or", "Fn::Not", "Fn::Equals",
})


def _describe(value: dict[str, Any]) -> str:
    name, arg = next(iter(value.items()))
    short = name.replace("Fn::", "!") if name != "Ref" else "!Ref"
    if isinstance(arg, (str, int, float)):
        return f"{short} {arg}"
    return short


# ---- judging a value -------------------------------------------------------------------------------------------

def _as_bool(value: Any) -> Any:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _empty(value: Any) -> bool:
    return value is None or value is MISSING or value == "" or value == [] or value == {}


def _contains_unknown(value: Any) -> Unknown | None:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, dict):
        if _is_unknown_marker(value):
            return Unknown(_describe(value))
        for v in value.values():
            found = _contains_unknown(v)
            if found:
                return found
    if isinstance(value, list):
        for v in value:
            found = _contains_unknown(v)
            if found:
                return found
    return None


SECRET_VALUE = re.compile(
    r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}"
    r"|-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"
    r"|(?i:aws_secret_access_key|secret_?key|password|passwd|api_?key|token)\s*[=:]\s*['\"]?[A-Za-z0-9/+_\-]{8,}"
    r"|xox[baprs]-[A-Za-z0-9-]{10,}|gh[pousr]_[A-Za-z0-9]{36}"
    # credentials in a URL or with a vendor's prefix (the forms detect-secrets' Slack, Discord, Stripe, SendGrid
    # and Google detectors match): whoever reads the URL posts to the channel, whoever reads the key spends on it
    r"|https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/]{20,}"
    r"|https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_\-]{20,}"
    r"|[rs]k_live_[0-9A-Za-z]{24,}|SG\.[\w\-]{22}\.[\w\-]{43}|AIza[0-9A-Za-z_\-]{35}")
#: A CloudFormation dynamic reference: CloudFormation reads the value from Secrets Manager or Parameter Store at
#: deploy time, which is what the control asks for (the template holds only the reference)
DYNAMIC_REFERENCE = re.compile(r"^\{\{resolve:(?:secretsmanager|ssm|ssm-secure):")
#: Where a secret lives, not the secret: an ARN (a Secrets Manager secret, a KMS key) or a Parameter Store name.
#: A variable named DB_PASSWORD_SECRET_ARN holding one is what the control recommends.
POINTER = re.compile(r"^(?:arn:aws[a-z-]*:|/[A-Za-z0-9_.\-/]+$)")
SECRET_NAME = re.compile(r"(?i)(password|passwd|secret|token|api_?key|private_?key|credential)")


def _secrets(value: Any, name: str = "") -> list[str]:
    """Where a literal looks like a credential (names only: the audit never prints a secret)."""
    found: list[str] = []
    if isinstance(value, dict):
        if _is_unknown_marker(value):
            return found
        for k, v in value.items():
            found += _secrets(v, str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _secrets(v, f"{name}[{i}]")
    elif isinstance(value, Unknown):
        # an expression or function around literal text (`!Sub`, `!Base64`, Terraform's merge({...})): a
        # credential in that text is a credential whatever surrounds it
        if SECRET_VALUE.search(value.text):
            found.append(name or "value")
    elif isinstance(value, str) and value and not DYNAMIC_REFERENCE.match(value):
        text = value  # and, when it looks like base64 (a lifecycle script), what it decodes to: either may hold it
        if re.fullmatch(r"[A-Za-z0-9+/=\s]{16,}", value):
            try:
                text = value + "\n" + base64.b64decode(value, validate=False).decode("utf-8", "ignore")
            except (binascii.Error, ValueError):
                text = value
        if SECRET_VALUE.search(text) or (name and SECRET_NAME.search(name) and not PLACEHOLDER.match(value)
                                          and "${" not in value and len(value) >= 8 and not POINTER.match(value)):
            found.append(name or "value")
    return found


def expected_text(setting: Setting) -> str:
    check = setting.judged_by
    if check == "equals":
        return f"{setting.value!r}" if not isinstance(setting.value, bool) else str(setting.value).lower()
    if check == "present":
        return "set" + (f", not {', '.join(map(str, setting.values))}" if setting.values else "")
    if check == "at_least":
        return f">= {setting.value}"
    if check == "one_of":
        return "one of " + ", ".join(map(str, setting.values))
    if check == "none_of":
        return "not " + " or ".join(map(repr, setting.values))
    if check == "no_secrets":
        return "no hard-coded secrets"
    if check == "tagged":
        return "at least one tag of your own (not " + ", ".join(f"{v}*" if str(v).endswith(":") else str(v)
                                                          for v in setting.values) + ")"
    return "a person's review"


def actual_text(value: Any, defaulted: bool) -> str:
    if value is MISSING or (value is None and defaulted):
        return "absent"
    if value is None:  # set to null (a plan's attribute, YAML's ~): no value, said as the inputs say it
        return "null"
    shown = str(value).lower() if isinstance(value, bool) else repr(value) if isinstance(value, str) else str(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return f"absent (AWS default {shown})" if defaulted else shown


def judge(setting: Setting, value: Any) -> tuple[Status, str]:
    """pass / fail / unknown for one value, and the actual value as text."""
    defaulted = value is MISSING
    if defaulted:
        value = setting.aws_default
    unknown = _contains_unknown(value)
    check = setting.judged_by
    if check == "tagged":
        return _tagged(setting, value, defaulted)
    if check == "no_secrets":
        found = _secrets(value)
        if found:
            return "fail", "secret-looking literal in " + ", ".join(found[:5])
        # an opaque value (a parameter, a variable) may hold anything; literal text around references was read
        opaque = isinstance(value, Unknown) and not isinstance(value, Reference)
        return ("unknown", str(unknown)) if unknown and opaque else ("pass", "no secret found")
    if unknown:
        if check == "present" and (isinstance(value, Reference) or not isinstance(value, Unknown)):
            return "pass", str(unknown)  # another resource's id, or a list or mapping with one: certainly set
        return "unknown", str(unknown)
    if isinstance(value, str) and PLACEHOLDER.match(value):
        return ("pass" if check == "present" else "unknown"), value
    text = actual_text(value, defaulted)
    if check == "equals":
        expected = setting.value
        got = _as_bool(value) if isinstance(expected, bool) else value
        ok = got == expected if isinstance(expected, bool) else (got is not None and str(got) == str(expected))
        return ("pass" if ok else "fail"), text
    if check == "present":
        # a refused value fails alone or as an item of a list (Terraform's -1; a workforce's 0.0.0.0/0 CIDR)
        items = value if isinstance(value, list) else [value]
        ok = not _empty(value) and not any(i == v for i in items for v in setting.values)
        return ("pass" if ok else "fail"), text
    if check == "at_least":
        number = _number(value)
        if number is None:
            return ("fail", text) if value is None else ("unknown", text)
        return ("pass" if number >= float(setting.value) else "fail"), text  # type: ignore[arg-type]
    if check in ("one_of", "none_of"):
        items = value if isinstance(value, list) else [] if value is None else [value]
        allowed = {str(v) for v in setting.values}
        if check == "one_of":
            return ("pass" if items and all(str(i) in allowed for i in items) else "fail"), text
        return ("fail" if any(str(i) in allowed for i in items) else "pass"), text
    return "unknown", text


def _tagged(setting: Setting, value: Any, defaulted: bool) -> tuple[Status, str]:
    """Whether the tags hold one of the user's own: AWS's system tags (`aws:`) and the tags a deployment tool
    adds by itself (SAM's `lambda:createdBy`) say nothing of owner or data, so they do not count. Tags are a
    mapping (SAM, Terraform, Lambda's ListTags) or a list of {Key, Value} (CloudFormation, SageMaker)."""
    if isinstance(value, str) and PLACEHOLDER.match(value):
        return "pass", value
    if isinstance(value, Unknown) or (isinstance(value, dict) and _is_unknown_marker(value)):
        return ("pass" if isinstance(value, Reference) else "unknown"), str(_contains_unknown(value))
    if isinstance(value, dict):
        keys: list[Any] = list(value)
    elif isinstance(value, list):
        keys = []
        for item in value:
            if not isinstance(item, dict) or _is_unknown_marker(item):
                keys.append(Unknown(str(_contains_unknown(item) or item)))
            elif "Key" in item or "key" in item:
                keys.append(item.get("Key", item.get("key")))
            else:  # a mapping read as a block (a list of one mapping), as `read` looks through it
                keys.extend(item)
    else:
        keys = []
    ignored = [str(v) for v in setting.values]

    def own(key: Any) -> bool:
        text = str(key)
        return not any(text.startswith(v) if v.endswith(":") else text == v for v in ignored)

    mine: list[Any] = []
    unknown = False
    for key in keys:
        if _contains_unknown(key) is not None:
            unknown = True
        elif own(key):
            mine.append(key)
    if mine:
        return "pass", ", ".join(map(str, mine[:5])) + (", ..." if len(mine) > 5 else "")
    if unknown:
        return "unknown", "a tag key not known before deployment"
    if keys:
        return "fail", "only " + ", ".join(map(str, keys[:5])) + " (added by AWS or a deployment tool)"
    return "fail", actual_text(MISSING if defaulted else value, False)


#: A Terraform reference to an attribute that holds an ARN (`aws_sns_topic.t.arn`, an API's `execution_arn`).
_ARN_REFERENCE = re.compile(
    r"(?:\$\{)?((?:aws|awscc)_[a-z0-9_]+)\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.(?:arn|execution_arn)(?:\})?")


def _arn_shape(value: Reference) -> str | None:
    """The form of the ARN a reference will hold, for a condition that reads only its form: the reader's, or
    one made here from a Terraform text (`aws_sns_topic.t.arn` is `arn:aws:sns:<region>:<account>:t` whatever
    its values; `"arn:aws:s3:::${aws_s3_bucket.b.id}"` names no account). None when that form is not known."""
    if value.arn:
        return value.arn
    text = _ARN_REFERENCE.sub(lambda m: arn_of(_service(m.group(1))), value.text)
    return arn_form(text.removeprefix("!Sub "))


def _service(resource_type: str) -> str:
    """The ARN service of a Terraform resource type of the aws or awscc provider (`awscc_s3_bucket`: s3)."""
    name = resource_type.split("_", 1)[1]
    return "s3" if name.startswith("s3_bucket") else name.split("_")[0]


def _holds(condition: Condition, value: Any) -> bool | None:
    """Whether a condition holds; None when its value is unknown."""
    if value is MISSING:
        value = condition.aws_default
    if condition.check == "matches" and isinstance(value, Reference):
        value = _arn_shape(value) or value  # a reference's form may be known where its value is not
    if condition.check in ("present", "absent") and not _empty(value) \
            and (isinstance(value, Reference) or not isinstance(value, Unknown)):
        # another resource's attribute, or a block holding one (a capacity provider's ARN from !GetAtt, a plan's
        # known-after-apply ARN inside capacity_provider_config): certainly set, whatever its value
        return condition.check == "present"
    if _contains_unknown(value):
        return None
    if condition.check == "present":
        return not _empty(value)
    if condition.check == "absent":
        return _empty(value)
    if condition.check == "equals":
        return value is not None and str(value) == str(condition.value)
    if condition.check == "not_equals":
        return value is None or str(value) != str(condition.value)
    return value is not None and re.search(str(condition.value), str(value)) is not None


def _condition_value(resource: Resource, rule_path: str, where: PathKey, cpath: str) -> Any:
    """The condition's value, read in the same list element as the judged value when they share a list prefix."""
    rule_segments = rule_path.split(".")
    csegments = cpath.split(".")
    shared = 0
    while shared < min(len(rule_segments), len(csegments)) and rule_segments[shared] == csegments[shared] \
            and rule_segments[shared].endswith("[]"):
        shared += 1
    if shared:
        # walk the concrete path up to the shared element
        node: Any = resource.properties
        seen = 0
        for part in where:
            if isinstance(node, dict) and isinstance(part, str):
                node = node.get(part, MISSING)
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                node = MISSING
            if isinstance(part, int):
                seen += 1
                if seen == shared:
                    break
        rest = ".".join(csegments[shared:])
        values = [v for _, v in read(node, rest)]
    else:
        values = [v for _, v in read(resource.properties, cpath)]
    return values[0] if values else MISSING


def _on_ebs(resource: Resource, local_storage: frozenset[str], any_type: bool) -> bool | None:
    """Whether a volume key applies to the resource's instance types; None when a type is not known before
    deployment. AWS refuses VolumeKmsKeyId when a type has local NVMe storage (its volumes are encrypted by the
    instance's hardware): then every type must keep its volumes on EBS. With `any_type`, AWS accepts the key
    beside local storage and encrypts the EBS volumes only (CreateEndpointConfig.KmsKeyId): one such type is
    enough, and a resource that names no instance type (a serverless endpoint configuration) is judged."""
    types = [t for t in _instance_types(resource.properties) if isinstance(t, (str, Unknown))]  # (a plan's null)
    unknown = any(isinstance(t, Unknown) for t in types)
    known = [t for t in types if isinstance(t, str)]
    if any_type:
        if not types or any(t not in local_storage for t in known):
            return True
        return None if unknown else False
    if any(t in local_storage for t in known):
        return False
    return None if unknown else True


def _instance_types(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key).replace("_", "").lower() == "instancetype":
                yield value
            else:
                yield from _instance_types(value)
    elif isinstance(node, list):
        for item in node:
            yield from _instance_types(item)


def evaluate(resource: Resource, rules: tuple[Rule, ...]) -> Iterator[Finding]:
    """Every finding for one resource: one per rule and list element, suppressed where the source says so."""
    suppressed = dict(resource.suppressions)
    on_ebs: dict[bool, bool | None] = {}  # computed once per resource and kind of volume rule
    for rule in rules:
        setting, control = rule.setting, rule.control
        base: bool | None = True
        if rule.local_storage:
            any_type = setting.ebs_any
            if any_type not in on_ebs:
                on_ebs[any_type] = _on_ebs(resource, rule.local_storage, any_type)
            base = on_ebs[any_type]
        if base is False:
            continue  # the field cannot be set on this resource's instance types
        for where, value in read(resource.properties, rule.path):
            applies: bool | None = base
            for condition, cpath in rule.conditions:
                holds = _holds(condition, _condition_value(resource, rule.path, where, cpath))
                if holds is False:
                    applies = False
                    break
                if holds is None:
                    applies = None
            if applies is False:
                continue
            status, actual = judge(setting, value)
            if rule.satisfied and status != "pass":
                status, actual = _met_otherwise(resource, rule, where, status, actual)
            if applies is None and status == "fail":
                status = "unknown"
                actual += " (whether the control applies depends on an unresolved value)"
            field = _field_text(where)
            line = resource.line_of(where) or resource.line
            justification = suppressed.get(control.id)
            if justification is not None:
                status = "suppressed"
            yield Finding(
                control=control.id, status=status, severity=control.severity, resource=resource.name,
                resource_type=resource.type, field=field, expected=rule.expected, actual=actual,
                message=_message(control, status, field, rule.expected, actual), anchors=control.anchors,
                kind=resource.kind, file=resource.file, line=line, end_line=resource.end_line,
                resource_line=resource.line, justification=justification or None, title=control.title,
                path=rule.path, want=_want(setting) if rule.declare_as is None else None,
                declare_as=rule.declare_as,
                fix=rule.fix if status == "fail" else None)


def _met_otherwise(resource: Resource, rule: Rule, where: PathKey, status: Status, actual: str
                   ) -> tuple[Status, str]:
    """A failing or unknown value that a `satisfied_by` condition meets another way passes, and says how (a
    public principal restricted by SourceArn); a fail whose condition is unresolved is unknown."""
    unresolved = False
    for condition, cpath in rule.satisfied:
        holds = _holds(condition, _condition_value(resource, rule.path, where, cpath))
        if holds:
            return "pass", f"{actual}, {condition.says or f'{condition.field} set'}"
        unresolved = unresolved or holds is None
    if unresolved and status == "fail":
        return "unknown", actual + " (whether another field meets the control depends on an unresolved value)"
    return status, actual


def _field_text(where: PathKey) -> str:
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (("." if out else "") + part)
    return out


def _message(control: Control, status: Status, field: str, expected: str, actual: str) -> str:
    if status == "pass":
        return f"{control.title}: {field} is {actual}"
    if status == "unknown":
        return f"{control.title}: {field} cannot be judged before deployment ({actual})"
    if status == "suppressed":
        return f"{control.title}: suppressed in the source"
    return f"{control.title}: {field} is {actual}, expected {expected}"


def _want(setting: Setting) -> Any:
    if setting.judged_by == "equals":
        return setting.value
    if setting.judged_by == "at_least":
        return setting.value
    return None


def _literal(kind: Kind, value: Any) -> str:
    import json

    if kind in ("terraform", "plan"):
        return json.dumps(value)
    if kind == "cloudformation":
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, str) and (value.isdigit() or value.lower() in ("true", "false", "yes", "no", "on", "off")):
            return f'"{value}"'
        return str(value)
    return json.dumps(value)


def fix_text(kind: Kind, path: str, setting: Setting, attributes: bool = False) -> str:
    """The change that passes, in the input's own syntax (`attributes`: Terraform nests objects as attributes,
    `a = { b = 1 }`, as the awscc provider does, not as blocks)."""
    want = _want(setting)
    check = setting.judged_by
    if want is None:
        some = ", ".join(map(str, setting.values[:4])) + (", ..." if len(setting.values) > 4 else "")
        what = {"present": f"<<{setting.placeholder or 'value'}>>", "tagged": f"<<{setting.placeholder or 'tags'}>>",
                "one_of": f"one of {some}",
                "none_of": f"a value other than {', '.join(map(repr, setting.values))}",
                "no_secrets": "a reference to Secrets Manager or Parameter Store instead of the literal"}.get(check, "")
        value_text = what
    else:
        value_text = _literal(kind, want)
    parts = [p.removesuffix("[]") for p in path.split(".")]
    if kind == "cloudformation":
        return "Properties: " + ": ".join(parts) + f": {value_text}"
    if kind in ("terraform", "plan"):
        if len(parts) == 1:
            return f"{parts[0]} = {value_text}"
        if attributes:
            return " = { ".join(parts[:-1]) + f" = {{ {parts[-1]} = {value_text}" + " }" * (len(parts) - 1)
        return " { ".join(parts[:-1]) + f" {{ {parts[-1]} = {value_text}" + " }" * (len(parts) - 1)
    return f"{setting.operation}.{'.'.join(parts)} = {value_text}"
