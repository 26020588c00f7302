"""The real `advisor questionnaire` in a real terminal (tmux, 80x24): a workload to its recommendation, the
"why?" view and an export; and a kill -9 halfway, after which the draft is offered."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from advisor.recommend.advisor import Advisor
from advisor.recommend.questions import DRAFT_FILE
from advisor.workload import load_workload
from tests.conftest import ROOT
from tests.tui.test_tmux import Terminal, _advisor

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed: the real-terminal test needs it"),
]


def _command(folder: Path, *args: str) -> str:
    env = {k: os.environ[k] for k in ("ADVISOR_CACHE_DIR", "PATH", "HOME") if k in os.environ}
    env.update(TERM="xterm-256color", LANG="C.UTF-8")
    return " ".join([
        "cd", shlex.quote(str(folder)), "&&", "env", *(f"{k}={shlex.quote(v)}" for k, v in env.items()),
        *map(shlex.quote, _advisor()), "questionnaire", "--data-dir", shlex.quote(str(folder / "data")),
        *map(shlex.quote, args), ";", "echo", "EXIT=$?", ";", "sleep", "30",
    ])


def test_a_workload_to_its_recommendation_why_and_export(tmp_path: Path) -> None:
    source = tmp_path / "churn.yaml"
    shutil.copy(ROOT / "examples" / "workloads" / "churn-quick-train.yaml", source)
    advisor = Advisor()
    rec = advisor.recommend(load_workload(source, advisor.knowledge))
    term = Terminal(f"advisor-q-{os.getpid()}")
    try:
        term.start(_command(tmp_path, "--from", "churn.yaml", "--out", "answers.yaml"))
        term.wait_for(lambda s: "step 1 of" in s and "churn-quick-train" in s, "the first step")
        term.keys("C-s")
        term.wait_for(lambda s: "Save to" in s and "answers.yaml" in s, "the summary")
        term.keys("Enter")
        screen = term.wait_for(lambda s: "1 Instances" in s, "the recommendation", timeout=60)
        choice = rec.instances["training"]
        assert f"{choice.instance_type} x {choice.instance_count}" in screen
        term.keys("w")
        why = term.wait_for(lambda s: "Why?" in s and "training.family" in s, "the why? view")
        assert "selected" in why
        term.keys("Escape", "x")
        term.wait_for(lambda s: "Markdown report" in s, "the export dialog")
        term.keys("Enter")
        term.wait_for(lambda s: "Exported" in s, "the export notice")
        assert (tmp_path / "churn-quick-train-recommendation.md").read_text().startswith(
            "# Recommendation for `churn-quick-train`")
        assert load_workload(tmp_path / "answers.yaml", advisor.knowledge) == load_workload(source, advisor.knowledge)
        term.keys("Escape")
        term.wait_for(lambda s: "EXIT=0" in s, "a clean exit")
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True, timeout=30)


def test_a_kill_halfway_leaves_a_draft_that_is_offered(tmp_path: Path) -> None:
    """Every step waits on what it needs (the screen, the draft on disk, the exit code), never on time alone: on
    a busy machine the app's first screen takes seconds, and a second tmux server started while the first
    exits (kill-session of the last session) failed at random; the second start reuses the pane."""
    term = Terminal(f"advisor-qk-{os.getpid()}")
    draft = tmp_path / "data" / DRAFT_FILE
    try:
        term.start(_command(tmp_path))
        term.wait_for(lambda s: "step 1 of" in s, "the first step")
        term.keys(*"halfway")
        term.wait_for(lambda s: re.search(r"name\s+halfway", s) is not None, "the name typed")
        term.keys("Tab", "Tab", "Down", "Space")
        term.wait_for(lambda s: "Training" in s, "the training stage ticked (its step listed)")
        term.keys("C-n")
        term.wait_for(lambda s: "step 2 of" in s and "size_gb" in s, "the data step")
        _wait_until(lambda: draft.exists() and "step: data" in draft.read_text(encoding="utf-8"),
                    "the draft saved at the data step")
        shell = term.tmux("list-panes", "-t", "quiz", "-F", "#{pane_pid}").strip()
        app = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True, check=True).stdout.split()
        assert len(app) == 1
        os.kill(int(app[0]), signal.SIGKILL)
        term.wait_for(lambda s: "EXIT=137" in s, "the killed process")
        term.tmux("respawn-pane", "-k", "-t", "quiz", _command(tmp_path))
        offer = term.wait_for(lambda s: "Continue the questionnaire" in s, "the draft offered", timeout=60)
        assert "Workload halfway" in offer and "Data step" in offer
        term.keys("y")
        term.wait_for(lambda s: "step 2 of" in s and "size_gb" in s, "the data step again")
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True, timeout=30)


def _wait_until(check: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
