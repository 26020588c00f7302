"""The real `advisor quiz` in a real terminal (tmux, 80x24): answer a question by keys and read the screen."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from advisor.quiz.store import Store

BANKS = Path(__file__).parent / "banks"  # a frozen sample: the shipped bank changes all the time
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed: the real-terminal test needs it"),
]


def _advisor() -> list[str]:
    script = Path(sys.executable).with_name("advisor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "advisor"]


class Terminal:
    """One detached tmux session on its own server socket, so a user's tmux is never touched."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True,
                              timeout=30).stdout

    def start(self, command: str) -> None:
        self.tmux("new-session", "-d", "-s", "quiz", "-x", "80", "-y", "24", command)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "quiz")

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.tmux("send-keys", "-t", "quiz", key)
            time.sleep(0.15)

    def wait_for(self, check: Callable[[str], bool], what: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.screen()
            if check(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{self.screen()}")


def test_answer_a_question_in_the_real_tui(tmp_path: Path) -> None:
    term = Terminal(f"advisor-test-{os.getpid()}")
    env = {k: os.environ[k] for k in ("ADVISOR_CACHE_DIR", "PATH", "HOME") if k in os.environ}
    env.update(TERM="xterm-256color", LANG="C.UTF-8")
    data = tmp_path / "data"
    command = " ".join([
        "env", *(f"{k}={shlex.quote(v)}" for k, v in env.items()),
        *map(shlex.quote, _advisor()), "quiz", "practice", "--seed", "3", "--count", "2",
        "--banks", shlex.quote(str(BANKS)), "--data-dir", shlex.quote(str(data)),
        ";", "echo", "EXIT=$?", ";", "sleep", "30",
    ])
    try:
        term.start(command)
        first = term.wait_for(lambda s: "Practice" in s and "1/2" in s, "the first question")
        assert "Choose" in first or "True or false?" in first
        term.wait_for(lambda s: "Pick" in s and "Submit" in s, "the footer with the key bindings")
        picks = re.search(r"Choose (\d)\.", first)
        term.keys(*[str(n + 1) for n in range(int(picks.group(1)) if picks else 1)], "Enter")
        answered = term.wait_for(lambda s: "The answer is" in s, "the verdict")
        assert "Correct." in answered or "Wrong." in answered
        with Store.open(data) as store:
            assert len(store.attempts("chapter09")) == 1  # committed the moment it was given
        term.keys("Escape")
        term.wait_for(lambda s: "SageMaker exam prep" in s and "Practice" in s, "the home screen")
        term.keys("q")
        term.wait_for(lambda s: "EXIT=0" in s, "a clean exit")
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True, timeout=30)


def _sequence_bank(folder: Path) -> None:
    """A bank of the frozen sample's ordering and matching questions."""
    import yaml

    data = yaml.safe_load((BANKS / "chapter09.yaml").read_text())
    data["questions"] = [q for q in data["questions"] if q["type"] in ("ordering", "matching")]
    data["id"] = "sequence"
    folder.mkdir(parents=True)
    (folder / "sequence.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def _keys_for(screen: str, question: dict[str, object]) -> list[str]:
    """The right answer's keys, read off the screen as a user would: which letter shows which step or choice."""
    lines = screen.splitlines()

    def row(pattern: str) -> dict[str, str]:
        return {m.group(2).strip(): m.group(1) for line in lines if (m := re.match(pattern, line))}

    options = question["options"]
    assert isinstance(options, list)
    if question["type"] == "ordering":
        letters = row(r"^ \( \) ([A-I])\s+(.+)$")
        return [next(letters[t] for t in letters if o["text"].startswith(t)).lower() for o in options]
    prompts = row(r"^ [▸ ] ([1-9])\s+(.+?)\s+→")
    choices = row(r"^\s+([A-I])\s{3}(.+)$")
    keys = []
    for o in options:
        digit = next(d for t, d in prompts.items() if o["text"].startswith(t))
        keys += [digit, choices[o["match"]].lower()]
    return keys


def test_ordering_and_matching_in_the_real_tui(tmp_path: Path) -> None:
    import yaml

    term = Terminal(f"advisor-seq-{os.getpid()}")
    banks = tmp_path / "banks"
    _sequence_bank(banks)
    questions = {q["type"]: q for q in yaml.safe_load((banks / "sequence.yaml").read_text())["questions"]}
    env = {k: os.environ[k] for k in ("ADVISOR_CACHE_DIR", "PATH", "HOME") if k in os.environ}
    env.update(TERM="xterm-256color", LANG="C.UTF-8")
    data = tmp_path / "data"
    command = " ".join([
        "env", *(f"{k}={shlex.quote(v)}" for k, v in env.items()),
        *map(shlex.quote, _advisor()), "quiz", "practice", "--seed", "1", "--count", "2",
        "--banks", shlex.quote(str(banks)), "--data-dir", shlex.quote(str(data)),
        ";", "echo", "EXIT=$?", ";", "sleep", "30",
    ])
    try:
        term.start(command)
        for n in (1, 2):
            screen = term.wait_for(lambda s, n=n: f"{n}/2" in s and "1-9/A-I" in s, f"question {n} and its footer")
            kind = "ordering" if "Press the steps' keys in order" in screen else "matching"
            term.keys(*_keys_for(screen, questions[kind]))
            full = f"({len(questions[kind]['options'])} of {len(questions[kind]['options'])} "
            term.wait_for(lambda s, full=full: full in s, "a full answer")
            term.keys("Enter")
            answered = term.wait_for(lambda s: "Correct." in s or "Wrong." in s, "the verdict")
            assert "Correct." in answered, answered
            term.keys("Enter")
        term.wait_for(lambda s: "Practice round: 2 of 2 right" in s, "the round's result")
        with Store.open(data) as store:
            assert [a.correct for a in store.attempts("sequence")] == [True, True]
        term.keys("h")
        term.wait_for(lambda s: "SageMaker exam prep" in s, "the home screen")
        term.keys("q")
        term.wait_for(lambda s: "EXIT=0" in s, "a clean exit")
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True, timeout=30)
