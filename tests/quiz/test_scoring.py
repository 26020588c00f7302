"""advisor.quiz.scoring: all-or-nothing marks, partial credit for diagnosis, the scaled score by domain."""

from __future__ import annotations

from advisor.knowledge.loader import load_knowledge
from advisor.quiz.bank import Bank
from advisor.quiz.scoring import mark, scaled_score, score_exam


def test_a_multiple_response_question_is_all_or_nothing(tiny: Bank) -> None:
    item = tiny.by_id["q-multi-6"]  # B, D, F of six
    assert mark(item, "BDF").correct
    half = mark(item, "BD")
    assert not half.correct and (half.hits, half.misses, half.wrong_picks) == (2, 1, 0)
    assert round(half.partial, 4) == round(2 / 3, 4)
    noisy = mark(item, "BDA")
    assert not noisy.correct and round(noisy.partial, 4) == round(1 / 3, 4)
    assert mark(item, "ACE").partial == 0.0
    assert not mark(item, "").answered


def test_scaled_score_is_linear_on_the_blueprint_scale() -> None:
    assert scaled_score(0, 65, 100, 1000) == 100
    assert scaled_score(65, 65, 100, 1000) == 1000
    assert scaled_score(46, 65, 100, 1000) == 737
    assert scaled_score(0, 0, 100, 1000) == 100


def test_exam_score_has_pass_fail_and_a_domain_breakdown(tiny: Bank) -> None:
    mla = load_knowledge().exam("MLA-C01")
    items = list(tiny.items)
    answers = ["B", "A", "A", "D", "A", ""]  # right, wrong (A of A,C), right, right, right, unanswered
    score = score_exam(mla, items, [mark(i, a) for i, a in zip(items, answers)])
    assert (score.total, score.correct, score.answered) == (6, 4, 5)
    assert score.scaled == 700 and score.pass_mark == 720 and not score.passed
    by_domain = {d.id: (d.correct, d.total) for d in score.domains}
    assert by_domain == {"data-preparation": (0, 0), "model-development": (2, 3),
                         "deployment-orchestration": (2, 2), "monitoring-maintenance-security": (0, 1)}
    assert round(score.partial, 4) == round((1 + 0.5 + 1 + 1 + 1 + 0) / 6, 4)
    passing = score_exam(mla, items[:5], [mark(i, a) for i, a in zip(items[:5], ["B", "AC", "A", "D", "A"])])
    assert passing.scaled == 1000 and passing.passed
