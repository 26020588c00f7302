"""Anki packages (.apkg): a zip holding an SQLite collection, its media and a map of their names.

What is in a package (Anki's own exporter and genanki's `package.py`): `collection.anki2` (schema 11: note
types and decks as JSON in the `col` row), or `collection.anki21` (the same schema, written by Anki 2.1 for
its newer scheduler, beside a stub `collection.anki2` asking for a newer Anki), or, from Anki 2.1.50 on,
`collection.anki21b`: the schema-18 collection (note types, fields, templates and decks in tables of their
own) compressed with zstd, again beside a stub. `media` maps the numbered members to file names (JSON in the
older packages; zstd-compressed protobuf in the newest, which this reader does not decode).

The collection is copied out of the zip (a bounded read) into a temporary folder and opened read-only
(`mode=ro`, `immutable`, `trusted_schema=OFF`): nothing in it runs (no trigger, no view, no template's
script; fields are read as text and their HTML becomes text). Media are not written anywhere unless the import
is given a folder for them (`--media DIR`); otherwise each image a question shows is named as not saved.

Mapped note types: ours (the layout `anki.write_apkg` writes, read back as `anki.read_note` reads the CSV
export, so export -> import gives the same questions), a Basic-like type (fields Front and Back, or Question
and Answer: a third-party multiple-choice card with lettered options and "Answer: B" on its back), and the
anki-mc add-on's "AllInOne (kprim, mc, sc)" (Question, Q_1..Q_5, Answers "1 0 0 1"). A cloze note, a Kprim
card and any other note type are reported by note, each with its nid (Anki's browser finds `nid:<id>`).
"""

from __future__ import annotations

import html
import importlib
import io
import json
import sqlite3
import tempfile
import urllib.parse
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from advisor.errors import QuizError
from advisor.quiz.interop.anki import MODEL_NAME, read_note
from advisor.quiz.interop.common import (
    KEYS,
    MAX_FILE_BYTES,
    EmbeddedFile,
    FileUnreadable,
    Imported,
    apply_tags,
    html_to_text,
    image_sources,
    make_question,
    option_problem,
    question_id,
)

#: the collection members, newest first
COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
#: a collection larger than this is refused (Anki's own decks of tens of thousands of notes are far smaller)
MAX_COLLECTION_BYTES = 512 * 1024 * 1024
ZSTD_HINT = ("export it again from Anki with 'Support older Anki versions' ticked (Anki writes collection.anki21 "
             "then), or install the zstandard package (or use Python 3.14+, whose compression.zstd reads it)")


@dataclass(frozen=True)
class NoteType:
    name: str
    fields: tuple[str, ...]
    cloze: bool


def read_package(handle: BinaryIO, display: str, prefix: str) -> Imported:
    """The questions of the Anki package open in `handle`; QuizError (located) when it is no Anki package."""
    try:
        package = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, ValueError):
        raise QuizError(f"{display}: not an Anki package: an .apkg is a zip archive and this file is not one",
                        hint="export the deck from Anki with File > Export > Anki Deck Package") from None
    names = set(package.namelist())
    member = _collection_member(names, display)
    out = Imported(unit="note")
    with tempfile.TemporaryDirectory(prefix="advisor-apkg-") as scratch:
        path = Path(scratch) / "collection.sqlite"
        _copy_collection(package, member, path, display)
        db = _open(path, display, member)
        try:
            _read_notes(db, display, member, prefix, out)
        except sqlite3.Error as exc:
            raise QuizError(f"{display}: {member} is not an Anki collection this reader knows ({exc})") from None
        finally:
            db.close()
    _media(package, names, out)
    return out


def _collection_member(names: set[str], display: str) -> str:
    present = [name for name in COLLECTIONS if name in names]
    if not present:
        raise QuizError(f"{display}: the zip holds no Anki collection ({', '.join(COLLECTIONS)}): is it an .apkg?")
    if present[0] == "collection.anki21b" and _zstd_decompress() is None:
        if "collection.anki21" in present:
            return "collection.anki21"
        # the collection.anki2 beside it is a stub asking for a newer Anki: reading it would import that stub
        raise QuizError(f"{display}: the deck is in Anki's newer package format (collection.anki21b, "
                        "zstd-compressed), which this Python cannot decompress without an extra library",
                        hint=ZSTD_HINT)
    return present[0]


def _zstd_decompress() -> Callable[[bytes, int], bytes] | None:
    """A zstd decompressor bounded to `limit` bytes out, from the standard library (3.14+) or zstandard."""
    try:
        stdlib = importlib.import_module("compression.zstd")
    except ImportError:
        pass
    else:
        return lambda data, limit: stdlib.ZstdDecompressor().decompress(data, max_length=limit + 1)
    try:
        zstandard = importlib.import_module("zstandard")
    except ImportError:
        return None
    return lambda data, limit: zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read(limit + 1)


