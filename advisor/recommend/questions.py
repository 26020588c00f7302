"""The workload questionnaire without a screen: its steps, its questions, the answers and their draft.

The questions are the Workload model's own fields (kind, default and help text come from the model), so the
wizard can never ask for something a workload file could not say, and its complaints are the model's errors
in plain words (advisor.documents.plain_message). Answers are kept as entered, typos included, until they
validate: a half-typed number survives in the draft and is shown again with its complaint, never dropped.

Which questions a step holds, and which steps apply to the chosen stages, is decided here, so the TUI only
draws; tests/recommend/test_questions.py drives all of it without Textual.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from advisor import stages as stage_registry
from advisor.atomic import write_user_file
from advisor.base import Frozen
from advisor.documents import (
    Document,
    plain_message,
    problems_from_validation,
    read_yaml,
    validate_document,
    written_scalar,
)
from advisor.errors import Problem, WorkloadError, WriteError, printable
from advisor.render import to_yaml
from advisor.workload import Data, Model, Workload, condition_fields, semantic_problems, with_model_defaults

if TYPE_CHECKING:
    from advisor.knowledge.models import Knowledge


_TITLES = {"": "Stages", "data": "Data", "processing": "processing", "model": "Model",
           "notebook": "Notebook", "training": "training", "tuning": "tuning", "inference": "Inference",
           "batch": "batch transform", "network": "Network", "team": "team", "lambda": "Lambda function"}

#: The optional section a user fills in only when weighing a Lambda function: left out of the workload when
#: every answer in it is empty, since any section written states that a function is in question.
LAMBDA_SECTION = "lambda"

DRAFT_FILE = "questionnaire-draft.yaml"
SUMMARY = "summary"

#: Where the model's words are not plain enough for a form (a regular expression, a "tuple").
_PLAINER = {
    ("stages", "too_short"): "choose at least one stage",
    ("name", "string_pattern_mismatch"): "use only letters, digits, '.', '_' and '-', starting with a letter "
                                         "or a digit",
}


@dataclass(frozen=True)
class Question:
    """One Workload field as a question: `kind` says which control asks it."""

    path: str  # dotted, as in a workload file and in the rules: data.size_gb
    section: str  # "" for the top-level fields
    name: str
    kind: str  # number | text | bool | choice | choices
    choices: tuple[str, ...]
    optional: bool
    default: Any
    help: str

    @property
    def default_text(self) -> str:
        if self.kind == "choices":
            return ", ".join(self.default)  # empty: no default, an answer is required
        if self.default is None:
            return "not set"  # as an unset list reads, "(not set)"; "empty" beside it named the same thing twice
        if self.kind == "bool":
            return "yes" if self.default else "no"
        return as_text(self.default)


@dataclass(frozen=True)
class Step:
    id: str
    sections: tuple[str, ...]


_STEPS: tuple[Step, ...] = (
    Step("stages", ("",)),
    Step("data", ("data", "processing")),
    Step("model", ("model",)),
    Step("training", ("notebook", "training", "tuning")),
    Step("inference", ("inference", "batch")),
    Step("lambda", (LAMBDA_SECTION,)),
    Step("network", ("network", "team")),
)


def _fields() -> Iterator[tuple[str, str, FieldInfo]]:
    """(section, name, field) for every leaf field of the Workload, in the model's order."""
    for name, info in Workload.model_fields.items():
        section = info.annotation
        if info.alias == LAMBDA_SECTION:  # `LambdaFunction | None`, written `lambda:`
            section = next(a for a in getattr(section, "__args__", ()) if a is not type(None))
            name = info.alias
        if isinstance(section, type) and issubclass(section, Frozen):
            yield from ((name, sub, sub_info) for sub, sub_info in section.model_fields.items())
        else:
            yield "", name, info


def _questions() -> tuple[Question, ...]:
    specs = condition_fields()  # the same kinds the rules are checked against
    kinds = {"number": "number", "text": "text", "bool": "bool", "literal": "choice", "list": "choices"}
    out = []
    for section, name, info in _fields():
        path = f"{section}.{name}" if section else name
        spec = specs[path]
        default = () if info.default is PydanticUndefined else info.default  # stages: no default
        out.append(Question(path, section, name, kinds[spec.kind], spec.allowed, spec.optional, default,
                            info.description or ""))
    return tuple(out)


