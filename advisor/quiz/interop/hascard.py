"""hascard decks: cards separated by a line of `---`, each starting with `# question`.

Multiple choice is `- wrong` / `* right`; multiple answer `[ ] wrong` / `[*] right` (or `[x]`); reorder
questions number each item with its correct place (`2. item`) in the order shown. Definition cards and open
(gap) questions have no options to pick from, so they are reported, not guessed into a question. A fenced
(```) LaTeX block under the header is part of the question, even where its lines look like options.
"""

from __future__ import annotations

import re
from typing import Any

from advisor.quiz.interop.common import (
    IMPORTED_TOPIC,
    KEYS,
    NO_EXPLANATION,
    Imported,
    make_question,
    option_problem,
    question_id,
)

_CHOICE = re.compile(r"^([-*])\s+(.*)$")
_ANSWER = re.compile(r"^\[( |\*|x|X)\]\s*(.*)$")
_REORDER = re.compile(r"^(\d+)\.\s+(.*)$")


def read(text: str, display: str, prefix: str) -> Imported:
    out = Imported()
    card: list[tuple[int, str]] = []
    for number, line in enumerate([*text.splitlines(), "---"], start=1):
        if line.strip() == "---":
            if any(t.strip() for _, t in card):
                _read_card(card, display, prefix, out)
            card = []
        else:
            card.append((number, line))
    return out


def _read_card(card: list[tuple[int, str]], display: str, prefix: str, out: Imported) -> None:
    lines = [(n, t) for n, t in card if t.strip()]
    first_line, title = lines[0]
    if not title.startswith("#"):
        out.skip(display, first_line, "a card must start with '# question'")
        return
    stem_parts = [title.lstrip("#").strip()]
    choices: list[tuple[str, bool, str]] = []
    order: list[tuple[int, str]] = []
    kinds = set()
    fenced = False
    for _, line in lines[1:]:
        stripped = line.strip()
        if stripped.startswith("```") or fenced:  # a LaTeX block (README: right below the header) is text
            fenced = fenced != stripped.startswith("```")
            if not choices and not order:
                stem_parts.append(line.rstrip())
            continue
        if m := _ANSWER.match(stripped):
            kinds.add("multiple")
            choices.append((m.group(2).strip(), m.group(1) != " ", ""))
        elif m := _CHOICE.match(stripped):
            kinds.add("single")
            choices.append((m.group(2).strip(), m.group(1) == "*", ""))
        elif m := _REORDER.match(stripped):
            kinds.add("ordering")
            order.append((int(m.group(1)), m.group(2).strip()))
        elif not choices and not order:
            stem_parts.append(re.sub(r"!\[[^\]]*\]\(([^)]+)\)", r"[image: \1]", stripped))
    stem = "\n".join(stem_parts)
    source = f"imported from {display}, line {first_line}"
    if len(kinds) > 1:
        out.skip(display, first_line, "the card mixes option styles ('-'/'*', '[ ]', numbered)")
    elif kinds == {"ordering"}:
        _ordering(stem, order, display, first_line, prefix, source, out)
    elif not kinds:
        out.skip(display, first_line, "a definition or open (gap) card has no options to pick from")
    elif problem := option_problem(choices):
        out.skip(display, first_line, problem)
    elif kinds == {"single"} and sum(ok for _, ok, _ in choices) != 1:
        out.skip(display, first_line, "a multiple-choice card ('-'/'*') must mark exactly one '*'")
    else:
        out.add(make_question(question_id(prefix, None, stem), stem=stem, options=choices, source=source),
                first_line)


def _ordering(stem: str, order: list[tuple[int, str]], display: str, line: int, prefix: str, source: str,
              out: Imported) -> None:
    places = sorted(p for p, _ in order)
    if places != list(range(1, len(order) + 1)):
        out.skip(display, line, "a reorder card must number its items 1..n, each once")
        return
    if not 3 <= len(order) <= 6:
        out.skip(display, line, f"{len(order)} items: an ordering question has 3 to 6")
        return
    items = [text for _, text in sorted(order)]
    question: dict[str, Any] = {
        "id": question_id(prefix, None, stem), "section": "Imported", "topics": [IMPORTED_TOPIC], "domains": {},
        "type": "ordering", "difficulty": 2, "stem": stem, "source": source,
        "options": [{"key": KEYS[i], "text": text, "explanation": NO_EXPLANATION} for i, text in enumerate(items)],
    }
    out.add(question, line)
