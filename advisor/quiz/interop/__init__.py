"""Banks that travel: the one table of import and export formats, and the calls that use it.

`import_text` turns a foreign file into a bank in our format (plain data, as quizzes/*.yaml holds it) plus a
located report of what did not map; `export_text` writes one of ours in another tool's format. Which format can
carry which question type is stated in the table, so an export says what it left out instead of dropping it.
Each format is a module of this package with `read(text, display, prefix)` and/or `write(bank)`; the modules are
imported only when used, because the table itself is read by every start of the CLI (its choices).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from advisor.errors import Problem, QuizError

ALL_TYPES = frozenset({"single", "multiple", "true_false", "ordering", "matching"})


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    module: str
    reads: bool = False
    #: writes text; apkg is the one binary export (a file), written by `anki.write_apkg`
    writes: bool = False
    carries: frozenset[str] = ALL_TYPES
    #: file name endings that say a file is in this format, so `quiz import` needs no --format for them
    suffixes: tuple[str, ...] = ()

    def code(self) -> ModuleType:
        return importlib.import_module(f"advisor.quiz.interop.{self.module}")


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("ditectrev-md", "Ditectrev-style markdown (### stem, - [x] options)", "ditectrev", reads=True,
           carries=frozenset({"single", "multiple", "true_false"})),
    Format("gift", "GIFT (Moodle plain text)", "gift", reads=True, writes=True, carries=ALL_TYPES - {"ordering"},
           suffixes=(".gift",)),
    Format("moodle-xml", "Moodle XML", "moodle", reads=True, writes=True, suffixes=(".xml",)),
    Format("anki-csv", "Anki CSV with 2.1.54+ file headers", "anki", reads=True, writes=True, suffixes=(".csv",)),
    Format("apkg", "Anki deck package (genanki)", "anki"),
    Format("hascard", "hascard deck (--- separated cards)", "hascard", reads=True,
           carries=frozenset({"single", "multiple", "ordering"})),
)}
IMPORT_FORMATS = tuple(name for name, f in FORMATS.items() if f.reads)
EXPORT_FORMATS = tuple(name for name, f in FORMATS.items() if f.writes or name == "apkg")


def import_format_for(path: Path, display: str) -> str:
    """The import format a file's ending names (.gift, .xml, .csv); QuizError for an ending that names none, or
    several (a .md file is Ditectrev markdown or a hascard deck; an Anki export is often .txt)."""
    suffix = path.suffix.lower()
    named = [name for name, f in FORMATS.items() if f.reads and suffix in f.suffixes]
    if len(named) != 1:
        raise QuizError(f"{display}: cannot tell its format from its name"
                        + (f" ({suffix})" if suffix else ""),
                        hint=f"give --format, one of {', '.join(IMPORT_FORMATS)}")
    return named[0]


@dataclass(frozen=True)
class ImportResult:
    bank: dict[str, Any]
    skipped: tuple[Problem, ...]
    missing: tuple[str, ...]
    #: imported, but something of it was not kept (located)
    notes: tuple[Problem, ...] = ()


def import_text(text: str, fmt: str, *, display: str, bank_id: str, title: str | None = None) -> ImportResult:
    """Parse `text` in format `fmt` into a bank; QuizError when nothing at all could be imported."""
    # deferred: the format modules (and XML) load only when a bank is imported, not on every CLI start
    from xml.etree.ElementTree import ParseError

    from advisor.quiz.interop.common import missing_report, normal_stem
    from advisor.quiz.interop.moodle import UnsafeXml

    form = FORMATS[fmt]
    if not form.reads:
        raise QuizError(f"{fmt} is an export format only; import one of {', '.join(IMPORT_FORMATS)}")
    try:
        imported = form.code().read(text.replace("\r\n", "\n").replace("\r", "\n"), display, bank_id)
    except UnsafeXml as exc:
        raise QuizError(f"{display}: {exc}") from None
    except ParseError as exc:
        raise QuizError(f"{display}: not well-formed XML", problems=[Problem(str(exc), display, exc.position[0])]
                        ) from None
    questions: list[dict[str, Any]] = []
    stems: dict[str, int] = {}
    ids: dict[str, int] = {}
    for question, line in zip(imported.questions, imported.lines):
        stem = normal_stem(question["stem"])
        if stem in stems:  # a bank may not ask the same thing twice (the lint refuses it): keep the first
            imported.skip(display, line, f"the same question as line {stems[stem]}")
            continue
        stems[stem] = line
        n = ids.get(question["id"], 0)
        ids[question["id"]] = n + 1
        if n:  # two sources may yield the same id: keep both, numbered
            question["id"] = f"{question['id'][:60]}-{n + 1}"
        questions.append(question)
    if not questions:
        raise QuizError(f"{display}: no question could be imported as {fmt}", problems=imported.skipped[:20])
    bank = {"id": bank_id, "title": title or f"Imported: {Path(display).name}",
            "description": f"Imported from {display} ({form.title}).",
            "source": f"imported from {display}", "as_of": None, "questions": questions}
    taken = {id(q) for q in questions}
    kept = {line for question, line in zip(imported.questions, imported.lines) if id(question) in taken}
    return ImportResult(bank, tuple(imported.skipped), tuple(missing_report(questions)),
                        tuple(n for n in imported.notes if n.line in kept))


def bank_id_for(path: Path) -> str:
    from advisor.quiz.interop.common import slug  # deferred, as in import_text

    return slug(path.stem, 40) or "imported"


def export_text(bank: dict[str, Any], fmt: str) -> tuple[str, list[str]]:
    """The bank as text in `fmt`, and the ids of the questions that format cannot carry."""
    from advisor.quiz.interop.common import complete

    form = FORMATS[fmt]
    if not form.writes:
        raise QuizError(f"{fmt} is not a text export; export one of "
                        f"{', '.join(n for n in EXPORT_FORMATS if FORMATS[n].writes)}")
    bank = complete(bank)
    kept = {**bank, "questions": [q for q in bank["questions"] if q["type"] in form.carries]}
    text, left_out = form.code().write(kept)
    return text, [q["id"] for q in bank["questions"] if q["type"] not in form.carries] + left_out
