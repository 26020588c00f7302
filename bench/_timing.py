"""Shared helpers for the benchmarks: whole-process timings against a baseline measured in the same run."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def advisor_command() -> list[str]:
    """The installed `advisor` script beside this interpreter (what a user runs), else `python -m advisor`."""
    script = Path(sys.executable).with_name("advisor")
    return [str(script)] if script.exists() else [sys.executable, "-m", "advisor"]


def median_wall(cmd: Sequence[str], runs: int, env: dict[str, str] | None = None) -> float:
    """Median wall time in seconds of `cmd` as a whole process (output discarded)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                       env=env or os.environ.copy())
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved(cmds: dict[str, Sequence[str]], runs: int, env: dict[str, str] | None = None) -> dict[str, float]:
    """Median wall time per command, running them in turn so machine noise hits all of them alike."""
    samples: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            samples[name].append(median_wall(cmd, 1, env))
    return {name: statistics.median(values) for name, values in samples.items()}
