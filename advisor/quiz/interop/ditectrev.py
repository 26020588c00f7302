r"""Ditectrev-style markdown, the usual layout of AWS practice banks on GitHub.

    ### Stem, possibly over several lines
    ![image](images/question12.jpg)
    - [ ] wrong option
    - [x] right option (several [x] make a multiple-response question)
    #### Explanation (optional; the platform's proposed block)
    **[⬆ Back to Top](#table-of-contents)**

Everything before the first `### ` (title, table of contents) is not a question. An option may wrap onto the
following lines; they join it until a blank line or the next marker. The text is read as GitHub renders it: the
lines of one paragraph are one line (a soft break is a space), paragraphs keep their own lines, and a backslash
before punctuation (`\*`, `\_`, `\#`) is markdown's escape, not part of the text (inside `code` it is).
"""

from __future__ import annotations

import re

from advisor.quiz.interop.common import Imported, make_question, option_problem, question_id

_OPTION = re.compile(r"^\s*[-*]\s+\[( |x|X)\]\s*(.*)$")
_BACK = re.compile(r"^\s*\*{0,2}\[.*back to top.*\]\(.*\)\*{0,2}\s*$", re.I)
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
#: CommonMark: any ASCII punctuation character may be backslash-escaped
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_CODE = re.compile(r"(`+)(.+?)\1", re.S)


def _plain(text: str) -> str:
    """Markdown text as it reads: images as `[image: path]`, backslash escapes undone outside code spans."""
    out, last = [], 0
    for code in _CODE.finditer(text):
        out += [_ESCAPE.sub(r"\1", text[last:code.start()]), code.group(0)]
        last = code.end()
    out.append(_ESCAPE.sub(r"\1", text[last:]))
    return _IMAGE.sub(lambda m: f"[image: {m.group(2)}]", "".join(out)).strip()


def read(text: str, display: str, prefix: str) -> Imported:
    out = Imported()
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("### ")]
    for n, start in enumerate(starts):
        block = lines[start:starts[n + 1] if n + 1 < len(starts) else len(lines)]
        _read_block(block, start + 1, display, prefix, out)
    if not starts:
        out.skip(display, 1, "no '### ' question headings found: is this a Ditectrev-style markdown bank?")
    return out


def _read_block(block: list[str], line_no: int, display: str, prefix: str, out: Imported) -> None:
    stem_lines = [block[0][4:].strip()]  # "" ends a paragraph
    options: list[list[str]] = []  # [correct flag, text]
    explanation: list[str] = []
    section = "stem"
    for raw in block[1:]:
        if _BACK.match(raw):
            section = "done"
            continue
        if section == "done":
            continue
        match = _OPTION.match(raw)
        if match:
            section = "options"
            options.append([match.group(1).lower(), match.group(2).strip()])
        elif raw.startswith("#### "):
            section = "explanation"
            heading = raw[5:].strip()
            if heading.casefold() not in {"explanation", "explanation:"}:
                explanation.append(heading)
        elif not raw.strip():
            if section == "options":
                section = "after-options"
            elif section == "stem" and stem_lines[-1]:
                stem_lines.append("")  # a paragraph ends
        elif section == "stem":
            stem_lines.append(raw.strip())
        elif section == "options":
            options[-1][1] += " " + raw.strip()
        elif section == "explanation":
            explanation.append(raw.strip())
    paragraphs: list[list[str]] = [[]]
    for line in stem_lines:
        (paragraphs[-1].append(line) if line else paragraphs.append([]))
    stem = "\n".join(p for p in (_plain(" ".join(lines)) for lines in paragraphs) if p)
    why = _plain(" ".join(explanation))
    triples = [(_plain(text), flag == "x", why if flag == "x" else "") for flag, text in options]
    problem = option_problem(triples) if stem else "the question has no stem"
    if problem:
        out.skip(display, line_no, problem)
        return
    out.add(make_question(question_id(prefix, None, stem), stem=stem, options=triples,
                          source=f"imported from {display}, line {line_no}"), line_no)
