"""A reader that stops early (`advisor recommend x.yaml | head -1`) ends the command quietly: exit 0 and
nothing on stderr, whichever writer was printing (rich tables, JSON, YAML, plain prints)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKLOAD = str(ROOT / "examples" / "workloads" / "fraud-detector.yaml")


@pytest.mark.parametrize("args", [
    ["recommend", WORKLOAD],                      # rich tables (rich's own handler would exit 1)
    ["recommend", WORKLOAD, "--format", "json"],
    ["kb", "show", "types"],                      # a records table
    ["quiz", "stats"],                            # rich text and tables
    ["quiz", "export", "chapter09", "--format", "yaml"],
])
def test_a_closed_pipe_ends_quietly_with_exit_zero(args: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte: every write meets a closed pipe
    try:
        result = subprocess.run([sys.executable, "-m", "advisor", *args], stdout=write_end,
                                stderr=subprocess.PIPE, text=True, timeout=120, env=os.environ.copy())
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (0, "")


def test_the_report_printer_raises_a_broken_pipe_not_system_exit() -> None:
    """Rich's Console would raise SystemExit(1) from a library call; ours is the ordinary BrokenPipeError."""
    from advisor.render import terminal_console

    class Closed:
        def write(self, text: str) -> int:
            raise BrokenPipeError

        def flush(self) -> None:
            raise BrokenPipeError

    with pytest.raises(BrokenPipeError):
        terminal_console(file=Closed()).print("text")
