"""Banks that travel: the one table of import and export formats, and the calls that use it.

`import_file` (a path: text formats, or an Anki package read as the zip it is) and `import_text` turn a foreign
file into a bank in our format (plain data, as quizzes/*.yaml holds it) plus a located report of what did not map,
saving the images it embeds only into a folder given for them; `export_text` writes one of ours in another tool's
format. Which format can carry which question type is stated in the table, so an export says what it left out
instead of dropping it. Each format is a module of this package with `read(text, display, prefix)`
(`read_package(handle, ...)` for a binary one) and/or `write(bank)`; the modules are imported only when used,
because the table itself is read by every start of the CLI (its choices).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from advisor.errors import Problem, QuizError

if TYPE_CHECKING:
    from advisor.quiz.interop.common import Imported

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
    #: read from the file itself (a package), not as UTF-8 text: its module has `read_package(handle, ...)`
    binary: bool = False

    def code(self) -> ModuleType:
        return importlib.import_module(f"advisor.quiz.interop.{self.module}")


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("ditectrev-md", "Ditectrev-style markdown (### stem, - [x] options)", "ditectrev", reads=True,
           carries=frozenset({"single", "multiple", "true_false"})),
    Format("gift", "GIFT (Moodle plain text)", "gift", reads=True, writes=True, carries=ALL_TYPES - {"ordering"},
           suffixes=(".gift",)),
    Format("moodle-xml", "Moodle XML", "moodle", reads=True, writes=True, suffixes=(".xml",)),
    Format("anki-csv", "Anki CSV with 2.1.54+ file headers", "anki", reads=True, writes=True, suffixes=(".csv",)),
    Format("apkg", "Anki deck package (.apkg)", "apkg", reads=True, suffixes=(".apkg",), binary=True),
    Format("hascard", "hascard deck (--- separated cards)", "hascard", reads=True,
           carries=frozenset({"single", "multiple", "ordering"})),
)}
IMPORT_FORMATS = tuple(name for name, f in FORMATS.items() if f.reads)
EXPORT_FORMATS = tuple(name for name, f in FORMATS.items() if f.writes or name == "apkg")


def import_format_for(path: Path, display: str) -> str:
    """The import format a file's ending names (.gift, .xml, .csv, .apkg); QuizError for an ending that names none, or
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
    #: the embedded files saved (with --media), where they were saved
    saved: tuple[Path, ...] = ()


def import_text(text: str, fmt: str, *, display: str, bank_id: str, title: str | None = None,
                media_dir: Path | None = None) -> ImportResult:
    """Parse `text` in format `fmt` into a bank; QuizError when nothing at all could be imported. The files it
    embeds (Moodle's images) are saved in `media_dir` when one is given, else named in the notes."""
    # deferred: the format modules (and XML) load only when a bank is imported, not on every CLI start
    from xml.etree.ElementTree import ParseError

    from advisor.quiz.interop.moodle import UnsafeXml

    form = FORMATS[fmt]
    if not form.reads or form.binary:
        raise QuizError(f"{fmt} is not a text format to import; import one of "
                        f"{', '.join(n for n in IMPORT_FORMATS if not FORMATS[n].binary)}")
    try:
        imported = form.code().read(text.replace("\r\n", "\n").replace("\r", "\n"), display, bank_id)
    except UnsafeXml as exc:
        raise QuizError(f"{display}: {exc}") from None
    except ParseError as exc:
        raise QuizError(f"{display}: not well-formed XML", problems=[Problem(str(exc), display, exc.position[0])]
                        ) from None
    return _finish(imported, form, display=display, bank_id=bank_id, title=title, media_dir=media_dir)


def import_file(path: Path, fmt: str, *, display: str, bank_id: str, title: str | None = None,
                media_dir: Path | None = None) -> ImportResult:
    """A file in format `fmt` as a bank: text formats decoded as UTF-8, an Anki package read as what it is
    (a zip holding an SQLite collection, opened read-only from a temporary copy)."""
    from advisor.documents import read_bytes, unreadable

    form = FORMATS[fmt]
    if not form.binary:
        raw = read_bytes(path, display, QuizError)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise QuizError(f"{display}: not UTF-8 text (byte {exc.start})") from None
        return import_text(text, fmt, display=display, bank_id=bank_id, title=title, media_dir=media_dir)
    try:
        with path.open("rb") as handle:
            imported = form.code().read_package(handle, display, bank_id)
            # the package stays open while its media are saved: they are read from it only when asked for
            return _finish(imported, form, display=display, bank_id=bank_id, title=title, media_dir=media_dir)
    except OSError as exc:
        raise unreadable(exc, path, display, QuizError) from None


