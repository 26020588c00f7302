"""The quiz's text views at an 80-column terminal: bar lists keep every name whole."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any, cast

from advisor.knowledge.loader import load_knowledge
from advisor.quiz.scoring import DomainScore, ExamScore
from advisor.tui.views import exam_result


def test_exam_domains_wrap_at_80_columns_and_are_never_cut() -> None:
    """MLA-C01's domain names are longer than the name column beside a bar at 80 columns: each wraps at spaces
    under its own figures, whole (an ellipsis hid "Workflows" and "Security")."""
    exam = next(e for e in load_knowledge().exams if e.code == "MLA-C01")
    domains = tuple(DomainScore(d.id, d.name, d.weight_percent, 1, 4) for d in exam.domains)
    assert any(len(d.name) > 78 - 38 for d in domains)  # the case: a name wider than its column
    score = ExamScore("MLA-C01", 16, 4, 16, 400, 720, 100, 1000, 0.25, domains)
    start = dt.datetime(2026, 1, 1, 9, 0)
    session = cast(Any, SimpleNamespace(started_at=start, deadline=start + dt.timedelta(minutes=130)))
    text = exam_result(session, score, start + dt.timedelta(minutes=30), width=78).plain
    assert "…" not in text
    assert all(len(line) <= 78 for line in text.splitlines() if line.startswith("  "))  # the domain rows
    rows = text.split("By domain\n")[1].split("\n\n")[0].splitlines()
    flat = " ".join(re.sub(r"\s+\d+/\d+\s.*$", "", row).strip() for row in rows)  # the name column, read down
    for domain in domains:
        assert domain.name in flat, domain.name
