"""Question banks at run time: found by id, validated and linted once, then served from a content-keyed cache.

Validation (YAML parsing, pydantic, the cross-question lint) is the slow part: a 10,000-question bank takes
seconds. The validated bank is kept as plain data in the user's cache, keyed by the bank's bytes, the code that
validates it and the exam blueprints it is checked against, the same way the knowledge loader caches. A warm
start never imports pydantic: the session works on the small frozen dataclasses below, built from that plain
data, so the first question is on screen about as fast as Textual itself starts.

`Item` and `Choice` mirror `advisor.quiz.models.Question` and `Option` (the YAML format, which stays the one
place a bank is validated); they exist only so a start does not pay for pydantic.
"""

from __future__ import annotations

import difflib
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor import forked
from advisor.documents import (
    PARTS_MIN_CHARS,
    display_path,
    duplicates,
    format_path,
    parse_yaml,
    read_bytes,
    validate_document,
)
from advisor.errors import BankError, Problem, QuizError, printable
from advisor.knowledge.loader import (
    cache_key,
    default_rules_dir,
    knowledge_data,
    knowledge_paths,
    read_cache,
    write_cache_json,
)
from advisor.resources import cache_dir, shipped_dir

if TYPE_CHECKING:
    from advisor.documents import Document
    from advisor.quiz.models import QuizBank

_CODE_FILES = ("quiz/models.py", "quiz/bank.py")  # paths under the package

#: How a case study's stems open (see `Item.scenario`).
CASE_STUDY_OPENING = "Case study:"


