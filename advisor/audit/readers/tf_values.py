"""Terraform values as `terraform plan` would compute them from the configuration alone.

An expert reads `direct_internet_access = var.access` with `default = "Enabled"` as Enabled, and a module called
twice with different arguments as two notebooks. So, per module (a folder):

- `var.x` is the caller's argument when the folder is a local module called from the audited tree (one
  instance per call, named `module.<call>.<type>.<name>` as Terraform names it), else terraform.tfvars and
  *.auto.tfvars, else the variable's default; a variable with none of these is unknown;
- `local.x` is its expression, evaluated in the same scope;
- literals, strings with interpolations, `cond ? a : b`, comparisons, `!`, `&&`, `||`, arithmetic, lists,
  objects, indexes and attributes, and a few pure functions (merge, concat, lower, upper, coalesce, length,
  to*, lookup, join, split, trimspace, base64encode/decode, jsonencode, try, can) are computed; a resource's or data
  source's attribute is certainly set (Reference), and so is a `for` expression over another resource's
  instances (as their splat is); a `for` expression over a known collection is computed; anything else
  (other functions, `each.*`, `count.index`, a registry module's outputs) is unknown, with its text kept
  (a secret in that text is still found);
- a `dynamic` block is expanded over its `for_each` when that is known, and unknown otherwise (never silently
  absent); a resource whose `count` is 0 or whose `for_each` is empty is not created.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.audit.local_files import read_bounded, read_inside
from advisor.audit.model import Encoded, Given, Reference, Unknown
from advisor.audit.readers.tf_types import parse_type, with_defaults

#: Another resource's attribute, of the aws or the awscc provider: certainly set once applied.
_REFERENCE = re.compile(
    r"^(?:data\.)?(?:aws|awscc)_[a-z0-9_]+\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?(?:\.[A-Za-z0-9_]+|\[\d+\])+$")
_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||=>|\.\.\.|[-+*/%<>!?:.,()\[\]{}=])
""", re.VERBOSE)


class Unresolved(Exception):
    """The expression's value is not known from the configuration alone."""


class Malformed(ValueError):
    """The text is no expression (a parse error): Terraform refuses the configuration, so try() and can(), which
    catch errors of evaluation only (tonumber("x"), a missing key), do not catch it."""


@dataclass
class Scope:
    """What expressions of one module instance read: its variables, its locals, an iterator in a dynamic block."""

    variables: dict[str, Any]
    locals_raw: dict[str, Any]
    prefix: str = ""  # "module.a." for an instance of a called module
    extra: dict[str, Any] = field(default_factory=dict)  # a dynamic block's iterator
    folder: Path | None = None  # the module's folder: path.module
    #: the root module's folder (path.root), Terraform's working directory: where a relative file() path is read
    #: from, in a child module too; None: `folder` (a scope made by hand is a root module's)
    root_folder: Path | None = None
    #: the folder the user audits: file() and templatefile() read nothing outside it (local_files); None: nothing
    within: Path | None = None
    #: (call name, `keys["a"]` or `counted[0]` for an instance; output name) -> the output's value there
    outputs: Callable[[str, str], Any] | None = None
    _locals: dict[str, Any] = field(default_factory=dict)
    _busy: set[str] = field(default_factory=set)

    def with_iterator(self, name: str, key: Any, value: Any) -> Scope:
        return self.bind(name, {"key": key, "value": value})

    def bind(self, name: str, value: Any) -> Scope:
        """This scope with one more name bound: a dynamic block's iterator, a resource's `each` or `count`."""
        scope = Scope(self.variables, self.locals_raw, self.prefix, {**self.extra, name: value}, self.folder,
                      self.root_folder, self.within, self.outputs)
        scope._locals = self._locals
        return scope

    def local(self, name: str) -> Any:
        if name not in self._locals:
            if name in self._busy or name not in self.locals_raw:
                raise Unresolved
            self._busy.add(name)
            try:
                self._locals[name] = self.value(self.locals_raw[name])
            finally:
                self._busy.discard(name)
        return self._locals[name]

    def value(self, raw: Any) -> Any:
        """A configuration value (python-hcl2's output: strings hold `${...}`) as Terraform would send it."""
        if isinstance(raw, dict):
            return {k: self.value(v) for k, v in raw.items() if k not in ("__start_line__", "__end_line__")}
        if isinstance(raw, list):
            return [self.value(v) for v in raw]
        if isinstance(raw, str) and "${" in raw:
            return self.template(raw)
        return raw

    def template(self, text: str) -> Any:
        parts = list(_template_parts(text))
        if len(parts) == 1 and parts[0][0] == "expr":
            return self.expression(parts[0][1])
        out, unresolved = [], False
        for kind, part in parts:
            piece = part if kind == "text" else _as_text(self.expression(part))
            unresolved = unresolved or piece is None
            out.append("${" + part + "}" if piece is None else piece)
        joined = "".join(out)
        if not unresolved:
            return joined
        # literal text around an unknown: certainly a non-empty string
        literal = "".join(p for k, p in parts if k == "text")
        return Reference(joined) if literal.strip() else Unknown(joined)

    def expression(self, text: str) -> Any:
        try:
            value = _Parser(text, self).parse()
        except Unresolved:
            stripped = text.strip()
            if _REFERENCE.match(stripped):
                return Reference(stripped)
            return Unknown(stripped)
        except (ValueError, TypeError, KeyError, IndexError, ZeroDivisionError, OverflowError, StopIteration,
                AttributeError, RecursionError):  # an expression Terraform would refuse: not a value here
            return Unknown(text.strip())
        return _settled(value)


