"""Records: plain immutable facts, declared once, validated by pydantic only when their YAML is read.

A record is a `typing.NamedTuple` marked `@record`. Reading YAML validates it through pydantic
(`adapter(Record)`, or a pydantic model holding records): unknown keys refused, `Annotated[..., Field(...)]`
constraints applied, located errors, and the record's own `_check(context)` run after its fields (what a
`model_validator(mode="after")` did). Reading the signed cache back (advisor.cache: data this user's advisor
wrote and signed) goes through `build` instead: a small walk over the record types' hints that turns plain JSON
data into the same records without creating a validator, so a start with a warm cache pays for neither.

`build` checks shape, not content: a mapping where a record is due, no unknown or missing keys, lists where
tuples are due, ISO dates where dates are due. A cache written by other code fails it (`ShapeError`) and the
caller validates its YAML again. Text, numbers and booleans are taken as they are: they were validated when the
cache was written, and the cache is signed (only this user's advisor wrote it).

At the bottom layer and without pydantic at import: only the hooks pydantic calls import it.
"""

from __future__ import annotations

import datetime as dt
import inspect
import types
from collections.abc import Callable, Mapping
from functools import cache
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ForwardRef,
    Literal,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from typing_extensions import Doc

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, TypeAdapter
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema

T = TypeVar("T")
Convert = Callable[[Any], Any]


class ShapeError(ValueError):
    """Plain data that does not have a record's shape (written by other code): validate the source again."""


class UnknownDeclaration(TypeError):
    """A record declares a type the builder does not know: a bug to fix here, never a cache miss."""


def record(cls: type[T]) -> type[T]:
    """Mark a NamedTuple as a record: pydantic validates it from a mapping only (never a positional list), runs
    its `_check(context)` if it has one, and describes it in JSON Schema as the mapping YAML writes."""
    cls.__get_pydantic_core_schema__ = classmethod(_core_schema)  # type: ignore[attr-defined]
    cls.__get_pydantic_json_schema__ = classmethod(_json_schema)  # type: ignore[attr-defined]
    return cls


