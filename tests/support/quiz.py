"""Small question banks written on the fly, and a clock the tests move by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

START = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


class FrozenClock:
    """The injected clock: it only moves when a test says so."""

    def __init__(self, now: dt.datetime = START) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


#: A task statement of each MLA-C01 domain, so test questions lint clean.
TASK_OF = {"data-preparation": "1.1", "model-development": "2.2", "deployment-orchestration": "3.1",
           "monitoring-maintenance-security": "4.1"}


def option(key: str, text: str, correct: bool = False, pinned: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"key": key, "text": text, "correct": correct,
                           "explanation": f"Why {text} is {'right' if correct else 'wrong'}."}
    if pinned:
        out["pinned"] = True
    return out


def question(qid: str, *, kind: str = "single", correct: str = "B", n: int = 4, choose: int | None = None,
             topics: tuple[str, ...] = ("alpha",), mls: str = "modeling", mla: str = "model-development",
             stem: str | None = None, pinned_last: bool = False) -> dict[str, Any]:
    if kind == "true_false":
        options = [option("A", "True", "A" in correct), option("B", "False", "B" in correct)]
    else:
        options = [option(chr(65 + i), f"Option {chr(65 + i)} of {qid}", chr(65 + i) in correct) for i in range(n)]
        if pinned_last:
            options[-1] = option(options[-1]["key"], "All of the above", options[-1]["correct"], pinned=True)
    out: dict[str, Any] = {"id": qid, "section": "Test section", "topics": list(topics),
                           "domains": {"MLS-C01": mls, "MLA-C01": mla}, "tasks": {"MLA-C01": [TASK_OF[mla]]},
                           "type": kind,
                           "stem": stem or f"Which option is right for {qid}?", "options": options,
                           "source": "tests"}
    if kind == "multiple":
        out["choose"] = choose or len(correct)
    return out


def tiny_questions() -> list[dict[str, Any]]:
    """Six questions: single, choose 2, true/false, a pinned "All of the above", choose 3 of 6."""
    return [
        question("q-single-1", correct="B"),
        question("q-multi-2", kind="multiple", correct="AC", n=5, topics=("beta",)),
        question("q-tf-3", kind="true_false", correct="A"),
        question("q-pinned-4", correct="D", pinned_last=True, topics=("beta",), mla="deployment-orchestration"),
        question("q-single-5", correct="A", topics=("gamma",), mls="ml-implementation-operations",
                 mla="deployment-orchestration"),
        question("q-multi-6", kind="multiple", correct="BDF", n=6, topics=("gamma",),
                 mls="ml-implementation-operations", mla="monitoring-maintenance-security"),
    ]


def write_bank(folder: Path, questions: list[dict[str, Any]] | None = None, bank_id: str = "tiny",
               name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = {"id": bank_id, "title": f"Bank {bank_id}", "source": "tests", "as_of": "2026-11-24",
            "questions": questions if questions is not None else tiny_questions()}
    path = folder / f"{name or bank_id}.yaml"
    path.write_text("# yaml-language-server: $schema=../schemas/quiz_bank.schema.json\n"
                    + yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def ordering(qid: str, n: int = 4, tasks: list[str] | None = None) -> dict[str, Any]:
    """An ordering question whose steps are written in the right order (Step 1 ... Step n)."""
    out: dict[str, Any] = {
        "id": qid, "section": "Test section", "topics": ["delta"],
        "domains": {"MLS-C01": "modeling", "MLA-C01": "model-development"}, "type": "ordering",
        "stem": f"Put the steps of {qid} in order.",
        "options": [{"key": chr(65 + i), "text": f"Step {i + 1} of {qid}", "explanation": f"Step {i + 1} comes "
                     f"{'first' if i == 0 else 'after step ' + str(i)}."} for i in range(n)],
        "source": "tests"}
    if tasks:
        out["tasks"] = {"MLA-C01": tasks}
    return out


def matching(qid: str, n: int = 3, distractors: tuple[str, ...] = ("Nothing at all",)) -> dict[str, Any]:
    """A matching question: prompt i matches "Choice i"."""
    out: dict[str, Any] = {
        "id": qid, "section": "Test section", "topics": ["delta"],
        "domains": {"MLS-C01": "ml-implementation-operations", "MLA-C01": "deployment-orchestration"},
        "type": "matching", "stem": f"Match each prompt of {qid} to its choice.",
        "options": [{"key": chr(65 + i), "text": f"Prompt {i + 1} of {qid}", "match": f"Choice {i + 1}",
                     "explanation": f"Prompt {i + 1} fits choice {i + 1}."} for i in range(n)],
        "source": "tests"}
    if distractors:
        out["distractors"] = list(distractors)
    return out
