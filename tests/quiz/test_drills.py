"""Knowledge drills: deterministic, valid, sourced, plausible, and at least 500 of them from the shipped knowledge."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from advisor.knowledge.loader import load_knowledge
from advisor.quiz.drills import drill_questions
from advisor.quiz.models import QuizBank
from advisor.recommend.advisor import Advisor

K = load_knowledge()


@pytest.fixture(scope="module")
def drills() -> list[dict[str, Any]]:
    return drill_questions(K, seed=0, recommend=Advisor(K).recommend)


def _unit(text: str) -> str:
    """What kind of answer an option is: its words with every number taken out."""
    return re.sub(r"[\d,.]+", "#", text)


def test_same_knowledge_and_seed_give_the_same_questions(drills: list[dict[str, Any]]) -> None:
    assert drill_questions(K, seed=0, recommend=Advisor(K).recommend) == drills


def test_another_seed_keeps_the_ids_and_keys_but_moves_the_answers(drills: list[dict[str, Any]]) -> None:
    other = drill_questions(K, seed=1, recommend=Advisor(K).recommend)
    assert [q["id"] for q in other] == [q["id"] for q in drills]
    moved = sum(a["options"] != b["options"] for a, b in zip(drills, other))
    assert moved > len(drills) // 2


def test_at_least_500_distinct_questions_that_validate_as_a_bank(drills: list[dict[str, Any]]) -> None:
    assert len(drills) >= 500
    assert len({q["id"] for q in drills}) == len(drills)
    bank = QuizBank.model_validate({"id": "drills", "title": "t", "source": "s", "as_of": "2026-12-01",
                                    "questions": drills})
    assert len(bank.questions) == len(drills)


def test_every_kind_of_drill_is_there(drills: list[dict[str, Any]]) -> None:
    kinds = Counter(q["id"].split("-")[1] for q in drills)
    assert {"type", "ctrl", "default", "lambda", "exam", "choice"} <= set(kinds)


def test_every_drill_cites_the_knowledge_row_it_came_from(drills: list[dict[str, Any]]) -> None:
    for q in drills:
        assert re.match(r"(rules/knowledge/\w+\.yaml: \S+|the advisor's rules)", q["source"]), q["id"]


def test_instance_type_distractors_are_answers_of_the_same_kind(drills: list[dict[str, Any]]) -> None:
    for q in drills:
        if q["id"].startswith("drill-type-") and q["id"].endswith(("-memory", "-vcpu")):
            assert len({_unit(o["text"]) for o in q["options"]}) == 1, q["id"]


def test_wrong_options_say_what_they_really_are() -> None:
    q = next(q for q in drill_questions(K) if q["id"] == "drill-type-ml-m5-xlarge-memory")
    right = next(o for o in q["options"] if o["correct"])
    assert right["text"] == "16 GiB"
    for wrong in (o for o in q["options"] if not o["correct"]):
        assert re.match(rf"{re.escape(wrong['text'])} is the memory of ml\.m\d\w*\.\w+; ml\.m5\.xlarge has 4 vCPUs",
                        wrong["explanation"])


def test_a_changed_lambda_limit_asks_book_against_today() -> None:
    q = next(q for q in drill_questions(K) if q["id"] == "drill-lambda-ephemeral-storage-today")
    assert q["type"] == "true_false" and "512" in q["stem"]
    false = next(o for o in q["options"] if o["text"] == "False")
    assert false["correct"] and "10,240" in false["explanation"]


def test_an_absent_field_drill_uses_aws_default() -> None:
    q = next(q for q in drill_questions(K)
             if q["id"] == "drill-default-createnotebookinstance-directinternetaccess")
    assert next(o for o in q["options"] if o["correct"])["text"] == "False"
    assert "Enabled" in next(o for o in q["options"] if o["correct"])["explanation"]


def test_engine_drills_are_explained_by_the_recommendation(drills: list[dict[str, Any]]) -> None:
    choices = [q for q in drills if q["id"].startswith("drill-choice-")]
    assert len(choices) >= 30
    for q in choices:
        right = next(o for o in q["options"] if o["correct"])
        assert re.search(r"ml\.[a-z0-9-]+\.\w+ x \d+", right["explanation"]), q["id"]


def test_the_key_is_rarely_the_longest_option(drills: list[dict[str, Any]]) -> None:
    single = [q for q in drills if q["type"] == "single"]

    def strictly_longest(q: dict[str, Any]) -> bool:
        right = next(len(o["text"]) for o in q["options"] if o["correct"])
        return all(len(o["text"]) < right for o in q["options"] if not o["correct"])

    assert sum(map(strictly_longest, single)) <= 0.30 * len(single)
