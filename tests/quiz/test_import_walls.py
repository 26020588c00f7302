"""The quiz core is UI-free: a whole practice round, an exam and the stats never load textual or the AWS SDK."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("textual", "boto3", "botocore")

ROUND = """
import sys, tempfile
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
print(",".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


def test_the_quiz_core_never_loads_the_tui_or_the_aws_sdk() -> None:
    result = subprocess.run([sys.executable, "-c", ROUND.format(heavy=HEAVY)], capture_output=True, text=True,
                            check=True, timeout=120)
    assert result.stderr.strip() == "", result.stderr
