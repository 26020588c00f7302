"""CloudFormation and SAM templates through cfn-lint's own decoder: YAML or JSON, short-form intrinsics, and a
line for every key. Intrinsic functions stay as they are and are judged unknown."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

from advisor.audit.model import MISSING, PathKey, Resource
from advisor.audit.readers import BadInput, parse_json
from advisor.audit.readers.cfn_values import FOR_EACH, FUNCTIONS, Template
from advisor.documents import yaml_complaint

SKIP = re.compile(r"#\s*advisor:skip=([A-Z0-9-]+(?:\s*,\s*[A-Z0-9-]+)*)\s*(.*)")
SKIP_MARK = "advisor:skip="  # in every suppression comment SKIP reads


class _Match:
    """What cfn-lint's decoder builds for a parse error (its linter's Match, without the linter)."""

    def __init__(self, **fields: Any) -> None:
        self.message = str(fields.get("message", ""))
        self.linenumber = fields.get("linenumber")

    @classmethod
    def create(cls, **fields: Any) -> _Match:
        return cls(**fields)


class _ParseError:
    id = "E0000"


_DECODERS: list[Any] = []


def _decoders() -> tuple[Any, Any]:
    """cfn-lint's YAML and JSON template decoders, loaded without the rest of cfn-lint.

    `import cfnlint.decode` runs cfnlint/__init__.py, which loads the whole linter (rules, schemas: about
    0.7 s of CPU) although the decoder modules need none of it: they import the linter's Match class only to
    describe parse errors. So the three decoder modules (node, mark, cfn_yaml / cfn_json) are executed from
    cfn-lint's own files with light stand-ins for `cfnlint`, `cfnlint.decode`, `cfnlint.match` and
    `cfnlint.rules`, and those stand-ins are removed again: a later real `import cfnlint` is untouched. If
    cfn-lint is already loaded, or its layout changed, its real decoder is used.
    """
    if _DECODERS:
        return _DECODERS[0], _DECODERS[1]
    yaml_mod: Any
    json_mod: Any
    import importlib
    import importlib.util
    import sys
    import types

    if "cfnlint.decode.cfn_yaml" in sys.modules:
        yaml_mod, json_mod = sys.modules["cfnlint.decode.cfn_yaml"], importlib.import_module("cfnlint.decode.cfn_json")
    else:
        spec = importlib.util.find_spec("cfnlint")
        names = ("cfnlint", "cfnlint.decode", "cfnlint.match", "cfnlint.rules", "cfnlint.rules.errors",
                 "cfnlint.decode.mark", "cfnlint.decode.node", "cfnlint.decode.cfn_yaml", "cfnlint.decode.cfn_json")
        saved = {name: sys.modules.get(name) for name in names}
        try:
            root = list(spec.submodule_search_locations or []) if spec else []
            stubs = {"cfnlint": root, "cfnlint.decode": [f"{r}/decode" for r in root], "cfnlint.rules": []}
            for name, path in stubs.items():
                module = types.ModuleType(name)
                module.__path__ = path
                sys.modules[name] = module
            for name in ("cfnlint.match", "cfnlint.rules"):
                sys.modules.setdefault(name, types.ModuleType(name)).Match = _Match  # type: ignore[attr-defined]
            errors = sys.modules["cfnlint.rules.errors"] = types.ModuleType("cfnlint.rules.errors")
            errors.ParseError = _ParseError  # type: ignore[attr-defined]
            yaml_mod = importlib.import_module("cfnlint.decode.cfn_yaml")
            json_mod = importlib.import_module("cfnlint.decode.cfn_json")
        except Exception:
            _restore(saved)
            yaml_mod = importlib.import_module("cfnlint.decode.cfn_yaml")
            json_mod = importlib.import_module("cfnlint.decode.cfn_json")
        else:
            _restore(saved)
    _DECODERS[:] = [yaml_mod, json_mod]
    return yaml_mod, json_mod


def _restore(saved: dict[str, Any]) -> None:
    import sys

    for name, previous in saved.items():
        if previous is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = previous


def decode(text: str) -> Any:
    """The template as cfn-lint's nodes (every key knows its line and column), or BadInput."""
    import json

    import yaml

    cfn_yaml, cfn_json = _decoders()
    try:
        if text.lstrip().startswith("{"):
            try:
                return cfn_json.loads(text)
            except json.JSONDecodeError as exc:
                raise BadInput(f"malformed JSON: {exc.msg}", exc.lineno) from None
            except (TypeError, ValueError, RecursionError) as exc:
                first = (getattr(exc, "matches", None) or [None])[0]
                if first is not None:  # cfn-lint's own refusal (a duplicate key), located
                    raise BadInput(f"malformed JSON: {first.message}", first.linenumber) from None
                _json_error(text)  # cfn-lint lost the place (one of its errors is a TypeError): the stdlib's says it
        return cfn_yaml.loads(text)
    except cfn_yaml.CfnParseError as exc:
        first = exc.matches[0] if getattr(exc, "matches", None) else None
        message = str(first.message if first else exc)
        line = getattr(first, "linenumber", None)
        where = re.search(r'line (\d+), column', message)  # PyYAML's own mark, when cfn-lint's says line 1
        if "recursion depth" in message:
            message, line = "nested too deeply", None
        elif where:
            message, line = message.splitlines()[0], int(where.group(1))
        raise BadInput(f"not a readable template: {message.removeprefix('Template could not be parsed: ')}",
                       line) from None
    except yaml.MarkedYAMLError as exc:
        reason, line = yaml_complaint(exc)
        raise BadInput(f"not a readable template: {reason}", line) from None
    except RecursionError:
        raise BadInput("not a readable template: nested too deeply") from None
    except (yaml.YAMLError, ValueError) as exc:
        raise BadInput(f"not a readable template: {type(exc).__name__}") from None


