"""The shipped chapter 9 bank: the book's 8 questions with its key, 60+ more, every section, today's facts."""

from __future__ import annotations

from collections import Counter

import pytest

from advisor.quiz.bank import Bank, find_bank

#: The book's answer key (shared/facts/exams.md): question id -> correct option keys.
BOOK_KEY = {
    "c09-book-q1": {"B", "D"},
    "c09-book-q2": {"A", "B", "D"},
    "c09-book-q3": {"A"},
    "c09-book-q4": {"A"},
    "c09-book-q5": {"A", "B", "C"},
    "c09-book-q6": {"B"},
    "c09-book-q7": {"A"},
    "c09-book-q8": {"C"},
}

#: The chapter's sections, each of which the bank must cover.
SECTIONS = (
    "What is Amazon SageMaker?", "Hands-on: SageMaker notebook instances", "Hands-on: training and inference instances",
    "Model tuning", "Tracking training jobs and selecting the best model", "Choosing instance types in Amazon SageMaker",
    "Choosing the right instance type for a training job", "Choosing the right instance type for an inference job",
    "Securing SageMaker notebooks", "Creating alternative pipelines with Lambda functions",
    "Creating and configuring a Lambda function", "Completing and deploying a Lambda function",
    "Working with Step Functions",
)


@pytest.fixture(scope="module")
def bank() -> Bank:
    return find_bank("chapter09")


def test_the_books_eight_questions_keep_the_books_key(bank: Bank) -> None:
    assert {qid: set(bank.by_id[qid].correct_keys) for qid in BOOK_KEY} == BOOK_KEY


def test_question_six_explains_its_ambiguity(bank: Bank) -> None:
    explanations = " ".join(o.explanation for o in bank.by_id["c09-book-q6"].options)
    assert "Ambiguous" in explanations and "notebook *instance*" in explanations


def test_at_least_sixty_more_questions_cover_every_section(bank: Bank) -> None:
    assert len(bank.items) - len(BOOK_KEY) >= 60
    sections = Counter(item.section for item in bank.items)
    assert {s for s in SECTIONS if sections[s] == 0} == set()


@pytest.mark.parametrize("needle", [
    "ResourceLimits", "Strategy", "objective", "ParameterRanges", "TrainingJobDefinition",  # the tuning job
    "lifecycle configuration", "managed spot", "incremental training", "compilation", "model package",
    "variant", "InputFilter", "Inf1", "Elastic Inference", "root access", "network isolation", "VPC",
    "execution role", "environment variable", "test event", "CloudWatch", "Retry",
])
def test_the_chapters_topics_are_asked(bank: Bank, needle: str) -> None:
    text = " ".join(i.stem + " " + " ".join(o.text + " " + o.explanation for o in i.options) for i in bank.items)
    assert needle.casefold() in text.casefold()


@pytest.mark.parametrize("stale, today", [
    ("512 MB", "10,240 MB"),                  # Lambda /tmp
    ("500 to 3,000", "1,000 new execution environments every 10 seconds"),  # Lambda burst concurrency
    ("Elastic Inference", "no longer available"),
    ("MLS-C01", "retired on 2026-03-31"),
])
def test_out_of_date_chapter_facts_say_what_is_true_today(bank: Bank, stale: str, today: str) -> None:
    hits = [i for i in bank.items
            if stale in i.stem + " ".join(o.text + o.explanation for o in i.options)
            and today in i.stem + " ".join(o.text + o.explanation for o in i.options)]
    assert hits, f"no question sets {stale!r} against {today!r}"


def test_every_question_is_tagged_for_both_exams(bank: Bank) -> None:
    assert all(set(i.domains) == {"MLS-C01", "MLA-C01"} for i in bank.items)