def _copy_collection(package: zipfile.ZipFile, member: str, path: Path, display: str) -> None:
    """The collection member written to `path`, read in bounded steps (a zip's declared size can lie)."""
    try:
        with package.open(member) as source, path.open("wb") as target:
            if member.endswith("b"):
                decompress = _zstd_decompress()
                assert decompress is not None  # _collection_member chose it only with a decompressor
                data = decompress(source.read(MAX_COLLECTION_BYTES + 1), MAX_COLLECTION_BYTES)
                copied = len(data)
                target.write(data)
            else:
                copied = 0
                while chunk := source.read(1 << 20):
                    copied += len(chunk)
                    if copied > MAX_COLLECTION_BYTES:
                        break
                    target.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise QuizError(f"{display}: {member} cannot be read from the zip ({exc})") from None
    except Exception as exc:  # zstd's own error classes differ between the two libraries
        if isinstance(exc, OSError) and not type(exc).__module__.startswith(("zstandard", "compression")):
            raise
        raise QuizError(f"{display}: {member} is not valid zstd data ({exc})") from None
    if copied > MAX_COLLECTION_BYTES:
        raise QuizError(f"{display}: {member} is larger than {MAX_COLLECTION_BYTES // (1024 * 1024)} MiB; "
                        "not read further")


def _open(path: Path, display: str, member: str) -> sqlite3.Connection:
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro&immutable=1"
    try:
        db = sqlite3.connect(uri, uri=True)
        db.execute("PRAGMA trusted_schema = OFF")  # no function a view or trigger names may run
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        raise QuizError(f"{display}: {member} is not an SQLite database ({exc})") from None
    return db


# ---- the collection ----------------------------------------------------------------------------------------

