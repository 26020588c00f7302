"""Audit inputs nested 25,000 deep (a template, a Terraform file, a baseline) are refused by name, in a child
process: before the depth check, cfn-lint's YAML loader overflowed the C stack and the process died by SIGSEGV
without a word."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEEP = "[" * 25_000 + "]" * 25_000


def audit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "advisor", "audit", *args], capture_output=True, text=True,
                          timeout=60, env=os.environ.copy(), cwd=ROOT)


@pytest.mark.parametrize(("name", "text"), [
    ("stack.yaml", f"Resources:\n  Notebook: {DEEP}\n"),
    ("stack.template", f"Resources:\n  Notebook:\n    Properties: {{Tags: {DEEP}}}\n"),
    ("main.tf", f'resource "aws_sagemaker_notebook_instance" "x" {{\n  tags = {DEEP}\n}}\n'),
])
def test_a_deeply_nested_input_is_refused_by_name(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text)
    result = audit(str(tmp_path / name))
    assert result.returncode == 2, (result.returncode, result.stderr[-500:])
    assert f"{name}" in result.stderr and "nested too deeply" in result.stderr


def test_a_deeply_nested_baseline_is_a_plain_error(tmp_path: Path) -> None:
    (tmp_path / "baseline.json").write_text(DEEP)
    result = audit(str(ROOT / "examples" / "audit"), "--baseline", str(tmp_path / "baseline.json"))
    assert result.returncode == 2 and "nested too deeply" in result.stderr and "internal error" not in result.stderr
