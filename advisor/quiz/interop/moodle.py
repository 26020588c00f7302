"""Moodle XML: `<quiz>` of `<question type="...">`, the format Moodle imports and exports.

Mapped: multichoice (single or multiple response by `<single>` and answer fractions; multichoiceset, the
All-or-Nothing plugin, as multiple response), truefalse, matching
(`<subquestion>`; an empty one is a distractor) and ordering (the qtype_ordering plugin: answers in the right
order). Each answer's `<feedback>` becomes its explanation, `<generalfeedback>` the fallback; `<idnumber>` (else
`<name>`) the id; `<tags>` our topics, domains and task statements; a category question the section; an
embedded `<file>` (an image, base64) an EmbeddedFile its question names, saved only when the import is given a
folder. Other types (shortanswer, numerical, essay, cloze, ...) are reported. A document that declares a
DOCTYPE or entities is refused before parsing: Moodle never writes one, and entity expansion is how XML files
attack their readers.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import xml.etree.ElementTree as ET
from typing import Any

from advisor.quiz.interop.common import (
    KEYS,
    MAX_FILE_BYTES,
    FileUnreadable,
    Imported,
    apply_tags,
    category_path,
    exam_tags,
    html_to_text,
    keyed_feedback,
    last_category,
    make_question,
    option_problem,
    partial_credit_note,
    question_id,
    split_feedback,
    text_to_html,
    with_general,
)


class UnsafeXml(ValueError):
    """The document declares a DOCTYPE or entities."""


def _text(node: ET.Element | None, path: str = "text") -> str:
    """The text of a `<... format="..."><text>` element: HTML (Moodle's html and auto formats) as plain text;
    plain_text and markdown as written, since their `<` is a character, not a tag."""
    if node is None:
        return ""
    found = node.find(path)
    if found is None:
        return ""
    if node.get("format") in {"plain_text", "markdown"}:
        return (found.text or "").strip()
    return html_to_text(found.text or "")


def _with_single(node: ET.Element, value: str) -> ET.Element:
    """The question as one with `<single>value</single>` (a copy: the parsed tree stays as read)."""
    copy = ET.Element(node.tag, node.attrib)
    copy.extend(child for child in node if child.tag != "single")
    ET.SubElement(copy, "single").text = value
    return copy


def _attach_files(node: ET.Element, out: Imported) -> None:
    """The files (images) the question just added carries inline, base64-encoded in `<file>` elements, by the
    name its HTML gives them (`@@PLUGINFILE@@/<path><name>`, which html_to_text shows as `[image: <path><name>]`)."""
    for element in node.iter("file"):
        folder = (element.get("path") or "/").strip("/")
        name = (f"{folder}/" if folder else "") + (element.get("name", "") or "(unnamed)")
        out.attach(name, functools.partial(_decode, element.text or "", element.get("encoding")))


def _decode(text: str, encoding: str | None) -> bytes:
    if (encoding or "base64").lower() != "base64":
        raise FileUnreadable(f"its encoding '{encoding}' is not base64")
    if len(text) > MAX_FILE_BYTES * 4 // 3 + 1024:
        raise FileUnreadable(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise FileUnreadable("its base64 text is not valid") from None


def _lines_of_questions(text: str) -> list[int]:
    return [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"<question\b", text)]


def parse(text: str) -> ET.Element:
    if re.search(r"<!(DOCTYPE|ENTITY)", text, flags=re.I):
        raise UnsafeXml("the file declares a DOCTYPE or entities, which Moodle XML never has")
    return ET.fromstring(text.encode("utf-8"))


def read(text: str, display: str, prefix: str) -> Imported:
    out = Imported()
    root = parse(text)
    if root.tag != "quiz":
        out.skip(display, 1, f"the root element is <{root.tag}>, not <quiz>: is this Moodle XML?")
        return out
    section = None
    for node, line in zip(root.iter("question"), _lines_of_questions(text)):
        kind = node.get("type", "")
        if kind == "category":
            path = _text(node.find("category"))
            section = last_category(path)
            continue
        question = _question(node, kind, display, line, prefix, out)
        if question is not None:
            if section:
                question["section"] = section
            _tags(node, question)
            out.add(question, line)
            _attach_files(node, out)
    return out


def _question(node: ET.Element, kind: str, display: str, line: int, prefix: str,
              out: Imported) -> dict[str, Any] | None:
    stem = _text(node.find("questiontext"))
    given = (node.findtext("idnumber") or "").strip() or _text(node.find("name"))
    qid = question_id(prefix, given, stem)
    general = _text(node.find("generalfeedback"))
    source = f"imported from {display}, line {line}"
    if not stem:
        out.skip(display, line, "the question has no text")
        return None
    if kind == "matching":
        return _matching(node, qid, stem, source, general, display, line, out)
    if kind == "ordering":
        items = [_text(a) for a in node.findall("answer")]
        if not 3 <= len(items) <= 6 or not all(items):
            out.skip(display, line, f"{len(items)} items: an ordering question has 3 to 6, each with text")
            return None
        shown = (node.findtext("selectcount") or "").strip()
        if (node.findtext("selecttype") or "ALL").strip().upper() not in {"ALL", "0"} and shown.isdigit() \
                and 1 < int(shown) < len(items):  # qtype_ordering shows a random or contiguous subset
            out.note(display, line, f"Moodle shows {shown} of its {len(items)} items to order; here all "
                                    f"{len(items)} are ordered")
        return {"id": qid, "section": "Imported", "topics": ["imported"], "domains": {}, "type": "ordering",
                "difficulty": 2, "stem": stem, "source": source,
                "options": [{"key": KEYS[i], "text": t, "explanation": why}
                            for i, (t, why) in enumerate(zip(items, split_feedback(general, len(items))))]}
    if kind == "multichoiceset":  # the All-or-Nothing plugin: a multichoice whose every right answer is 100%
        kind = "multichoice"
        node = _with_single(node, "false")
    if kind not in {"multichoice", "truefalse"}:
        out.skip(display, line, f"a question of type '{kind or '(none)'}' has no options to pick from")
        return None
    # Moodle: a single-answer multichoice is right only with the answer worth 100%; another positive fraction
    # beside it is partial credit, not a key. A multiple-answer one is right with every positive-fraction answer.
    single = kind == "truefalse" or (node.findtext("single") or "true").strip().lower() in {"true", "1"}
    triples = []
    for answer in node.findall("answer"):
        try:
            fraction = float(answer.get("fraction", "0") or 0)
        except ValueError:
            out.skip(display, line, f"the answer fraction '{answer.get('fraction')}' is not a number")
            return None
        text = _text(answer)
        if kind == "truefalse":
            text = text.capitalize()
        triples.append((text, fraction >= 100 if single else fraction > 0, _text(answer.find("feedback"))))
        if single and kind == "multichoice" and 0 < fraction < 100:
            out.note(display, line, partial_credit_note(text, fraction))
    triples = with_general(triples, general)
    if kind == "truefalse":
        triples.sort(key=lambda t: t[0] != "True")
        if [t for t, _, _ in triples] != ["True", "False"]:
            out.skip(display, line, "a truefalse question needs the answers true and false")
            return None
    if problem := option_problem(triples):
        out.skip(display, line, problem)
        return None
    correct = sum(ok for _, ok, _ in triples)
    if kind == "multichoice" and single and correct != 1:
        out.skip(display, line, f"<single>true</single> but {correct} answers are worth 100%")
        return None
    return make_question(qid, stem=stem, options=triples, source=source,
                         kind="true_false" if kind == "truefalse" else None)


def _matching(node: ET.Element, qid: str, stem: str, source: str, general: str, display: str, line: int,
              out: Imported) -> dict[str, Any] | None:
    prompts, distractors = [], []
    for sub in node.findall("subquestion"):
        left, right = _text(sub), _text(sub.find("answer"))
        (prompts.append((left, right)) if left else distractors.append(right))
    if not 3 <= len(prompts) <= 6:
        out.skip(display, line, f"{len(prompts)} pairs: a matching question has 3 to 6")
        return None
    return {"id": qid, "section": "Imported", "topics": ["imported"], "domains": {}, "type": "matching",
            "difficulty": 2, "stem": stem, "source": source,
            "options": [{"key": KEYS[i], "text": left, "match": right, "explanation": why}
                        for i, ((left, right), why) in enumerate(zip(prompts, split_feedback(general, len(prompts))))],
            **({"distractors": distractors} if distractors else {})}


def _tags(node: ET.Element, question: dict[str, Any]) -> None:
    apply_tags(question, [t.findtext("text", "").strip() for t in node.iterfind("tags/tag")], ":")


# ---- export ----------------------------------------------------------------------------------------------

def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    if text is not None:
        node.text = text
    return node


def _texted(parent: ET.Element, tag: str, text: str, html: bool = True, **attrs: str) -> ET.Element:
    node = _sub(parent, tag, format="html" if html else "plain_text", **attrs)
    _sub(node, "text", text_to_html(text) if html else text)
    return node


def write(bank: dict[str, Any]) -> tuple[str, list[str]]:
    quiz = ET.Element("quiz")
    section = None
    for q in bank["questions"]:
        if q["section"] != section:
            section = q["section"]
            category = _sub(quiz, "question", type="category")
            _sub(_sub(category, "category"), "text", "$course$/top/" + category_path(bank["title"], section))
        kind = {"single": "multichoice", "multiple": "multichoice", "true_false": "truefalse"}.get(q["type"], q["type"])
        node = _sub(quiz, "question", type=kind)
        _sub(_sub(node, "name"), "text", q["id"])
        _texted(node, "questiontext", q["stem"])
        _texted(node, "generalfeedback", keyed_feedback(q["options"]) if q["type"] in {"ordering", "matching"} else "")
        _sub(node, "defaultgrade", "1")
        _sub(node, "idnumber", q["id"])
        _answers(node, q)
        tags = _sub(node, "tags")
        for tag in [*q["topics"], *exam_tags(q, ":")]:
            _sub(_sub(tags, "tag"), "text", tag)
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n", []


def _answers(node: ET.Element, q: dict[str, Any]) -> None:
    options = q["options"]
    if q["type"] == "matching":
        _sub(node, "shuffleanswers", "true")
        for o in options:
            sub = _texted(node, "subquestion", o["text"])
            _sub(_sub(sub, "answer"), "text", o["match"])
        for extra in q.get("distractors", ()):
            sub = _texted(node, "subquestion", "")
            _sub(_sub(sub, "answer"), "text", extra)
        return
    if q["type"] == "ordering":
        _sub(node, "layouttype", "VERTICAL")
        _sub(node, "selecttype", "ALL")
        for o in options:
            _texted(node, "answer", o["text"], fraction="0")
        return
    if q["type"] != "true_false":
        _sub(node, "single", "true" if q["type"] == "single" else "false")
        _sub(node, "shuffleanswers", "true")
        _sub(node, "answernumbering", "ABCD")
    share = 100 / q["choose"] if q["type"] == "multiple" else 100
    for o in options:
        fraction = f"{share:.5f}".rstrip("0").rstrip(".") if o["correct"] else (
            "-100" if q["type"] == "multiple" else "0")
        text = o["text"].lower() if q["type"] == "true_false" else o["text"]
        answer = _texted(node, "answer", text, html=q["type"] != "true_false", fraction=fraction)
        _texted(answer, "feedback", o["explanation"])
