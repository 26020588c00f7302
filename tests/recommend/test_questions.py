"""The questionnaire's logic without a screen: questions from the model, steps per stage, plain problems,
files in and out, and the draft."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from advisor.errors import WorkloadError
from advisor.knowledge.loader import load_knowledge
from advisor.recommend.questions import (
    BY_PATH,
    DRAFT_FILE,
    QUESTIONS,
    STEPS,
    Answers,
    Draft,
    DraftStore,
    answers_from_file,
    save_workload,
    workload_yaml,
)
from advisor.workload import Workload, condition_fields, load_workload
from tests.conftest import ROOT, line_of

EXAMPLES = sorted((ROOT / "examples" / "workloads").glob("*.yaml"))


def _steps(stages: list[str]) -> list[str]:
    answers = Answers({"stages": stages})
    return [answers.title(s) for s in answers.steps()]


def test_every_workload_field_is_asked_once_with_help() -> None:
    leaf_fields = {path for path in condition_fields() if not path.startswith("derived.")}
    assert [q.path for q in QUESTIONS] == list(BY_PATH) and set(BY_PATH) == leaf_fields
    assert not [q.path for q in QUESTIONS if not q.help.strip()], "every field needs a description= (help text)"
    assert {q.path for q in QUESTIONS if not any(q.section in s.sections for s in STEPS)} == set()


def test_kinds_and_defaults_come_from_the_model() -> None:
    assert (BY_PATH["data.size_gb"].kind, BY_PATH["data.size_gb"].default_text) == ("number", "1")
    assert BY_PATH["data.in_memory_gb"].optional and BY_PATH["data.in_memory_gb"].default_text == "not set"
    assert BY_PATH["training.interruptible"].kind == "bool"
    assert BY_PATH["tuning.strategy"].choices == ("Bayesian", "Random", "Hyperband", "Grid")
    assert BY_PATH["stages"].kind == "choices" and BY_PATH["stages"].default_text == ""
    assert "whatever the stages" in Workload.model_fields["inference"].description  # the Lambda check reads it


def test_an_optional_number_is_a_number_question_and_its_typed_text_a_number() -> None:
    """A figure the user may leave unsaid (lambda.memory_mb, model.layers) is typed into a text box as any number
    is: "3008" is the number, not text the Workload refuses as quoted (it once was, the field read as text)."""
    optional_numbers = ["data.in_memory_gb", "model.layers", "inference.accelerator_speedup",
                        "inference.hot_models", "processing.data_gb", "lambda.memory_mb", "lambda.steps"]
    for path in optional_numbers:
        assert (BY_PATH[path].kind, BY_PATH[path].optional) == ("number", True), path
    answers = Answers({"stages": ["realtime_inference"], "lambda.memory_mb": "3008", "model.layers": "32"})
    workload = answers.workload()
    assert workload.lambda_ is not None and workload.lambda_.memory_mb == 3008 and workload.model.layers == 32


@pytest.mark.parametrize(("path", "typed_text", "said"), [
    ("data.size_gb", "1e400", "must be a finite number, got 1e400, which is too large to be a number"),
    ("data.size_gb", "-1.5e999", "must be a finite number, got -1.5e999, which is too large"),
    ("data.size_gb", "inf", "must be a finite number, got inf"),
    ("data.size_gb", "NaN", "must be a finite number, got NaN"),
    ("data.size_gb", ".inf", "must be a finite number, got .inf"),
    ("batch.records_per_run", "1e400", "must be a finite number, got 1e400, which is too large"),
    ("inference.models", "1" + "0" * 400, "must be at most 100000, got 100000000000... (a number of 401 digits)"),
    ("data.size_gb", "1" + "0" * 400, "got 100000000000... (a number of 401 digits), which is too large"),
    ("lambda.memory_mb", "1e400", "must be a finite number, got 1e400, which is too large"),
    ("training.max_hours", "700", "must be at most 672, got 700: 672 hours is 28 days"),
])
def test_a_typed_number_too_large_or_not_finite_is_said_as_typed(path: str, typed_text: str, said: str) -> None:
    """The text box's `1e400` was read by Python as inf and shown back as "got inf": it is said as typed."""
    answers = Answers({"stages": ["training", "realtime_inference", "batch_inference"], path: typed_text})
    problem = answers.problems()[path]
    assert said in problem
    assert typed_text == "inf" or "got inf" not in problem


