"""What every bank format shares: the imported result, stable ids, text clean-up and the located skip.

Importers turn a foreign file into questions in our bank format (plain dicts, as quizzes/*.yaml holds them) and
say, with a line number, what they could not map; they never guess a key. Exporters take our plain bank dicts.
Nothing here executes or fetches what a file contains: images stay links, HTML becomes text.
"""

from __future__ import annotations

import hashlib
import html
import re
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from advisor.errors import Problem

KEYS = "ABCDEFGHI"
MAX_OPTIONS = len(KEYS)
#: The explanation an option gets when its source has none (the bank format's default); the import report and the
#: bank lint count these.
NO_EXPLANATION = ""
IMPORTED_TOPIC = "imported"


@dataclass(frozen=True)
class EmbeddedFile:
    """A file a question carries inside the source (a Moodle `<file>`, an Anki package's media): the name its
    text refers to (`[image: name]`), its question (an index of `Imported.questions`; the position of that
    question for messages), and how to read its bytes when asked."""

    name: str
    question: int
    line: int
    load: Callable[[], bytes]


@dataclass
class Imported:
    """Questions in our bank format, and one located reason for every block that did not map.

    Positions are lines of a text file; in an Anki collection (`unit` "note") they are notes, each named in
    messages by its `labels` entry ("note 3 (nid:1712...)", which Anki's browser finds)."""

    questions: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # where each question starts in the source
    skipped: list[Problem] = field(default_factory=list)
    #: what an imported question lost on the way (an embedded image), located like a skip
    notes: list[Problem] = field(default_factory=list)
    #: the position of each note's question (notes are kept only for questions that are kept)
    note_lines: list[int] = field(default_factory=list)
    files: list[EmbeddedFile] = field(default_factory=list)
    unit: str = "line"
    labels: dict[int, str] = field(default_factory=dict)

    def add(self, question: dict[str, Any], line: int) -> None:
        self.questions.append(question)
        self.lines.append(line)

    def attach(self, name: str, load: Callable[[], bytes]) -> None:
        """A file the question added last embeds."""
        self.files.append(EmbeddedFile(name, len(self.questions) - 1, self.lines[-1], load))

    def problem(self, display: str, line: int, text: str) -> Problem:
        if self.unit == "line":
            return Problem(text, display, line)
        return Problem(text, f"{display}, {self.label(line)}")

    def label(self, line: int) -> str:
        return self.labels.get(line, f"{self.unit} {line}")

    def source(self, display: str, line: int) -> str:
        """A question's `source`: where in the file it came from."""
        return f"imported from {display}, {self.label(line)}"

    def skip(self, display: str, line: int, reason: str) -> None:
        self.skipped.append(self.problem(display, line, reason))

    def note(self, display: str, line: int, what: str) -> None:
        self.notes.append(self.problem(display, line, what))
        self.note_lines.append(line)


def slug(text: str, limit: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-")


def question_id(prefix: str, given: str | None, stem: str) -> str:
    """The source's own id when it is a usable one, else one from the stem's words (stable across reordering)."""
    if given:
        candidate = slug(given, 64)
        if re.fullmatch(r"[a-z0-9][a-z0-9-]*", candidate or "-"):
            return candidate
    digest = hashlib.sha256(re.sub(r"\s+", " ", stem).strip().casefold().encode()).hexdigest()[:10]
    return f"{slug(prefix, 40) or 'q'}-{digest}"


def normal_stem(text: str) -> str:
    """Stems that differ only in case, spacing or final punctuation ask the same thing (as the bank lint sees it)."""
    return re.sub(r"\s+", " ", text).strip().rstrip("?.!").casefold()


def html_to_text(text: str) -> str:
    """Markup as plain text: line breaks kept, tags dropped, entities decoded; an image becomes its link.

    A line break in the source between two tags is layout, not text (HTML reads it as a space), so
    `</p>\n<p>` is one break, as the paragraphs show. Moodle writes an image it embeds as
    `@@PLUGINFILE@@/<url-quoted name>`: the link names the file itself.
    """
    text = re.sub(r">[ \t]*\n\s*<", "><", text)
    # a script or style element's content is code, not text to show (and nothing here runs it)
    text = re.sub(r"<(script|style)\b[^>]*>.*?</\1\s*>", "", text, flags=re.I | re.S)
    text = IMAGE.sub(_image_word, text)
    text = re.sub(r"<\s*br\s*/?\s*>|</\s*(p|div|li)\s*>", "\n", text, flags=re.I)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text)
    return "\n".join(line.strip() for line in text.strip().splitlines()).strip()


