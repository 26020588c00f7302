"""advisor.quiz.bank: banks load, every lint is a located error, the cache is honest, export is whole."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from advisor.errors import BankError, KnowledgeError, QuizError
from advisor.quiz.bank import bank_file_data, bank_summary, find_bank, load_bank, load_banks
from tests.conftest import line_of, replace_in
from tests.support.quiz import matching, ordering, question, tiny_questions, write_bank


def shown(path: Path) -> str:
    """How a bank file is named in errors: as `quiz lint` names it, a path one can open from the working folder
    (quizzes/chapter09.yaml in a checkout; a bank elsewhere, as these under tmp_path, by its whole path). Its
    folder and name alone ("banks/tiny.yaml") named a file that was not there."""
    return str(path)


def _problems(path: Path) -> list[str]:
    with pytest.raises(BankError) as info:
        load_bank(path)
    assert info.value.problems, info.value.render()
    assert info.value.render().startswith("Invalid question bank: "), "titled for what the user loads"
    assert isinstance(info.value, KnowledgeError), "caught where authored content is"
    return [str(p) for p in info.value.problems]


def test_tiny_bank_loads_into_runtime_items(tiny) -> None:
    assert [i.id for i in tiny.items] == [q["id"] for q in tiny_questions()]
    multi = tiny.by_id["q-multi-2"]
    assert multi.picks == 2 and multi.correct_keys == {"A", "C"}
    assert tiny.by_id["q-pinned-4"].options[-1].pinned
    assert tiny.by_id["q-single-5"].domains == {"MLS-C01": "ml-implementation-operations",
                                                 "MLA-C01": "deployment-orchestration"}


def test_a_bank_file_that_cannot_be_read_is_titled_as_a_bank_not_as_knowledge(tmp_path: Path) -> None:
    with pytest.raises(BankError, match="is a folder, not a file") as info:  # as an unreadable one: read_bytes
        load_bank(tmp_path)
    assert info.value.render().startswith("Invalid question bank: "), "it read 'Invalid knowledge: '"


def test_no_correct_answer_is_located(tmp_path: Path) -> None:
    questions = tiny_questions()
    questions[2] = question("q-none", correct="")
    path = write_bank(tmp_path, questions)
    problems = _problems(path)
    assert problems == [f"{shown(path)}:{line_of(path, 'id: q-none')}: questions[2]: no option is marked correct"]


def test_choose_n_must_match_the_correct_options(tmp_path: Path) -> None:
    questions = tiny_questions()
    questions[1]["choose"] = 3
    path = write_bank(tmp_path, questions)
    [problem] = _problems(path)
    assert problem.startswith(f"{shown(path)}:{line_of(path, 'id: q-multi-2')}: questions[1]")
    assert "choose is 3 but 2 options are marked correct" in problem


def test_pinned_option_out_of_place_is_located(tmp_path: Path) -> None:
    questions = tiny_questions()
    opts = questions[3]["options"]
    opts[1], opts[3] = opts[3], opts[1]  # "All of the above" (pinned) moved before unpinned options
    opts[1]["key"], opts[3]["key"] = "B", "D"
    path = write_bank(tmp_path, questions)
    [problem] = _problems(path)
    assert problem.startswith(f"{shown(path)}:{line_of(path, 'id: q-pinned-4')}: questions[3]")
    assert "pinned option B must stand after every unpinned option" in problem


def test_duplicate_ids_and_stems_are_located(tmp_path: Path) -> None:
    questions = tiny_questions()
    questions[4]["id"] = "q-single-1"
    questions[5]["stem"] = "  which OPTION is right for q-multi-2 "  # same stem up to case and spacing
    path = write_bank(tmp_path, questions)
    problems = _problems(path)
    assert problems == [
        f"{shown(path)}:{line_of(path, 'id: q-single-1', 2)}: questions[4]: duplicate question id 'q-single-1' "
        "(first at item 0)",
        f"{shown(path)}:{line_of(path, 'id: q-multi-6')}: questions[5]: duplicate question stem "
        "'which option is right for q-multi-2' (first at item 1)",
    ]


def test_domains_must_match_the_exam_blueprints(tmp_path: Path) -> None:
    questions = tiny_questions()
    questions[0]["domains"]["MLA-C01"] = "model-developement"
    questions[1]["domains"]["MLX-C01"] = "modeling"
    path = write_bank(tmp_path, questions)
    problems = _problems(path)
    where = f"{shown(path)}:{line_of(path, 'MLA-C01: model-developement')}"
    assert problems[0] == (f"{where}: questions[0].domains.MLA-C01: "
                           "'model-developement' is not a domain of MLA-C01 (hint: did you mean 'model-development'?)")
    assert problems[1].startswith(f"{shown(path)}:{line_of(path, 'MLX-C01: modeling')}: questions[1].domains.MLX-C01: "
                                  "unknown exam 'MLX-C01' (hint: one of MLS-C01, MLA-C01")


def test_malformed_yaml_is_located(tmp_path: Path) -> None:
    path = write_bank(tmp_path)
    replace_in(path, "  stem: Which option is right for q-tf-3?", "  stem: [unclosed")
    [problem] = _problems(path)
    assert problem.startswith(f"{shown(path)}:") and "malformed YAML" in problem


def test_misspelt_field_suggests_the_right_one(tmp_path: Path) -> None:
    path = write_bank(tmp_path)
    replace_in(path, "  section: Test section", "  sectoin: Test section")
    problems = _problems(path)
    assert any("questions[0].sectoin: is not a known field (hint: did you mean 'section'?)" in p for p in problems)


def test_unknown_bank_lists_the_known_ones(banks_dir: Path) -> None:
    with pytest.raises(QuizError) as info:
        find_bank("tinny", banks_dir)
    assert "unknown bank 'tinny'" in info.value.render()
    assert info.value.hint == "did you mean 'tiny'? known banks: tiny"


def test_two_files_with_one_bank_id_are_refused(banks_dir: Path) -> None:
    write_bank(banks_dir, name="copy")
    with pytest.raises(KnowledgeError, match="two banks have the id 'tiny'"):
        load_banks(banks_dir)


def test_cache_serves_unchanged_bytes_and_revalidates_an_edit(banks_dir: Path) -> None:
    path = banks_dir / "tiny.yaml"
    assert load_bank(path).by_id["q-single-1"].stem == "Which option is right for q-single-1?"
    replace_in(path, "Which option is right for q-single-1?", "Which option is best for q-single-1?")
    assert load_bank(path).by_id["q-single-1"].stem == "Which option is best for q-single-1?"
    replace_in(path, "correct: true", "correct: false", count=1)  # q-single-1 loses its answer
    with pytest.raises(KnowledgeError, match="no option is marked correct"):
        load_bank(path)


@pytest.mark.parametrize("bank_file", ["chapter09.yaml", "sequences"])
def test_a_cold_load_and_a_warm_load_give_the_same_bank(bank_file: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The cold load builds the session's bank from the validated models, the warm one from the cache's plain
    data: every field of every question must come out the same (the shipped bank, and ordering and matching
    questions with distractors, tasks and lint notes)."""
    from dataclasses import asdict

    from advisor.quiz import bank as bank_module
    from advisor.quiz.bank import default_banks_dir

    if bank_file == "sequences":
        noted = {**question("q-noted", choose=2, kind="multiple", correct="AB"),
                 "lint_notes": {"cue-stem-echo": "the service name cannot be avoided"}}
        path = write_bank(tmp_path / "banks", [ordering("q-order", tasks=["2.2"]), matching("q-match"), noted])
    else:
        path = tmp_path / bank_file
        path.write_bytes((default_banks_dir() / bank_file).read_bytes())
    cold = load_bank(path)
    monkeypatch.setattr(bank_module, "validate_bank", None)  # the second load must come from the cache
    warm = load_bank(path)
    assert cold is not warm and cold.items and cold.items[0] is not warm.items[0]
    assert [asdict(i) for i in cold.items] == [asdict(i) for i in warm.items]
    assert {k: v for k, v in vars(cold).items() if k != "items"} == {k: v for k, v in vars(warm).items()
                                                                     if k != "items"}


