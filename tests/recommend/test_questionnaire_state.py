"""The questionnaire's rules without a screen: steps that apply, Next blocked by a bad answer on its own step
only, Back always, the summary only without problems, a file opening at its first bad field, drafts."""

from __future__ import annotations

import datetime as dt
import functools
import subprocess
import sys
from pathlib import Path

from advisor.knowledge.loader import load_knowledge
from advisor.knowledge.models import Knowledge
from advisor.recommend.questionnaire_state import Move, QuestionnaireState
from advisor.recommend.questions import SUMMARY, Answers, Draft
from advisor.workload import Workload, with_model_defaults

NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)


def state(values: dict[str, object] | None = None, **kwargs: object) -> QuestionnaireState:
    return QuestionnaireState(Answers(values or {}), **kwargs)  # type: ignore[arg-type]


def test_only_the_steps_of_the_chosen_stages_are_walked_then_the_summary() -> None:
    s = state({"stages": ["training"]})
    assert s.step_ids() == ["stages", "data", "model", "training", "network", SUMMARY]  # no inference step
    walked = [s.start().step]
    while s.step != SUMMARY:
        walked.append(s.next().step)
    assert walked == s.step_ids()
    assert not s.dirty  # moving changes no answer


def test_a_bad_answer_blocks_next_on_its_own_step_only_and_back_always_works() -> None:
    s = state({"stages": ["training"]})
    s.start()
    assert s.next() == Move("data")
    assert s.answer("data.size_gb", "4o") and s.dirty
    assert s.problems == {"data.size_gb": "must be a number, got '4o'"}
    assert s.next() == Move("data", "data.size_gb", blocked=True)
    assert s.step == "data"
    assert s.back() == Move("stages")
    assert s.back() is None  # the first step: nowhere further back
    assert s.next() == Move("data")
    assert not s.answer("data.size_gb", "4o")  # the same answer again changes nothing
    s.answer("data.size_gb", "40")
    assert s.problems == {} and s.next() == Move("model")


def test_submit_goes_to_the_summary_first_and_only_without_problems() -> None:
    s = state({"stages": ["training"]})
    assert s.submit() == Move(SUMMARY)
    assert s.submit() == Move(SUMMARY, submit=True)
    assert s.next() == Move(SUMMARY, submit=True)  # Next on the summary submits
    s.answer("training.max_hours", "two")
    assert s.submit() == Move("training", "training.max_hours")  # sent back to the bad answer


def test_a_file_that_does_not_validate_opens_at_its_first_bad_field_until_the_user_moves() -> None:
    s = state({"stages": ["training"], "model.size_mb": -5,
               "training.max_hours": "two"}, source=Path("bad.yaml"))
    assert s.open_at_problem
    assert s.start() == Move("model", "model.size_mb")
    assert s.step_has_problem("model") and s.step_has_problem("training") and not s.step_has_problem("data")
    s.next()
    assert not s.open_at_problem
    assert s.start() == Move("model")  # reopened later: where the user was, not the problem


def test_a_problem_keeps_its_question_even_when_the_stages_no_longer_ask_for_it() -> None:
    s = state({"stages": ["training"], "inference.memory_mb": "lots"}, source=Path("lam.yaml"))
    assert s.start() == Move("inference", "inference.memory_mb")
    s.answer("inference.memory_mb", "2048")
    assert [q.path for q in s.shown("inference")] == ["inference.memory_mb"]  # fixed, still shown
    assert "inference" in s.step_ids()


def test_a_draft_round_trips_and_is_unsaved_until_the_answers_are_saved() -> None:
    s = state({"name": "half", "stages": ["training"]}, out=Path("half.yaml"))
    s.go(Move("data"))
    s.answer("data.size_gb", "77")
    draft = s.draft(NOW)
    assert (draft.step, draft.answers["data.size_gb"], draft.out) == ("data", "77", "half.yaml")
    again = state()
    again.resume(Draft.model_validate(draft.model_dump()))
    assert (again.step, again.answers.values["name"], again.out, again.dirty) == ("data", "half", Path("half.yaml"),
                                                                                  True)
    again.saved(Path("elsewhere.yaml"))
    assert (again.dirty, again.written, again.out) == (False, Path("elsewhere.yaml"), Path("elsewhere.yaml"))


def test_a_draft_from_an_unknown_step_starts_at_the_first() -> None:
    s = state()
    s.resume(Draft(saved_at=NOW, step="nowhere"))
    assert s.step == "stages"


