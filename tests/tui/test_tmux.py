"""The real `advisor quiz` in a real terminal (tmux, 80x24): answer a question by keys and read the screen."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

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
        *map(shlex.quote, _advisor()), "quiz", "practice", "--seed", "3", "--count", "2", "--banks", shlex.quote(str(BANKS)),
        "--data-dir",
        shlex.quote(str(data)), ";", "echo", "EXIT=$?", ";", "sleep", "30",
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