def case_scenario(stem: str) -> str | None:
    """A case-study stem's scenario (its opening paragraph, up to the first blank line), else None."""
    if not stem.startswith(CASE_STUDY_OPENING):
        return None
    return stem.split("\n\n", 1)[0].strip()


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer option of a question (a prompt, for matching; a step, for ordering)."""

    key: str
    text: str
    correct: bool
    explanation: str
    pinned: bool = False
    match: str | None = None  # matching: the right-column choice that fits this prompt


@dataclass(frozen=True, slots=True, eq=False)
class Item:
    """One question as a session uses it (see the module docstring for why this is not the pydantic model)."""

    id: str
    section: str
    topics: tuple[str, ...]
    domains: Mapping[str, str]
    type: str
    choose: int | None
    difficulty: int
    stem: str
    options: tuple[Choice, ...]
    source: str
    tasks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    distractors: tuple[str, ...] = ()
    lint_notes: Mapping[str, str] = field(default_factory=dict)
    #: when the question's facts were last checked (ISO date), if it says so itself
    as_of: str | None = None

    @property
    def correct_keys(self) -> frozenset[str]:
        """The keys marked correct (choice types; empty for ordering and matching)."""
        return frozenset(o.key for o in self.options if o.correct)

    @property
    def correct_order(self) -> tuple[str, ...]:
        """Ordering: the keys in the right order (the order the bank writes them)."""
        return tuple(o.key for o in self.options)

    @property
    def correct_pairs(self) -> dict[str, str]:
        """Matching: prompt key -> the right-column choice that fits it."""
        return {o.key: o.match for o in self.options if o.match is not None}

    @property
    def picks(self) -> int:
        """How many choices an answer must make: `choose` for multiple response, every option for ordering and
        matching, else one."""
        if self.type in ("ordering", "matching"):
            return len(self.options)
        return self.choose or 1

    def option(self, key: str) -> Choice:
        return next(o for o in self.options if o.key == key)

    @property
    def scenario(self) -> str | None:
        """The case study this question belongs to: its stem's opening `Case study: ...` paragraph, else None.

        MLA-C01 presents a case study as one scenario with two or more questions, each scored on its own
        (exam guide, "Exam content"); a bank writes it as questions whose stems open with the same paragraph,
        so the grouping needs no field of its own and survives every import and export format."""
        return case_scenario(self.stem)


@dataclass(frozen=True, eq=False)
class Bank:
    id: str
    title: str
    source: str
    as_of: str
    items: tuple[Item, ...]
    path: Path
    description: str | None = None

    @cached_property
    def by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    def item(self, item_id: str) -> Item | None:
        return self.by_id.get(item_id)


# ---- finding and loading ---------------------------------------------------------------------------------

def default_banks_dir() -> Path:
    return shipped_dir("quizzes")


def bank_paths(folder: Path | None = None) -> list[Path]:
    """The bank files of a folder (*.yaml, and *.json for large generated banks), in name order."""
    folder = folder or default_banks_dir()
    if not folder.is_dir():
        raise QuizError(f"{folder}: is a file, not a folder of question banks" if folder.exists()
                        else f"{folder}: no such folder of question banks")
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.json")])


def require_banks(folder: Path) -> Path:
    """A banks folder given on purpose (`--banks`, `Tutor(banks_dir=...)`), refused when it holds no bank file:
    an empty folder is a wrong path, not a quiz of the generated drills alone (which it silently became). Every
    front door (the CLI, the TUI, the Python API) gets this one error."""
    if not bank_paths(folder):
        raise QuizError(f"banks folder {folder}: holds no question bank (no *.yaml or *.json file in it)",
                        hint="give the folder your bank files are in, or none for the shipped banks; another "
                             "tool's bank is read with `advisor quiz import FILE`")
    return folder


def load_banks(folder: Path | None = None) -> list[Bank]:
    """Every bank of a folder; two files with the same bank id are an error (progress is keyed by it)."""
    banks = [load_bank(path) for path in bank_paths(folder)]
    seen: dict[str, Bank] = {}
    for bank in banks:
        if bank.id in seen:
            raise BankError(f"two banks have the id {bank.id!r}", problems=[
                Problem(f"bank id {bank.id!r} is also used by {seen[bank.id].path.name}", str(bank.path), None, "id")])
        seen[bank.id] = bank
    return banks


def gather_banks(folder: Path | None = None, user_folder: Path | None = None,
                 generated: Sequence[Callable[[], Bank]] = ()) -> list[Bank]:
    """The shipped (or --banks) folder's banks, then the user's own, then generated ones; ids are unique. A
    folder named on purpose must hold a bank (`require_banks`)."""
    banks = load_banks(folder if folder is None else require_banks(folder))
    if user_folder is not None and user_folder.is_dir():
        banks += load_banks(user_folder)
    banks += [generate() for generate in generated]
    seen: dict[str, Bank] = {}
    for bank in banks:
        if bank.id in seen:  # progress is keyed by bank id: two banks may not share one
            raise QuizError(f"two banks have the id {bank.id!r}: {seen[bank.id].path} and {bank.path}",
                            hint="rename one (its `id:` line) or remove it")
        seen[bank.id] = bank
    return banks


BANK_FILE_SUFFIXES = frozenset({".yaml", ".yml", ".json"})


def bank_file(name: str) -> Bank | None:
    """The bank of `--bank NAME` when NAME is a file path (`--bank my-bank.yaml`), else None (a bank id).

    A name that is plainly a path (a bank file's suffix, or a folder in it) but names no bank file is said as
    such, not as an unknown bank id: `my-bank.yaml: no such file`, or another tool's file that needs importing."""
    path = Path(name)
    if not path.suffix and len(path.parts) < 2:  # bank ids have neither dots nor slashes
        return None
    if path.suffix in BANK_FILE_SUFFIXES and path.is_file():
        return load_bank(path)
    if path.is_file():
        raise QuizError(f"{name}: not a bank file (a bank is .yaml or .json)",
                        hint=f"import it first: advisor quiz import {name}")
    if path.is_dir():
        raise QuizError(f"{name}: is a folder, not a bank file",
                        hint="give a bank file, or the folder with --banks (advisor quiz --banks DIR ...)")
    raise QuizError(f"{name}: no such bank file", hint="give a bank id (advisor quiz banks) or a bank file")


def find_bank(bank_id: str, folder: Path | None = None) -> Bank:
    """The bank called `bank_id` in a folder; an unknown id is a QuizError that lists the known ones."""
    return choose_bank(bank_id, load_banks(folder))


def choose_bank(bank_id: str, banks: list[Bank]) -> Bank:
    """The bank called `bank_id` among `banks`; an unknown id is a QuizError that lists the known ones."""
    for bank in banks:
        if bank.id == bank_id:
            return bank
    known = [b.id for b in banks]
    close = difflib.get_close_matches(bank_id, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise QuizError(f"unknown bank {bank_id!r}", hint=hint + f"known banks: {', '.join(known) or 'none'}")


def load_bank(path: Path, *, use_cache: bool = True) -> Bank:
    """One bank file, validated and linted (or served from the cache when its bytes were validated before)."""
    # bounded: a bank linked to /dev/zero is refused, not read forever; one that cannot be read is a bank's error
    raw = read_bytes(path, str(path), BankError)
    key = _cache_key(raw, _blueprint_bytes())
    cache = cache_dir() / f"bank-{key[:32]}.json"
    with gc_paused():
        plain = read_cache(cache, key) if use_cache else None
        if plain is not None:
            return bank_from_plain(plain, path)
        validated = validate_bank(path, raw, exam_domains())
        if not use_cache:
            return bank_from_model(validated, path)
        write = partial(_write_cache, cache, key, validated)
        if len(raw) >= PARTS_MIN_CHARS and forked.may_fork():  # a bank big enough to be read in pieces
            # its cache (a tenth of a second to serialise, as long to sign and write) is written by a child,
            # on the other core, while the session's bank is built here; the load ends when both are done
            with suppress(OSError), forked.Child(write) as writer:
                bank = bank_from_model(validated, path)
                writer.result()
                return bank
        write()
        return bank_from_model(validated, path)


def _write_cache(cache: Path, key: str, validated: QuizBank) -> bytes:
    """Store a validated bank for the next load (b"": what a forked writer hands back)."""
    with suppress(ValueError):  # text pydantic cannot write as JSON (a lone surrogate): no cache
        # the serialiser's bytes as they come: `model_dump_json()` decodes them to text, which `.encode()`
        # turned back into the same bytes (a tenth of a cold load's writing, for nothing)
        write_cache_json(cache, key, validated.__pydantic_serializer__.to_json(validated))
    return b""


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cycle collector while a bank is built: a big bank makes millions of small objects, none of them
    garbage, and the collector would walk them all again and again (it takes about half of a cold load).

    What the load leaves (the bank, the validators just built) lives as long as the process, so it goes straight
    to the oldest generation (`gc.freeze` then `gc.unfreeze`: two list splices, no walk) before the collector
    resumes; otherwise its first young collection walks every object the load made (a tenth of a second for
    10,000 questions) and the next one walks them again. Garbage among them is still found by the next full
    collection, as any long-lived object's would be."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _blueprint_bytes() -> bytes:
    """The exam blueprints' file, which the lint checks domains against: part of a cached verdict's key.

    Reading the one file keeps a warm start from loading (and hashing) the whole knowledge base.
    """
    try:
        return knowledge_paths(default_rules_dir())["exams"].read_bytes()
    except OSError:
        return b""  # validation reports the missing knowledge properly


def exam_domains() -> dict[str, dict[str, list[str]]]:
    """Exam code -> domain id -> its task statement ids, from the knowledge (plain data: no pydantic on a warm
    start)."""
    return {exam["code"]: {d["id"]: [t["id"] for t in d.get("tasks", ())] for d in exam["domains"]}
            for exam in knowledge_data()["exams"]}


def exams_to_sit_first() -> list[dict[str, Any]]:
    """The exam blueprints as plain data, the exams a learner can still sit first (MLA-C01 above the retired
    MLS-C01), each keeping its domains in blueprint order: the one order the exam setup and the stats list them
    in."""
    return sorted(knowledge_data()["exams"], key=lambda exam: exam["status"] == "retired")


def validate_bank(path: Path, raw: bytes, domains: Mapping[str, Mapping[str, list[str]]]) -> QuizBank:
    """Parse, validate and lint a bank; every problem is a located BankError."""
    from advisor.quiz.models import QuizBank  # deferred: pydantic models; a warm start serves plain data

    doc = parse_yaml(raw, display_path(path), BankError)  # as `quiz lint` names it: a path one can open from here
    bank = validate_document(QuizBank, doc, BankError)
    problems = lint_bank(bank, doc, domains)
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        raise BankError(f"{doc.display}: {len(problems)} {noun}", problems=problems)
    return bank


def lint_bank(bank: QuizBank, doc: Document, domains: Mapping[str, Mapping[str, list[str]]]) -> list[Problem]:
    """Checks across questions, and against the exam blueprints, that one question's validator cannot see."""
    return [problem for _, problem in bank_checks(bank, doc, domains)]


def bank_checks(bank: QuizBank, doc: Document,
                domains: Mapping[str, Mapping[str, list[str]]]) -> list[tuple[str, Problem]]:
    """`lint_bank`'s problems, each with its rule id (what `advisor quiz lint` prints beside it)."""
    questions = bank.questions
    domain_of_task = {code: {t: d for d, tasks in exam.items() for t in tasks} for code, exam in domains.items()}
    found: list[tuple[str, Problem]] = [
        ("duplicate-id", p) for p in duplicates(doc, ("questions",), (q.id for q in questions), "question id")]
    found += [("duplicate-stem", p)
              for p in duplicates(doc, ("questions",), (_normal(q.stem) for q in questions), "question stem")]
    for index, question in enumerate(questions):
        for code, domain in question.domains.items():
            path = ("questions", index, "domains", code)
            if code not in domains:
                found.append(("unknown-exam", Problem(f"unknown exam {code!r}", doc.display, doc.line_of(path),
                                                      format_path(path), hint=f"one of {', '.join(domains)}")))
            elif domain not in domains[code]:
                close = difflib.get_close_matches(domain, list(domains[code]), n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"one of {', '.join(domains[code])}"
                found.append(("unknown-domain", Problem(f"{domain!r} is not a domain of {code}", doc.display,
                                                        doc.line_of(path), format_path(path), hint=hint)))
        for code, task_ids in question.tasks.items():
            path = ("questions", index, "tasks", code)
            if code not in domains:
                found.append(("unknown-exam", Problem(f"unknown exam {code!r}", doc.display, doc.line_of(path),
                                                      format_path(path), hint=f"one of {', '.join(domains)}")))
                continue
            known = domain_of_task[code]
            for n, task in enumerate(task_ids):
                where = (*path, n)
                if task not in known:
                    found.append(("unknown-task", Problem(
                        f"{task!r} is not a task statement of {code}", doc.display, doc.line_of(where),
                        format_path(where), hint=f"one of {', '.join(known) or 'none (the exam lists no tasks)'}")))
                elif question.domains.get(code) in domains[code] and question.domains[code] != known[task]:
                    found.append(("task-domain", Problem(
                        f"task {task} belongs to the {code} domain {known[task]!r}, not {question.domains[code]!r}",
                        doc.display, doc.line_of(where), format_path(where))))
    return found


def _normal(text: str) -> str:
    """Stems that differ only in case, spacing or final punctuation are the same question."""
    return " ".join(text.split()).rstrip("?.!").casefold()


def _cache_key(raw: bytes, blueprints: bytes) -> str:
    """The bank's bytes, the blueprints it is linted against, and the code that validates it (an edited model or
    lint must not be served an old verdict)."""
    return cache_key({"bank": raw, "exam blueprints": blueprints}, _CODE_FILES)


def bank_from_model(bank: QuizBank, path: Path) -> Bank:
    """The session's bank from the validated model, on a cold load: the same bank `bank_from_plain` makes from
    the cache (tested), without a plain copy of every question made first (a big bank's cold load spent a tenth
    of its time on that copy)."""
    safe = printable
    items = tuple(
        Item(
            id=q.id, section=q.section, topics=q.topics, domains=dict(q.domains), type=q.type, choose=q.choose,
            difficulty=q.difficulty, stem=safe(q.stem), source=q.source,
            options=tuple(Choice(o.key, safe(o.text), o.correct, safe(o.explanation), o.pinned, o.match)
                          for o in q.options),
            tasks=dict(q.tasks), distractors=q.distractors, lint_notes=dict(q.lint_notes),
            as_of=None if q.as_of is None else q.as_of.isoformat(),
        )
        for q in bank.questions
    )
    return Bank(id=bank.id, title=safe(bank.title), source=bank.source, as_of=bank.as_of.isoformat(), items=items,
                path=path, description=None if bank.description is None else safe(bank.description))


def bank_from_plain(plain: Mapping[str, Any], path: Path) -> Bank:
    """The session's bank from validated plain data. The texts a screen shows go through `printable`: a bank
    from anywhere can hold ESC or OSC sequences, which must be shown escaped, never drive the terminal."""
    safe = printable
    items = tuple(
        Item(
            id=q["id"], section=safe(q["section"]), topics=tuple(q["topics"]), domains=dict(q["domains"]),
            type=q["type"], choose=q["choose"], difficulty=q["difficulty"], stem=safe(q["stem"]),
            source=safe(q["source"]),
            options=tuple(Choice(o["key"], safe(o["text"]), o["correct"], safe(o["explanation"]), o["pinned"],
                                 None if o["match"] is None else safe(o["match"]))
                          for o in q["options"]),
            tasks={code: tuple(ids) for code, ids in q["tasks"].items()},
            distractors=tuple(safe(d) for d in q["distractors"]),
            lint_notes=dict(q["lint_notes"]),
            as_of=None if q.get("as_of") is None else str(q["as_of"]),
        )
        for q in plain["questions"]
    )
    description = plain.get("description")
    return Bank(id=plain["id"], title=safe(plain["title"]), source=safe(plain["source"]), as_of=str(plain["as_of"]),
                items=items, path=path, description=None if description is None else safe(description))


# ---- plain data for the CLI ------------------------------------------------------------------------------

def bank_summary(bank: Bank) -> dict[str, Any]:
    return {"id": bank.id, "title": bank.title, "question_count": len(bank.items), "source": bank.source,
            "as_of": bank.as_of, "file": str(bank.path)}


def bank_file_data(bank: Bank, *, full: bool = False) -> dict[str, Any]:
    """A bank as the file format holds it (quizzes/*.yaml): what `quiz export --format yaml|json` writes, loadable
    again. Fields at their defaults are left out, as an author would write them; `full` keeps every field (what
    the exporters to other formats read)."""
    out: dict[str, Any] = {"id": bank.id, "title": bank.title}
    if bank.description:
        out["description"] = bank.description
    out.update({"source": bank.source, "as_of": bank.as_of,
                "questions": [item_data(i, full=full) for i in bank.items]})
    return out


def item_data(item: Item, *, full: bool = False) -> dict[str, Any]:
    """One question as the bank format writes it (defaults left out unless `full`)."""
    q: dict[str, Any] = {
        "id": item.id, "section": item.section, "topics": list(item.topics), "domains": dict(item.domains),
        "tasks": {code: list(ids) for code, ids in item.tasks.items()}, "type": item.type, "choose": item.choose,
        "difficulty": item.difficulty, "stem": item.stem, "options": [_option_data(o, full) for o in item.options],
        "distractors": list(item.distractors), "source": item.source, "as_of": item.as_of,
        "lint_notes": dict(item.lint_notes)}
    if full:
        return q
    return {k: v for k, v in q.items() if k in _ALWAYS or (v != _QUESTION_DEFAULTS.get(k) and v not in ("", [], {}))}


_ALWAYS = frozenset({"id", "type", "stem", "options"})
_QUESTION_DEFAULTS: dict[str, Any] = {"choose": None, "difficulty": 2, "as_of": None}


def _option_data(o: Choice, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"key": o.key, "text": o.text, "correct": o.correct, "match": o.match,
                           "explanation": o.explanation, "pinned": o.pinned}
    if full:
        return out
    return {k: v for k, v in out.items() if k in ("key", "text") or v not in (False, None, "")}
