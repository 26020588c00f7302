"""GIFT, Moodle's plain-text question format: one question per blank-line-separated block.

    // advisor: {"section": ..., "topics": [...]}      (our metadata; other tools ignore comments)
    $CATEGORY: Training
    ::c09-train-01::[plain]Which request field ...{
      =right answer#why it is right
      ~wrong answer#why it is wrong
      ~%50%half-right (multiple response weights)
    }
    ::tf::Statement{T#feedback if answered false#feedback if answered true}
    ::match::Match them{ =prompt -> answer =prompt 2 -> answer 2 }

Special characters `~ = # { } :` are escaped with a backslash; `\\n` is a line break. Text marked `[plain]` (as
our export writes it) or `[markdown]` is taken as written; otherwise Moodle reads it as markup, and so do we.
Numerical, short-answer, essay and description questions have no options to pick from, so they are reported, not
imported. GIFT has no ordering type: an ordering question is left out of an export, and the export says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from advisor.quiz.interop.common import (
    KEYS,
    Imported,
    category_path,
    html_to_text,
    keyed_feedback,
    last_category,
    make_question,
    option_problem,
    partial_credit_note,
    question_id,
    split_feedback,
    with_general,
)

_SPECIAL = "~=#{}:"
_FORMAT = re.compile(r"^\s*\[(html|markdown|plain|moodle)\]")
_META = "// advisor: "


def escape(text: str) -> str:
    out = "".join("\\" + c if c in _SPECIAL or c == "\\" else c for c in text)
    return out.replace("\n", "\\n")


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text).strip()


def _split_unescaped(text: str, marks: str) -> list[tuple[str, str]]:
    """(mark, text) pieces of `text` cut at each unescaped character in `marks`; the first mark is ''."""
    pieces: list[tuple[str, str]] = []
    mark, current, i = "", [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            current.append(text[i:i + 2])
            i += 2
            continue
        if c in marks:
            pieces.append((mark, "".join(current)))
            mark, current = c, []
        else:
            current.append(c)
        i += 1
    pieces.append((mark, "".join(current)))
    return pieces


def _find_unescaped(text: str, char: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line-separated blocks with the line number each starts at; comments dropped, metadata kept."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        if not line.strip():
            if current:
                blocks.append((start, current))
            current = []
            continue
        if line.lstrip().startswith("//") and not line.startswith(_META):
            continue
        if not current:
            start = number
        current.append(line)
    return blocks


def read(text: str, display: str, prefix: str) -> Imported:
    out = Imported()
    section = None
    for line_no, lines in _blocks(text):
        meta: dict[str, Any] = {}
        body: list[str] = []
        for line in lines:
            if line.startswith(_META):
                try:
                    loaded = json.loads(line[len(_META):])
                except ValueError:
                    out.skip(display, line_no, "the '// advisor:' metadata line is not JSON; ignored")
                    continue
                meta = loaded if isinstance(loaded, dict) else {}
            elif line.strip().startswith("$CATEGORY:"):
                section = last_category(line.split(":", 1)[1])
            else:
                body.append(line)
        if body:
            question = _question("\n".join(body), display, line_no, prefix, out)
            if question is not None:
                if section:
                    question["section"] = section
                _apply_meta(question, meta)
                out.add(question, line_no)
    return out


def _apply_meta(question: dict[str, Any], meta: dict[str, Any]) -> None:
    for key in ("section", "topics", "domains", "tasks", "difficulty", "source"):
        if key in meta:
            question[key] = meta[key]


def _question(text: str, display: str, line_no: int, prefix: str, out: Imported) -> dict[str, Any] | None:
    title = None
    if text.startswith("::"):
        end = _find_unescaped(text, ":", 2)
        while end > 0 and text[end + 1:end + 2] != ":":
            end = _find_unescaped(text, ":", end + 1)
        if end > 0:
            title, text = unescape(text[2:end]), text[end + 2:]
    marker = _FORMAT.match(text)
    if marker:
        text = text[marker.end():]
    # Moodle's default (auto) format and [html] may hold markup; [plain] and [markdown] text is taken as written.
    # Answers and feedback may name their own format; otherwise they take the question text's (Moodle's GIFT docs).
    question_format = marker.group(1) if marker else "moodle"

    def clean(raw: str) -> str:
        own = _FORMAT.match(raw)
        form, raw = (own.group(1), raw[own.end():]) if own else (question_format, raw)
        return unescape(raw) if form in {"plain", "markdown"} else html_to_text(unescape(raw))

    opened = _find_unescaped(text, "{")
    closed = _find_unescaped(text, "}", opened + 1) if opened >= 0 else -1
    if opened >= 0 and closed < 0:
        out.skip(display, line_no, "the answer block '{' is never closed by '}' (a literal brace is written '\\{')")
        return None
    if opened < 0:
        out.skip(display, line_no, "a description (no {answers} block) has nothing to answer")
        return None
    after = text[closed + 1:].strip()
    stem_raw = text[:opened].strip() + (" _____ " + after if after else "")
    stem = clean(stem_raw)
    answers = text[opened + 1:closed].strip()
    general = ""
    if (cut := answers.find("####")) >= 0:
        answers, general = answers[:cut].strip(), clean(answers[cut + 4:])
    source = f"imported from {display}, line {line_no}"
    qid = question_id(prefix, title, stem)
    if not stem:
        out.skip(display, line_no, "the question has no text")
        return None
    if re.fullmatch(r"(T|TRUE|F|FALSE)(#.*)?", answers, flags=re.S):
        return _true_false(qid, stem, answers, source, general, clean)
    if answers.startswith("#"):
        out.skip(display, line_no, "a numerical question has no options to pick from")
        return None
    if not answers:
        out.skip(display, line_no, "an essay question has no options to pick from")
        return None
    pieces = [(mark, body) for mark, body in _split_unescaped(answers, "=~") if mark]
    if any("->" in body for _, body in pieces):
        return _matching(qid, stem, pieces, source, general, display, line_no, out, clean)
    if all(mark == "=" for mark, _ in pieces):
        out.skip(display, line_no, "a short-answer question (only '=' answers) has no options to pick from")
        return None
    # Moodle's GIFT reader: an '=' answer makes the question single-answer, and a weighted '~%50%' beside it is
    # partial credit, not a key; with no '=' the question takes several answers and every positive weight is one.
    single = any(mark == "=" for mark, _ in pieces)
    triples = []
    for mark, body in pieces:
        weight = 100.0 if mark == "=" else 0.0
        if m := re.match(r"\s*%(-?[\d.]+)%", body):
            weight, body = float(m.group(1)), body[m.end():]
        parts = _split_unescaped(body, "#")
        answer = clean(parts[0][1])
        feedback = clean(parts[1][1]) if len(parts) > 1 else ""
        triples.append((answer, weight >= 100 if single else weight > 0, feedback))
        if single and 0 < weight < 100:
            out.note(display, line_no, partial_credit_note(answer, weight))
    triples = with_general(triples, general)
    if problem := option_problem(triples):
        out.skip(display, line_no, problem)
        return None
    if single and sum(ok for _, ok, _ in triples) > 1:
        out.skip(display, line_no, "several '=' answers are each fully right (any one is accepted): "
                                   "a question here has one key")
        return None
    return make_question(qid, stem=stem, options=triples, source=source)


def _true_false(qid: str, stem: str, answers: str, source: str, general: str,
                clean: Callable[[str], str]) -> dict[str, Any]:
    """`{T#if wrong#if right}`: Moodle's GIFT reader takes the first feedback for a wrong answer, the second for
    the right one."""
    parts = [p for _, p in _split_unescaped(answers, "#")]
    is_true = parts[0].strip().upper() in {"T", "TRUE"}
    if_wrong = clean(parts[1]) if len(parts) > 1 else ""
    if_right = clean(parts[2]) if len(parts) > 2 else ""
    true_why, false_why = (if_right, if_wrong) if is_true else (if_wrong, if_right)
    return make_question(qid, stem=stem, source=source, kind="true_false", options=with_general(
        [("True", is_true, true_why), ("False", not is_true, false_why)], general))


def _matching(qid: str, stem: str, pieces: list[tuple[str, str]], source: str, general: str, display: str,
              line_no: int, out: Imported, clean: Callable[[str], str]) -> dict[str, Any] | None:
    prompts, distractors = [], []
    for _, body in pieces:
        left, _, right = body.partition("->")
        left, right = clean(left), clean(right)
        if not right:
            out.skip(display, line_no, "a matching pair has no answer after '->'")
            return None
        (prompts.append((left, right)) if left else distractors.append(right))
    if not 3 <= len(prompts) <= 6:
        out.skip(display, line_no, f"{len(prompts)} pairs: a matching question has 3 to 6")
        return None
    return {
        "id": qid, "section": "Imported", "topics": ["imported"], "domains": {}, "type": "matching",
        "difficulty": 2, "stem": stem, "source": source,
        "options": [{"key": KEYS[i], "text": left, "match": right, "explanation": why}
                    for i, ((left, right), why) in enumerate(zip(prompts, split_feedback(general, len(prompts))))],
        **({"distractors": distractors} if distractors else {}),
    }


# ---- export ----------------------------------------------------------------------------------------------

def write(bank: dict[str, Any]) -> tuple[str, list[str]]:
    """The bank as GIFT, and the ids of questions GIFT cannot carry (ordering)."""
    blocks, left_out, section = [], [], None
    for q in bank["questions"]:
        if q["type"] == "ordering":
            left_out.append(q["id"])
            continue
        lines = []
        if q["section"] != section:
            section = q["section"]
            lines.append(f"$CATEGORY: {category_path(bank['title'], section)}")
            lines.append("")
        meta = {k: q[k] for k in ("section", "topics", "domains", "tasks", "difficulty", "source") if k in q}
        lines.append(_META + json.dumps(meta, ensure_ascii=False))
        lines.append(f"::{escape(q['id'])}::[plain]{escape(q['stem'])}{{")
        lines += [f"\t{line}" for line in _answers(q)]
        lines.append("}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n", left_out


def _answers(q: dict[str, Any]) -> list[str]:
    options = q["options"]
    if q["type"] == "true_false":
        is_true = options[0]["correct"]
        right, wrong = (options[0], options[1]) if is_true else (options[1], options[0])
        return [f"{'T' if is_true else 'F'}#{escape(wrong['explanation'])}#{escape(right['explanation'])}"]
    if q["type"] == "matching":
        pairs = [f"={escape(o['text'])} -> {escape(o['match'])}" for o in options]
        extra = [f"= -> {escape(d)}" for d in q.get("distractors", ())]
        return [*pairs, *extra, f"####{escape(keyed_feedback(options))}"]
    if q["type"] == "multiple":
        share = f"{100 / q['choose']:.5f}".rstrip("0").rstrip(".")
        return [f"~%{share if o['correct'] else '-100'}%{escape(o['text'])}#{escape(o['explanation'])}"
                for o in options]
    return [f"{'=' if o['correct'] else '~'}{escape(o['text'])}#{escape(o['explanation'])}" for o in options]
