"""The workload questionnaire driven by key presses (Pilot): a whole workload to its recommendation, a bad
answer blocking only its step, a bad --from file opening at its bad field, the draft after a quit, the "why?"
view and the exports."""

from __future__ import annotations

import asyncio
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList, Static

from advisor.quiz.tutor import Tutor
from advisor.recommend.advisor import Advisor
from advisor.recommend.questions import DRAFT_FILE, Answers, DraftStore, answers_from_file
from advisor.recommend.report import build_report, render
from advisor.tui.app import AdvisorApp, create_app
from advisor.tui.dialogs import ConfirmScreen, KeepOrDropScreen
from advisor.tui.home import HomeScreen
from advisor.tui.questionnaire import QuestionnaireScreen, QuestionnaireStart, control_id
from advisor.tui.recommendation import ExportScreen, RecommendationScreen
from advisor.tui.trace import TraceScreen
from advisor.workload import Workload, load_workload
from tests.conftest import ROOT
from tests.support.quiz import FrozenClock
from tests.tui.keys import run_async

SIZE = (80, 24)
FRAUD = ROOT / "examples" / "workloads" / "fraud-detector.yaml"


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown(pilot: Pilot[Any], selector: str) -> str:
    """What a Static on the current screen shows, as plain text at the terminal's width."""
    console = Console(file=io.StringIO(), width=78, color_system=None)
    console.print(pilot.app.screen.query_one(selector, Static).content)
    return console.file.getvalue()  # type: ignore[attr-defined]


def problem_beside(pilot: Pilot[Any], path: str) -> str:
    row = pilot.app.screen.query_one("#row-" + path.replace(".", "-"))
    problem = row.query_one(".q-problem", Static)
    return str(problem.content) if problem.display else ""


def advisor_for(clock: FrozenClock) -> Advisor:
    return Advisor(clock=lambda: clock().date())


def start(tutor: Tutor, **kwargs: Any) -> QuestionnaireStart:
    return QuestionnaireStart(data_dir=tutor.store.path.parent, **kwargs)


def from_file(tutor: Tutor, path: Path, text: str) -> AdvisorApp:
    """The app as `advisor questionnaire --from path` opens it, the file holding `text`."""
    path.write_text(text)
    answers, left_out = answers_from_file(path)
    return create_app(tutor, questionnaire=start(tutor, answers=answers, source=path, left_out=tuple(left_out)))


@run_async
async def test_a_whole_workload_by_key_presses_to_its_recommendation(
        tutor: Tutor, clock: FrozenClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = create_app(tutor, questionnaire=start(tutor))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnaireScreen) and screen.step == "stages"
        await pilot.press(*"churn", "tab", "tab")                       # name; region stays us-east-1
        await pilot.press("down", "space", "down", "down", "space")    # stages: training, realtime_inference
        await pilot.press("tab", "enter", "up", "enter")               # priority: balanced -> cost
        await pilot.press("ctrl+n")
        assert screen.step == "data"
        await pilot.press(*"40", "ctrl+n")                              # data.size_gb
        assert screen.step == "model"
        await pilot.press("enter", "down", "enter")                     # algorithm: xgboost -> linear_learner
        assert screen.answers.values["model.kind"] == "classical"       # follows the algorithm (AWS's kind)
        await pilot.press("ctrl+n")
        assert screen.step == "training" and "Notebook" not in shown(pilot, "#title")  # no notebook stage
        await pilot.press("3", "tab", "tab", "space", "ctrl+n")         # max_hours 3, interruptible
        assert screen.step == "inference"
        await pilot.press(*"20", "ctrl+n")                              # requests_per_second
        assert screen.step == "lambda"                                  # optional: no function described
        await pilot.press("ctrl+n")
        assert screen.step == "network"
        await pilot.press("space", "ctrl+n")                            # internet_access
        assert screen.step == "summary"
        assert "size_gb: 40" in shown(pilot, "#summary-yaml")
        assert screen.query_one("#save-path", Input).value == "churn.yaml"
        await pilot.press("enter")
        await settle(pilot)
        result = app.screen
        assert isinstance(result, RecommendationScreen)

        expected = Workload(name="churn", stages=("training", "realtime_inference"), priority="cost",
                            data={"size_gb": 40}, model={"algorithm": "linear_learner", "kind": "classical"},
                            training={"max_hours": 3, "interruptible": True}, inference={"requests_per_second": 20},
                            network={"internet_access": True})
        advisor = advisor_for(clock)
        assert load_workload(tmp_path / "churn.yaml", advisor.knowledge) == expected
        rec = advisor.recommend(expected)
        assert result.rec == rec
        instances = shown(pilot, "#instances-body")
        for choice in rec.instances.values():
            assert f"{choice.instance_type} x {choice.instance_count}" in instances
            assert choice.alternatives[0].instance_type in instances
        await pilot.press("2")
        security = shown(pilot, "#security-body")
        flat = " ".join(security.split())
        assert all(f"{s.control}: {s.title}" in flat and f"request field: {s.api}.{s.field}" in flat
                   for s in rec.security)
        assert all(section.title in security for section in build_report(rec).tab("security"))
        await pilot.press("3")
        lambda_text = shown(pilot, "#lambda-body")
        assert f"AWS Lambda: {rec.lambda_.verdict.replace('_', ' ')}" in lambda_text
        memory = next(c for c in rec.lambda_.checks if c.limit == "memory")
        assert f"{memory.need:g} MB" in lambda_text and f"{memory.max:g} MB" in lambda_text
        assert not (tutor.store.path.parent / DRAFT_FILE).exists()  # saved as a workload: no draft left


