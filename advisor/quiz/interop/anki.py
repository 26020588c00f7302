"""Anki: a CSV with Anki 2.1.54+ file headers, and an .apkg deck written by genanki.

Anki has no multiple-choice note type of its own, so a question is a Basic note: the front holds the stem and
the lettered options (an ordering question's items in alphabetical order, a matching question's prompts and
choices), the back the answer and every option's explanation. The question id is the note's GUID, so importing
the file again updates the notes instead of duplicating them; a question's section is its subdeck
(`Title::Section`), and a deck column read back gives the section (the innermost deck). The layout is plain HTML
lists that this importer reads back; a third-party CSV whose front lists options as "A. text" lines and whose
back says "Answer: B" (or starts with the right option's letter or text) is read too. A card with no options (a
plain flashcard) has nothing to pick, so it is reported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sqlite3
import tempfile
from typing import Any

from advisor.errors import WriteError
from advisor.quiz.interop.common import (
    KEYS,
    NO_EXPLANATION,
    Imported,
    apply_tags,
    complete,
    exam_tags,
    html_to_text,
    make_question,
    option_problem,
    question_id,
    text_to_html,
)

_SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":"}
_TYPE_TAG = "type::"


# ---- the note's two sides ----------------------------------------------------------------------------------

def front(q: dict[str, Any]) -> str:
    stem = f'<div class="stem">{text_to_html(q["stem"])}</div>'
    if q["type"] == "ordering":
        items = sorted(o["text"] for o in q["options"])
        return stem + '<ul class="items">' + "".join(f"<li>{text_to_html(t)}</li>" for t in items) + "</ul>"
    if q["type"] == "matching":
        choices = sorted([o["match"] for o in q["options"]] + list(q.get("distractors", ())))
        return (stem + '<ol class="prompts" type="A">'
                + "".join(f"<li>{text_to_html(o['text'])}</li>" for o in q["options"]) + '</ol><ul class="choices">'
                + "".join(f"<li>{text_to_html(c)}</li>" for c in choices) + "</ul>")
    choose = f'<div class="choose">(Choose {q["choose"]}.)</div>' if q["type"] == "multiple" else ""
    return (stem + '<ol class="options" type="A">'
            + "".join(f"<li>{text_to_html(o['text'])}</li>" for o in q["options"]) + "</ol>" + choose)


def back(q: dict[str, Any]) -> str:
    options = q["options"]
    if q["type"] == "ordering":
        answer = '<ol class="order">' + "".join(f"<li>{text_to_html(o['text'])}</li>" for o in options) + "</ol>"
    elif q["type"] == "matching":
        answer = '<ul class="pairs">' + "".join(
            f"<li>{o['key']}. {text_to_html(o['text'])} → {text_to_html(o['match'])}</li>" for o in options) + "</ul>"
    else:
        keys = ", ".join(o["key"] for o in options if o["correct"])
        answer = f'<div class="answer">Answer: {keys}</div>'
    return answer + '<ol class="explanations" type="A">' + "".join(
        f"<li>{text_to_html(o['explanation'])}</li>" for o in options) + "</ol>"


def tags(q: dict[str, Any]) -> str:
    words = [*q["topics"], f"{_TYPE_TAG}{q['type']}"]
    words += exam_tags(q, "::")
    return " ".join(w.replace(" ", "_") for w in words)


# ---- CSV export --------------------------------------------------------------------------------------------

def write(bank: dict[str, Any]) -> tuple[str, list[str]]:
    buffer = io.StringIO()
    buffer.write("#separator:Comma\n#html:true\n#notetype:Basic\n")
    title = bank["title"].replace("\n", " ")
    buffer.write(f"#deck:{title}\n")
    # a section is a subdeck ('Parent::Child' in Anki), so it comes back as the question's section
    buffer.write("#columns:GUID,Deck,Front,Back,Tags\n#guid column:1\n#deck column:2\n#tags column:5\n")
    writer = csv.writer(buffer, lineterminator="\n")
    for q in bank["questions"]:
        deck = f"{title}::{q['section']}" if q["section"] else title
        writer.writerow([q["id"], deck, front(q), back(q), tags(q)])
    return buffer.getvalue(), []


# ---- CSV import --------------------------------------------------------------------------------------------

def read(text: str, display: str, prefix: str) -> Imported:
    """Notes from a text file as Anki's manual describes it: an optional `tags:` line, then `#key:value` headers,
    then one note per record; any other record that starts with `#` is a comment. Columns that the headers name
    as the GUID, tags, note type or deck are not fields; the rest are Front and Back (or as `#columns` names them).
    """
    out = Imported()
    headers: dict[str, str] = {}
    lines = text.splitlines(keepends=True)
    body_start = 0
    tag_words: list[str] = []
    for body_start, line in enumerate(lines):
        if body_start == 0 and line.startswith("tags:"):  # the manual's old syntax, before any header
            tag_words = line[len("tags:"):].split()
            continue
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        headers[key.strip().lower()] = value.strip()
    else:
        body_start = len(lines)
    tag_words += headers.get("tags", "").split()
    records = _records(lines, body_start)
    separator = _separator(headers.get("separator", ""), [records[0][1]] if records else [])
    columns = [c.strip().lower() for c in headers.get("columns", "").split(separator)] if "columns" in headers else []
    special = {name: int(headers[f"{name} column"]) - 1 for name in ("guid", "tags", "notetype", "deck")
               if headers.get(f"{name} column", "").isdigit()}
    cloze = headers.get("notetype", "").lower().startswith("cloze")
    for line_no, record in records:
        row = next(csv.reader(io.StringIO(record), delimiter=separator), [])
        fields = [f for i, f in enumerate(row) if i not in special.values()]
        if not any(f.strip() for f in row):
            continue
        guid_col, tags_col = special.get("guid"), special.get("tags")
        guid = row[guid_col] if guid_col is not None and guid_col < len(row) else None
        tag_text = row[tags_col] if tags_col is not None and tags_col < len(row) else ""
        if cloze or any(re.search(r"\{\{c\d+::", f) for f in fields):
            out.skip(display, line_no, "a cloze note hides words to recall ({{c1::...}}): it has no options to pick "
                                       "from")
            continue
        if len(fields) < 2:
            out.skip(display, line_no, f"{len(fields)} field(s): a note needs a front and a back")
            continue
        front_i, back_i = (0, 1)
        if columns:
            named = [c for i, c in enumerate(columns) if i not in special.values()]
            if "front" in named and "back" in named:
                front_i, back_i = named.index("front"), named.index("back")
        question = read_note(fields[front_i], fields[back_i], guid, " ".join([*tag_words, tag_text]), display, line_no,
                         prefix, out, html=headers.get("html", "true").lower() != "false")
        if question is not None:
            deck_col = special.get("deck")
            if deck_col is not None and deck_col < len(row) and row[deck_col].strip():
                question["section"] = row[deck_col].split("::")[-1].strip()
            out.add(question, line_no)
    return out


def _records(lines: list[str], start: int) -> list[tuple[int, str]]:
    """(line number, text) of each record from `start` on, a quoted field's newlines kept inside it; a record
    that starts with `#` is a comment (Anki's reader), a `#` inside a quoted field is text."""
    records: list[tuple[int, str]] = []
    current: list[str] = []
    first = start + 1
    for number, line in enumerate(lines[start:], start=start + 1):
        if not current:
            if line.startswith("#"):
                continue
            first = number
        current.append(line)
        if "".join(current).count('"') % 2 == 0:  # quotes balanced: the record ends with this line
            records.append((first, "".join(current)))
            current = []
    if current:
        records.append((first, "".join(current)))
    return records


def _separator(declared: str, first: list[str]) -> str:
    name = declared.lower()
    if name in _SEPARATORS:
        return _SEPARATORS[name]
    if len(declared) == 1:
        return declared
    sample = first[0] if first else ""
    return "\t" if "\t" in sample else ("," if sample.count(",") >= sample.count(";") else ";")


def _items(html_text: str, css: str) -> list[str] | None:
    m = re.search(rf'<(ol|ul) class="{css}"[^>]*>(.*?)</\1>', html_text, flags=re.S)
    if m is None:
        return None
    return [html_to_text(item) for item in re.findall(r"<li>(.*?)</li>", m.group(2), flags=re.S)]


def read_note(front_html: str, back_html: str, guid: str | None, tag_text: str, display: str, line: int, prefix: str,
          out: Imported, *, html: bool = True) -> dict[str, Any] | None:
    """One note as a question: our own layout (a stem div, lettered lists, a type:: tag) read back exactly, any
    other front and back as a third-party card (`_plain_note`). Shared by the CSV and the .apkg import."""
    tag_list = tag_text.split()
    kind = next((t[len(_TYPE_TAG):] for t in tag_list if t.startswith(_TYPE_TAG)), None)
    stem_m = re.search(r'<div class="stem">(.*?)</div>', front_html, flags=re.S)
    source = out.source(display, line)
    explanations = _items(back_html, "explanations") or []
    if stem_m is None:
        question = _plain_note(front_html, back_html, guid, display, line, prefix, source, out, html=html)
        if question is not None:
            apply_tags(question, tag_list, "::")
        return question
    stem = html_to_text(stem_m.group(1))
    qid = question_id(prefix, guid, stem)
    why = [*explanations, *([""] * 9)]
    if kind == "ordering":
        order = _items(back_html, "order") or []
        question = {"id": qid, "section": "Imported", "topics": ["imported"], "domains": {}, "type": "ordering",
                    "difficulty": 2, "stem": stem, "source": source,
                    "options": [{"key": KEYS[i], "text": t, "explanation": why[i] or NO_EXPLANATION}
                                for i, t in enumerate(order)]}
    elif kind == "matching":
        pairs = [re.sub(r"^[A-I]\. ", "", p).split(" → ", 1) for p in _items(back_html, "pairs") or []]
        choices = _items(front_html, "choices") or []
        matched = {right for _, right in pairs}
        question = {"id": qid, "section": "Imported", "topics": ["imported"], "domains": {}, "type": "matching",
                    "difficulty": 2, "stem": stem, "source": source,
                    "options": [{"key": KEYS[i], "text": left, "match": right, "explanation": why[i] or NO_EXPLANATION}
                                for i, (left, right) in enumerate(pairs)]}
        if extra := [c for c in choices if c not in matched]:
            question["distractors"] = extra
    else:
        options = _items(front_html, "options") or []
        answer = re.search(r"Answer:\s*([A-I](?:\s*,\s*[A-I])*)", html_to_text(back_html))
        keys = set(re.findall(r"[A-I]", answer.group(1))) if answer else set()
        triples = [(t, KEYS[i] in keys, why[i]) for i, t in enumerate(options)]
        if problem := option_problem(triples):
            out.skip(display, line, problem)
            return None
        question = make_question(qid, stem=stem, options=triples, source=source,
                                 kind=kind if kind in {"single", "multiple", "true_false"} else None)
    apply_tags(question, tag_list, "::")
    return question


def _plain_note(front_html: str, back_html: str, guid: str | None, display: str, line: int, prefix: str,
                source: str, out: Imported, *, html: bool = True) -> dict[str, Any] | None:
    """A third-party note: options as 'A. text' or 'A) text' lines on the front, 'Answer: B' on the back.
    With `#html:false` a field is text as written (its `<` is a character); otherwise HTML."""
    def as_text(field: str) -> str:
        return html_to_text(field) if html else field.strip()

    text = as_text(front_html)
    stem_lines, options = [], []
    for row in text.splitlines():
        if m := re.match(r"^\s*\(?([A-I])[.)]\s+(.*)$", row):
            options.append(m.group(2).strip())
        elif options:
            if row.strip():
                options[-1] += " " + row.strip()
        else:
            stem_lines.append(row)
    answer_text = as_text(back_html)
    answer = re.search(r"(?:Answers?|Correct(?: answers?)?)\s*[:=]\s*([A-I](?:\s*(?:,|and|&)\s*[A-I])*)\b",
                       answer_text, flags=re.I)
    if not options:
        out.skip(display, line, "a flashcard with no lettered options has nothing to pick from")
        return None
    if answer is not None:
        keys = set(re.findall(r"[A-I]", answer.group(1).upper()))
        explanation = answer_text[answer.end():].strip()
    elif (named := _named_option(answer_text, options)) is not None:
        index, said = named
        keys, explanation = {KEYS[index]}, "\n".join([said, *answer_text.splitlines()[1:]]).strip()
    else:
        out.skip(display, line, "the back names no option: neither 'Answer: <letter(s)>' nor an option's "
                                "letter or text on its first line")
        return None
    triples = [(t, KEYS[i] in keys, explanation if KEYS[i] in keys else "") for i, t in enumerate(options)]
    stem = "\n".join(stem_lines).strip()
    if problem := option_problem(triples) if stem else "the note has no question text":
        out.skip(display, line, problem)
        return None
    return make_question(question_id(prefix, guid, stem), stem=stem, options=triples, source=source)


def _named_option(back: str, options: list[str]) -> tuple[int, str] | None:
    """The option the back's first line names, and what that line says beside it: 'B', 'B. its own text', a
    letter set off by punctuation and followed by any words ('B) Amazon S3 holds it', 'B — S3', 'B: S3': the words
    are an explanation), or just the option's text. A bare letter before words ('A team ...') names nothing."""
    first = back.strip().splitlines()[0].strip() if back.strip() else ""
    if m := re.fullmatch(r"\(?([A-I])(?:([.):]|\s+[-–—])\s*(.*)|\s+(.*))?", first):
        index = KEYS.index(m.group(1))
        said = (m.group(3) or m.group(4) or "").strip()
        if index < len(options) and (m.group(2) or not said or said.casefold() == options[index].casefold()):
            return index, "" if said.casefold() == options[index].casefold() else said
    texts = [t.casefold() for t in options]
    return (texts.index(first.casefold()), "") if first.casefold() in texts else None


# ---- .apkg export (genanki) --------------------------------------------------------------------------------

def _stable_id(name: str) -> int:
    """An id in the range Anki expects (genanki's docs: between 1 << 30 and 1 << 31), the same on every run."""
    digest = int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big")
    return (1 << 30) + digest % (1 << 30)


MODEL_NAME = "sagemaker-advisor question"


def write_apkg(bank: dict[str, Any]) -> bytes:
    """The deck as the bytes of an .apkg file (the caller writes them atomically)."""
    import genanki  # deferred: only the .apkg export needs it

    model = genanki.Model(
        _stable_id(f"{MODEL_NAME} v1"), MODEL_NAME,
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Id"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}],
        css=".card { font-family: sans-serif; text-align: left; } .answer { font-weight: bold; }",
    )
    bank = complete(bank)
    # a section is a subdeck ('Title::Section', as in the CSV export), so the import gives it back
    decks: dict[str, Any] = {}
    for position, q in enumerate(bank["questions"], start=1):
        name = f"{bank['title']}::{q['section']}" if q["section"] else bank["title"]
        if name not in decks:  # the top deck keeps the id earlier exports gave it
            decks[name] = genanki.Deck(_stable_id(f"deck {bank['id']}" + (f"::{q['section']}" if q["section"] else "")),
                                       name)
        deck = decks[name]
        deck.add_note(genanki.Note(model=model, fields=[front(q), back(q), q["id"]],
                                   guid=genanki.guid_for(bank["id"], q["id"]), tags=tags(q).split(),
                                   due=position))  # Anki shows new cards in this order, and the import reads it
    buffer = io.BytesIO()
    # genanki builds the collection in a temporary SQLite file it never removes: point it at a folder we do.
    try:
        with tempfile.TemporaryDirectory() as scratch:
            previous, tempfile.tempdir = tempfile.tempdir, scratch
            try:
                genanki.Package(list(decks.values())).write_to_file(buffer)
            finally:
                tempfile.tempdir = previous
    except (OSError, sqlite3.Error) as exc:  # the scratch collection: a full disk, a file-size limit
        raise WriteError(f"cannot build the .apkg deck in the temporary folder {tempfile.gettempdir()} ({exc})",
                         environment=True, hint="free some space (or raise ulimit -f), or set TMPDIR") from None
    return buffer.getvalue()
