"""advisor.render's plain text: what a terminal shows of a long line."""

from __future__ import annotations

import io

import pytest

from advisor import render
from advisor.recommend.questions import BY_PATH, Answers, as_text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


LONG = ("Standard Lambda (on demand): Short, spiky or sporadic units of work within 15 minutes, 10,240 MB and no "
        "GPU; scales to zero, cold starts.")


def test_say_wraps_at_spaces_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stdout", terminal)
    monkeypatch.setenv("COLUMNS", "80")
    render.say(LONG)
    lines = terminal.getvalue().splitlines()
    assert len(lines) == 2 and all(len(line) <= 80 for line in lines)
    assert " ".join(line.strip() for line in lines) == LONG  # broken between words, never inside one


def test_say_leaves_a_piped_line_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    piped = io.StringIO()
    monkeypatch.setattr("sys.stdout", piped)
    render.say(LONG)
    assert piped.getvalue() == LONG + "\n"


def test_a_yes_no_where_a_number_belongs_is_shown_as_the_file_wrote_it() -> None:
    answers = Answers({"stages": ["training"], "data.size_gb": True})
    assert BY_PATH["data.size_gb"].kind == "number"
    assert answers.problems() == {"data.size_gb": "must be a number, got true (a yes/no value)"}
    assert as_text(True) == "true" and as_text(False) == "false"
