"""Base types every model a user or the knowledge feeds shares: frozen, unknown keys refused, facts sourced.

At the bottom layer so the engine, the knowledge, the quiz and pricing all build on them without import cycles.
"""


import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
#: The quiz's question types, one vocabulary for the bank (`Question.type`) and the exam blueprints that say which
#: of them an exam asks (`ExamBlueprint.item_types`), so a type added to one cannot be missing from the other.
QuestionType = Literal["single", "multiple", "true_false", "ordering", "matching"]


class Frozen(BaseModel):
    # defer_build: a class builds its validator on first use, so a command never pays for validators it
    # does not run. allow_inf_nan=False: no float a user or an author feeds is inf or NaN (see advisor.numbers).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, allow_inf_nan=False)


class Sourced(Frozen):
    """Where a fact comes from and when it was last checked."""

    source: Text
    as_of: dt.date