def _json_error(text: str) -> NoReturn:
    """The located error for JSON cfn-lint's decoder refused."""
    parse_json(text)
    raise BadInput("not a readable template: JSON that cfn-lint's template decoder refuses")


MAX_TEMPLATE_BYTES = 1024 * 1024
"""CloudFormation takes a template of at most 1 MB (botocore 1.44.5, CreateStack TemplateURL: "max size: 1 MB";
inline TemplateBody is smaller still). A bigger file is not a template AWS would deploy, and cfn-lint's decoder
slows down with the square of a mapping's size (16 MiB would take minutes), so it is refused before decoding."""


#: The resources that deploy another template of the same tree (before `aws cloudformation package` or `sam
#: deploy` uploads it): its path, and the values its Parameters give the child's parameters.
NESTED = {"AWS::CloudFormation::Stack": "TemplateURL", "AWS::Serverless::Application": "Location"}
_REMOTE = re.compile(r"^(?:https?|s3)://", re.I)


@dataclass(frozen=True)
class Parent:
    """One deployment of a template by a parent stack: who deploys it, and the parameter values it passes."""

    label: str  # the nested stack's logical id in its parent
    shown: str  # the parent template, as findings name files
    given: dict[str, Any]


def nested_stacks(templates: Iterable[tuple[Path, str, str]]) -> dict[Path, list[Parent]]:
    """Each child template (its resolved path) -> the parents that deploy it, from `(path, shown, text)` of the
    run's CloudFormation files. A nested stack whose TemplateURL (or SAM Location) is a local path, or a CDK
    nested stack whose `aws:asset:path` metadata names the synthesised file, is a child in this tree; the values
    its Parameters pass are the parent's, computed with the parent's own defaults. A remote URL is not followed."""
    out: dict[Path, list[Parent]] = {}
    for path, shown, text in templates:
        if not any(kind in text for kind in NESTED):
            continue
        try:
            template = decode(text)
        except Exception:  # the file's own reading reports it, located
            continue
        if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
            continue
        values = Template(template)
        for name, body in template["Resources"].items():
            if not isinstance(body, dict) or body.get("Type") not in NESTED:
                continue
            if "Condition" in body and values.condition(body["Condition"]) is False:
                continue
            props: dict[str, Any] = body["Properties"] if isinstance(body.get("Properties"), dict) else {}
            location = props.get(NESTED[body["Type"]])
            metadata: dict[str, Any] = body["Metadata"] if isinstance(body.get("Metadata"), dict) else {}
            if metadata.get("aws:asset:property") == "TemplateURL" and isinstance(metadata.get("aws:asset:path"), str):
                location = metadata["aws:asset:path"]  # CDK: the URL is the uploaded asset's, the file this one
            if not isinstance(location, str) or not location.strip() or _REMOTE.match(location):
                continue
            parameters = props.get("Parameters")
            given: dict[str, Any] = {}
            if isinstance(parameters, dict):
                for key, value in parameters.items():
                    value = values.value(copy.deepcopy(value))
                    if value is not MISSING:  # AWS::NoValue: the child's default stands
                        given[str(key)] = value
            try:
                child = (path.parent / location.strip()).resolve()
            except (OSError, RuntimeError):
                continue
            out.setdefault(child, []).append(Parent(str(name), shown, given))
    return out