def _as_text(value: Any) -> str | None:
    """An interpolated value as the string Terraform puts in (a bool as true/false); None for a value that is no
    string, number or bool (unknown, a list): both template readers keep such a part apart."""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value) if isinstance(value, (str, int, float)) else None


def _template_parts(text: str) -> Iterator[tuple[str, str]]:
    """A string with interpolations as ("text", ...) and ("expr", ...) parts (braces and strings balanced)."""
    i, start = 0, 0
    while i < len(text):
        if text.startswith("$${", i):  # an escaped interpolation is text
            i += 3
            continue
        if text.startswith("${", i):
            if i > start:
                yield "text", text[start:i]
            j = interpolation_end(text, i + 2)
            yield "expr", text[i + 2:j - 1]
            i = start = j
            continue
        i += 1
    if start < len(text):
        yield "text", text[start:]


def string_end(text: str, start: int) -> int:
    """Where the HCL string opening at `text[start]` (a `"`) ends: the index after its closing quote, its
    escapes and its interpolations (which may hold strings of their own: `"${join(",", x)}"`) skipped;
    len(text) when it does not close in `text`. Used by the expression reader and the bracket check alike."""
    i = start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == '"':
            return i + 1
        elif text.startswith(("$${", "%%{"), i):
            i += 3
        elif text.startswith(("${", "%{"), i):
            i = interpolation_end(text, i + 2)
        else:
            i += 1
    return len(text)


def interpolation_end(text: str, start: int) -> int:
    """The index after the `}` that closes an interpolation whose expression starts at `start` (nested braces
    and strings skipped); len(text) when it does not close."""
    depth, i = 1, start
    while i < len(text):
        char = text[i]
        if char == '"':
            i = string_end(text, i)
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if not depth:
                return i + 1
        i += 1
    return len(text)


def _known(value: Any) -> Any:
    if isinstance(value, Unknown):
        raise Unresolved
    return value


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "merge": lambda *maps: {k: v for m in maps for k, v in _mapping(m).items()},
    "concat": lambda *lists: [item for items in lists for item in _sequence(items)],
    "lower": lambda s: str(s).lower(), "upper": lambda s: str(s).upper(),
    "tostring": lambda s: s if isinstance(s, str) else str(s).lower() if isinstance(s, bool) else str(s),
    "tonumber": lambda s: float(s) if "." in str(s) else int(s),
    "tobool": lambda s: s if isinstance(s, bool) else {"true": True, "false": False}[str(s)],
    "tolist": lambda s: list(_sequence(s)), "toset": lambda s: list(dict.fromkeys(_sequence(s))),
    "tomap": lambda m: dict(_mapping(m)), "length": lambda s: len(s),
    "coalesce": lambda *items: next(i for i in items if i is not None and i != ""),
    # text functions whose result a control reads (a lifecycle script is base64encode(<<EOT ... EOT)): pure, so
    # computed rather than left unknown
    "base64encode": lambda s: base64.b64encode(_text(s).encode()).decode(),
    "base64decode": lambda s: base64.b64decode(_text(s)).decode("utf-8"),
    "jsonencode": lambda v: _jsonencode(v),
    "join": lambda sep, items: _text(sep).join(_text(i) for i in _sequence(items)),
    "split": lambda sep, s: _text(s).split(_text(sep)),
    "trimspace": lambda s: _text(s).strip(),
    "lookup": lambda m, key, *default: _mapping(m)[key] if key in _mapping(m) or not default else default[0],
}


def _jsonencode(value: Any) -> str:
    """The JSON text; around unknown parts (another resource's attribute), an Encoded text that keeps them."""
    unknown: list[Unknown] = []

    def shown(part: Any) -> str:
        if isinstance(part, Unknown):
            unknown.append(part)
            return f"${{{part.text}}}"
        raise TypeError(f"{type(part).__name__} is not JSON")

    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=shown)
    return Encoded(text, value) if unknown else text