def _sections() -> tuple[str, ...]:
    """Every Workload section, by the name a file uses, in the model's order."""
    return tuple(dict.fromkeys(section for section, _, _ in _fields() if section))


def step_of(section: str) -> str:
    """The step that asks a section: its own, else (a section a new stage added) the step of the first listed
    section the stages reading it also read (a multi-model endpoint's beside `inference`), else the last step."""
    listed = next((s for s in _STEPS if section in s.sections), None)
    if listed is not None:
        return listed.id
    for stage_id in stage_registry.stages_reading(section) or ():
        for other in stage_registry.stage(stage_id).sections:
            step = next((s for s in _STEPS if other in s.sections), None)
            if step is not None:
                return step.id
    return _STEPS[-1].id


def section_title(section: str) -> str:
    """A section's title in a step's heading: the listed one, else the title of the one stage reading it."""
    if section in _TITLES:
        return _TITLES[section]
    readers = stage_registry.stages_reading(section) or ()
    if len(readers) == 1:
        title = stage_registry.stage(readers[0]).title
        return title[0].lower() + title[1:]
    return section.replace("_", " ")


_PLACED = {section for step in _STEPS for section in step.sections}
_JOINING = [(section, step_of(section)) for section in _sections() if section not in _PLACED]

#: The wizard's steps in order; the summary follows the last one that applies. A section a new stage adds to the
#: Workload joins the step of its stage's other sections, so the questionnaire asks it with no edit here.
STEPS: tuple[Step, ...] = tuple(
    Step(step.id, (*step.sections, *(section for section, home in _JOINING if home == step.id))) for step in _STEPS)

#: Each section's title, as a step's heading names it ("Inference and batch transform").
SECTION_TITLES: dict[str, str] = {**_TITLES, **{section: section_title(section) for section in _sections()}}

QUESTIONS: tuple[Question, ...] = _questions()
BY_PATH: dict[str, Question] = {q.path: q for q in QUESTIONS}


