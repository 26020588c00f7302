"""Prices and costs work without the AWS SDK: boto3 and botocore load only when a refresh really talks to AWS."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("boto3", "botocore", "textual")


@pytest.mark.parametrize("statement", [
    "from advisor.pricing.snapshots import load_snapshot; s = load_snapshot('us-east-1')\n"
    "from advisor.pricing.costs import training_cost; training_cost(s, 'ml.m5.xlarge', 1, 1, True)\n"
    "from advisor.pricing.diff import diff_snapshots; diff_snapshots(s, s)",
    "import advisor.pricing.refresh",
    "from advisor.cli import main; main(['pricing', 'show', '--region', 'us-east-1', '--format', 'json'])",
])
def test_pricing_without_a_refresh_never_loads_the_aws_sdk(statement: str) -> None:
    code = f"{statement}\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stderr.strip().splitlines()[-1:] in ([], [""]), result.stderr
