"""Code-quality gates run with the tests: the layering written in pyproject.toml holds, ruff and mypy pass."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


def test_import_layers_hold() -> None:
    """lint-imports checks the contracts in pyproject.toml: the layers, the walls (no textual or boto3 in the
    core, knowledge never imports recommend) and no import cycles between sibling modules of the core."""
    result = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_ruff_finds_nothing() -> None:
    """The lint rules in pyproject.toml ([tool.ruff.lint]) hold for the package, the tests and the benchmarks."""
    result = subprocess.run([_tool("ruff"), "check", "--no-cache", "advisor", "tests", "bench"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_mypy_finds_nothing() -> None:
    """The package type-checks with the settings in pyproject.toml ([tool.mypy])."""
    result = subprocess.run([_tool("mypy"), "--no-incremental", "advisor"], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_no_test_package_imports_another() -> None:
    """Shared builders and fixtures live in tests/support (fixtures registered in tests/conftest.py), so a test
    package never reaches into another one's modules."""
    tests = ROOT / "tests"
    crossing = []
    for path in sorted(tests.rglob("*.py")):
        own = path.relative_to(tests).parts[0] if len(path.relative_to(tests).parts) > 1 else None
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = re.match(r"\s*(?:from|import) tests\.(\w+)\.", line)
            if match and match.group(1) not in (own, "support"):
                crossing.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not crossing, "\n".join(crossing)
