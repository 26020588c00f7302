"""`advisor kb` on instance types and accelerators: validation and browsing of the larger knowledge."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import replace_in


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a child process, as a user's shell would run it."""
    return subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True, text=True,
                          env=os.environ.copy(), timeout=120)


def test_validate_refuses_an_accelerator_without_memory(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "accelerators.yaml"
    replace_in(path, "    memory_gib_per_device: [22.35]\n", "", count=1)
    result = run("kb", "validate", str(rules_copy))
    assert result.returncode == 2
    assert "knowledge/accelerators.yaml:" in result.stderr and "memory_gib_per_device" in result.stderr
    assert "Traceback" not in result.stderr