#: An image tag and its source: html_to_text shows it as a link, and an importer attaches the file it names.
IMAGE = re.compile(r"<img\b[^>]*\bsrc=[\"']([^\"']+)[\"'][^>]*>", re.I)


def image_sources(markup: str) -> list[str]:
    """The `src` of each image tag, as written (entities not yet decoded), in order."""
    return [m.group(1) for m in IMAGE.finditer(markup)]


def _image_word(match: re.Match[str]) -> str:
    """An image is a word of the text: set off from a word that follows it (`<img ...>Which` reads
    "[image: x] Which"), not from a space, a line end or the next tag."""
    src = match.group(1)
    if src.startswith(PLUGINFILE):
        src = urllib.parse.unquote(src[len(PLUGINFILE):])
    following = match.string[match.end():match.end() + 1]
    return f"[image: {src}]" + (" " if following and not following.isspace() and following != "<" else "")


#: how Moodle names a file embedded in the question (its <file> element) inside the question's HTML
PLUGINFILE = "@@PLUGINFILE@@/"


def category_path(*names: str) -> str:
    """Moodle's category path: names joined by '/', a '/' inside a name written '//' (question/format.php)."""
    return "/".join(name.replace("/", "//") for name in names)


def last_category(path: str) -> str | None:
    """The innermost category of a Moodle category path, which becomes the questions' section."""
    names = re.split(r"(?<!/)/(?!/)", path.strip().strip("/").strip())
    return names[-1].replace("//", "/").strip() or None