@run_async
async def test_a_bad_answer_is_shown_beside_its_field_and_blocks_only_its_step(tutor: Tutor) -> None:
    app = create_app(tutor, questionnaire=start(tutor, answers=answers_from_file(FRAUD)[0]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnaireScreen)
        await pilot.press("ctrl+n")
        assert screen.step == "data"
        await pilot.press(*"4o")
        assert problem_beside(pilot, "data.size_gb") == "✘ must be a number, got '4o'"
        await pilot.press("ctrl+n")
        assert screen.step == "data" and app.focused is screen.query_one(f"#{control_id('data.size_gb')}")
        assert "Fix the field marked ✘ (data.size_gb) to go on; Ctrl+P goes back." in shown(pilot, "#q-message")
        await pilot.press("ctrl+p")                                     # back is never blocked
        assert screen.step == "stages"
        await pilot.press("ctrl+n")
        assert screen.step == "data"
        await pilot.press("backspace", "0", "ctrl+n")
        assert problem_beside(pilot, "data.size_gb") == "" and screen.step == "model"


@run_async
async def test_a_file_that_does_not_validate_opens_at_its_first_bad_field(tutor: Tutor, tmp_path: Path) -> None:
    app = from_file(tutor, tmp_path / "bad.yaml",
                    "name: bad\nstages: [training]\nmodel: {size_mb: -5}\ntraining: {max_hours: two}\nmodl: {}\n")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnaireScreen)
        assert screen.step == "model" and app.focused is screen.query_one(f"#{control_id('model.size_mb')}")
        assert problem_beside(pilot, "model.size_mb") == "✘ must be greater than 0, got -5"
        assert problem_beside(pilot, "training.max_hours") == "✘ must be a number, got 'two'"
        assert "Training ✘" in shown(pilot, "#q-steps")
        assert any("modl" in n.message and "did you mean 'model'" in n.message for n in app._notifications)
        await pilot.press(*"200", "ctrl+n")
        assert screen.step == "training"
        await pilot.press("ctrl+n")
        assert screen.step == "training"                                # still blocked by its own field


@run_async
async def test_a_bad_answer_the_stages_do_not_ask_for_is_asked_until_fixed_and_stays(tutor: Tutor,
                                                                                     tmp_path: Path) -> None:
    app = from_file(tutor, tmp_path / "lambda.yaml", "name: lam\nstages: [training]\ninference: {memory_mb: lots}\n")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnaireScreen) and screen.step == "inference"
        rows = [row.question.path for row in screen.query("#page-inference .question") if row.display]
        assert rows == ["inference.memory_mb"]
        await pilot.press(*"2048")                                      # fixed: the question does not vanish
        assert screen.query_one("#row-inference-memory_mb").display and app.focused.id == "q-inference-memory_mb"
        await pilot.press("ctrl+n")
        assert screen.step == "network"
        await pilot.press("ctrl+p")
        assert screen.step == "inference"


