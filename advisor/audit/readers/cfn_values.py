"""A template's values as CloudFormation would deploy it with its own defaults.

An expert reads `KmsKeyId: !If [HasKey, !Ref Key, !Ref AWS::NoValue]` with `Key`'s default "" as "no key", and
`DirectInternetAccess: !Ref Access` with `Default: Disabled` as Disabled: the template's defaults are what a
deploy without overrides sends (checkov renders templates the same way). So:

- `!Ref` to a parameter with a `Default` is that default (a list type split at commas); a parameter without a
  default is unknown, except an AWS-specific type (`AWS::EC2::Subnet::Id`, `List<AWS::EC2::SecurityGroup::Id>`,
  `AWS::SSM::Parameter::Value<...>`), which CloudFormation only accepts as existing ids: certainly set;
- pseudo parameters (AWS::AccountId, AWS::Region, ...), `!GetAtt`/`!Ref` of a resource, `!ImportValue` (an
  export is never empty) and a `!Sub`/`!Join` with literal text are certainly set, value unknown (Reference);
- `AWS::NoValue` removes the property (MISSING: AWS's default applies) or the list item;
- Conditions are evaluated from the defaults; `!If` takes its branch, or, when its condition depends on an
  unknown, the value both branches agree on, else unknown;
- `!Sub`, `!Join`, `!Select`, `!Split`, `!FindInMap`, `!Base64` of known values are computed;
- a function CloudFormation does not have (`Fn::GetParam`, an unknown `!Tag`) refuses the template, located.

A resource whose `Condition` is false under the defaults is not created, so it is not audited.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from advisor.audit.model import MISSING, Given, Reference, Unknown, arn_form, arn_of
from advisor.audit.readers import BadInput

#: Every intrinsic function and condition function CloudFormation has (Fn::ForEach, a key rather than a function
#: call, is expanded where it is written: Resources, and mappings inside resource properties).
FUNCTIONS = frozenset({
    "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::If", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::FindInMap",
    "Fn::ImportValue", "Fn::Base64", "Fn::Cidr", "Fn::GetAZs", "Fn::Transform", "Fn::ToJsonString", "Fn::Length",
    "Fn::And", "Fn::Or", "Fn::Not", "Fn::Equals", "Condition",
})
#: Pseudo parameters with a value at deploy time (AWS::NoValue is handled apart).
PSEUDO = frozenset({"AWS::AccountId", "AWS::Region", "AWS::StackName", "AWS::StackId", "AWS::Partition",
                    "AWS::URLSuffix", "AWS::NotificationARNs"})
_AWS_TYPE = re.compile(r"^(List<)?AWS::")
FOR_EACH = "Fn::ForEach::"
_SUB_VAR = re.compile(r"\$\{(!?)([^}]*)\}")


# ---- Fn::ForEach (AWS::LanguageExtensions): what a loop's item fills in, in Resources and in properties -------

def marked(original: Any, text: str) -> Any:
    """`text` carrying `original`'s place in the file (cfn-lint's string nodes), so findings keep its line."""
    start, end = getattr(original, "start_mark", None), getattr(original, "end_mark", None)
    if start is None:
        return text
    try:
        return type(original)(text, start, end)
    except TypeError:
        return text


def fill_key(name: str, identifier: str, item: Any) -> str:
    if item is None:
        return name
    return name.replace("${" + identifier + "}", str(item)).replace(
        "&{" + identifier + "}", re.sub(r"[^A-Za-z0-9]", "", str(item)))


def fill(node: Any, identifier: str, item: Any) -> Any:
    if isinstance(node, dict):
        if len(node) == 1 and "Ref" in node and node["Ref"] == identifier:
            return Unknown(f"!Ref {identifier}") if item is None else str(item)
        for key in list(node):
            node[key] = fill(node[key], identifier, item)
        return node
    if isinstance(node, list):
        node[:] = [fill(v, identifier, item) for v in node]
        return node
    if isinstance(node, str) and item is not None:
        return fill_key(node, identifier, item)
    return node


def _line(node: Any) -> int | None:
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def _known(value: Any) -> bool:
    """A literal CloudFormation will send (not unknown, not removed)."""
    if value is MISSING or isinstance(value, Unknown):
        return False
    if isinstance(value, dict):
        return all(_known(v) for v in value.values())
    if isinstance(value, list):
        return all(_known(v) for v in value)
    return True


class Template:
    """The parts of a template that decide its values: parameters, conditions, mappings, resources."""

    def __init__(self, template: Mapping[str, Any], given: Mapping[str, Any] | None = None,
                 given_by: str = "") -> None:
        """`given`: the values a parent stack passes for this template's parameters (its Parameters property),
        which win over their defaults; `given_by` says where they come from."""
        self.given = given or {}
        self.given_by = given_by
        self.parameters = _mapping(template.get("Parameters"))
        self.conditions = _mapping(template.get("Conditions"))
        self.mappings = _mapping(template.get("Mappings"))
        self.resources = frozenset(str(k) for k in _mapping(template.get("Resources")))
        self.types = {str(k): str(v.get("Type")) for k, v in _mapping(template.get("Resources")).items()
                      if isinstance(v, dict)}
        self._conditions: dict[str, bool | None] = {}
        self._evaluating: set[str] = set()

    # ---- conditions ----------------------------------------------------------------------------------------------

    def condition(self, name: Any) -> bool | None:
        """A named condition under the defaults: True, False, or None when it depends on an unknown."""
        name = str(name)
        if name in self._conditions:
            return self._conditions[name]
        if name in self._evaluating or name not in self.conditions:
            return None
        self._evaluating.add(name)
        try:
            result = self._truth(self.conditions[name])
        finally:
            self._evaluating.discard(name)
        self._conditions[name] = result
        return result

    def _truth(self, expr: Any) -> bool | None:
        if isinstance(expr, bool):
            return expr
        if isinstance(expr, str) and expr.lower() in ("true", "false"):
            return expr.lower() == "true"
        if not isinstance(expr, dict) or len(expr) != 1:
            return None
        name, arg = next(iter(expr.items()))
        args = arg if isinstance(arg, list) else [arg]
        if name == "Condition":
            return self.condition(arg)
        if name == "Fn::Equals" and len(args) == 2:
            left, right = self.value(args[0]), self.value(args[1])
            if not (_known(left) and _known(right)):
                return None
            return _text(left) == _text(right)
        if name == "Fn::Not" and len(args) == 1:
            inner = self._truth(args[0])
            return None if inner is None else not inner
        if name in ("Fn::And", "Fn::Or"):
            results = [self._truth(a) for a in args]
            decisive = name == "Fn::Or"  # Or: one True decides; And: one False decides
            if decisive in results:
                return decisive
            return None if None in results else not decisive
        return None

    # ---- values --------------------------------------------------------------------------------------------------

    def value(self, node: Any) -> Any:
        """The value CloudFormation sends for `node` (mappings keep their node class, so keys keep lines)."""
        if isinstance(node, dict):
            if any(isinstance(key, str) and key.startswith(FOR_EACH) for key in node):
                self._for_each_keys(node)
            if len(node) == 1:
                name = next(iter(node))
                if isinstance(name, str) and (name in FUNCTIONS or name.startswith("Fn::")):
                    if name not in FUNCTIONS:
                        raise BadInput(f"{name} is not a CloudFormation function (CloudFormation refuses the "
                                       "template)", _line(name) or _line(node))
                    return self._function(name, node[name])
            for key in list(node):
                node[key] = self.value(node[key])
            return node
        if isinstance(node, list):
            # AWS::NoValue drops a list item; the list keeps its node class (and its lines)
            node[:] = [item for item in (self.value(item) for item in node) if item is not MISSING]
            return node
        return node

    def _for_each_keys(self, node: dict[Any, Any]) -> None:
        """`Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}]` inside resource properties (the
        AWS::LanguageExtensions transform allows it there: "Resources (including the resource properties)"):
        replaced in place, where it is written, by one OutputKey per item (for_each_copies). A loop inside the
        fragment is expanded in turn."""
        for _ in range(64):  # nested loops in one mapping: each pass expands one level
            if not any(isinstance(key, str) and key.startswith(FOR_EACH) for key in node):
                return
            items = list(node.items())
            node.clear()
            for key, body in items:
                if not (isinstance(key, str) and key.startswith(FOR_EACH)):
                    node[key] = body
                    continue
                for copied in self.for_each_copies(key, body, "OutputValue"):
                    node.update(copied)
        raise BadInput("Fn::ForEach nested more than 64 deep", _line(node))

    def for_each_copies(self, key: str, body: Any, output: str) -> list[dict[Any, Any]]:
        """The fragment of `Fn::ForEach::Name: [Identifier, Collection, {OutputKey: output}]`, once per item, as
        the AWS::LanguageExtensions transform makes it: `${Identifier}` (and `&{Identifier}`, alphanumerics only)
        in keys and strings, and `!Ref Identifier`, become the item. A collection not known before deployment
        makes one copy whose item is unknown (its keys keep the placeholder). Used for resources and for
        resource properties alike."""
        import copy

        if not (isinstance(body, list) and len(body) == 3 and isinstance(body[0], str) and isinstance(body[2], dict)):
            raise BadInput(f"{key} takes [Identifier, Collection, {{OutputKey: {output}}}]", _line(key))
        identifier, fragment = body[0], body[2]
        collection = self.value(copy.deepcopy(body[1]))
        known = isinstance(collection, list) and all(isinstance(i, (str, int, float)) for i in collection)
        return [{marked(name, fill_key(str(name), identifier, item)): fill(copy.deepcopy(value), identifier, item)
                 for name, value in fragment.items()} for item in (collection if known else [None])]

    def _function(self, name: str, arg: Any) -> Any:
        handler = _HANDLERS.get(name)
        if handler is None:
            return Unknown(_shown(name, arg))
        return handler(self, arg)

    def _ref(self, arg: Any) -> Any:
        target = str(arg)
        if target == "AWS::NoValue":
            return MISSING
        if target in PSEUDO:
            return Reference(f"!Ref {target}")
        if target in self.resources:
            service = _REF_IS_ARN.get(self.types.get(target, ""))
            return Reference(f"!Ref {target}", arn=arn_of(service) if service else None)
        parameter = self.parameters.get(target)
        if isinstance(parameter, dict):
            kind = str(parameter.get("Type", "String"))
            if target in self.given:
                passed = self.given[target]
                if (kind.startswith("List<") or kind == "CommaDelimitedList") and isinstance(passed, str):
                    return [item.strip() for item in passed.split(",")] if passed.strip() else []
                return Given(passed, f"parameter {target} from {self.given_by}") if isinstance(passed, str) \
                    else passed
            if "Default" in parameter:
                default = parameter["Default"]
                if (kind.startswith("List<") or kind == "CommaDelimitedList") and isinstance(default, str):
                    return [item.strip() for item in default.split(",")] if default.strip() else []
                return Given(default, f"parameter {target}'s Default") if isinstance(default, str) else default
            if _AWS_TYPE.match(kind):
                return Reference(f"!Ref {target} ({kind})")
        return Unknown(f"!Ref {target}")

    def _get_att(self, arg: Any) -> Any:
        parts = arg.split(".", 1) if isinstance(arg, str) else arg if isinstance(arg, list) else []
        text = "!GetAtt " + ".".join(map(str, parts))
        if parts and str(parts[0]) in self.resources:
            kind = self.types.get(str(parts[0]), "")
            # an attribute named ...Arn holds the resource's ARN; its form is the service's (the Arn of an
            # AWS::S3::Bucket names no account, any other does)
            is_arn = len(parts) > 1 and str(parts[1]).endswith("Arn") and kind.startswith("AWS::")
            return Reference(text, arn=arn_of(kind.split("::")[1].lower()) if is_arn else None)
        return Unknown(text)

    def _if(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) != 3:
            return Unknown("!If")
        holds = self.condition(arg[0])
        if holds is True:
            return self.value(arg[1])
        if holds is False:
            return self.value(arg[2])
        first, second = self.value(arg[1]), self.value(arg[2])
        if _known(first) and _known(second) and first == second:
            return first
        return Unknown(f"!If {arg[0]}")

    def _sub(self, arg: Any) -> Any:
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
            template, local = arg[0], {str(k): self.value(v) for k, v in arg[1].items()}
        else:
            template, local = arg, {}
        if not isinstance(template, str):
            return Unknown("!Sub")
        unresolved: list[Any] = []

        def substitute(match: re.Match[str]) -> str:
            if match.group(1):  # ${!Literal} is the text ${Literal}
                return "${" + match.group(2) + "}"
            name = match.group(2).strip()
            value = local[name] if name in local else (
                self._get_att(name) if "." in name else self._ref(name))
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                return str(value)
            unresolved.append(value)
            return match.group(0)

        text = _SUB_VAR.sub(substitute, template)
        if not unresolved:
            return text
        literal = _SUB_VAR.sub("", template)

        def form(match: re.Match[str]) -> str:  # a reference whose ARN form is known stands in for its form
            name = match.group(2).strip()
            value = None if match.group(1) or name in local else \
                self._get_att(name) if "." in name else self._ref(name)
            return value.arn if isinstance(value, Reference) and value.arn else match.group(0)

        # literal text, or only other resources' attributes: certainly a non-empty string
        certain = literal.strip() or all(isinstance(v, Reference) for v in unresolved)
        return Reference(f"!Sub {text}", arn=arn_form(_SUB_VAR.sub(form, text))) if certain \
            else Unknown(f"!Sub {template}")

    def _join(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return Unknown("!Join")
        separator, items = self.value(arg[0]), self.value(arg[1])
        if not isinstance(items, list):
            return Reference("!Join") if isinstance(items, Reference) else Unknown("!Join")
        if all(isinstance(i, (str, int, float)) for i in items) and isinstance(separator, str):
            return separator.join(str(i) for i in items)
        literal = any(isinstance(i, str) and i for i in items)
        if not (literal or any(isinstance(i, Reference) for i in items)):
            return Unknown("!Join")
        # the text as !Sub would write it, so the form of an ARN it builds is read as a !Sub's is (CDK writes
        # `arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*` as a !Join)
        text = (separator if isinstance(separator, str) else "").join(_joined(i) for i in items)
        return Reference(f"!Join {text}", arn=arn_form(text))

    def _select(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return Unknown("!Select")
        index, items = self.value(arg[0]), self.value(arg[1])
        try:
            position = int(index)
        except (TypeError, ValueError, OverflowError):
            return Unknown("!Select")
        if isinstance(items, list) and 0 <= position < len(items):
            return items[position]
        return Reference("!Select") if isinstance(items, Reference) else Unknown("!Select")

    def _split(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return Unknown("!Split")
        separator, text = self.value(arg[0]), self.value(arg[1])
        if isinstance(separator, str) and isinstance(text, str):
            return text.split(separator)
        # text certainly set (an export, another resource's attribute) splits into at least one item: a list of
        # subnets from `!Split [",", !ImportValue PrivateSubnets]` is set, its ids unknown
        return Reference("!Split") if isinstance(text, Reference) else Unknown("!Split")

    def _find_in_map(self, arg: Any) -> Any:
        if not isinstance(arg, list) or len(arg) < 3:
            return Unknown("!FindInMap")
        keys = [self.value(a) for a in arg[:3]]
        if all(isinstance(k, str) for k in keys):
            top = self.mappings.get(keys[0])
            second = top.get(keys[1]) if isinstance(top, dict) else None
            if isinstance(second, dict) and keys[2] in second:
                return self.value(second[keys[2]])
        if len(arg) > 3 and isinstance(arg[3], dict) and "DefaultValue" in arg[3]:  # LanguageExtensions
            return self.value(arg[3]["DefaultValue"])
        return Unknown("!FindInMap " + ".".join(str(k) for k in keys if isinstance(k, str)))

    def _base64(self, arg: Any) -> Any:
        # the text before encoding: what a reader (or a secret scan) of the script sees
        inner = self.value(arg)
        if isinstance(inner, (str, Reference)):
            return inner
        return Unknown("!Base64")

    def _import(self, arg: Any) -> Any:
        name = self.value(arg)
        return Reference(f"!ImportValue {name if isinstance(name, str) else ''}".strip())


def _joined(item: Any) -> str:
    """An item of a !Join as the text a !Sub would hold: a literal as itself, a pseudo parameter or another
    resource as `${Name}`, an ARN whose form is known as that form."""
    if isinstance(item, (str, int, float)) and not isinstance(item, bool):
        return str(item)
    if isinstance(item, Reference) and item.arn:
        return item.arn
    if isinstance(item, Unknown) and item.text.startswith("!Ref "):
        return "${" + item.text.removeprefix("!Ref ").split(" ", 1)[0] + "}"
    return "${?}"


def _shown(name: str, arg: Any) -> str:
    short = "!Ref" if name == "Ref" else name.replace("Fn::", "!")
    return f"{short} {arg}" if isinstance(arg, (str, int, float)) else short


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


#: Resource types whose Ref is their ARN (the CloudFormation reference's return values), by ARN service.
_REF_IS_ARN = {"AWS::SNS::Topic": "sns", "AWS::StepFunctions::StateMachine": "states",
               "AWS::Lambda::LayerVersion": "lambda", "AWS::IAM::ManagedPolicy": "iam"}


def _reference(name: str) -> Any:
    return lambda template, arg: Reference(_shown(name, arg))


_HANDLERS: dict[str, Any] = {
    "Ref": Template._ref, "Fn::GetAtt": Template._get_att, "Fn::If": Template._if, "Fn::Sub": Template._sub,
    "Fn::Join": Template._join, "Fn::Select": Template._select, "Fn::Split": Template._split,
    "Fn::FindInMap": Template._find_in_map, "Fn::Base64": Template._base64, "Fn::ImportValue": Template._import,
    # never empty when they deploy: a list of zones, CIDR blocks, a JSON text
    "Fn::GetAZs": _reference("Fn::GetAZs"), "Fn::Cidr": _reference("Fn::Cidr"),
    "Fn::ToJsonString": _reference("Fn::ToJsonString"),
}
