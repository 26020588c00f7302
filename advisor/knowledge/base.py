"""Base types every YAML model shares: frozen, unknown keys refused, facts sourced and dated.

Kept apart from the knowledge models so the engine, the quiz and pricing can build on them without import
cycles (the knowledge holds the engine's decisions).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


class Frozen(BaseModel):
    # defer_build: a class builds its validator on first use, so a start that only unpickles cached
    # knowledge never pays for the dozens of validators it does not run.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Sourced(Frozen):
    """Where a fact comes from and when it was last checked."""

    source: Text
    as_of: dt.date


M = TypeVar("M", bound=Frozen)

_SHAPES: dict[type, tuple[int, dict[str, Any], tuple[tuple[str, Any], ...]]] = {}


def build(cls: type[M], **values: Any) -> M:
    """Assemble a model from values our own code computed, without re-validating them.

    What `model_construct` does, minus its per-call bookkeeping (aliases, validators, extra handling), which
    cost more than the rest of a recommendation. Every field must be a declared one; omitted fields take their
    defaults; the caller does what validators would (e.g. rounding). tests/recommend/test_examples.py and
    tests/pricing round-trip built models through full validation to keep this honest.
    """
    shape = _SHAPES.get(cls)
    if shape is None:
        fields = cls.model_fields
        shape = (len(fields),
                 {n: f.default for n, f in fields.items() if not f.is_required() and f.default_factory is None},
                 tuple((n, f.default_factory) for n, f in fields.items() if f.default_factory is not None))
        _SHAPES[cls] = shape
    count, defaults, factories = shape
    if len(values) < count:
        data = {**defaults, **values}
        for name, factory in factories:
            if name not in values:
                data[name] = factory()
    else:
        data = values
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", data)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj
