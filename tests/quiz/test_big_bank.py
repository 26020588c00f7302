"""A big bank (9,100 questions) loads on the fast path, and what breaks it deep down is still named by file, line
and field: malformed YAML, a wrong or misspelt field in question 9,000, a duplicate id, the JSON form."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor.documents import parse_yaml
from advisor.errors import KnowledgeError
from advisor.quiz.bank import load_bank
from tests.conftest import line_of, replace_in
from tests.support.quiz import question

COUNT = 9_100


@pytest.fixture(scope="module")
def big_text() -> str:
    """The bank's YAML, made once: single, multiple and true/false questions in turn, each with its own id,
    stem and option texts (written from three templates: dumping 9,100 questions one by one takes seconds)."""
    shapes: list[dict[str, Any]] = [{}, {"kind": "multiple", "correct": "AC", "n": 5},
                                    {"kind": "true_false", "correct": "A"}]
    templates = [yaml.dump([question("big-xxxxx", **shape)], Dumper=yaml.CSafeDumper, sort_keys=False)
                 for shape in shapes]
    head = yaml.dump({"id": "big", "title": "A big bank", "source": "tests", "as_of": "2026-11-24"},
                     Dumper=yaml.CSafeDumper, sort_keys=False)
    return head + "questions:\n" + "".join(templates[n % 3].replace("big-xxxxx", f"big-{n:05d}")
                                           for n in range(COUNT))


@pytest.fixture
def big(tmp_path: Path, big_text: str) -> Path:
    path = tmp_path / "banks" / "big.yaml"
    path.parent.mkdir()
    path.write_text(big_text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_bank(path, use_cache=False)
    return [str(p) for p in info.value.problems]


def test_a_big_bank_loads_whole(big: Path) -> None:
    bank = load_bank(big)
    assert len(bank.items) == COUNT and bank.items[9_000].id == "big-09000"
    assert bank.by_id["big-09001"].correct_keys == {"A", "C"} and bank.by_id["big-09002"].type == "true_false"
    assert asdict(load_bank(big).items[9_000]) == asdict(bank.items[9_000])  # the same from the cache


def test_malformed_yaml_deep_in_a_big_bank_is_located(big: Path) -> None:
    replace_in(big, "stem: Which option is right for big-09000?", "stem: [Which option is right for big-09000?")
    [problem] = _problems(big)
    bad = line_of(big, "stem: [Which option")  # libyaml notices the unclosed `[` where the next line starts
    assert problem.startswith(f"{big}:{bad + 1}: malformed YAML: did not find expected ',' or ']'"), problem


def test_a_wrong_field_deep_in_a_big_bank_is_located(big: Path) -> None:
    replace_in(big, "- id: big-09000\n", "- id: big-09000\n  difficulty: hard\n")
    replace_in(big, "text: Option C of big-09000\n    correct: false\n",
               "text: Option C of big-09000\n    correct: maybe\n    notes: x\n")
    assert _problems(big) == [
        f"{big}:{line_of(big, 'difficulty: hard')}: questions[9000].difficulty: must be one of 1, 2 or 3, "
        "got 'hard'",
        f"{big}:{line_of(big, 'correct: maybe')}: questions[9000].options[2].correct: must be true or "
        "false, got 'maybe'",
        f"{big}:{line_of(big, 'notes: x')}: questions[9000].options[2].notes: is not a known field",
    ]


def test_a_misspelt_field_deep_in_a_big_bank_suggests_the_right_one(big: Path) -> None:
    replace_in(big, "- id: big-09000\n  section:", "- id: big-09000\n  sectoin:")
    assert _problems(big) == [f"{big}:{line_of(big, 'sectoin:')}: questions[9000].sectoin: is not a known "
                              "field (hint: did you mean 'section'?)"]


def test_a_duplicate_id_deep_in_a_big_bank_is_located(big: Path) -> None:
    replace_in(big, "- id: big-09000\n", "- id: big-00005\n")
    assert _problems(big) == [f"{big}:{line_of(big, 'id: big-00005', 2)}: questions[9000]: duplicate "
                              "question id 'big-00005' (first at item 5)"]


def test_a_big_json_bank_is_located_too(big: Path) -> None:
    data = parse_yaml(big.read_bytes(), "big.yaml").data
    data["as_of"] = str(data["as_of"])
    data["questions"][9_000]["difficulty"] = "hard"
    path = big.with_suffix(".json")
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    line = line_of(path, '"difficulty": "hard"')
    assert _problems(path) == [f"{path}:{line}: questions[9000].difficulty: must be one of 1, 2 or 3, got "
                               "'hard'"]


def _at_cuts(text: str, parts: int) -> list[int]:
    """The questions that start each piece when the bank is read in `parts` pieces."""
    from advisor.documents import _cuts

    found = _cuts(text, parts)
    assert found is not None
    return [text.count("- id: big-", 0, at) for at in found[1]]


def test_a_big_bank_is_read_in_pieces_on_two_cores(big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What #13 times: the bank read in two pieces at once (a process each), the same bank as in one piece."""
    from dataclasses import asdict

    from advisor import documents, forked

    pieces: list[object] = []
    build = documents._build_from_pieces

    def spy(*args: Any) -> Any:
        pieces.append(build(*args))
        return pieces[-1]

    monkeypatch.setattr(forked, "usable_cores", lambda: 2)
    monkeypatch.setattr(documents, "_build_from_pieces", spy)
    in_pieces = load_bank(big, use_cache=False)
    assert len(pieces) == 1 and pieces[0] is not None
    monkeypatch.setattr(forked, "usable_cores", lambda: 1)
    whole = load_bank(big, use_cache=False)
    assert len(pieces) == 1
    assert [asdict(i) for i in in_pieces.items] == [asdict(i) for i in whole.items]