@run_async
async def test_a_problem_only_the_knowledge_sees_opens_there_too(tutor: Tutor, tmp_path: Path) -> None:
    app = from_file(tutor, tmp_path / "region.yaml", "name: far\nstages: [training]\nregion: eu-wst-1\n")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnaireScreen) and screen.step == "stages"
        assert app.focused is screen.query_one(f"#{control_id('region')}")
        assert "is not a region where SageMaker runs (did you mean 'eu-west-1'" in problem_beside(pilot, "region")


@run_async
async def test_a_quit_keeps_a_draft_that_is_offered_on_the_next_start(tutor: Tutor) -> None:
    folder = tutor.store.path.parent
    app = create_app(tutor, questionnaire=start(tutor))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"half", "tab", "tab", "down", "space", "ctrl+n")
        draft = DraftStore(folder).load()                               # saved on the change of step: a crash
        assert draft is not None and draft.step == "data"               # now would lose nothing typed so far
        assert draft.answers["name"] == "half" and draft.answers["stages"] == ["training"]
        await pilot.press(*"77")                                        # being typed when the user quits
        await pilot.press("ctrl+q")
    draft = DraftStore(folder).load()
    assert draft is not None and draft.answers["data.size_gb"] == "77"

    again = create_app(tutor, questionnaire=start(tutor))
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, KeepOrDropScreen)
        await pilot.press("y")
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, QuestionnaireScreen) and screen.step == "data"
        assert screen.query_one(f"#{control_id('data.size_gb')}", Input).value == "77"
        assert screen.answers.values["name"] == "half"

    fresh = create_app(tutor, questionnaire=start(tutor))
    async with fresh.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = fresh.screen
        assert isinstance(screen, QuestionnaireScreen) and screen.step == "stages"
        assert screen.answers.values["name"] == "workload" and not (folder / DRAFT_FILE).exists()


@run_async
async def test_esc_or_ctrl_c_on_the_draft_offer_leaves_and_keeps_the_draft(tutor: Tutor) -> None:
    """Esc answered "no" to "Continue the questionnaire you left?", and no deletes the draft: a user's way out
    threw their answers away. Esc and Ctrl+C now leave, and the draft is offered again."""
    folder = tutor.store.path.parent
    app = create_app(tutor, questionnaire=start(tutor))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"kept", "ctrl+q")
    assert DraftStore(folder).load() is not None
    for key in ("escape", "ctrl+c"):
        again = create_app(tutor, bank_id="tiny")
        async with again.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("w")
            await settle(pilot)
            assert isinstance(again.screen, KeepOrDropScreen)
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(again.screen, HomeScreen), key
        draft = DraftStore(folder).load()
        assert draft is not None and draft.answers["name"] == "kept", key


@run_async
async def test_the_home_screen_opens_the_questionnaire_and_leaving_goes_back(tutor: Tutor) -> None:
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, QuestionnaireScreen)
        await pilot.press(*"x", "escape")                               # changed: leaving asks, the draft stays
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert DraftStore(tutor.store.path.parent).load() is not None


@run_async
async def test_ctrl_c_asks_as_esc_does_and_keeps_the_answers_as_a_draft(tutor: Tutor) -> None:
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press(*"x", "ctrl+c")  # a terminal user's way out: the leave question, not "press ctrl+q"
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # stay: the answer is still there
        await settle(pilot)
        assert isinstance(app.screen, QuestionnaireScreen)
        await pilot.press("ctrl+c", "y")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert DraftStore(tutor.store.path.parent).load() is not None


@run_async
async def test_home_says_the_questionnaire_is_opening_before_it_loads(tutor: Tutor,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    opened = AdvisorApp.on_home_screen_workload_wanted

    def opening(app: AdvisorApp, message: HomeScreen.WorkloadWanted) -> None:
        seen.append(str(app.screen.query_one("#bank-detail", Static).render()))  # what home shows meanwhile
        opened(app, message)

    monkeypatch.setattr(AdvisorApp, "on_home_screen_workload_wanted", opening)
    app = create_app(tutor, bank_id="tiny")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, QuestionnaireScreen)
        assert seen == ["Opening the workload questionnaire…"]


