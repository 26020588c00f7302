"""The shape of a question bank (quizzes/*.yaml).

Ids are stable and never reused, because progress is keyed by id: fixing a typo in a stem must not reset a
learner's history. Lint that needs the whole question (correct-answer counts, pinned options) lives in the
validators, so a bad question fails at its own line when the bank loads.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from advisor.knowledge.models import Frozen, Text

QuestionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
OptionKey = Annotated[str, StringConstraints(pattern=r"^[A-I]$")]
QuestionType = Literal["single", "multiple", "true_false"]


class Option(Frozen):
    key: OptionKey
    text: Text
    correct: bool = False
    explanation: Text
    pinned: bool = Field(default=False, description="Kept in place when options are shuffled (All of the above).")


class Question(Frozen):
    id: QuestionId
    section: Text
    topics: tuple[Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$")], ...] = Field(min_length=1)
    domains: dict[str, Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$")]] = Field(
        description="Exam code -> domain id, e.g. {MLS-C01: modeling, MLA-C01: model-development}.")
    type: QuestionType
    choose: int | None = Field(default=None, ge=2, description="How many options to pick (multiple only).")
    difficulty: Literal[1, 2, 3] = 2
    stem: Text
    options: tuple[Option, ...] = Field(min_length=2, max_length=9)
    source: Text

    @model_validator(mode="after")
    def _lint(self) -> Question:
        keys = [o.key for o in self.options]
        expected = [chr(ord("A") + i) for i in range(len(keys))]
        if keys != expected:
            raise ValueError(f"option keys must run {', '.join(expected)} in order, got {', '.join(keys)}")
        correct = sum(o.correct for o in self.options)
        if correct == 0:
            raise ValueError("no option is marked correct")
        if self.type == "multiple":
            if self.choose is None:
                raise ValueError("a multiple-response question needs `choose` (how many to pick)")
            if self.choose != correct:
                raise ValueError(f"choose is {self.choose} but {correct} options are marked correct")
        else:
            if self.choose is not None:
                raise ValueError(f"`choose` applies to multiple-response questions only, not {self.type}")
            if correct != 1:
                raise ValueError(f"a {self.type} question has exactly one correct option, found {correct}")
        if self.type == "true_false" and [o.text for o in self.options] != ["True", "False"]:
            raise ValueError('a true_false question has exactly the options A "True" and B "False"')
        texts = [o.text.casefold() for o in self.options]
        if len(set(texts)) != len(texts):
            raise ValueError("two options have the same text")
        pinned = [i for i, o in enumerate(self.options) if o.pinned]
        for index in pinned:
            # pinned options stand last, together: the shuffle keeps them where the author put them
            if any(not o.pinned for o in self.options[index:]):
                raise ValueError(f"pinned option {self.options[index].key} must stand after every unpinned option")
        return self

    @property
    def correct_keys(self) -> frozenset[str]:
        return frozenset(o.key for o in self.options if o.correct)


class QuizBank(Frozen):
    id: QuestionId
    title: Text
    description: str | None = None
    source: Text
    as_of: dt.date
    questions: tuple[Question, ...] = Field(min_length=1)