@pytest.mark.parametrize("cores", [2, 1])
def test_a_big_bank_s_cache_is_written_beside_the_session_s_bank(cores: int, big: Path, forks: list[int],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """On two cores a child writes the cache while the bank is built (and the load waits for it); on one the
    load writes it itself. Either way the next load is served from it, the same bank."""
    import os
    from dataclasses import asdict

    from advisor import forked
    from advisor.quiz import bank as bank_module

    monkeypatch.setattr(forked, "usable_cores", lambda: cores)
    cold = load_bank(big)
    assert len(forks) == (2 if cores == 2 else 0)  # the second piece's reader and the cache's writer
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # both waited for
    monkeypatch.setattr(bank_module, "validate_bank", None)  # the next load must come from the cache
    assert [asdict(i) for i in load_bank(big).items] == [asdict(i) for i in cold.items]


def test_wrong_values_anywhere_in_a_big_bank_are_located(big: Path, big_text: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Near the start, on either side of where the bank is cut into pieces, and at the end: each wrong value is
    named at its line, as when the bank is read in one piece."""
    from advisor import forked

    monkeypatch.setattr(forked, "usable_cores", lambda: 2)
    [cut] = _at_cuts(big_text, 2)
    broken = [3, cut - 1, cut, COUNT - 1]
    for n in broken:
        replace_in(big, f"- id: big-{n:05d}\n  section:", f"- id: big-{n:05d}\n  difficulty: hard\n  section:")
    assert _problems(big) == [f"{big}:{line_of(big, 'difficulty: hard', i + 1)}: questions[{n}].difficulty: "
                              "must be one of 1, 2 or 3, got 'hard'" for i, n in enumerate(broken)]


@pytest.mark.parametrize("side", [-1, 0])
def test_malformed_yaml_beside_the_cut_is_located(side: int, big: Path, big_text: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The last question of the first piece, or the first of the second: either piece is refused, and the
    bank read in one piece names the line."""
    from advisor import forked

    monkeypatch.setattr(forked, "usable_cores", lambda: 2)
    [cut] = _at_cuts(big_text, 2)
    qid = f"big-{cut + side:05d}"
    replace_in(big, f"stem: Which option is right for {qid}?", f"stem: [Which option is right for {qid}?")
    [problem] = _problems(big)
    bad = line_of(big, f"stem: [Which option is right for {qid}?")  # libyaml notices where the next line starts
    assert problem.startswith(f"{big}:{bad + 1}: malformed YAML: did not find expected ',' or ']'"), problem