def _rendered(text: str, scope: Scope) -> Any:
    """A template's text with its interpolations computed. A part not known here (another resource's attribute)
    stays `${...}`: then a text that is JSON (a state machine or pipeline definition) is also read as the
    structure it encodes, each such part kept as its value, as jsonencode's is (Encoded)."""
    parts = list(_template_parts(text))
    out: list[str] = []
    held: dict[str, Any] = {}
    for kind, part in parts:
        value = scope.expression(part) if kind == "expr" else part
        piece = part if kind == "text" else _as_text(value)
        if piece is None:
            piece = f"\x00{len(held)}\x00"
            held[piece] = (part, value)
        out.append(piece)
    rendered = "".join(out)
    shown = re.sub("\x00(\\d+)\x00", lambda m: "${" + held[m.group(0)][0] + "}", rendered)
    if not held:
        return rendered
    try:
        data = json.loads(rendered, strict=False)
    except (json.JSONDecodeError, RecursionError):
        literal = "".join(p for k, p in parts if k == "text")
        return Reference(shown) if literal.strip() else Unknown(shown)
    return Encoded(shown, _holding(data, held))


def _holding(node: Any, held: dict[str, tuple[str, Any]]) -> Any:
    """Rendered JSON data with each held part put back: a string that is one part is its value; one that holds
    parts among other text is set when they are all set (another resource's attribute), else unknown."""
    if isinstance(node, dict):
        return {key: _holding(value, held) for key, value in node.items()}
    if isinstance(node, list):
        return [_holding(value, held) for value in node]
    if isinstance(node, str) and "\x00" in node:
        if node in held:
            return _settled(held[node][1])
        marks = re.findall("\x00\\d+\x00", node)
        text = re.sub("\x00\\d+\x00", lambda m: "${" + held[m.group(0)][0] + "}", node)
        return Reference(text) if all(isinstance(held[m][1], Reference) for m in marks) else Unknown(text)
    return node


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("not a map")
    return value


