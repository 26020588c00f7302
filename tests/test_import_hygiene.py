"""The core never loads the TUI toolkit or the AWS SDK: a subprocess proves it from a clean interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("textual", "boto3", "botocore")


@pytest.mark.parametrize("statement", [
    "import advisor",
    "from advisor.knowledge.loader import load_knowledge; load_knowledge()",
    # the audit's core (readers of files, checks, writers) never needs the AWS SDK; only --live loads it
    "from pathlib import Path; from advisor.audit import audit_paths; from advisor.audit.writers import to_sarif; "
    "from advisor.knowledge.loader import load_knowledge; k = load_knowledge(); "
    "to_sarif(audit_paths([Path('tests/audit/data')], k, Path('.')), k)",
])
def test_core_imports_stay_light(statement: str) -> None:
    code = f"{statement}\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"{statement} loaded {out}"


def test_kb_show_json_does_not_build_models() -> None:
    """Once the cache is warm, a start reads plain data: pydantic models are never built."""
    code = ("import sys; from advisor.cli import main; main(['kb','show','families','--format','json']); "
            "print('MODELS' if 'advisor.knowledge.models' in sys.modules else 'PLAIN', file=sys.stderr)")
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # warms the cache
    err = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stderr
    assert err.strip().endswith("PLAIN")
