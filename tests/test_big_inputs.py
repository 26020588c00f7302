"""Big inputs are refused or validated in linear time and bounded memory: a million bad items are not a million
problems, and an error near the top of a 16 MiB file is located without indexing every line below it."""

from __future__ import annotations

import pytest

from advisor.documents import MAX_PROBLEMS, parse_yaml, validate_document
from advisor.errors import WorkloadError
from advisor.knowledge.loader import load_knowledge
from advisor.workload import MAX_STAGES_LISTED, Workload, load_workload

K = load_knowledge()


def test_an_overlong_stage_list_is_one_problem_before_its_items_are_validated() -> None:
    text = "name: big\nstages:\n" + "  - bogus\n" * 200_000
    with pytest.raises(WorkloadError) as info:
        load_workload("big.yaml", K, text=text)
    [problem] = info.value.problems
    assert problem.field == "stages" and problem.line == 2
    assert f"lists 200000 stages; a workload lists each of its stages once (at most {MAX_STAGES_LISTED})" \
        in problem.message


def test_many_problems_are_capped_and_counted() -> None:
    text = "\n".join(f"unknown_{n}: 1" for n in range(500)) + "\nstages: [training]\n"
    with pytest.raises(WorkloadError) as info:
        load_workload("many.yaml", K, text=text)
    problems = info.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[0].line == 1 and problems[MAX_PROBLEMS - 1].line == MAX_PROBLEMS
    assert problems[-1].message == f"... and {500 - MAX_PROBLEMS} more problems (the first {MAX_PROBLEMS} are shown)"


def test_an_error_near_the_top_is_located_without_indexing_the_rest() -> None:
    text = '{"name": "x", "nonsense": 1, "stages": ["training"], "pad": [' + ", ".join(["1"] * 100_000) + "]}"
    doc = parse_yaml(text, "w.json")
    assert doc.lines_of([("nonsense",)]) == [1]
    assert doc._lines is None  # the targeted pass stopped at the key: no line map of 100,000 items was built
    with pytest.raises(WorkloadError) as info:
        validate_document(Workload, doc, WorkloadError)
    assert {p.field for p in info.value.problems} == {"nonsense", "pad"}