def _note_types(db: sqlite3.Connection) -> dict[int, NoteType]:
    """Note types by id: JSON in `col.models` (schema 11), else the schema-18 tables."""
    row = db.execute("SELECT models FROM col").fetchone()
    if row and row[0]:
        types = {}
        for mid, model in json.loads(row[0]).items():
            fields = tuple(f["name"] for f in sorted(model.get("flds", []), key=lambda f: f.get("ord", 0)))
            templates = " ".join(t.get("qfmt", "") for t in model.get("tmpls", []))
            types[int(mid)] = NoteType(str(model.get("name", "")), fields,
                                       model.get("type") == 1 or "{{cloze:" in templates)
        return types
    fields_of: dict[int, list[str]] = {}
    for ntid, name in db.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields_of.setdefault(ntid, []).append(name)
    cloze_templates = {ntid for ntid, config in db.execute("SELECT ntid, config FROM templates")
                       if b"{{cloze:" in bytes(config or b"")}
    # NotetypeConfig's first field is its kind (NORMAL 0, left out as protobuf's default; CLOZE 1: bytes 08 01)
    return {ntid: NoteType(name, tuple(fields_of.get(ntid, ())),
                           ntid in cloze_templates or bytes(config or b"").startswith(b"\x08\x01"))
            for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes")}


def _decks(db: sqlite3.Connection) -> dict[int, str]:
    """Deck names by id, '::' between levels (schema 18 stores them with \\x1f)."""
    row = db.execute("SELECT decks FROM col").fetchone()
    if row and row[0]:
        return {int(did): str(deck.get("name", "")) for did, deck in json.loads(row[0]).items()}
    return {did: str(name).replace("\x1f", "::") for did, name in db.execute("SELECT id, name FROM decks")}


def _read_notes(db: sqlite3.Connection, display: str, member: str, prefix: str, out: Imported) -> None:
    types = _note_types(db)
    decks = _decks(db)
    first_card = {nid: (did, kind, due) for nid, did, kind, due in
                  db.execute("SELECT nid, did, type, due FROM cards ORDER BY ord DESC")}  # each note's first card
    notes = db.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id").fetchall()
    if all(first_card.get(note[0], (0, 0, 0))[1] == 0 for note in notes):
        # new cards only (a shared deck, our export): their `due` is the order Anki introduces them in
        notes.sort(key=lambda note: (first_card.get(note[0], (0, 0, 0))[2], note[0]))
    for position, (nid, guid, mid, tags, flds) in enumerate(notes, start=1):
        out.labels[position] = f"note {position} (nid:{nid})"
        kind = types.get(mid)
        values = str(flds).split("\x1f")
        if kind is None:
            out.skip(display, position, f"its note type (id {mid}) is not in the collection")
            continue
        question = _question(kind, values, str(guid), str(tags), display, position, prefix, out)
        if question is None:
            continue
        deck = decks.get(first_card.get(nid, (-1, 0, 0))[0], "")
        if deck.strip():
            question["section"] = deck.split("::")[-1].strip()
        out.add(question, position)
        # as html_to_text shows them ([image: <src>], entities decoded); the loaders are set by _media
        shown = dict.fromkeys(html.unescape(src) for value in values for src in image_sources(value))
        for name in shown:
            out.attach(name, _unread)


def _unread() -> bytes:
    raise FileUnreadable("not yet looked up in the package")


def _field(kind: NoteType, values: list[str], *names: str) -> str | None:
    folded = [f.casefold() for f in kind.fields]
    for name in names:
        if name.casefold() in folded:
            index = folded.index(name.casefold())
            return values[index] if index < len(values) else ""
    return None


def _question(kind: NoteType, values: list[str], guid: str, tags: str, display: str, position: int, prefix: str,
              out: Imported) -> dict[str, Any] | None:
    if kind.cloze:
        out.skip(display, position, f"a cloze note (note type '{kind.name}') hides words to recall: it has no "
                                    "options to pick from")
        return None
    if kind.name == MODEL_NAME or kind.fields == ("Front", "Back", "Id"):
        front, back, qid = [*values, "", "", ""][:3]
        return read_note(front, back, qid.strip() or guid, tags, display, position, prefix, out)
    if _field(kind, values, "Q_1") is not None and _field(kind, values, "Answers") is not None:
        return _all_in_one(kind, values, guid, tags, display, position, prefix, out)
    for front_name, back_name in (("Front", "Back"), ("Question", "Answer")):
        shown, hidden = _field(kind, values, front_name), _field(kind, values, back_name)
        if shown is not None and hidden is not None:
            return read_note(shown, hidden, guid, tags, display, position, prefix, out)
    out.skip(display, position, f"its note type '{kind.name}' (fields {', '.join(kind.fields) or 'none'}) is not one "
                                "this import maps: Basic (Front, Back), our own export, or anki-mc's AllInOne")
    return None


def _all_in_one(kind: NoteType, values: list[str], guid: str, tags: str, display: str, position: int, prefix: str,
                out: Imported) -> dict[str, Any] | None:
    """anki-mc's note type: `QType` 0 Kprim, 1 multiple choice, 2 single choice; `Answers` one 1 or 0 per
    `Q_n` choice, separated by spaces (its README)."""
    qtype = html_to_text(_field(kind, values, "QType (0=kprim,1=mc,2=sc)", "QType") or "").strip()
    if qtype == "0":
        out.skip(display, position, "a Kprim card judges each statement true or false on its own: it is not one "
                                    "set of options to pick from")
        return None
    stem = html_to_text(_field(kind, values, "Question") or "")
    bits = html_to_text(_field(kind, values, "Answers") or "").split()
    extra = html_to_text(_field(kind, values, "Extra 1", "Extra") or "")
    choices = [html_to_text(_field(kind, values, f"Q_{n}") or "") for n in range(1, len(KEYS) + 1)]
    choices = [c for c in choices if c]
    if len(bits) != len(choices) or any(b not in {"0", "1"} for b in bits):
        out.skip(display, position, f"Answers '{' '.join(bits)}' does not give a 1 or 0 for each of the "
                                    f"{len(choices)} choices")
        return None
    triples = [(text, bit == "1", extra if bit == "1" else "") for text, bit in zip(choices, bits)]
    problem = option_problem(triples) if stem else "the note has no question text"
    if problem is None and qtype == "2" and sum(ok for _, ok, _ in triples) != 1:
        problem = "a single-choice card (QType 2) needs exactly one 1 in Answers"
    if problem:
        out.skip(display, position, problem)
        return None
    question = make_question(question_id(prefix, guid, stem), stem=stem, options=triples,
                             source=out.source(display, position))
    apply_tags(question, tags.split(), "::")
    return question


# ---- media -------------------------------------------------------------------------------------------------

def _media(package: zipfile.ZipFile, names: set[str], out: Imported) -> None:
    """Give each image a question shows its loader: the numbered member the `media` map names. The newest
    packages' map is protobuf (with zstd members): their images stay named, and the note says why."""
    mapping: dict[str, str] = {}
    unreadable = ""
    if "media" in names:
        try:
            raw = package.read("media") if package.getinfo("media").file_size < 64 * 1024 * 1024 else b""
            mapping = {str(v): str(k) for k, v in json.loads(raw.decode("utf-8")).items()}
        except (ValueError, UnicodeDecodeError, zipfile.BadZipFile):
            unreadable = "the package lists its media in Anki's newer format, which this import does not read"
    files = []
    for file in out.files:
        numbered = mapping.get(file.name, mapping.get(urllib.parse.unquote(file.name)))  # a src may be %-quoted
        reason = unreadable or ("the package's media list does not name it" if numbered is None else "")
        files.append(EmbeddedFile(file.name, file.question, file.line, _loader(package, numbered, reason)))
    out.files = files


def _loader(package: zipfile.ZipFile, numbered: str | None, reason: str) -> Callable[[], bytes]:
    def load() -> bytes:
        if reason or numbered is None:
            raise FileUnreadable(reason or "it is not in the package")
        try:
            info = package.getinfo(numbered)
            if info.file_size > MAX_FILE_BYTES:
                raise FileUnreadable(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
            with package.open(info) as source:
                data = source.read(MAX_FILE_BYTES + 1)
        except (KeyError, zipfile.BadZipFile, NotImplementedError, EOFError) as exc:
            raise FileUnreadable(f"member {numbered} cannot be read ({exc})") from None
        if len(data) > MAX_FILE_BYTES:
            raise FileUnreadable(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        return data
    return load