def test_a_file_number_read_as_infinity_opens_as_written(tmp_path: Path) -> None:
    """`--from` a file whose `1.0e+400` YAML read as inf: its box shows the text written and its check quotes it
    (the box said `inf`, which nobody wrote); a finite figure opens as the number."""
    path = tmp_path / "w.yaml"
    path.write_text("stages: [training]\ndata:\n  size_gb: 1.0e+400\nmodel: {size_mb: .inf}\n"
                    "training:\n  max_hours: 2.5\n")
    answers, _ = answers_from_file(path)
    assert (answers.values["data.size_gb"], answers.values["model.size_mb"]) == ("1.0e+400", ".inf")
    assert answers.values["training.max_hours"] == 2.5
    problems = answers.problems()
    assert problems["data.size_gb"].startswith("must be a finite number, got 1.0e+400, which is too large")
    assert problems["model.size_mb"] == "must be a finite number, got .inf"


def test_a_typed_finite_number_is_still_the_number() -> None:
    answers = Answers({"stages": ["training"], "data.size_gb": "1e3", "training.max_hours": "672"})
    workload = answers.workload()
    assert (workload.data.size_gb, workload.training.max_hours) == (1000, 672)


@pytest.mark.parametrize(("stages", "titles"), [
    (["notebook"], ["Stages", "Data", "Model", "Notebook", "Network and team"]),
    (["training"], ["Stages", "Data", "Model", "Training", "Network and team"]),
    (["tuning", "processing"], ["Stages", "Data and processing", "Model", "Training and tuning",
                                "Lambda function", "Network and team"]),
    (["realtime_inference"], ["Stages", "Data", "Model", "Inference", "Lambda function", "Network and team"]),
    (["notebook", "training", "tuning", "realtime_inference", "batch_inference", "processing"],
     ["Stages", "Data and processing", "Model", "Notebook, training and tuning", "Inference and batch transform",
      "Lambda function", "Network and team"]),
])
def test_only_the_steps_and_questions_of_the_chosen_stages(stages: list[str], titles: list[str]) -> None:
    assert _steps(stages) == titles


def test_the_lambda_section_is_asked_only_with_a_unit_of_work_and_written_only_when_answered() -> None:
    """A training-only workload is not asked about a function; empty answers write no `lambda` section (which
    would say a function is in question); a filled one is kept whatever the stages."""
    assert "Lambda function" not in _steps(["training"])
    answers = Answers({"stages": ["realtime_inference"]})
    assert answers.workload().lambda_ is None and "lambda" not in workload_yaml(answers.workload())
    stated = Answers({"stages": ["training"], "lambda.memory_mb": 2048})
    assert "Lambda function" in [stated.title(s) for s in stated.steps()]
    workload = stated.workload()
    assert workload.lambda_ is not None and workload.lambda_.memory_mb == 2048
    assert "lambda:\n  memory_mb: 2048" in workload_yaml(workload)


def test_questions_that_do_not_apply_are_skipped_within_a_step() -> None:
    answers = Answers({"stages": ["batch_inference"]})
    inference = next(s for s in STEPS if s.id == "inference")
    shown = [q.path for q in answers.shown(inference)]
    assert "batch.records_per_run" in shown and "inference.memory_mb" in shown
    answers.set("stages", ["realtime_inference"])
    assert not [p for p in (q.path for q in answers.shown(inference)) if p.startswith("batch.")]


