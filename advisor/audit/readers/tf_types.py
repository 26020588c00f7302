"""Terraform type constraints, read for what they add to a value: `optional(type, default)` attributes.

A variable typed `map(object({internet = bool, imdsv2 = optional(bool, true)}))` and given
`{fraud = {internet = false}}` holds `imdsv2 = true` for fraud: Terraform fills an absent (or null) optional
attribute with its default, or null without one, when it converts the value to the type ("Optional Object Type
Attributes", Terraform's type constraints page). An expert reads the default; a `dynamic` block over
`each.value.imdsv2 ? [1] : []` is then made, not unknown.

python-hcl2 renders a type as text with nested objects as quoted mappings
(`${map(object({"imdsv2": "${optional(bool, true)}"}))}`), a `.tf.json` file as HCL text; both are read here.
Only the structure the defaults need is kept: ("object", {name: (type, optional, default)}), ("map" | "list" |
"set", element), ("tuple", [types]), ("any",) for a primitive or anything not understood.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from advisor.audit.model import Unknown

_ANY: tuple[Any, ...] = ("any",)


def parse_type(text: str, literal: Callable[[str], Any] = lambda text: None) -> Any:
    """The type constraint's structure; ("any",) where the text is not one this reader understands. `literal`
    reads an optional attribute's default (an HCL expression: the caller's expression reader)."""
    try:
        node, _ = _Reader(_unwrapped(text), literal).type(0)
        return node
    except (ValueError, IndexError):
        return _ANY


def with_defaults(value: Any, node: Any) -> Any:
    """`value` converted to the type as far as optional attributes go (other values as they are)."""
    kind = node[0]
    if kind == "object" and isinstance(value, dict):
        out = dict(value)
        for name, (element, optional, default) in node[1].items():
            if optional and out.get(name) is None:
                out[name] = with_defaults(default, element) if default is not None else None
            elif name in out:
                out[name] = with_defaults(out[name], element)
        return out
    if kind == "map" and isinstance(value, dict):
        return {k: with_defaults(v, node[1]) for k, v in value.items()}
    if kind in ("list", "set") and isinstance(value, list):
        return [with_defaults(v, node[1]) for v in value]
    if kind == "tuple" and isinstance(value, list):
        return [with_defaults(v, t) if i < len(node[1]) else v for i, (v, t) in
                enumerate(zip(value, [*node[1], *[_ANY] * len(value)], strict=False))]
    return value


def _unwrapped(text: str) -> str:
    text = text.strip()
    while text.startswith("${") and text.endswith("}"):
        text = text[2:-1].strip()
    return text


class _Reader:
    def __init__(self, text: str, literal: Callable[[str], Any]) -> None:
        self.text = text
        self.literal = literal

    def _skip(self, i: int) -> int:
        while i < len(self.text) and self.text[i] in " \t\r\n":
            i += 1
        return i

    def _name(self, i: int) -> tuple[str, int]:
        i = self._skip(i)
        if self.text[i] == '"':  # a quoted name, or a quoted nested type ("${optional(bool, true)}")
            end = self.text.index('"', i + 1)
            while self.text.count("{", i, end) > self.text.count("}", i, end):  # a brace-balanced string
                end = self.text.index('"', end + 1)
            return self.text[i + 1:end], end + 1
        start = i
        while i < len(self.text) and (self.text[i].isalnum() or self.text[i] in "_-"):
            i += 1
        if start == i:
            raise ValueError(f"a name expected at {start}")
        return self.text[start:i], i

    def type(self, i: int) -> tuple[Any, int]:
        i = self._skip(i)
        if self.text[i] == '"':
            inner, i = self._name(i)
            return parse_type(inner, self.literal), i
        name, i = self._name(i)
        i = self._skip(i)
        if i >= len(self.text) or self.text[i] != "(":
            return _ANY, i
        i += 1
        if name in ("list", "set", "map"):
            element, i = self.type(i)
            return (name, element), self._close(i, ")")
        if name == "object":
            attributes, i = self._object(i)
            return ("object", attributes), self._close(i, ")")
        if name == "tuple":
            i = self._skip(i)
            if self.text[i] != "[":
                raise ValueError("tuple([...]) expected")
            items, i = [], i + 1
            while self.text[self._skip(i)] != "]":
                item, i = self.type(i)
                items.append(item)
                i = self._skip(i)
                if self.text[i] == ",":
                    i += 1
            return ("tuple", items), self._close(self._skip(i) + 1, ")")
        raise ValueError(f"{name}(...) is no type here")

    def _object(self, i: int) -> tuple[dict[str, tuple[Any, bool, Any]], int]:
        i = self._skip(i)
        if self.text[i] != "{":
            raise ValueError("object({...}) expected")
        i += 1
        attributes: dict[str, tuple[Any, bool, Any]] = {}
        while self.text[self._skip(i)] != "}":
            name, i = self._name(i)
            i = self._skip(i)
            if self.text[i] not in "=:":
                raise ValueError("= expected")
            attributes[name], i = self._attribute(i + 1)
            i = self._skip(i)
            if self.text[i] == ",":
                i += 1
        return attributes, self._skip(i) + 1

    def _attribute(self, i: int) -> tuple[tuple[Any, bool, Any], int]:
        i = self._skip(i)
        quoted = self.text[i] == '"'
        if quoted:  # python-hcl2's "${optional(bool, true)}" or "string"
            inner, after = self._name(i)
            inner = _unwrapped(inner)
            return _Reader(inner, self.literal)._attribute(0)[0], after
        if self.text.startswith("optional", i) and self.text[self._skip(i + 8)] == "(":
            element, j = self.type(self._skip(i + 8) + 1)
            j = self._skip(j)
            default: Any = None
            if self.text[j] == ",":
                end = _closing(self.text, j + 1)
                default = self.literal(self.text[j + 1:end].strip())
                default = None if isinstance(default, Unknown) else default
                j = end
            return (element, True, default), self._close(j, ")")
        element, j = self.type(i)
        return (element, False, None), j

    def _close(self, i: int, char: str) -> int:
        i = self._skip(i)
        if i >= len(self.text) or self.text[i] != char:
            raise ValueError(f"{char} expected at {i}")
        return i + 1


def _closing(text: str, i: int) -> int:
    """The index of the `)` closing the argument list that `i` is inside (strings and brackets balanced)."""
    depth, quoted = 0, False
    while i < len(text):
        char = text[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    raise ValueError("unclosed optional(")
