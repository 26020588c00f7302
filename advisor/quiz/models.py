"""The shape of a question bank (quizzes/*.yaml).

Ids are stable and never reused, because progress is keyed by id: fixing a typo in a stem must not reset a
learner's history. Lint that needs the whole question (correct-answer counts, pinned options) lives in the
validators, so a bad question fails at its own line when the bank loads.

Five question types, as MLA-C01 asks them (QUIZ_FORMAT.md in the project notes has the agreed shape):
- `single`, `multiple` ("choose N") and `true_false`: options marked `correct`;
- `ordering`: the options written in the correct order (shown shuffled); the answer is the keys in order;
- `matching`: each option is a prompt with the one `match` (right-column choice) that fits it; `distractors`
  are extra right-column choices that match nothing.

Fields a hand-written bank always has but an imported one may lack (explanations, topics, exam domains,
section, source) default to empty, so an imported bank loads and plays at once; `advisor quiz lint` reports
what is missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from advisor.base import Frozen, QuestionType, Text

QuestionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
OptionKey = Annotated[str, StringConstraints(pattern=r"^[A-I]$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$")]
TaskId = Annotated[str, StringConstraints(pattern=r"^[0-9]+\.[0-9]+$")]
RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]
CHOICE_TYPES = ("single", "multiple", "true_false")

#: Ordering and matching questions have this many options (MLA-C01: ordering 3-5, matching 3-7 prompts;
#: 6 keeps one question on an 80x24 screen).
SEQUENCE_MIN, SEQUENCE_MAX = 3, 6
MAX_DISTRACTORS = 3


class Option(Frozen):
    key: OptionKey
    text: Text
    correct: bool = False
    explanation: str = Field(default="", description="Why this option is right or wrong (empty: none given).")
    pinned: bool = Field(default=False, description="Kept in place when options are shuffled (All of the above).")
    match: Text | None = Field(default=None, description="Matching questions: the right-column choice that fits "
                                                         "this prompt.")


class Question(Frozen):
    id: QuestionId
    section: str = ""
    topics: tuple[Slug, ...] = ()
    domains: dict[str, Slug] = Field(
        default_factory=dict,
        description="Exam code -> domain id, e.g. {MLS-C01: modeling, MLA-C01: model-development}.")
    tasks: dict[str, tuple[TaskId, ...]] = Field(
        default_factory=dict, description='Exam code -> task statement ids of its guide, e.g. {MLA-C01: ["3.1"]}.')
    type: QuestionType
    choose: int | None = Field(default=None, ge=2, description="How many options to pick (multiple only).")
    difficulty: Literal[1, 2, 3] = 2
    stem: Text
    options: tuple[Option, ...] = Field(min_length=2, max_length=9)
    distractors: tuple[Text, ...] = Field(default=(), description="Matching only: right-column choices that "
                                                                  "match no prompt.")
    source: str = ""
    as_of: dt.date | None = Field(
        default=None, description="When the question's facts were last checked against its source (the bank's "
                                  "as_of stands for every question without one).")
    lint_notes: dict[RuleId, Text] = Field(
        default_factory=dict, description="Lint rule id -> why this question may break that rule (a waiver).")

    @model_validator(mode="after")
    def _lint(self) -> Question:
        keys = [o.key for o in self.options]
        expected = [chr(ord("A") + i) for i in range(len(keys))]
        if keys != expected:
            raise ValueError(f"option keys must run {', '.join(expected)} in order, got {', '.join(keys)}")
        texts = [o.text.casefold() for o in self.options]
        if len(set(texts)) != len(texts):
            raise ValueError("two options have the same text")
        if self.type in CHOICE_TYPES:
            self._lint_choice()
        else:
            self._lint_sequence()
        return self

    def _lint_choice(self) -> None:
        if any(o.match is not None for o in self.options) or self.distractors:
            raise ValueError(f"`match` and `distractors` belong to matching questions, not {self.type}")
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
        pinned = [i for i, o in enumerate(self.options) if o.pinned]
        for index in pinned:
            # pinned options stand last, together: the shuffle keeps them where the author put them
            if any(not o.pinned for o in self.options[index:]):
                raise ValueError(f"pinned option {self.options[index].key} must stand after every unpinned option")

    def _lint_sequence(self) -> None:
        """Ordering and matching: no `correct`, `choose` or `pinned`; 3-6 options; matches used once."""
        if not SEQUENCE_MIN <= len(self.options) <= SEQUENCE_MAX:
            raise ValueError(f"an {self.type} question has {SEQUENCE_MIN}-{SEQUENCE_MAX} options, "
                             f"found {len(self.options)}")
        if self.choose is not None:
            raise ValueError(f"`choose` applies to multiple-response questions only, not {self.type}")
        for o in self.options:
            if o.correct or o.pinned:
                raise ValueError(f"option {o.key}: `correct` and `pinned` do not apply to {self.type} questions "
                                 + ("(the options are written in the correct order)" if self.type == "ordering"
                                    else "(each prompt names its `match`)"))
        if self.type == "ordering":
            if any(o.match is not None for o in self.options) or self.distractors:
                raise ValueError("`match` and `distractors` belong to matching questions, not ordering")
            return
        missing = [o.key for o in self.options if o.match is None]
        if missing:
            raise ValueError(f"option {', '.join(missing)}: a matching prompt needs its `match`")
        right = [str(o.match).casefold() for o in self.options] + [d.casefold() for d in self.distractors]
        if len(set(right)) != len(right):
            raise ValueError("each right-column choice (the matches and distractors) must be different: "
                             "a choice is used once")
        if len(self.distractors) > MAX_DISTRACTORS:
            raise ValueError(f"at most {MAX_DISTRACTORS} distractors")

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