def _finish(imported: Imported, form: Format, *, display: str, bank_id: str, title: str | None,
            media_dir: Path | None) -> ImportResult:
    from advisor.quiz.interop.common import missing_report, normal_stem

    questions: list[dict[str, Any]] = []
    stems: dict[str, int] = {}
    ids: dict[str, int] = {}
    for question, line in zip(imported.questions, imported.lines):
        stem = normal_stem(question["stem"])
        if stem in stems:  # a bank may not ask the same thing twice (the lint refuses it): keep the first
            imported.skip(display, line, f"the same question as {imported.label(stems[stem])}")
            continue
        stems[stem] = line
        n = ids.get(question["id"], 0)
        ids[question["id"]] = n + 1
        if n:  # two sources may yield the same id: keep both, numbered
            question["id"] = f"{question['id'][:60]}-{n + 1}"
        questions.append(question)
    if not questions:
        raise QuizError(f"{display}: no question could be imported as {form.name}", problems=imported.skipped[:20])
    taken = {id(q) for q in questions}
    kept = {line for question, line in zip(imported.questions, imported.lines) if id(question) in taken}
    saved = _embedded(imported, taken, display, media_dir)
    bank = {"id": bank_id, "title": title or f"Imported: {Path(display).name}",
            "description": f"Imported from {display} ({form.title}).",
            "source": f"imported from {display}", "as_of": None, "questions": questions}
    notes = tuple(n for n, line in zip(imported.notes, imported.note_lines) if line in kept)
    skipped = sorted(imported.skipped, key=lambda p: p.line or 0)  # in file order, duplicates found last among them
    return ImportResult(bank, tuple(skipped), tuple(missing_report(questions)), notes, tuple(saved))


def _embedded(imported: Imported, taken: set[int], display: str, media_dir: Path | None) -> list[Path]:
    """Save the files the kept questions embed into `media_dir` and point their `[image: ...]` references at
    the saved copies; without a folder, say for each that it was not saved and how to save it. A terminal
    cannot show an image: the path of the saved file is what a learner can open."""
    from advisor.atomic import write_user_file
    from advisor.quiz.interop.common import FileUnreadable, image_reference, retarget, safe_file_name

    saved: list[Path] = []
    written: dict[Path, bytes] = {}
    seen: set[tuple[int, str]] = set()
    for file in imported.files:
        question = imported.questions[file.question]
        if id(question) not in taken or (file.question, file.name) in seen:
            continue
        seen.add((file.question, file.name))
        named = image_reference(file.name)
        try:  # read even without a folder to save into: a file the source lacks is said as such, not as unsaved
            data = file.load()
        except FileUnreadable as exc:
            imported.note(display, file.line, f"the embedded file '{file.name}' cannot be saved: {exc}")
            continue
        if media_dir is None:
            imported.note(display, file.line, f"the embedded file '{file.name}' is not saved (the question shows "
                                              f"{named}); give --media DIR to save it there")
            continue
        target = _free_name(media_dir.absolute() / safe_file_name(file.name), data, written)
        if target not in written:
            write_user_file(target, data)
            written[target] = data
            saved.append(target)
        if not retarget(question, file.name, str(target)):
            imported.note(display, file.line, f"the embedded file '{file.name}' is saved as {target}; the question "
                                              "does not show it as an image (it may link it)")
    return saved


def _free_name(target: Path, data: bytes, written: dict[Path, bytes]) -> Path:
    """`target`, or `name-2.ext`, ... : never over a different file (one this import wrote or one already
    there); the same bytes under the same name are one file."""
    candidate, n = target, 1
    while True:
        held = written.get(candidate)
        if held is None and candidate.is_file():
            try:
                held = candidate.read_bytes()
            except OSError:
                held = b""  # unreadable: not ours to replace
        if held is None or held == data:
            return candidate
        n += 1
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")


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
