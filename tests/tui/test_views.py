"""The quiz's text views at an 80-column terminal: bar lists keep every name whole."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
from rich.console import Console

from advisor.knowledge.loader import load_knowledge
from advisor.quiz.bank import find_bank
from advisor.quiz.scoring import DomainScore, ExamScore
from advisor.quiz.session import new_session
from advisor.quiz.stats import Stats, Tally
from advisor.recommend.advisor import Advisor
from advisor.recommend.report import build_report
from advisor.tui.advice_views import report_tab, trace_view
from advisor.tui.views import exam_result, instruction, stats_view
from advisor.workload import Workload
from tests.support.quiz import FrozenClock, question, write_bank


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


def test_a_report_table_keeps_every_word_whole_at_any_width() -> None:
    """At 80 columns a serverless stage's count ("up to 1 concurrent, 1 provisioned") kept the other columns from
    wrapping: they were cut ("Notebook instan", "serverless, 20") and the estimated cost left out. The table now
    narrows its columns at spaces, and below the longest words side by side it is a block per row."""
    rec = Advisor().recommend(Workload(stages=["notebook", "training", "serverless_inference"], data={"size_gb": 40}))
    [table] = [s.table for s in build_report(rec).tab("instances") if s.table is not None and s.key == "instances"]
    words = {word for row in table.rows for cell in row for word in cell.split()}
    assert "concurrent," in words and len(table.rows[-1][2]) > 25  # the case: a count wider than its neighbours
    for width in (120, 78, 60, 40):
        console = Console(file=io.StringIO(), width=width, color_system=None)
        console.print(report_tab(rec, "instances"))
        shown = console.file.getvalue().split("\n\n")[0]  # the summary table, up to the first stage's section
        assert words <= set(shown.split()), (width, words - set(shown.split()))
        assert max(len(line.rstrip()) for line in shown.splitlines()) <= width


def test_the_stats_lines_wrap_under_their_own_text() -> None:
    """A long weakest-topics line went on at the left edge, under the labels ("answers), input-modes 0%...")."""
    weakest = tuple(Tally(name, 1, 0) for name in ("hyperparameter-tuning", "inference-components", "input-modes"))
    stats = Stats(questions=229, seen=3, attempts=3, correct=0, topics=weakest, domains={}, weakest=weakest, exams=(),
                  due_now=0, wrong=3, unseen=226, exam_date=None, as_of=dt.datetime(2026, 12, 3, 9, 0))
    head = stats_view(stats, width=60).plain.split("\nWeakest topics are")[0].splitlines()
    assert len(head) > 3 and all(len(line) <= 60 for line in head)  # the case: the weakest line takes two
    assert [line[:10] for line in head] == ["Progress  ", "Due       ", "Weakest   ", *[" " * 10] * (len(head) - 3)]


@pytest.mark.parametrize(("attempts", "said"), [(2, True), (0, False)])
def test_the_stats_say_there_is_no_weak_topic_yet_when_none_was_answered_wrong(attempts: int, said: bool) -> None:
    """With answers and no wrong one, the Weakest line says so instead of vanishing; before any answer it is not
    shown at all (the topics say "no answers yet")."""
    topics = (Tally("input-modes", attempts, attempts),) if attempts else ()
    stats = Stats(questions=276, seen=attempts, attempts=attempts, correct=attempts, topics=topics, domains={},
                  weakest=(), exams=(), due_now=0, wrong=0, unseen=276 - attempts, exam_date=None,
                  as_of=dt.datetime(2026, 12, 3, 9, 0))
    shown = stats_view(stats, width=76).plain
    assert ("Weakest   none yet: every topic answered so far has only right answers" in shown) is said
    assert "Weakest topics are" not in shown


def test_the_why_view_wraps_as_explain_does_under_its_own_text() -> None:
    """The "why?" view went on at the left edge ("family for small-scale work." under the decision's name), where
    `advisor explain` on a terminal hangs a rule's reason under its text."""
    rec = Advisor().recommend(Workload(stages=["notebook"], team={"shared_notebooks": True}))
    console = Console(file=io.StringIO(), width=60, color_system=None)
    console.print(trace_view(rec, "notebook.family"))
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert len(lines) > 10 and all(len(line.rstrip()) <= 60 for line in lines)
    assert [line.split(":")[0] for line in lines if line and not line.startswith(" ")] == [
        "notebook.family [notebook]", "sizing [notebook]"]


def test_a_case_study_question_says_which_part_of_its_scenario_it_is(tmp_path: Path) -> None:
    """The scenario repeats on every question of a case study: the instruction says which part this is."""
    scenario = "Case study: a team serves a forecast from a real-time endpoint."
    questions = [question(f"case-{n}", stem=f"{scenario}\n\nPart {n}: which fits?") for n in (1, 2, 3)]
    questions.append(question("alone"))
    bank = find_bank("cases", write_bank(tmp_path / "banks", questions, bank_id="cases").parent)
    session = new_session(bank, "exam", list(bank.items), seed=1, clock=FrozenClock())
    said = [instruction(session, slot).plain for slot in session.slots]
    assert said[1].endswith("Case study, question 2 of 3 (same scenario, scored on its own)")
    assert "Case study" not in said[3]
    alone = new_session(bank, "practice", [bank.items[0], bank.items[3]], seed=1, clock=FrozenClock())
    assert "Case study" not in instruction(alone, alone.slots[0]).plain  # its siblings are not in this round


@pytest.mark.parametrize(("stem", "said"), [
    ("True or false: Linear Learner serves regression.", "Choose one."),  # the stem asks it: no echo under it
    ("A team says Linear Learner serves regression. Is the team right?", "True or false?"),
])
def test_a_true_false_instruction_does_not_repeat_a_stem_that_asks_it(tmp_path: Path, stem: str, said: str) -> None:
    """Driven at 80x24: "True or false: ... classification." was followed by the line "True or false?"."""
    bank = find_bank("tf", write_bank(tmp_path / "banks", [question("tf", kind="true_false", correct="A", stem=stem)],
                                      bank_id="tf").parent)
    session = new_session(bank, "practice", list(bank.items), seed=1, clock=FrozenClock())
    assert instruction(session, session.slots[0]).plain == said