def as_text(value: Any) -> str:
    """A value as it is typed into a text box: 50 not 50.0, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, bool):  # a file's `true` where a number belongs: shown as written, not as Python's True
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def typed(question: Question, value: Any) -> Any:
    """An answer as the Workload takes it: a number question's text box holds text ("12", "2.5", "1e3"), which is
    the number it spells, while a workload file's quoted "12" is refused (its author wrote text). Text that spells
    no number stays text, so the field says `must be a number, got '4o'`, and so does text that spells no finite
    number (`1e400`, `inf`): the field then says it as typed, not as the infinity Python reads it as."""
    if question.kind != "number" or not isinstance(value, str):
        return value
    text = value.strip()
    for number in (int, float):
        try:
            read = number(text)
        except ValueError:
            continue
        return read if read.__class__ is int or math.isfinite(read) else value
    return value


def section_help(section: str) -> str:
    """A section's purpose, from the model's description: the intro of its part of a step."""
    if not section:
        return "What the workload is, and which stages it has: the questions that follow depend on them."
    return f"{SECTION_TITLES[section][0].upper()}{SECTION_TITLES[section][1:]}: " \
           f"{_section_field(section).description}"


def _section_field(section: str) -> FieldInfo:
    """The Workload field of a section, by the name a file uses (`lambda` is the field `lambda_`)."""
    return next(info for name, info in Workload.model_fields.items() if section in (name, info.alias))


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


class Answers:
    """The answers so far, as entered; `problems()` says what is wrong with them, field by field.

    `stated` are the answers the user gave (or the file or draft held); every other question shows its default,
    or the value that follows from what was stated (`follow`)."""

    def __init__(self, values: dict[str, Any] | None = None, stated: Iterable[str] | None = None) -> None:
        self.values: dict[str, Any] = {q.path: q.default for q in QUESTIONS}
        for path, value in (values or {}).items():
            if path in BY_PATH:
                self.values[path] = list(value) if isinstance(value, tuple) else value
        given = (values or {}) if stated is None else stated
        self.stated: set[str] = {path for path in given if path in BY_PATH}

    def set(self, path: str, value: Any) -> bool:
        """Record an answer the user gave; True when it changed."""
        if self.values.get(path) == value:
            return False
        self.values[path] = value
        self.stated.add(path)
        return True

    def follow(self, knowledge: Knowledge) -> list[str]:
        """Make the answers not stated follow the stated ones as a workload file's do (`with_model_defaults`):
        model.kind chosen alone picks its usual algorithm (llm: huggingface), a built-in algorithm chosen alone
        its own kind and data kind. Without this a user who chose an LLM met "model.algorithm xgboost ... not
        LLMs" about a default they never chose. Returns the questions whose values changed."""
        sections: dict[str, type[Model] | type[Data]] = {"model": Model, "data": Data}
        parts: dict[str, Any] = {}
        for section, model in sections.items():
            given = {q.name: typed(q, self.values[q.path]) for q in QUESTIONS
                     if q.section == section and q.path in self.stated}
            try:
                parts[section] = model.model_validate(given)
            except ValidationError:
                return []  # a stated answer to fix first: nothing can follow from it yet
        filled = with_model_defaults(Workload.model_construct(stages=(), **parts), knowledge)
        changed = []
        for section in sections:
            for name, value in dict(getattr(filled, section)).items():
                path = f"{section}.{name}"
                if path in BY_PATH and path not in self.stated and self.values[path] != value:
                    self.values[path] = value
                    changed.append(path)
        return changed

    @property
    def stages(self) -> tuple[str, ...]:
        chosen = self.values.get("stages")
        return tuple(s for s in chosen if isinstance(s, str)) if isinstance(chosen, (list, tuple)) else ()

    def applies(self, question: Question) -> bool:
        """Whether the question matters for the chosen stages (the Lambda check's inference fields are asked only
        with an inference stage; their help says so)."""
        if question.section == LAMBDA_SECTION:  # with a stage that has a unit of work for Lambda, or once filled in
            units = (*(stage_registry.stages_reading("inference") or ()),
                     *(stage_registry.stages_reading("processing") or ()))
            return any(stage in units for stage in self.stages) or any(
                self.values.get(q.path) not in (None, "") for q in QUESTIONS if q.section == LAMBDA_SECTION)
        wanted = stage_registry.stages_reading(question.section)  # None: no stage claims it, every stage needs it
        return wanted is None or any(stage in wanted for stage in self.stages)

    # ---- validation ---------------------------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        """The answers as a workload document (what a YAML file would hold). A text box left blank is the
        question's default, as its help says ("Default: workload"), or empty where the field may be: a blank
        name or size_gb was refused as "use only letters..." or "must be a number, got ''"."""
        doc: dict[str, Any] = {}
        for q in QUESTIONS:
            value = self.values.get(q.path, q.default)
            if isinstance(value, str):
                value = value.strip()
                value = (None if q.optional else q.default) if value == "" else typed(q, value)
            if q.section:
                doc.setdefault(q.section, {})[q.name] = value
            else:
                doc[q.name] = value
        if all(value is None for value in doc.get(LAMBDA_SECTION, {}).values()):
            doc.pop(LAMBDA_SECTION, None)  # nothing said about a function: no `lambda` section
        return doc

    def problems(self, knowledge: Knowledge | None = None) -> dict[str, str]:
        """Question path -> what is wrong with its answer, in plain words; with `knowledge`, also what the model
        alone cannot see (an unknown region, a GPU no instance type has)."""
        try:
            workload = Workload.model_validate(self.document())
        except ValidationError as exc:
            found: dict[str, str] = {}
            for err in exc.errors(include_url=False):
                message = plain_message(err)
                path = _question_of(err["loc"], message)
                found.setdefault(path, _PLAINER.get((path, err["type"]), message))
            return {q.path: found[q.path] for q in QUESTIONS if q.path in found}
        if knowledge is None:
            return {}
        return {".".join(path): message + (f" ({hint})" if hint else "")
                for path, message, hint in semantic_problems(workload, knowledge)}

    def workload(self, knowledge: Knowledge | None = None) -> Workload:
        """The answers as a Workload; a WorkloadError naming every bad field when they do not validate."""
        problems = self.problems(knowledge)
        if problems:
            raise WorkloadError(f"{len(problems)} answer{'s' if len(problems) > 1 else ''} to fix",
                                problems=[Problem(message, field=path) for path, message in problems.items()])
        return Workload.model_validate(self.document())

    # ---- steps --------------------------------------------------------------------------------------------

    def shown(self, step: Step, problems: Iterable[str] = ()) -> list[Question]:
        """The step's questions that apply, and any that does not but holds a bad answer (from a file) to fix."""
        bad = set(problems)
        return [q for q in QUESTIONS if q.section in step.sections and (self.applies(q) or q.path in bad)]

    def steps(self, problems: Iterable[str] = ()) -> list[Step]:
        """The steps with at least one question to show, in order (the summary is not one of them)."""
        bad = set(problems)
        return [s for s in STEPS if self.shown(s, bad)]

    def title(self, step: Step, problems: Iterable[str] = ()) -> str:
        """The step's title from the sections it shows: "Notebook, training and tuning", "Data"."""
        sections = list(dict.fromkeys(q.section for q in self.shown(step, problems)))
        words = [SECTION_TITLES[s] for s in sections] or [SECTION_TITLES[step.sections[0]]]
        text = _join(words)
        return text[0].upper() + text[1:]

    def first_problem(self, problems: dict[str, str]) -> tuple[Step, Question] | None:
        """The first bad answer in the wizard's order, and its step."""
        for step in self.steps(problems):
            for q in self.shown(step, problems):
                if q.path in problems:
                    return step, q
        return None