@run_async
async def test_why_and_every_export_from_the_result_screen(tutor: Tutor, clock: FrozenClock, tmp_path: Path) -> None:
    source = tmp_path / "fraud-detector.yaml"
    shutil.copy(FRAUD, source)
    out = tmp_path / "answers" / "fraud.yaml"
    app = create_app(tutor, questionnaire=start(tutor, answers=answers_from_file(source)[0], source=source, out=out))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")                                     # straight to the summary
        assert app.screen.query_one("#save-path", Input).value == str(out)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RecommendationScreen)
        rec = advisor_for(clock).recommend(load_workload(source, advisor_for(clock).knowledge))
        assert screen.rec == rec and load_workload(out, advisor_for(clock).knowledge) == load_workload(
            source, advisor_for(clock).knowledge)

        await pilot.press("w")
        trace = app.screen
        assert isinstance(trace, TraceScreen) and trace.shown == "notebook.family"
        assert shown(pilot, "#trace").startswith("notebook.family [notebook]:")
        await pilot.press("down")
        assert trace.shown == "training.family" and "train-xgboost-cpu selected" in shown(pilot, "#trace")
        await pilot.press("escape", "2", "w")
        assert isinstance(app.screen, TraceScreen) and app.screen.shown == "security.controls"
        await pilot.press("escape")

        expected = {"markdown": render(rec, "markdown"), "json": rec.model_dump_json(indent=2) + "\n"}
        for downs, fmt, suffix in [(0, "markdown", "-recommendation.md"), (1, "json", "-recommendation.json"),
                                   (2, "yaml", "-recommendation.yaml"), (3, "requests-json", "-requests.json"),
                                   (4, "requests-yaml", "-requests.yaml"), (5, "requests-python", "-requests.py")]:
            await pilot.press("x")
            assert isinstance(app.screen, ExportScreen)
            await pilot.press(*["down"] * downs)
            assert app.screen.query_one("#export-path", Input).value == str(out.parent / f"fraud-detector{suffix}")
            await pilot.press("enter")
            await settle(pilot)
            written = (out.parent / f"fraud-detector{suffix}").read_text()
            if fmt in expected:
                assert written == expected[fmt]
            elif fmt in ("requests-json", "requests-yaml"):
                data = yaml.safe_load(written)
                assert {"CreateTrainingJob", "CreateEndpointConfig", "placeholders"} <= set(data)
            elif fmt == "requests-python":
                assert written.startswith("#!/usr/bin/env python3") and "create_training_job" in written
        assert isinstance(app.screen, RecommendationScreen)

        await pilot.press("x", "enter")                                 # the Markdown file exists: ask first
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.press("x", "tab")                                   # a folder is never replaced: no question,
        app.screen.query_one("#export-path", Input).value = str(out.parent)  # the write says why at once
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecommendationScreen)
        notice = list(app._notifications)[-1]                          # its title is not said twice
        assert (notice.title, notice.message) == ("Cannot write", f"{out.parent}: it is a folder")
        await pilot.press("4")
        await settle(pilot)
        requests = shown(pilot, "#requests-body")
        assert "Fill in before sending" in requests and "CreateTrainingJob" in requests

        await pilot.press("e")                                          # back to the answers, as they were
        assert isinstance(app.screen, QuestionnaireScreen) and app.screen.step == "summary"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RecommendationScreen)            # saved again without asking: it is ours
        await pilot.press("escape")                                     # the questionnaire alone: leaving ends it
    assert app.return_code == 0


@run_async
async def test_a_blank_questionnaire_opens_with_its_stages_still_to_choose_not_wrong(tutor: Tutor) -> None:
    """What a first-time user sees: the stages step is not marked ✘ before anything was done; Next says what
    to answer, and only then marks it."""
    app = create_app(tutor, questionnaire=start(tutor))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnaireScreen) and screen.step == "stages"
        assert "✘" not in shown(pilot, "#q-steps") and problem_beside(pilot, "stages") == ""
        assert shown(pilot, "#q-message").strip() == "To go on, answer stages: choose at least one stage."
        await pilot.press("ctrl+n")
        assert screen.step == "stages"
        assert "Stages ✘" in shown(pilot, "#q-steps")
        assert problem_beside(pilot, "stages") == "✘ choose at least one stage"
        assert "Fix the field marked ✘ (stages)" in shown(pilot, "#q-message")
        assert "Ctrl+P" not in shown(pilot, "#q-message")              # nothing comes before the first step