def read_template(shown: str, text: str, parents: Sequence[Parent] = ()) -> list[Resource]:
    """The template's resources as it deploys with its own defaults, or, when parent stacks of the same tree
    deploy it, as each deploys it: their parameter values win over the defaults (one instance per parent;
    named `Parent.Resource` when there are several)."""
    if len(parents) > 1:
        return [replace(r, name=f"{parent.label}.{r.name}") for parent in parents
                for r in _read_template(shown, text, parent)]
    return _read_template(shown, text, parents[0] if parents else None)


def _read_template(shown: str, text: str, parent: Parent | None) -> list[Resource]:
    size = len(text.encode("utf-8"))
    if size > MAX_TEMPLATE_BYTES:
        raise BadInput(f"template is {size / 1024 / 1024:.1f} MiB, larger than the 1 MB CloudFormation accepts "
                       "(CreateStack TemplateURL): not a deployable template; split it into nested stacks")
    template = decode(text)
    if not isinstance(template, dict) or "Resources" not in template:
        # JSON that names "Resources" only inside (a Serverless Framework file, another tool's output) is no
        # template of ours; one that says it is a template (AWSTemplateFormatVersion, Transform) and has none is
        meant = isinstance(template, dict) and any(k in template for k in ("AWSTemplateFormatVersion", "Transform"))
        raise BadInput("no Resources section: not a CloudFormation template", meant=meant)
    if not isinstance(template["Resources"], dict):
        where = next((k for k in template if k == "Resources"), None)
        raise BadInput("Resources is not a mapping of logical id to resource (CloudFormation refuses the template)",
                       _line(where))
    lines = text.splitlines()
    commented = SKIP_MARK in text  # a template without the mark has no suppression comment to look for
    given, given_by = (parent.given, f"{parent.label} in {parent.shown}") if parent else ({}, "")
    if any(str(k).startswith(FOR_EACH) for k in template["Resources"]):
        template["Resources"] = _for_each(template["Resources"], Template(template, given, given_by))
    values = Template(template, given, given_by)
    globals_ = _sam_globals(template)
    resources = []
    for name, body in template["Resources"].items():
        if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
            continue
        if "Condition" in body and values.condition(body["Condition"]) is False:
            continue  # not created when the template deploys with its defaults
        props = body.get("Properties", {})
        if not isinstance(props, dict):
            props = {}
        if globals_ and body["Type"] in globals_:
            props = _with_globals(globals_[body["Type"]], props)
        props = values.value(props)
        start, end = _span(body, lines)
        resources.append(Resource(
            kind="cloudformation", type=str(body["Type"]), name=str(name), properties=props, file=shown,
            line=_line(name) or start, end_line=end, line_of=_locator(props),
            suppressions=tuple(_metadata_skips(body))
            + (tuple(comment_skips(lines, _line(name) or start, end)) if commented else ())))
    return resources


def _for_each(resources: dict[str, Any], values: Template) -> dict[str, Any]:
    """Resources with every `Fn::ForEach::Name: [Identifier, Collection, {OutputKey: resource}]` (the
    AWS::LanguageExtensions transform) replaced by one resource per item (Template.for_each_copies)."""
    out: dict[str, Any] = {}
    for key, body in resources.items():
        if not str(key).startswith(FOR_EACH):
            out[key] = body
            continue
        for copied in values.for_each_copies(str(key), body, "resource"):
            out.update(_for_each(copied, values))  # a loop inside the loop
    return out