def _question_of(loc: tuple[Any, ...], message: str) -> str:
    """The question a pydantic error belongs to. A section's own validator (max_parallel_jobs > max_jobs) is
    put beside the field its message names first, else the section's first field."""
    parts = [p for p in loc if not (isinstance(p, str) and (p.startswith("function-") or ":" in p))]
    if parts and isinstance(parts[0], str):
        if len(parts) > 1 and f"{parts[0]}.{parts[1]}" in BY_PATH:
            return f"{parts[0]}.{parts[1]}"
        if parts[0] in BY_PATH:
            return parts[0]
    section = parts[0] if parts and isinstance(parts[0], str) else ""
    candidates = [q for q in QUESTIONS if q.section == section]
    named = sorted((message.find(q.name), q.path) for q in candidates if q.name in message)
    return named[0][1] if named else candidates[0].path


# ---- files: a workload in, a workload out ------------------------------------------------------------------

def answers_from_file(path: Path) -> tuple[Answers, list[Problem]]:
    """The answers a workload file holds, however wrong (they are fixed in the wizard), and the problems that no
    question can show: unknown fields (with did-you-mean) and sections that are not mappings, each located.

    A file that is not YAML, or not a mapping, cannot be asked about: that is a WorkloadError.
    """
    doc = read_yaml(path, error=WorkloadError)
    if not isinstance(doc.data, dict):
        raise WorkloadError(f"{doc.display}: a workload is a mapping of fields (name, stages, data, ...)",
                            problems=[Problem("expected fields such as `stages:` at the top level", doc.display, 1)])
    values: dict[str, Any] = {}
    for key, value in doc.data.items():
        if key in BY_PATH:
            values[key] = value
        elif isinstance(value, dict):
            values.update({f"{key}.{sub}": _as_written(doc, (key, sub), v) for sub, v in value.items()
                           if f"{key}.{sub}" in BY_PATH})
    left_out: list[Problem] = []
    try:
        Workload.model_validate(doc.data)
    except ValidationError as exc:
        for problem in problems_from_validation(exc, doc, Workload):
            shown = problem.field in BY_PATH or (problem.field or "").split("[")[0] in BY_PATH
            if not shown:  # an unknown key, or a section that is not a mapping: no question holds it
                left_out.append(problem)
    return Answers(values), left_out