def test_a_load_leaves_the_collector_on_with_its_objects_in_the_oldest_generation(tmp_path: Path) -> None:
    """The collector is paused while a bank is built and back on after, with what the load made moved to the
    oldest generation unwalked: no collection runs on the way out of the load (the first one used to walk every
    object of a big bank), nothing stays frozen, and a process that had the collector off keeps it off."""
    import gc

    path = write_bank(tmp_path / "banks", [question(f"q-{n}") for n in range(300)])
    walked: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            walked.append(info["generation"])

    frozen = gc.get_freeze_count()
    gc.callbacks.append(note)
    try:
        bank = load_bank(path, use_cache=False)
    finally:
        gc.callbacks.remove(note)
    assert gc.isenabled() and walked == [] and gc.get_freeze_count() == frozen
    assert any(o is bank.items[0] for o in gc.get_objects(generation=2))
    gc.disable()
    try:
        with pytest.raises(KnowledgeError):
            load_bank(tmp_path / "missing.yaml")
        load_bank(path, use_cache=False)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_warm_load_never_imports_pydantic(banks_dir: Path) -> None:
    code = (f"import sys; from advisor.quiz.bank import find_bank; find_bank('tiny', __import__('pathlib').Path("
            f"{str(banks_dir)!r})); print('pydantic' in sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # validates, fills the cache
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"


def test_export_is_the_whole_bank_and_loads_back(tiny, tmp_path: Path) -> None:
    import yaml

    data = bank_file_data(tiny)
    assert [q["id"] for q in data["questions"]] == [i.id for i in tiny.items]
    multi = data["questions"][1]
    assert {k: multi[k] for k in ("section", "topics", "type", "choose")} == {
        "section": "Test section", "topics": ["beta"], "type": "multiple", "choose": 2}
    assert multi["domains"] == {"MLS-C01": "modeling", "MLA-C01": "model-development"}
    assert [(o["key"], o.get("correct", False)) for o in multi["options"]] == [
        ("A", True), ("B", False), ("C", True), ("D", False), ("E", False)]
    assert "choose" not in data["questions"][0]  # defaults are left out, as an author writes them
    copy = tmp_path / "copy" / "copy.yaml"
    copy.parent.mkdir()
    copy.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    again = load_bank(copy)
    assert bank_file_data(again) == data
    assert bank_summary(tiny)["question_count"] == 6