def test_the_state_needs_no_textual() -> None:
    code = ("import sys, advisor.recommend.questionnaire_state as q; q.QuestionnaireState().next(); "
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_blank_questionnaire_is_not_wrong_until_the_user_goes_on_without_the_stages() -> None:
    s = state()
    assert s.problems == {"stages": "choose at least one stage"}
    assert s.pending("stages") and not s.step_has_problem("stages") and s.shown_problems() == {}
    assert s.next() == Move("stages", "stages", blocked=True)  # still required: Next is refused
    assert not s.pending("stages") and s.step_has_problem("stages")  # now marked wrong
    assert s.answer("stages", ["training"]) and s.problems == {}
    s.answer("stages", [])  # taken back after being asked for: wrong at once
    assert s.step_has_problem("stages")


def test_submitting_a_blank_questionnaire_marks_the_missing_stages() -> None:
    s = state()
    assert s.submit() == Move("stages", "stages")
    assert s.step_has_problem("stages")


def test_a_file_without_stages_is_wrong_as_it_opens() -> None:
    s = state({"name": "nostages"}, source=Path("nostages.yaml"))
    assert not s.pending("stages") and s.step_has_problem("stages")


def test_a_bad_answer_is_marked_at_once_even_before_next() -> None:
    s = state({"stages": ["training"]})
    s.answer("data.size_gb", "4o")
    assert not s.pending("data.size_gb") and s.step_has_problem("data")


# ---- answers not given follow those given, as in a workload file ------------------------------------------

@functools.cache
def _knowledge() -> Knowledge:
    return load_knowledge()


def test_the_algorithm_follows_the_kind_until_the_user_chooses_one() -> None:
    s = state({"stages": ["training"]}, knowledge=_knowledge())
    assert s.answers.values["model.algorithm"] == "xgboost"  # the field's default, shown
    assert s.answer("model.kind", "llm")
    assert s.followed == ["model.algorithm"] and s.answers.values["model.algorithm"] == "huggingface"
    assert s.problems == {}  # no "xgboost ... not LLMs" about a default the user never chose
    s.answer("model.kind", "deep_learning")
    assert s.answers.values["model.algorithm"] == "pytorch"
    s.answer("model.algorithm", "xgboost")  # chosen now: the user's own contradiction is shown
    s.answer("model.kind", "llm")
    assert s.followed == [] and "model.algorithm xgboost" in s.problems["model.kind"]


def test_a_builtin_algorithm_chosen_alone_brings_its_kind_and_data_kind() -> None:
    s = state({"stages": ["training"]}, knowledge=_knowledge())
    s.answer("model.algorithm", "image_classification")
    assert sorted(s.followed) == ["data.kind", "model.kind"]
    assert (s.answers.values["model.kind"], s.answers.values["data.kind"]) == ("deep_learning", "images")
    workload = s.answers.workload(s.knowledge)
    assert workload == with_model_defaults(Workload(stages=["training"], model={"algorithm": "image_classification"}),
                                           _knowledge())


def test_a_file_with_only_a_kind_follows_once_the_knowledge_is_loaded() -> None:
    s = state({"stages": ["realtime_inference"], "model.kind": "llm"}, source=Path("llm.yaml"))
    assert s.answers.values["model.algorithm"] == "xgboost"  # nothing follows without the knowledge
    s.set_knowledge(_knowledge())
    assert s.followed == ["model.algorithm"] and s.problems == {}
    both = state({"stages": ["training"], "model.kind": "llm", "model.algorithm": "xgboost"}, source=Path("x.yaml"),
                 knowledge=_knowledge())
    assert "model.kind" in both.problems  # the file said both: its contradiction stands


def test_a_draft_keeps_which_answers_were_given() -> None:
    s = state({"stages": ["training"]}, knowledge=_knowledge())
    s.answer("model.kind", "llm")
    again = state(knowledge=_knowledge())
    again.resume(Draft.model_validate(s.draft(NOW).model_dump(mode="json")))
    again.answer("model.kind", "classical")
    assert again.answers.values["model.algorithm"] == "sklearn"  # still following: the user never chose it
    old = state(knowledge=_knowledge())  # a draft saved before `stated` was kept: every answer counts as given
    old.resume(Draft(saved_at=NOW, answers={"stages": ["training"], "model.kind": "llm",
                                            "model.algorithm": "xgboost"}))
    assert "model.kind" in old.problems