def _as_written(doc: Document, path: tuple[str, str], value: Any) -> Any:
    """A number the file wrote past a float's range (`1.0e400`, read as inf) as its text, which its text box then
    shows and its check quotes (`got 1.0e400, which is too large...`): the box said `inf`, which nobody wrote."""
    if value.__class__ is float and not math.isfinite(value):
        return written_scalar(doc, path) or value
    return value


def workload_yaml(workload: Workload, stated: Collection[str] | None = None) -> str:
    """The workload as a file: the fields that were set (`stated`, the questionnaire's answers; else the fields
    set on the model, as a loaded file's or a Python caller's), never a `null` for a field left unset nor the
    defaults of questions nobody answered, so the file says what its author said and reads back as the same
    workload (values that follow others, such as model.algorithm from model.kind, follow again on load)."""
    wanted = set_fields(workload) if stated is None else {*stated, "stages"}
    data = workload.model_dump(mode="json")
    out: dict[str, Any] = {}
    for q in QUESTIONS:
        if q.path not in wanted:
            continue
        value = (data[q.section] or {}).get(q.name) if q.section else data[q.name]
        if value is None and q.default is None:
            continue  # unset: the field's absence says so
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # 50, as a person writes it; the model reads it back as 50.0
        if q.section:
            out.setdefault(q.section, {})[q.name] = value
        else:
            out[q.name] = value
    return ("# A workload written by `advisor questionnaire`; `advisor questionnaire --from FILE` opens it again.\n"
            + to_yaml(out))


def set_fields(workload: Workload) -> set[str]:
    """The question paths set on a workload (model_fields_set, section by section)."""
    paths: set[str] = set()
    for name, info in Workload.model_fields.items():
        value = getattr(workload, name)
        section = info.alias or name
        if isinstance(value, Frozen):
            paths.update(f"{section}.{field}" for field in value.model_fields_set)
        elif name in workload.model_fields_set:
            paths.add(section)
    return paths


def save_workload(path: Path, workload: Workload, stated: Collection[str] | None = None) -> None:
    try:
        write_user_file(path, workload_yaml(workload, stated))
    except WriteError as exc:
        raise WorkloadError(f"cannot write {exc.message}",
                            hint="choose another file, in a folder you can write to") from None


# ---- the draft of a questionnaire left half-filled ---------------------------------------------------------

class Draft(Frozen):
    """A questionnaire in progress, saved on every change of step or field in the user's data folder."""

    saved_at: dt.datetime
    step: str = Field(default="stages", description="The step the user was on: a step id or 'summary'.")
    source: str | None = Field(default=None, description="The workload file the questionnaire was opened from.")
    out: str | None = Field(default=None, description="Where the answers are to be saved.")
    answers: dict[str, Any] = Field(default_factory=dict, description="Question path -> answer as entered.")
    stated: list[str] | None = Field(default=None, description=(
        "The questions the user answered (the others follow them or keep their defaults); absent in a draft "
        "saved before it was kept: every answer counts as given."))


@dataclass
class DraftStore:
    """The draft file of one data folder. A draft that cannot be read is moved aside (never deleted) and
    `notice` says where."""

    folder: Path
    notice: str | None = field(default=None, init=False)

    @property
    def path(self) -> Path:
        return self.folder / DRAFT_FILE

    def save(self, draft: Draft) -> None:
        text = ("# A questionnaire in progress (advisor questionnaire offers it on its next start).\n"
                + to_yaml(draft.model_dump(mode="json")))
        write_user_file(self.path, text, mode=0o600,  # the data folder's files are private whatever the umask
                        hint="the questionnaire draft was not saved; choose a writable folder with --data-dir "
                             "or ADVISOR_DATA_DIR")

    def load(self) -> Draft | None:
        if not self.path.exists():
            return None
        try:
            return validate_document(Draft, read_yaml(self.path, error=WorkloadError), WorkloadError)
        except WorkloadError as exc:
            aside = self.path.with_name(f"{DRAFT_FILE}.unreadable-{dt.datetime.now():%Y%m%d-%H%M%S}")
            try:
                os.replace(self.path, aside)
            except OSError:
                aside = self.path
            why = "; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in exc.problems)
            self.notice = printable(f"the questionnaire draft could not be read and was kept as {aside} "
                                    f"({why or exc.message})")
            return None

    def discard(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