def _sequence(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


class _Parser:
    """A recursive-descent reader of one HCL expression (the subset `Scope` documents)."""

    def __init__(self, text: str, scope: Scope) -> None:
        self.tokens: list[tuple[str, str]] = []
        position = 0
        while position < len(text):
            match = _TOKEN.match(text, position)
            if not match:
                raise Malformed(f"cannot read {text[position:position + 10]!r}")
            position = match.end()
            if match.lastgroup != "ws":
                self.tokens.append((match.lastgroup or "", match.group()))
        self.at = 0
        self.scope = scope

    def parse(self) -> Any:
        value = self.conditional()
        if self.at != len(self.tokens):
            raise Malformed("trailing tokens")
        return value

    def peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise Malformed("unexpected end")
        token = self.tokens[self.at]
        if expected is not None and token[1] != expected:
            raise Malformed(f"expected {expected}")
        self.at += 1
        return token

    def conditional(self) -> Any:
        condition = self.binary(0)
        if self.peek() != "?":
            return condition
        self.take("?")
        colon = self._end_of_branch(self.at, first=True)
        end = self._end_of_branch(colon + 1, first=False)
        chosen = (self.at, colon) if _truth(_known(condition)) else (colon + 1, end)
        self.at = chosen[0]
        value = self.conditional()  # only the branch taken must be known
        if self.at != chosen[1]:
            raise Malformed("malformed conditional")
        self.at = end
        return value

    def _end_of_branch(self, start: int, first: bool) -> int:
        """The index of the `:` ending a first branch, or of the token after a second branch."""
        depth = nested = 0
        for index in range(start, len(self.tokens)):
            value = self.tokens[index][1]
            if value in ("(", "[", "{"):
                depth += 1
            elif value in (")", "]", "}"):
                if depth == 0:
                    if first:
                        raise Malformed("conditional without :")
                    return index
                depth -= 1
            elif depth == 0 and value == "?":
                nested += 1
            elif depth == 0 and value == ":":
                if nested == 0 and first:
                    return index
                nested -= 1
            elif depth == 0 and value == "," and not first:
                return index
        if first:
            raise Malformed("conditional without :")
        return len(self.tokens)

    _LEVELS = (("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%"))

    def binary(self, level: int) -> Any:
        if level == len(self._LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in self._LEVELS[level]:
            operator = self.take()[1]
            right = self.binary(level + 1)
            empty = _set_is_empty(left, right) if operator in ("==", "!=") else None
            left = _apply(operator, _known(left), _known(right)) if empty is None \
                else empty if operator == "==" else not empty
        return left

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not _truth(_known(self.unary()))
        if self.peek() == "-":
            self.take()
            return -_known(self.unary())
        return self.postfix()

    def postfix(self) -> Any:
        value = self.primary()
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                kind, name = self.take()
                if isinstance(value, _Resource):
                    value = _Resource(f"{value.text}.{name}")
                    continue
                value = _known(value)[int(name)] if kind == "num" else _attribute(_known(value), name)
            else:
                index = self.conditional()
                self.take("]")
                if isinstance(value, _Resource):
                    shown = index if isinstance(index, (int, str)) and not isinstance(index, bool) else "*"
                    value = _Resource(f"{value.text}[{shown}]")
                    continue
                value = _known(value)
                value = value[int(index)] if isinstance(value, list) else value[str(_known(index))]
        return value

    def primary(self) -> Any:
        kind, token = self.take()
        if kind == "num":
            return float(token) if any(c in token for c in ".eE") else int(token)
        if kind == "str":
            inner = _unescape(token[1:-1])
            return self.scope.template(inner) if "${" in inner else inner
        if token == "(":
            value = self.conditional()
            self.take(")")
            return value
        if token == "[":
            if self.peek() == "for":
                return self.comprehension("]")
            items = []
            while self.peek() != "]":
                items.append(self.conditional())
                if self.peek() == ",":
                    self.take()
            self.take("]")
            return items
        if token == "{":
            return self.object()
        if kind != "ident":
            raise Malformed(f"unexpected {token}")
        if token in ("true", "false"):
            return token == "true"
        if token == "null":
            return None
        if self.peek() == "(":
            return self.call(token)
        if token == "var":
            self.take(".")
            name = self.take()[1]
            if name not in self.scope.variables:
                raise Unresolved
            return self.scope.variables[name]
        if token == "local":
            self.take(".")
            return self.scope.local(self.take()[1])
        if token in self.scope.extra:
            return self.scope.extra[token]
        if token == "module" and self.scope.outputs is not None:
            self.take(".")
            call, instance = self.take()[1], ""
            if self.peek() == "[":  # an instance of a call with for_each or count, named as Terraform names it
                self.take("[")
                key = _known(self.conditional())
                self.take("]")
                instance = f"[{key}]" if isinstance(key, int) and not isinstance(key, bool) \
                    else f"[{json.dumps(str(key))}]"
            if self.peek() != ".":
                raise Unresolved  # the whole module object
            self.take(".")
            return self.scope.outputs(call + instance, self.take()[1])
        if token == "path" and self.scope.folder is not None:
            self.take(".")
            name = self.take()[1]
            if name == "module":
                return str(self.scope.folder)
            if name == "root" and (self.scope.root_folder or not self.scope.prefix):
                return str(self.scope.root_folder or self.scope.folder)
            raise Unresolved
        if _RESOURCE_TYPE.match(token) or token == "data":
            # another resource's (or data source's) attribute: certainly set, its value unknown here; read inside
            # an expression so that `aws_sqs_queue.q.arn == ""` is known false and `{k = aws_x.y.arn}` a mapping
            return _Resource(token)
        raise Unresolved  # a module output, each, count, path, terraform

    def object(self) -> Any:
        if self.peek() == "for":
            return self.comprehension("}")
        out = {}
        while self.peek() != "}":
            kind, key = self.take()
            if kind == "str":
                key = _unescape(key[1:-1])
            elif key == "(":
                key = str(_known(self.conditional()))
                self.take(")")
            separator = self.take()[1]
            if separator not in ("=", ":"):
                raise Malformed("expected = in an object")
            out[key] = self.conditional()
            if self.peek() == ",":
                self.take()
        self.take("}")
        return out

    def comprehension(self, close: str) -> Any:
        """`[for v in c : body if cond]` or `{for k, v in c : key => value if cond}`, after its opening bracket.
        Over a known list or map, the body is read once per element with the names bound; over another
        resource's instances (`aws_subnet.private`), the result is certainly set, as a splat of them is."""
        self.take("for")
        names = [self.take()[1]]
        if self.peek() == ",":
            self.take()
            names.append(self.take()[1])
        self.take("in")
        collection = self.conditional()
        self.take(":")
        start, end = self.at, self._end_of_branch(self.at, first=False)  # the bracket that closes it (else refused)
        self.at = end
        self.take(close)
        if isinstance(collection, _Resource):
            return _Resource(f"[for {', '.join(names)} in {collection.text}]")
        collection = _known(collection)
        pairs = list(collection.items()) if isinstance(collection, dict) else list(enumerate(_sequence(collection)))
        out: Any = {} if close == "}" else []
        for key, value in pairs:
            body = _Parser.__new__(_Parser)
            body.tokens, body.at = self.tokens[:end], start
            body.scope = self.scope.bind(names[-1], value)
            if len(names) == 2:
                body.scope = body.scope.bind(names[0], key)
            item = body.conditional()
            if close == "}":
                body.take("=>")
                item = (str(_known(item)), body.conditional())
            if body.peek() == "if" and not (body.take() and _truth(_known(body.conditional()))):
                continue
            if body.at != len(body.tokens):
                raise Malformed("malformed for expression")
            if close == "}":
                out[item[0]] = item[1]
            else:
                out.append(item)
        return out

    def call(self, name: str) -> Any:
        self.take("(")
        if name in ("try", "can"):
            return self.attempt(name)
        arguments = []
        while self.peek() != ")":
            arguments.append(self.conditional())
            if self.peek() in (",", "..."):
                self.take()
        self.take(")")
        if name in ("file", "filebase64", "templatefile"):
            return self.read_file(name, [_known(a) for a in arguments])
        function = _FUNCTIONS.get(name)
        if function is None:
            raise Unresolved
        return function(*(_known(a) for a in arguments))

    def attempt(self, name: str) -> Any:
        """try(a, b, ...): the first argument that evaluates without an error (a missing attribute or key, a bad
        index or type); can(a): whether it does. An argument whose value is not known here leaves the answer
        unknown, unless one before it already gave it."""
        found: list[Any] = []  # the first argument that evaluated (its value may be false or null)
        while self.peek() != ")":
            end = self._end_of_branch(self.at, first=False)  # the `,` or `)` after this argument
            if not found:
                try:
                    value = self.conditional()
                    if self.at != end:
                        raise Malformed("malformed argument")
                    found.append(value)
                except Malformed:
                    raise
                except (KeyError, IndexError, TypeError, AttributeError, ValueError):
                    pass  # an error of evaluation: the next argument is tried
            self.at = end
            if self.peek() not in (",", ")"):  # `can(x ])`: no argument ends there (it looped forever)
                raise Malformed("malformed argument")
            if self.peek() == ",":
                self.take()
        self.take(")")
        if name == "can":
            return bool(found)
        if not found:
            raise ValueError("no argument of try() evaluates")  # Terraform refuses the configuration
        return found[0]

    def read_file(self, name: str, arguments: list[Any]) -> Any:
        """file(path) is the file's text, filebase64(path) its bytes in base64; templatefile(path, vars) renders
        it with `${name}` of the vars (developer.hashicorp.com/terraform/language/functions/templatefile). A
        relative path is read from Terraform's working directory, the root module's folder, in a child module
        too; only `"${path.module}/x"` names the module's own file (language/expressions/references.mdx,
        "Filesystem and Workspace Info"). A file that is not there, not text or outside the audited folder, or a
        template with directives (`%{ }`), is unknown."""
        if self.scope.folder is None or not arguments:
            raise Unresolved
        path = Path(_text(arguments[0]))
        base = self.scope.root_folder or self.scope.folder
        text = read_inside(path if path.is_absolute() else base / path, self.scope.within)
        if text is None or (name == "templatefile" and "%{" in text):
            raise Unresolved
        if name == "file":
            return text
        if name == "filebase64":
            return base64.b64encode(text.encode()).decode()
        variables = _mapping(arguments[1]) if len(arguments) > 1 else {}
        return _rendered(text, Scope({}, {}, extra=dict(variables), folder=self.scope.folder,
                                     root_folder=self.scope.root_folder, within=self.scope.within))


def _truth(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    raise TypeError("not a bool")


def _attribute(value: Any, name: str) -> Any:
    if isinstance(value, dict):
        if name not in value:
            raise KeyError(name)
        return value[name]
    raise TypeError("no attributes")


def _apply(operator: str, left: Any, right: Any) -> Any:
    if operator == "==":
        return _same(left, right)
    if operator == "!=":
        return not _same(left, right)
    if operator == "&&":
        return _truth(left) and _truth(right)
    if operator == "||":
        return _truth(left) or _truth(right)
    if isinstance(left, bool) or isinstance(right, bool):
        raise TypeError("arithmetic on a bool")
    left, right = _number(left), _number(right)
    if operator == "<":
        return left < right
    if operator == ">":
        return left > right
    if operator == "<=":
        return left <= right
    if operator == ">=":
        return left >= right
    if operator == "+":
        return left + right
    if operator == "-":
        return left - right
    if operator == "*":
        return left * right
    if operator == "/":
        return left / right
    return left % right


_RESOURCE_TYPE = re.compile(r"^(?:aws|awscc)_[a-z0-9_]+$")


class _Resource(Reference):
    """A resource or data source reference being read inside an expression (`aws_kms_key.k`, then `.arn`)."""


def _settled(value: Any) -> Any:
    """A value as the audit holds it: a resource reference read inside an expression is a plain Reference."""
    if isinstance(value, _Resource):
        return Reference(value.text)
    if isinstance(value, dict):
        return {k: _settled(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_settled(v) for v in value]
    return value


def _set_is_empty(left: Any, right: Any) -> bool | None:
    """`x == ""` or `x == null` where x is certainly set (another resource's ARN or id, text around an
    interpolation): False, although x's value is unknown. A module's `var.dlq_arn == "" ? [] : [var.dlq_arn]`
    called with `aws_sqs_queue.dlq.arn` makes its block. None when the comparison needs the values."""
    for one, other in ((left, right), (right, left)):
        if isinstance(one, Reference) and (other is None or other == ""):
            return False
    return None


def _same(left: Any, right: Any) -> bool:
    if (isinstance(left, (int, float)) and isinstance(right, str)) or (isinstance(right, (int, float)) \
            and isinstance(left, str)):
        return str(left) == str(right)
    return bool(left == right)


def _number(value: Any) -> float:
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return float(text) if "." in text else int(text)


def _unescape(text: str) -> str:
    return re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


MAX_INSTANCES = 256
"""A resource's instances made one by one from a known `count` or `for_each`; more is no configuration a person
reads, and is judged as one whose per-instance values stay unknown."""


def instances(body: dict[str, Any], scope: Scope) -> list[tuple[str, Scope]]:
    """The instances Terraform makes of one resource block or module call, each with its address suffix and scope.

    `for_each` over a known map makes one instance per key (`["key"]`, with `each.key` and `each.value`), over
    a known set of strings one per element (`each.key` = `each.value`); a known `count` makes `[0]`..`[n-1]` with
    `count.index`: an expert reads `direct_internet_access = each.value.internet` per team, not as unknown. An
    empty collection or `count = 0` makes none; a collection or count the configuration does not fix makes one
    instance, unnamed, whose `each.*`/`count.index` stay unknown."""
    if "for_each" in body:
        items = scope.value(body["for_each"])
        if isinstance(items, dict):
            pairs = list(items.items())
        elif isinstance(items, list) and all(isinstance(i, (str, int, float)) and not isinstance(i, bool)
                                             for i in items):
            pairs = [(str(i), i) for i in dict.fromkeys(items)]
        else:
            return [("", scope)]
        if len(pairs) > MAX_INSTANCES:
            return [("", scope)]
        return [(f"[{json.dumps(str(key))}]", scope.bind("each", {"key": key, "value": value}))
                for key, value in pairs]
    if "count" in body:
        count = scope.value(body["count"])
        if isinstance(count, float) and count.is_integer():
            count = int(count)
        if not isinstance(count, int) or isinstance(count, bool) or count > MAX_INSTANCES:
            return [("", scope)]
        return [(f"[{i}]", scope.bind("count", {"index": i})) for i in range(max(count, 0))]
    return [("", scope)]



# ---- the configuration: folders, their variables and locals, and the calls between them --------------------------

_MODULE_SOURCE = re.compile(r'(?m)^\s*source\s*=\s*"\.\.?/|"source"\s*:\s*"\.\.?/')
_BLOCKS = "variable|locals|module|provider|output"
_DECLARES = re.compile(rf'(?m)^\s*({_BLOCKS})\b|"({_BLOCKS})"\s*:')


@dataclass
class _Folder:
    variables: dict[str, Any] = field(default_factory=dict)  # name -> default (_NO_DEFAULT when none)
    types: dict[str, Any] = field(default_factory=dict)  # name -> its type constraint, read (types.parse_type)
    locals_raw: dict[str, Any] = field(default_factory=dict)
    tfvars: dict[str, Any] = field(default_factory=dict)
    tfvars_files: dict[str, str] = field(default_factory=dict)  # variable -> the file that set it
    calls: list[tuple[str, Path, dict[str, Any]]] = field(default_factory=list)  # (name, module folder, args)
    outputs: dict[str, Any] = field(default_factory=dict)  # name -> its value expression, as written
    #: the aws provider's default_tags by alias ("" for the default provider), as written
    default_tags: dict[str, Any] = field(default_factory=dict)


_NO_DEFAULT = object()
_MAX_INSTANCES = 64  # a module called from a module called from ...: enough for any real tree


class Configuration:
    """The Terraform folders of one audit run, read on first use (only files that declare variables, locals or
    modules are parsed for them; the resources are read by the Terraform reader as before)."""

    def __init__(self, files: list[Path], parse: Callable[[str], dict[str, Any]],
                 within: dict[Path, Path] | None = None) -> None:
        """`within`: each audited file's audited folder (the folder the user named, or a named file's own), the
        only place its modules' file() and templatefile() may read."""
        self._parse = parse
        # a module is its folder: every .tf file beside an audited one declares its variables and locals
        self._files: dict[Path, list[Path]] = {folder: [] for folder in map(_folder, files)}
        self._within: dict[Path, Path] = {}
        for path, root in (within or {}).items():  # a folder named twice (as itself and as a parent): the wider
            folder = _folder(path)
            if folder not in self._within or len(root.parts) < len(self._within[folder].parts):
                self._within[folder] = root
        self._folders: dict[Path, _Folder] = {}
        self._callers: dict[Path, list[tuple[Path, str, dict[str, Any]]]] | None = None
        self._scopes: dict[Path, list[Scope]] = {}

    def scopes(self, path: Path) -> list[Scope]:
        """One scope per instance of the module `path` belongs to (one, at the root, when nothing calls it)."""
        return self._folder_scopes(_folder(path))

    def _folder_scopes(self, folder: Path) -> list[Scope]:
        """One scope per instance of the module in `folder` (a caller's folder is a folder, not a file: asking
        `scopes` for it would give its parent's, and a module two deep or an argument read from the caller's
        variables would lose its values)."""
        if folder not in self._scopes:
            self._scopes[folder] = []  # a cycle of calls reads the root scope below
            # called from the audited tree: one scope per instance (none when every call has count = 0 or an
            # empty for_each: its resources are not created); called by nothing: the root module
            made, none_made = self._instances(folder)
            self._scopes[folder] = made if made or none_made else [self._root(folder)]
        return self._scopes[folder]

    def _root(self, folder: Path) -> Scope:
        info = self._folder(folder)
        values = {k: _given(v, f"var.{k}'s default") for k, v in info.variables.items() if v is not _NO_DEFAULT}
        values.update({k: _given(v, f"var.{k} in {info.tfvars_files.get(k, 'tfvars')}")
                       for k, v in info.tfvars.items() if k in info.variables})
        return Scope(_typed(values, info.types), info.locals_raw, folder=folder, within=self._within.get(folder),
                     outputs=self._outputs(folder, ""))

    def _instances(self, folder: Path) -> tuple[list[Scope], bool]:
        """The module's instances, and whether a call said to make none (count = 0, an empty for_each)."""
        out: list[Scope] = []
        none_made = False
        info = self._folder(folder)
        for caller, name, args in self._calls_into(folder):
            for outer in self._folder_scopes(caller):
                # a call with count or for_each makes one module instance per index or key (module.a["k"])
                made = instances(args, outer)
                none_made = none_made or not made
                for suffix, bound in made:
                    values = {k: _given(v, f"var.{k}'s default") for k, v in info.variables.items()
                              if v is not _NO_DEFAULT}
                    for key, raw in args.items():
                        if key in info.variables and key not in ("count", "for_each"):
                            values[key] = _given(bound.value(raw), f"module.{name}{suffix}'s {key}")
                    prefix = f"{outer.prefix}module.{name}{suffix}."
                    out.append(Scope(_typed(values, info.types), info.locals_raw, prefix, folder=folder,
                                     root_folder=outer.root_folder or outer.folder, within=outer.within,
                                     outputs=self._outputs(folder, prefix)))
                    if len(out) >= _MAX_INSTANCES:
                        return out, none_made
        return out, none_made

    def _outputs(self, folder: Path, prefix: str) -> Callable[[str, str], Any]:
        """How the module instance `prefix` of `folder` reads its calls' outputs."""
        def read(call: str, name: str) -> Any:
            return self.output(folder, prefix, call, name)
        return read

    def output(self, folder: Path, prefix: str, call: str, name: str) -> Any:
        """`module.<call>.<name>` read in the module instance `prefix` of `folder`: the output's value in the
        instance that call makes (`call` is `keys["a"]` or `counted[0]` for a call with for_each or count)."""
        target = next((t for n, t, _args in self._folder(folder).calls if n == call.split("[", 1)[0]), None)
        if target is None or name not in self._folder(target).outputs:
            raise Unresolved  # a registry module, or an output not declared
        scope = next((s for s in self._folder_scopes(target) if s.prefix == f"{prefix}module.{call}."), None)
        if scope is None:
            raise Unresolved
        return scope.value(self._folder(target).outputs[name])

    def default_tags(self, path: Path, alias: str = "") -> Any:
        """The tags the aws provider (`alias`; "" the default one) adds to every resource of the module `path`
        belongs to: its `default_tags`, from the module's own provider block or else its caller's (a module
        inherits its caller's default provider); None when none is configured."""
        folder, seen = _folder(path), set()
        while folder not in seen:
            seen.add(folder)
            info = self._folder(folder)
            if alias in info.default_tags:
                return self._root(folder).value(info.default_tags[alias])
            callers = self._calls_into(folder)
            if not callers:
                return None
            folder = callers[0][0]
        return None

    def _calls_into(self, folder: Path) -> list[tuple[Path, str, dict[str, Any]]]:
        if self._callers is None:
            self._callers = {}
            for caller in self._files:
                for name, target, args in self._folder(caller).calls:
                    self._callers.setdefault(target, []).append((caller, name, args))
        return self._callers.get(folder, [])

    def _folder(self, folder: Path) -> _Folder:
        if folder in self._folders:
            return self._folders[folder]
        info = self._folders[folder] = _Folder()
        try:
            names = sorted(os.listdir(folder))
        except OSError:  # a folder that cannot be listed: its files' own reading says why
            names = []
        for path in (folder / n for n in names if n.endswith((".tf", ".tf.json")) and not n.startswith(".")):
            text = read_bounded(path)
            if text is None or not _DECLARES.search(text):
                continue
            try:
                tree = _parse_json(text) if path.name.endswith(".json") else self._parse(text)
            except Exception:  # the file's own reading reports it, located
                continue
            for block in tree.get("variable", []) or []:
                for name, body in block.items():
                    info.variables[name] = body.get("default", _NO_DEFAULT) if isinstance(body, dict) \
                        else _NO_DEFAULT
                    constraint = body.get("type") if isinstance(body, dict) else None
                    if isinstance(constraint, str) and "optional(" in constraint:
                        info.types[name] = parse_type(constraint, Scope({}, {}).expression)
            for block in tree.get("provider", []) or []:
                body = block.get("aws") if isinstance(block, dict) else None
                if not isinstance(body, dict):
                    continue
                tags = body.get("default_tags")
                tags = tags[0] if isinstance(tags, list) and tags else tags
                if isinstance(tags, dict) and isinstance(tags.get("tags"), dict):
                    info.default_tags[str(body.get("alias") or "")] = tags["tags"]
            for block in tree.get("locals", []) or []:
                info.locals_raw.update({k: v for k, v in block.items() if not k.startswith("__")})
            for block in tree.get("output", []) or []:
                info.outputs.update({name: body["value"] for name, body in block.items()
                                     if isinstance(body, dict) and "value" in body})
            if _MODULE_SOURCE.search(text):
                for block in tree.get("module", []) or []:
                    for name, body in block.items():
                        source = body.get("source") if isinstance(body, dict) else None
                        if isinstance(source, str) and source.startswith(("./", "../")):
                            target = _folder(folder / source / "x")
                            args = {k: v for k, v in body.items() if not k.startswith("__") and k not in
                                    ("source", "version", "providers", "depends_on")}
                            info.calls.append((name, target, args))
        # terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) in lexical order, each over the one
        # before (Terraform's order, "Variable Definition Precedence")
        automatic = [n for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
        for name in [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names] + automatic:
            text = read_bounded(folder / name)
            try:
                values = (_tfvars_json(text) if name.endswith(".json") else self._parse(text)) \
                    if text is not None else {}
            except Exception:  # a tfvars file Terraform would refuse: the defaults stand
                values = {}
            for key, value in values.items():
                if not key.startswith("__"):
                    info.tfvars[key] = Scope({}, {}).value(value)
                    info.tfvars_files[key] = name
        return info


def _parse_json(text: str) -> dict[str, Any]:
    from advisor.audit.readers import tf_json

    return tf_json.parse(text)


def _tfvars_json(text: str) -> dict[str, Any]:
    """A `.tfvars.json` file: one object of variable name to value (its strings are literal values)."""
    import json

    values = json.loads(text)
    return values if isinstance(values, dict) else {}


def _typed(values: dict[str, Any], types: dict[str, Any]) -> dict[str, Any]:
    """Variables' values with their type constraints' optional() defaults filled in, as Terraform converts them."""
    if not types:
        return values
    return {k: with_defaults(v, types[k]) if k in types else v for k, v in values.items()}


def _given(value: Any, origin: str) -> Any:
    """A text value marked with where it comes from (shown beside it in findings); other values as they are."""
    return Given(value, origin) if isinstance(value, str) and not isinstance(value, Given) else value


def _folder(path: Path) -> Path:
    try:
        return path.parent.resolve()
    except (OSError, RuntimeError):
        return path.parent