def test_problems_in_plain_words_beside_their_field() -> None:
    answers = Answers({"stages": ["training", "tuning"], "data.size_gb": "abc", "tuning.max_jobs": "2.5",
                       "name": "my job", "training.max_hours": "0"})
    assert answers.problems() == {
        "name": "use only letters, digits, '.', '_' and '-', starting with a letter or a digit",
        "data.size_gb": "must be a number, got 'abc'",
        "training.max_hours": "must be greater than 0, got 0",  # the text box's text is the number it spells
        "tuning.max_jobs": "must be a whole number, got 2.5",
    }
    assert Answers().problems() == {"stages": "choose at least one stage"}


def test_a_section_rule_is_shown_beside_the_field_it_names() -> None:
    answers = Answers({"stages": ["tuning"], "tuning.max_jobs": "4", "tuning.max_parallel_jobs": "6"})
    assert answers.problems() == {"tuning.max_parallel_jobs": "max_parallel_jobs (6) is more than max_jobs (4)"}


def test_blank_optional_answers_are_empty_and_text_is_trimmed() -> None:
    answers = Answers({"stages": ["training"], "data.in_memory_gb": "  ", "data.size_gb": " 40 "})
    assert answers.problems() == {}
    workload = answers.workload()
    assert workload.data.in_memory_gb is None and workload.data.size_gb == 40


def test_a_blank_answer_with_a_default_is_that_default_as_its_help_says() -> None:
    """Clearing a box whose help says "Default: workload" (or "Default: 1") means the default: it was refused as
    "use only letters, ..." and "must be a number, got ''"."""
    answers = Answers({"stages": ["training", "tuning"], "name": "", "data.size_gb": " ", "tuning.max_jobs": ""})
    assert answers.problems() == {}
    workload = answers.workload()
    defaults = Workload(stages=["training"])
    assert (workload.name, workload.data.size_gb, workload.tuning.max_jobs) == \
        (defaults.name, defaults.data.size_gb, defaults.tuning.max_jobs) == ("workload", 1, 10)


def test_what_only_the_knowledge_knows_is_checked_when_given() -> None:
    answers = Answers({"stages": ["training"], "region": "us-est-1"})
    assert answers.problems() == {}
    problems = answers.problems(load_knowledge())
    assert list(problems) == ["region"]
    assert problems["region"].startswith("'us-est-1' is not a region where SageMaker runs "
                                         "(did you mean 'us-east-1' or 'us-west-1'? SageMaker's Regions: af-south-1,")
    with pytest.raises(WorkloadError) as caught:
        answers.workload(load_knowledge())
    assert [(p.field, p.message) for p in caught.value.problems] == [("region", problems["region"])]


def test_a_bad_answer_of_a_skipped_section_is_still_asked_and_comes_first_in_order() -> None:
    answers = Answers({"stages": ["training"], "inference.memory_mb": "lots", "model.size_mb": "-1"})
    problems = answers.problems()
    assert "Inference" in [answers.title(s, problems) for s in answers.steps(problems)]
    inference = next(s for s in STEPS if s.id == "inference")
    assert [q.path for q in answers.shown(inference, problems)] == ["inference.memory_mb"]
    step, question = answers.first_problem(problems) or (None, None)
    assert (step and step.id, question and question.path) == ("model", "model.size_mb")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_loads_into_the_wizard_and_saves_back_the_same(example: Path, tmp_path: Path) -> None:
    knowledge = load_knowledge()
    expected = load_workload(example, knowledge)
    answers, left_out = answers_from_file(example)
    assert left_out == [] and answers.problems(knowledge) == {}
    assert answers.workload(knowledge) == expected
    out = tmp_path / "again.yaml"
    save_workload(out, expected)
    assert load_workload(out, knowledge) == expected


