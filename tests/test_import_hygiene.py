"""The core never loads the TUI toolkit or the AWS SDK: a subprocess proves it from a clean interpreter.

One parametrised wall test for every core area (knowledge, recommend, audit, quiz, pricing); boto3 and botocore
load only where AWS is really talked to (a pricing refresh, audit --live) or a request is validated.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("textual", "boto3", "botocore")

QUIZ_ROUND = """
import tempfile
from pathlib import Path
from advisor.quiz.tutor import Tutor
tutor = Tutor.open(Path(tempfile.mkdtemp()))
bank = tutor.bank("chapter09")
session = tutor.practice(bank, count=3, seed=1)
for _ in range(3):
    slot = session.current
    if slot.item.type == "ordering":
        slot.restore(list(slot.item.correct_order))
    elif slot.item.type == "matching":
        slot.restore(slot.item.correct_pairs)
    for key in sorted(slot.item.correct_keys):
        session.toggle(slot.order.index(key))
    tutor.submit(session)
    session.go(1)
exam = tutor.exam(bank, count=5, seed=2)
tutor.finish(exam)
tutor.stats()
"""

STATEMENTS = {
    "import advisor": "import advisor",
    "knowledge": "from advisor.knowledge.loader import load_knowledge; load_knowledge()",
    "recommend": "from advisor.recommend.advisor import Advisor\n"
                 "from advisor.recommend.report import render\n"
                 "render(Advisor().recommend({'stages': ['training', 'realtime_inference']}), 'markdown')",
    # the audit's core (readers of files, checks, writers) never needs the AWS SDK; only --live loads it
    "audit": "from pathlib import Path; from advisor.audit import audit_paths; from advisor.audit.writers import "
             "to_sarif; from advisor.knowledge.loader import load_knowledge; k = load_knowledge(); "
             "to_sarif(audit_paths([Path('tests/audit/data')], k, Path('.')), k)",
    "quiz round, exam and stats": QUIZ_ROUND,
    "prices and costs": "from advisor.pricing.snapshots import load_snapshot; s = load_snapshot('us-east-1')\n"
                        "from advisor.pricing.costs import training_cost\n"
                        "training_cost(s, 'ml.m5.xlarge', 1, 1, True)\n"
                        "from advisor.pricing.diff import diff_snapshots; diff_snapshots(s, s)",
    "pricing refresh module": "import advisor.pricing.refresh",
    "pricing show": "from advisor.cli import main; main(['pricing', 'show', '--region', 'us-east-1', '--format', "
                    "'json'])",
}


@pytest.mark.parametrize("area", STATEMENTS)
def test_core_never_loads_the_tui_or_the_aws_sdk(area: str) -> None:
    code = f"{STATEMENTS[area]}\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert result.stderr.strip().splitlines()[-1:] in ([], [""]), f"{area} loaded {result.stderr}"


def test_kb_show_json_does_not_build_models() -> None:
    """Once the cache is warm, a start reads plain data: pydantic models are never built."""
    code = ("import sys; from advisor.cli import main; main(['kb','show','families','--format','json']); "
            "print('MODELS' if 'advisor.knowledge.models' in sys.modules else 'PLAIN', file=sys.stderr)")
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # warms the cache
    err = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stderr
    assert err.strip().endswith("PLAIN")