#: SAM's Globals section name -> the resource type its properties apply to.
_GLOBALS = {"Function": "AWS::Serverless::Function", "Api": "AWS::Serverless::Api",
            "HttpApi": "AWS::Serverless::HttpApi", "SimpleTable": "AWS::Serverless::SimpleTable",
            "StateMachine": "AWS::Serverless::StateMachine", "LayerVersion": "AWS::Serverless::LayerVersion"}


def _sam_globals(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """SAM's Globals by the resource type they apply to (only in a template that uses the SAM transform)."""
    transform = template.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    section = template.get("Globals")
    if not isinstance(section, dict) or not any(str(t).startswith("AWS::Serverless") for t in transforms):
        return {}
    return {_GLOBALS[k]: v for k, v in section.items() if k in _GLOBALS and isinstance(v, dict)}


def _with_globals(global_value: Any, own: Any) -> Any:
    """A resource's properties over SAM's Globals, as SAM merges them: a scalar (or any intrinsic) of the resource
    replaces the global one, mappings merge key by key, lists add up (the global items first). The resource's own
    keys come first, so each key keeps the line it is written on."""
    if _is_function(global_value) or _is_function(own):
        return own
    if isinstance(global_value, dict) and isinstance(own, dict):
        merged = {k: _with_globals(global_value[k], v) if k in global_value else v for k, v in own.items()}
        for k, v in global_value.items():
            if k not in merged:
                merged[k] = copy.deepcopy(v)
        return merged
    if isinstance(global_value, list) and isinstance(own, list):
        return copy.deepcopy(global_value) + list(own)
    return own


def _is_function(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and str(next(iter(value))) in FUNCTIONS


def _line(node: Any) -> int | None:
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def _span(node: Any, lines: list[str]) -> tuple[int | None, int | None]:
    """First and last line of a node. A block mapping ends where the next key starts: that line is not its own."""
    start, end = getattr(node, "start_mark", None), getattr(node, "end_mark", None)
    if end is None:
        return (start.line + 1 if start else None), None
    before = lines[end.line][:end.column] if end.line < len(lines) else ""
    last = end.line if not before.strip() else end.line + 1
    return (start.line + 1 if start else None), max(last, start.line + 1 if start else last)


def _locator(props: dict[str, Any]) -> Callable[[PathKey], int | None]:
    def line_of(path: PathKey) -> int | None:
        node: Any = props
        best = None
        for part in path:
            if isinstance(node, dict) and isinstance(part, str) and part in node:
                key = next(k for k in node if k == part)
                best = _line(key) or best
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
                best = _line(node) or best
            else:
                break
        return best
    return line_of


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _metadata_skips(body: dict[str, Any]) -> list[tuple[str, str]]:
    """`Metadata: {advisor: {skip: [{id: SM-NB-02, reason: ...}]}}` (checkov's `checkov: skip:` shape, ours)."""
    meta = body.get("Metadata")
    if not isinstance(meta, dict):
        return []
    ours = meta.get("advisor")
    skips = ours.get("skip") if isinstance(ours, dict) else None
    out = []
    for item in skips if isinstance(skips, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            out.append((item["id"], str(item.get("reason") or item.get("comment") or "suppressed in Metadata")))
    return out


def comment_skips(lines: list[str], start: int | None, end: int | None) -> list[tuple[str, str]]:
    """`# advisor:skip=ID reason` on the comment lines just above the resource or inside it. A comment is inside
    the block it is indented into: one after a resource's last key, indented deeper than the next resource's
    name, still belongs to the resource above it."""
    if not start:
        return []
    own = _indent(lines[start - 1]) if start - 1 < len(lines) else 0
    first = start - 1
    while first > 0 and lines[first - 1].strip().startswith("#") and _indent(lines[first - 1]) <= own:
        first -= 1
    last = end or start
    while last > start and (not lines[last - 1].strip() or (lines[last - 1].lstrip().startswith("#")
                            and _indent(lines[last - 1]) <= own)):
        last -= 1  # comments at the next resource's indentation belong to it
    out = []
    for text in lines[first:last]:
        found = SKIP.search(text)
        if found:
            for control in re.split(r"\s*,\s*", found.group(1)):
                out.append((control, found.group(2).strip() or "suppressed in the source"))
    return out
