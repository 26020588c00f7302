"""Shared fixtures: every test gets its own cache and data folders, never the user's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.resources import shipped_dir

ROOT = Path(__file__).resolve().parents[1]

#: Fixtures more than one test package uses (no test package imports another's).
pytest_plugins = ["tests.support.quiz_fixtures", "tests.support.moto_server", "tests.support.forks"]


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped rules/ folder, for tests that break it on purpose."""
    dest = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), dest)
    return dest


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Edit a fixture file, failing loudly if the text to replace is not there (so tests cannot rot)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the n-th line containing `needle`."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not found in {path}")


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a child process, as a user's shell would run it."""
    return subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True, text=True,
                          cwd=cwd, env=os.environ.copy(), timeout=120)
