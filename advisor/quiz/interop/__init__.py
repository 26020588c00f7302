"""Banks that travel: the one table of import and export formats, and the two calls that use it.

`import_text` turns a foreign file into a bank in our format (plain data, as quizzes/*.yaml holds it) plus a
located report of what did not map; `export_bank` writes one of ours in another tool's format. Which format can
carry which question type is stated in the table, so an export says what it left out instead of dropping it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import Problem, QuizError
from advisor.quiz.interop import anki, ditectrev, gift, hascard, moodle
from advisor.quiz.interop.common import Imported, missing_report, slug

ALL_TYPES = frozenset({"single", "multiple", "true_false", "ordering", "matching"})
Reader = Callable[[str, str, str], Imported]


@dataclass(frozen=True)
class Format:
    name: str
    title: str
    suffix: str
    reader: Reader | None = None
    #: bank -> text, and the ids it left out; None for formats we only read (or that write files, like apkg)
    writer: Callable[[dict[str, Any]], tuple[str, list[str]]] | None = None
    carries: frozenset[str] = ALL_TYPES


def _all(write: Callable[[dict[str, Any]], str]) -> Callable[[dict[str, Any]], tuple[str, list[str]]]:
    return lambda bank: (write(bank), [])


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("ditectrev-md", "Ditectrev-style markdown (### stem, - [x] options)", ".md", reader=ditectrev.read,
           carries=frozenset({"single", "multiple", "true_false"})),
    Format("gift", "GIFT (Moodle plain text)", ".gift", reader=gift.read, writer=gift.write,
           carries=ALL_TYPES - {"ordering"}),
    Format("moodle-xml", "Moodle XML", ".xml", reader=moodle.read, writer=_all(moodle.write)),
    Format("anki-csv", "Anki CSV with 2.1.54+ file headers", ".csv", reader=anki.read_csv,
           writer=_all(anki.write_csv)),
    Format("apkg", "Anki deck package (genanki)", ".apkg"),
    Format("hascard", "hascard deck (--- separated cards)", ".txt", reader=hascard.read,
           carries=frozenset({"single", "multiple", "ordering"})),
)}
IMPORT_FORMATS = tuple(name for name, f in FORMATS.items() if f.reader is not None)
EXPORT_FORMATS = tuple(name for name, f in FORMATS.items() if f.writer is not None or name == "apkg")


@dataclass(frozen=True)
class ImportResult:
    bank: dict[str, Any]
    skipped: tuple[Problem, ...]
    missing: tuple[str, ...]


def import_text(text: str, fmt: str, *, display: str, bank_id: str, title: str | None = None) -> ImportResult:
    """Parse `text` in format `fmt` into a bank; QuizError when nothing at all could be imported."""
    reader = FORMATS[fmt].reader
    if reader is None:
        raise QuizError(f"{fmt} is an export format only; import one of {', '.join(IMPORT_FORMATS)}")
    try:
        imported = reader(text.replace("\r\n", "\n").replace("\r", "\n"), display, bank_id)
    except moodle.UnsafeXml as exc:
        raise QuizError(f"{display}: {exc}") from None
    except moodle.ET.ParseError as exc:
        raise QuizError(f"{display}: not well-formed XML",
                        problems=[Problem(str(exc), display, exc.position[0])]) from None
    if not imported.questions:
        raise QuizError(f"{display}: no question could be imported as {fmt}", problems=imported.skipped[:20])
    seen: dict[str, int] = {}
    for question in imported.questions:  # two sources may yield the same id: keep both, numbered
        n = seen.get(question["id"], 0)
        seen[question["id"]] = n + 1
        if n:
            question["id"] = f"{question['id'][:60]}-{n + 1}"
    bank = {"id": bank_id, "title": title or f"Imported: {Path(display).name}",
            "description": f"Imported from {display} ({FORMATS[fmt].title}).",
            "source": f"imported from {display}", "as_of": None, "questions": imported.questions}
    return ImportResult(bank, tuple(imported.skipped), tuple(missing_report(imported.questions)))


def bank_id_for(path: Path) -> str:
    return slug(path.stem, 40) or "imported"


def export_text(bank: dict[str, Any], fmt: str) -> tuple[str, list[str]]:
    """The bank as text in `fmt`, and the ids of the questions that format cannot carry."""
    form = FORMATS[fmt]
    if form.writer is None:
        raise QuizError(f"{fmt} is not a text export; export one of "
                        f"{', '.join(n for n in EXPORT_FORMATS if FORMATS[n].writer)}")
    kept = {**bank, "questions": [q for q in bank["questions"] if q["type"] in form.carries]}
    text, left_out = form.writer(kept)
    return text, [q["id"] for q in bank["questions"] if q["type"] not in form.carries] + left_out