def text_to_html(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br>")


def make_question(qid: str, *, stem: str, options: Sequence[tuple[str, bool, str]], source: str,
                  kind: str | None = None) -> dict[str, Any]:
    """A single, multiple-response or true/false question from (text, correct, explanation) triples."""
    correct = sum(ok for _, ok, _ in options)
    texts = [t for t, _, _ in options]
    if kind is None:
        kind = "true_false" if texts == ["True", "False"] else ("multiple" if correct > 1 else "single")
    question: dict[str, Any] = {
        "id": qid, "section": "Imported", "topics": [IMPORTED_TOPIC], "domains": {}, "type": kind,
        "difficulty": 2, "stem": stem, "source": source,
        "options": [{"key": KEYS[i], "text": text, "correct": ok, "explanation": why}
                    for i, (text, ok, why) in enumerate(options)],
    }
    if kind == "multiple":
        question["choose"] = correct
    return question


def option_problem(options: Sequence[tuple[str, bool, str]]) -> str | None:
    """Why a list of options cannot be a question of ours, or None if it can."""
    if len(options) < 2:
        return f"{len(options)} option(s): a question needs at least 2"
    if len(options) > MAX_OPTIONS:
        return f"{len(options)} options: at most {MAX_OPTIONS} are supported"
    if not any(ok for _, ok, _ in options):
        return "no option is marked correct"
    if len({t.casefold() for t, _, _ in options}) != len(options):
        return "two options have the same text"
    if any(not t.strip() for t, _, _ in options):
        return "an option has no text"
    return None


def complete(bank: dict[str, Any]) -> dict[str, Any]:
    """The bank with every field its writers read filled in: bank files leave fields at their defaults out."""
    questions = []
    for q in bank["questions"]:
        full = {"section": "", "topics": [], "domains": {}, "difficulty": 2, "source": "", **q}
        full["options"] = [{"correct": False, "explanation": "", **o} for o in q["options"]]
        questions.append(full)
    return {**bank, "questions": questions}


def exam_tags(question: dict[str, Any], separator: str) -> list[str]:
    """A question's exam domains and task statements as tags (`domain<sep>EXAM<sep>id`, `task<sep>EXAM<sep>3.1`),
    for formats whose only room for them is a tag list (Anki, Moodle)."""
    tags = [f"domain{separator}{exam}{separator}{domain}" for exam, domain in question.get("domains", {}).items()]
    return tags + [f"task{separator}{exam}{separator}{task}" for exam, ids in question.get("tasks", {}).items()
                   for task in ids]


def apply_tags(question: dict[str, Any], tags: Sequence[str], separator: str) -> None:
    """Topics, exam domains and task statements back from the tags an export wrote (`exam_tags`). Any other tag
    is a topic, written as a topic is (`Security` and `AWS::Inference` are `security` and `aws-inference`), so a
    tag another tool wrote is kept, not dropped."""
    markers = (f"domain{separator}", f"task{separator}", f"type{separator}")
    topics = list(dict.fromkeys(slug(t, 60) for t in tags if t and not t.startswith(markers) and slug(t, 60)))
    if topics:
        question["topics"] = topics
    for tag in tags:
        if tag.startswith(markers) and tag.count(separator) == 2:
            kind, exam, value = tag.split(separator)
            if kind == "domain":
                question["domains"][exam] = value
            elif re.fullmatch(r"[0-9]+\.[0-9]+", value):
                question.setdefault("tasks", {}).setdefault(exam, []).append(value)


def with_general(options: Sequence[tuple[str, bool, str]], general: str) -> list[tuple[str, bool, str]]:
    """Options with a question's general feedback (Moodle's, GIFT's `####`) kept: Moodle shows it whatever was
    answered, the quiz explains option by option. It stands in for an option's missing feedback and follows each
    key's own, so none of it is lost (a key already saying it is left as it is)."""
    if not general:
        return list(options)
    return [(text, ok, general if not why else f"{why} {general}" if ok and general not in why else why)
            for text, ok, why in options]


def partial_credit_note(text: str, weight: float) -> str:
    """What an import says of an answer worth part of the marks beside a fully right one: the quiz scores a
    question all or nothing (as AWS's exams do), so it is a wrong option here."""
    return (f"the answer {text!r} is worth {weight:g}% in the source; here it is a wrong option (a question is "
            "right or wrong as a whole)")


def keyed_feedback(options: Sequence[dict[str, Any]]) -> str:
    """Per-item explanations as one feedback text ("A. why"), for formats with feedback per question only."""
    return "\n".join(f"{o['key']}. {o['explanation']}" for o in options if o["explanation"])


def split_feedback(text: str, count: int) -> list[str]:
    """The inverse of keyed_feedback; a feedback text that is not keyed serves every item."""
    keyed = dict(re.findall(r"^([A-I])\. (.+)$", text, flags=re.M))
    if keyed:
        return [keyed.get(KEYS[i], "") or NO_EXPLANATION for i in range(count)]
    return [text or NO_EXPLANATION] * count


def missing_report(questions: Sequence[dict[str, Any]]) -> list[str]:
    """What an imported bank lacks that a hand-written one has, in counts (the import prints these)."""
    no_explanation = sum(o["explanation"] == NO_EXPLANATION for q in questions for o in q.get("options", ()))
    no_domain = sum(not q.get("domains") for q in questions)
    notes = []
    if no_explanation:
        notes.append(f"{no_explanation} option(s) have no explanation")
    if no_domain:
        notes.append(f"{no_domain} question(s) have no exam domain, so exam simulations will not draw them")
    return notes


# ---- embedded files (images) -------------------------------------------------------------------------------

#: a file a question embeds larger than this is not saved (a real image is far smaller; a bomb is not)
MAX_FILE_BYTES = 64 * 1024 * 1024


class FileUnreadable(ValueError):
    """An embedded file whose bytes cannot be had (bad base64, a missing or oversized package member)."""


def safe_file_name(name: str) -> str:
    """A name for an embedded file that stays inside the folder it is saved to: its last path part, with only
    letters, digits, '.', '-', '_' and spaces, never hidden and never empty."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^\w. -]+", "_", base, flags=re.ASCII).strip(" .") or "file"
    return base[:120]


def image_reference(name: str) -> str:
    """How a question's text refers to an image (html_to_text writes it so)."""
    return f"[image: {name}]"


def retarget(question: dict[str, Any], name: str, path: str) -> bool:
    """Point the question's references to the embedded file `name` at the saved copy `path`; True if any."""
    old, new = image_reference(name), image_reference(path)
    found = False

    def swap(text: str) -> str:
        nonlocal found
        found = found or old in text
        return text.replace(old, new)

    question["stem"] = swap(question["stem"])
    for option in question["options"]:
        for key in ("text", "explanation", "match"):
            if isinstance(option.get(key), str):
                option[key] = swap(option[key])
    if "distractors" in question:
        question["distractors"] = [swap(d) for d in question["distractors"]]
    return found