@run_async
async def test_choosing_an_llm_brings_its_usual_algorithm_not_a_contradiction(tutor: Tutor) -> None:
    """The algorithm shown (xgboost, the field's default) is not the user's choice: choosing model.kind llm
    changes it to huggingface, as a workload file stating only the kind would, and Next goes on."""
    app = create_app(tutor, questionnaire=start(tutor, answers=Answers({"stages": ["training"]})))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnaireScreen)
        await pilot.press("ctrl+n", "ctrl+n")
        assert screen.step == "model"
        algorithm = screen.query_one("#" + control_id("model.algorithm"), Select)
        assert algorithm.value == "xgboost"
        await pilot.press("tab", "enter", "down", "down", "enter")     # kind: tree_based -> deep_learning -> llm
        await pilot.pause()
        assert screen.answers.values["model.kind"] == "llm"
        assert algorithm.value == "huggingface" and problem_beside(pilot, "model.kind") == ""
        await pilot.press("ctrl+n")
        assert screen.step == "training"


@run_async
async def test_keys_typed_while_the_fields_are_built_reach_the_first_field_in_order(
        tutor: Tutor, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a busy machine the fields took seconds to appear and the keys typed meanwhile went nowhere: they are
    held and replayed into the first field once it has the focus, before the keys typed after them."""
    build = QuestionnaireScreen._build

    async def slow_build(screen: QuestionnaireScreen) -> None:
        for key in "my-":  # typed while the screen is shown but its fields are not there yet
            screen.app.post_message(events.Key(key, key))
        await asyncio.sleep(0.3)  # the app handles those keys meanwhile
        assert not screen.query(Input)
        await build(screen)

    monkeypatch.setattr(QuestionnaireScreen, "_build", slow_build)
    app = create_app(tutor, questionnaire=start(tutor))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"churn")
        await settle(pilot)
        assert app.focused is app.screen.query_one("#" + control_id("name"))
        assert app.screen.answers.values["name"] == "my-churn"  # the default, selected on focus, replaced


@run_async
async def test_next_typed_straight_after_an_answer_takes_that_answer(tutor: Tutor) -> None:
    """Keys as a quick typist (or a busy machine) delivers them, all queued before any is handled: the tick of
    Space, and the digits typed, are in the answers before Ctrl+N moves on."""
    app = create_app(tutor, questionnaire=start(tutor))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuestionnaireScreen)
        await pilot.press("tab", "tab", "down")                        # stages, on training
        for key, character in (("space", " "), ("ctrl+n", None)):
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert screen.answers.values["stages"] == ["training"] and screen.step == "data"
        for key, character in (("4", "4"), ("2", "2"), ("ctrl+n", None)):
            app.post_message(events.Key(key, character))
        await settle(pilot)
        assert screen.answers.values["data.size_gb"] == "42" and screen.step == "model"  # the default replaced


@run_async
async def test_an_unticked_stage_shows_an_empty_box_not_an_x_told_apart_by_colour(tutor: Tutor) -> None:
    """Textual draws an X in every box of the list, ticked or not, and colour alone told them apart: unreadable
    on a monochrome terminal or a copied screen. Ticking one draws its X."""
    app = create_app(tutor, questionnaire=start(tutor, answers=answers_from_file(FRAUD)[0]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        stages = app.screen.query_one(f"#{control_id('stages')}", SelectionList)

        def boxes() -> dict[str, str]:
            return {stages.get_option_at_index(i).value: stages.render_line(i).text[:3]
                    for i in range(stages.option_count)}

        chosen = set(stages.selected)
        assert chosen and len(chosen) < stages.option_count  # the case: some ticked, some not
        assert boxes() == {value: "▐X▌" if value in chosen else "▐ ▌" for value in boxes()}
        unticked = next(value for value in boxes() if value not in chosen)
        stages.select(unticked)
        await pilot.pause()
        assert boxes()[unticked] == "▐X▌"


@run_async
async def test_ctrl_s_is_named_for_what_it_does_on_the_screen_at_hand(tutor: Tutor) -> None:
    """"^s Recommend" showed on every step, where Ctrl+S goes to the summary; only there does it recommend."""
    app = create_app(tutor, questionnaire=start(tutor, answers=answers_from_file(FRAUD)[0]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        def ctrl_s() -> str:
            return app.screen.active_bindings["ctrl+s"].binding.description

        assert ctrl_s() == "Summary"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.step == "summary" and ctrl_s() == "Recommend"  # type: ignore[attr-defined]
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert ctrl_s() == "Summary"