def is_record(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields")


# ---- from plain data back to records ---------------------------------------------------------------------------

def build(tp: type[T], data: Any) -> T:
    """`data` (plain JSON data, as `to_plain` writes it) as a `tp`; ShapeError when it does not fit."""
    convert = _converter(tp)
    try:
        return data if convert is None else convert(data)
    except (ShapeError, UnknownDeclaration):
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ShapeError(f"{tp}: {exc}") from None


def to_plain(value: Any) -> Any:
    """Records and their contents as JSON-ready data: a record is a mapping of its field names (what `build`
    reads back), or what its `_json` method says where a record is written otherwise (an output record: see
    advisor.recommend.models.record_object), a tuple a list, a date its ISO text."""
    if isinstance(value, tuple):
        if hasattr(value, "_fields"):
            write = getattr(value, "_json", None)
            fields = write() if write is not None else dict(zip(value._fields, value))
            return {name: to_plain(item) for name, item in fields.items()}
        return [to_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: to_plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_converters: dict[Any, Convert | None] = {}
"""Type -> how its plain data becomes its value; None where the JSON value is the value already (text, numbers,
booleans, a Literal's value, Any): most fields, which is what keeps a build cheap."""


def _converter(tp: Any) -> Convert | None:
    if tp in _converters:
        return _converters[tp]
    convert = _record(tp) if is_record(tp) else _make(tp)
    _converters[tp] = convert
    return convert


def _record(cls: type) -> Convert:
    """A record from a mapping of its field names: the fields that need converting are converted, the rest go to
    the NamedTuple as they are (it refuses unknown and missing keys, and fills defaults). Registered before its
    fields are resolved, so a record that holds itself (a condition inside a condition) finds its converter."""
    fields: list[tuple[str, Convert]] = []

    def convert(data: Any) -> Any:
        if type(data) is not dict:
            raise ShapeError(f"{cls.__name__}: expected a mapping, got {type(data).__name__}")
        if fields:
            data = data.copy()
            for name, conv in fields:
                if name in data:
                    data[name] = conv(data[name])
        return cls(**data)

    _converters[cls] = convert
    hints = _hints(cls)
    for name in cls._fields:  # type: ignore[attr-defined]
        conv = _converter(hints[name])
        if conv is not None:
            fields.append((name, conv))
    return convert


def _hints(cls: type) -> dict[str, Any]:
    """A record's field types: as declared, unless one is written as text (a name not defined yet, like a condition
    inside a condition), which typing.get_type_hints resolves. Only then: it rebuilds every annotation, which
    would cost a cached start more than building the records. A name written as text deeper inside a type (not
    the whole annotation, nor the type inside Annotated) reaches `_make`, which refuses it loudly."""
    declared: dict[str, Any] = next((vars(c)["__annotations__"] for c in cls.__mro__
                                     if vars(c).get("__annotations__")), {})
    fields: tuple[str, ...] = cls._fields  # type: ignore[attr-defined]
    if set(fields) <= declared.keys() and not any(_by_name(declared[name]) for name in fields):
        return declared
    return get_type_hints(cls, include_extras=True)


def _by_name(tp: Any) -> bool:
    return isinstance(tp, str | ForwardRef) or (get_origin(tp) is Annotated and _by_name(tp.__origin__))


def _plain_type(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = tp.__origin__
    return tp


def _make(tp: Any) -> Convert | None:
    tp = _plain_type(tp)
    origin = get_origin(tp)
    if is_record(tp):
        return _converter(tp)
    if tp in (Any, str, int, float, bool, type(None)) or origin is Literal:
        return None
    if tp is dt.date:
        return dt.date.fromisoformat  # anything but ISO text raises, which `build` turns into a ShapeError
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _converter(args[0])
            if item is None:
                return _tuple
            return lambda value: tuple(map(item, value)) if type(value) is list else _refuse(value, "a list")
        items = [_converter(arg) or _same for arg in args]
        return lambda value: tuple(conv(x) for conv, x in zip(items, _sequence(value, len(items))))
    if origin is dict:
        value_conv = _converter(get_args(tp)[1])
        if value_conv is None:
            return _mapping
        return lambda value: {key: value_conv(item) for key, item in _mapping(value).items()}
    if origin in (Union, types.UnionType):
        return _union(get_args(tp))
    raise UnknownDeclaration(f"records cannot build {tp!r}")  # a declaration this builder does not know: add it


def _union(members: tuple[Any, ...]) -> Convert | None:
    """By the kind of the plain value: each JSON kind belongs to one member, records to the member whose fields
    the mapping's keys fit (Leaf, All, Any and Not of a condition differ in their keys)."""
    by_kind: dict[type, Convert | None] = {}
    records: list[type] = []
    for member in _flat(members):
        if is_record(member):
            records.append(member)
            continue
        conv = _converter(member)
        for kind in _json_kinds(member):
            if kind in by_kind and by_kind[kind] is not conv:
                raise UnknownDeclaration(f"records cannot tell the members of {members} apart")
            by_kind[kind] = conv
    if records:
        by_kind[dict] = _pick_record(records)
    if not any(by_kind.values()):
        return None  # scalars only: the value is the value

    def convert(value: Any) -> Any:
        conv = by_kind.get(type(value), _same)
        return value if conv is None else conv(value)

    return convert


def _flat(members: tuple[Any, ...]) -> list[Any]:
    """The members of a union, with unions nested under Annotated (a tagged union inside `X | None`) opened."""
    flat = []
    for member in map(_plain_type, members):
        flat.extend(_flat(get_args(member)) if get_origin(member) in (Union, types.UnionType) else [member])
    return flat


def _json_kinds(tp: Any) -> tuple[type, ...]:
    origin = get_origin(tp)
    if origin is Literal:
        return tuple({type(arg) for arg in get_args(tp)})
    if origin is tuple:
        return (list,)
    if origin is dict:
        return (dict,)
    if tp is dt.date:
        return (str,)
    if tp is float:
        return (float, int)
    if tp is Any:
        raise UnknownDeclaration("records cannot build a union with Any")
    return (tp,)


def _pick_record(records: list[type]) -> Convert:
    shapes = [(frozenset(r._fields), frozenset(set(r._fields) - set(r._field_defaults)), r)  # type: ignore[attr-defined]
              for r in records]

    def convert(value: dict[str, Any]) -> Any:
        keys = value.keys()
        fits = [r for fields, required, r in shapes if keys <= fields and required <= keys]
        if len(fits) != 1:
            raise ShapeError(f"keys {sorted(keys)} fit {len(fits)} of {[r.__name__ for r in records]}")
        return _converter(fits[0])(value)  # type: ignore[misc]  # a record's converter is never None  # type: ignore[misc]

    return convert


def _same(value: Any) -> Any:
    return value


def _tuple(value: Any) -> tuple[Any, ...]:
    return tuple(value) if type(value) is list else _refuse(value, "a list")


def _sequence(value: Any, length: int | None = None) -> list[Any]:
    if type(value) is not list or (length is not None and len(value) != length):
        _refuse(value, "a list" if length is None else f"a list of {length}")
    return value


def _mapping(value: Any) -> dict[str, Any]:
    return value if type(value) is dict else _refuse(value, "a mapping")


def _refuse(value: Any, wanted: str) -> Any:
    raise ShapeError(f"expected {wanted}, got {type(value).__name__}")


# ---- pydantic, when YAML is read ---------------------------------------------------------------------------------

@cache
def adapter(tp: Any) -> TypeAdapter[Any]:
    """The pydantic validator of a record type (or any type over records), built once, on first use."""
    from pydantic import ConfigDict, TypeAdapter  # deferred: only reading YAML needs pydantic's validators

    return TypeAdapter(tp, config=ConfigDict(allow_inf_nan=False))


def fields_of(tp: Any) -> dict[str, Any]:
    """The keys a record (or pydantic model) takes -> their annotations (aliases as YAML writes them)."""
    if is_record(tp):
        hints = get_type_hints(tp, include_extras=True)
        return {_alias(hints[name]) or name: hints[name] for name in tp._fields}
    fields = getattr(tp, "model_fields", None)
    if fields is None:
        return {}
    return {info.alias or name: info.annotation for name, info in fields.items()}


def _alias(tp: Any) -> str | None:
    for meta in getattr(tp, "__metadata__", ()):
        alias = getattr(meta, "alias", None)
        if isinstance(alias, str):
            return alias
    return None


def _core_schema(cls: type, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
    from pydantic_core import PydanticCustomError
    from pydantic_core import core_schema as cs

    # The validators below must hold the type's reference: pydantic answers every later use of a referenced type
    # (a record in two places, a condition inside a condition) with a reference to its definition, which would
    # otherwise be the bare named tuple without them.
    schema: Any = handler.resolve_ref_schema(handler(source))
    ref = schema.pop("ref", None)
    check = getattr(cls, "_check", None)
    if check is not None:
        def checked(value: Any, info: Any) -> Any:
            value._check(info.context)
            return value

        schema = cs.with_info_after_validator_function(checked, schema)

    def mapping_only(value: Any, validate: Callable[[Any], Any]) -> Any:
        if isinstance(value, cls):
            return value  # built already (as pydantic keeps a model instance it is given)
        if not isinstance(value, Mapping):
            raise PydanticCustomError("model_type", "Input should be a valid dictionary or instance of {class_name}",
                                      {"class_name": cls.__name__})
        return validate(value)

    return cs.no_info_wrap_validator_function(mapping_only, schema, ref=ref)


def _json_schema(cls: type, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
    """The record as the mapping a YAML author writes: pydantic describes a NamedTuple as an array, whose items
    are its fields in order and whose first `minItems` are the required ones (a NamedTuple's defaults come last)."""
    described = handler(schema)
    target = handler.resolve_ref_schema(described)
    names = list(fields_of(cls))
    properties = dict(zip(names, target.get("prefixItems", ())))
    hints = fields_of(cls)
    for name, field in zip(names, cls._fields):  # type: ignore[attr-defined]
        default = cls._field_defaults.get(field)  # type: ignore[attr-defined]
        if isinstance(default, tuple) and name in properties:
            properties[name]["default"] = to_plain(default)  # a record default as a mapping, not an array
        doc = next((m.documentation for m in getattr(hints[name], "__metadata__", ()) if isinstance(m, Doc)), None)
        if doc is not None and name in properties:
            properties[name]["description"] = doc
    required = names[:target.get("minItems", 0)]
    target.clear()
    target.update({"additionalProperties": False, "properties": properties})
    if required:
        target["required"] = required
    target["title"] = cls.__name__
    doc = cls.__doc__
    if doc and not doc.startswith(f"{cls.__name__}("):  # NamedTuple's own "Name(a, b)" says nothing
        target["description"] = inspect.cleandoc(doc)
    target["type"] = "object"
    return described