def test_the_saved_file_holds_what_was_set_and_nothing_else() -> None:
    workload = Workload(stages=("training",), inference={"memory_mb": 4096}, batch={"max_hours": 4},
                        data={"size_gb": 1.0})
    text = workload_yaml(workload)
    assert "memory_mb: 4096" in text and "max_hours: 4" in text  # set, even to the default: the author said it
    assert "training:" not in text and "notebook:" not in text and "null" not in text
    assert "size_gb: 1\n" in text  # whole numbers as a person writes them


def test_questionnaire_answers_save_only_what_the_user_answered(tmp_path: Path) -> None:
    """Left unset, a field is absent from the file (no `in_memory_gb: null`, no default written for it), and the
    file reads back as the workload the answers make, values that follow others (model.algorithm from
    model.kind) included."""
    knowledge = load_knowledge()
    answers = Answers({"stages": ["training", "realtime_inference"]})
    answers.set("data.size_gb", "25")
    answers.set("model.kind", "llm")
    answers.follow(knowledge)
    out = tmp_path / "w.yaml"
    save_workload(out, answers.workload(knowledge), answers.stated)
    text = out.read_text()
    assert "null" not in text and "in_memory_gb" not in text and "hours_per_day" not in text
    assert "size_gb: 25" in text and "kind: llm" in text and "algorithm" not in text
    again = load_workload(out, knowledge)
    assert again.model_dump() == answers.workload(knowledge).model_dump()


def test_a_file_that_does_not_validate_still_loads_its_answers(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nstages: [training]\ndata:\n  size_gb: lots\n  siz_gb: 3\n"
                    "model: {size_mb: -5}\nteam: yes-please\nextra: 1\n")
    answers, left_out = answers_from_file(path)
    assert answers.values["data.size_gb"] == "lots"
    assert answers.problems() == {"data.size_gb": "must be a number, got 'lots'",
                                  "model.size_mb": "must be greater than 0, got -5"}
    assert [(p.field, p.line, p.message, p.hint) for p in left_out] == [
        ("data.siz_gb", line_of(path, "siz_gb"), "is not a known field", "did you mean 'size_gb'?"),
        ("team", line_of(path, "team:"), "must be a mapping of fields, got 'yes-please'", None),
        ("extra", line_of(path, "extra"), "is not a known field", None),
    ]


@pytest.mark.parametrize(("text", "message"), [
    ("stages: [training\n", "malformed YAML"),
    ("- training\n", "a workload is a mapping of fields"),
])
def test_a_file_that_is_not_a_workload_at_all_is_an_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(text)
    with pytest.raises(WorkloadError) as caught:
        answers_from_file(path)
    assert message in caught.value.render()


def test_saving_where_one_cannot_write_is_a_plain_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(WorkloadError, match="cannot write"):
        save_workload(blocker / "w.yaml", Workload(stages=("training",)))


def test_a_draft_round_trips_typos_included(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    assert store.load() is None
    answers = Answers({"stages": ["training"], "data.size_gb": "4o", "training.interruptible": True})
    saved = Draft(saved_at=dt.datetime(2026, 11, 24, 9, 30), step="data", source="w.yaml",
                  answers=dict(answers.values))
    store.save(saved)
    loaded = store.load()
    assert loaded == saved
    assert Answers(loaded.answers).problems() == {"data.size_gb": "must be a number, got '4o'"}
    store.discard()
    assert store.load() is None and not (tmp_path / DRAFT_FILE).exists()


def test_an_unreadable_draft_is_kept_aside_and_said_so(tmp_path: Path) -> None:
    (tmp_path / DRAFT_FILE).write_text("saved_at: yesterday\nanswers: {}\n")
    store = DraftStore(tmp_path)
    assert store.load() is None
    aside = list(tmp_path.glob(f"{DRAFT_FILE}.unreadable-*"))
    assert len(aside) == 1 and aside[0].read_text().startswith("saved_at: yesterday")
    assert store.notice and str(aside[0]) in store.notice
    assert "saved_at: input should be a valid datetime" in store.notice
