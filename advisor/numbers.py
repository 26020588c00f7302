"""Finite numbers: the one number type for every float and int field a user or an author can feed.

YAML reads `.inf`, `.nan` and `1e400` as floats, JSON reads `Infinity` and `NaN`, and pydantic turns the text
'inf' into a float: none of them is a size, a rate, a count or a price, and each used to end in "inf GiB", a
silent JSON null or an OverflowError. These types refuse them when a model validates, naming the field:

- `Finite`: a float that is finite and at most `MAX_MAGNITUDE` either way (10^12: a trillion GB, requests,
  seconds or dollars is beyond any plausible workload, question bank, rule or price, and far from overflow);
- `FiniteInt`: an int within the same bound (10^400 as a count is refused, not carried into arithmetic).

A number a parser already turned into inf (YAML's `1.0e400`, JSON's `1e400`) is said as it was written
(`written_infinite`): "got inf" named a value nobody typed.

A field narrows these further where it knows better (`Field(ge=0, le=...)`, in its description and the JSON
Schema). `Frozen` models also refuse non-finite floats in any plain `float` field, so a field added without
these types still cannot hold inf or NaN.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_MAGNITUDE = 10**12
"""The largest magnitude any number a user feeds may have."""


def _plausible(value: float) -> float:
    if abs(value) > MAX_MAGNITUDE:
        raise ValueError("must be between -10^12 and 10^12")
    return value


# The bound is a validator, not Field(ge=..., le=...): a field's own `Field(ge=0)` must keep its meaning, and
# pydantic lets Annotated constraints override the field's.
Finite = Annotated[float, Field(allow_inf_nan=False), AfterValidator(_plausible)]
FiniteInt = Annotated[int, AfterValidator(_plausible)]


_NON_FINITE_WORDS = frozenset({"inf", "infinity", ".inf", "nan", ".nan"})

TOO_LARGE = "which is too large to be a number"
"""Said after a figure beyond a float's range (`1e400`, a number of thousands of digits)."""


def not_finite(written: str) -> str:
    """The one wording of a value that is no finite number, quoted as its author wrote it (`written_infinite`):
    a workload's field read from YAML text, a typed answer and a validation error all say the same words, so
    a user who writes `1e400` reads one message whichever way it came in."""
    return f"must be a finite number, got {written}"


def written_infinite(text: str) -> str | None:
    """How to say a number written as `text` that is no finite number: the text itself when it spells inf or NaN
    (`.inf`, `Infinity`, `nan`), with why when it is a figure too large for a float (`1e400` reads as infinity:
    "got inf" told its author about a value nobody typed); None when `text` is a finite number or no number."""
    spelled = text.strip()
    if spelled.lstrip("+-").lower() in _NON_FINITE_WORDS:
        return spelled
    try:
        value = float(spelled.replace("_", ""))  # YAML 1.1 and Python allow 1_000
    except ValueError:
        return None
    if math.isfinite(value):
        return None
    return f"{spelled}, {TOO_LARGE} (beyond about 1.8e308 a figure reads as infinity)"
