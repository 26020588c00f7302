"""Nothing a user supplies reaches the terminal raw, on any screen: a bank, a workload file, a draft or a path
with ESC/OSC/CSI sequences (or text that looks like markup) is drawn escaped, never obeyed, never a crash.

What reaches the terminal is read where Textual composes it: every segment of text of the current screen,
notifications included (Textual turns them off in tests unless asked)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from textual.app import App
from textual.pilot import Pilot

from advisor.quiz.store import FILENAME
from advisor.quiz.tutor import Tutor
from advisor.recommend.questions import DRAFT_FILE, answers_from_file
from advisor.tui.app import create_app
from advisor.tui.dialogs import ConfirmScreen, KeepOrDropScreen
from advisor.tui.question import QuestionScreen
from advisor.tui.questionnaire import QuestionnaireScreen, QuestionnaireStart
from advisor.tui.results import ResultScreen
from tests.support.quiz import FrozenClock, matching, ordering, question, write_bank
from tests.tui.keys import answer_keys, run_async, screen_text

SIZE = (120, 50)
EVIL = "\x1b]0;pwned\x07\x1b[2J\x9b31m[/b]"  # sets the title, clears the screen, 8-bit CSI, a closing markup tag
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def raw_controls(app: App[Any]) -> list[str]:
    """Text of the current screen that holds a control character (Textual's own escape codes are not text)."""
    found = [segment.text for strip in app.screen._compositor.render_strips() for segment in strip
             if segment.control is None and RAW.search(segment.text)]
    found += [t for t in (app.title, app.sub_title, app.screen.title, app.screen.sub_title) if t and RAW.search(t)]
    return found


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()  # a notification's toast is mounted on the next turn


def hostile_bank(folder: Path) -> None:
    single = question("q-evil-1", stem=f"Which one{EVIL}?")
    single["section"] = f"Section{EVIL}"
    single["source"] = f"source{EVIL}"
    single["options"][0]["text"] = f"option{EVIL}"
    single["options"][1]["explanation"] = f"explanation{EVIL}"
    pairs = matching("q-evil-2")
    pairs["stem"] = f"Match{EVIL}"
    pairs["options"][0]["match"] = f"Choice{EVIL}"
    pairs["distractors"] = [f"distractor{EVIL}"]
    steps = ordering("q-evil-3")
    steps["options"][0]["text"] = f"Step{EVIL}"
    path = write_bank(folder, [single, pairs, steps], bank_id="evil")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(title=f"Evil bank{EVIL}", description=f"About{EVIL}", source=f"from{EVIL}")
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@run_async
async def test_a_bank_with_escape_sequences_never_reaches_the_terminal_raw(tmp_path: Path) -> None:
    hostile_bank(tmp_path / "banks")
    tutor = Tutor.open(tmp_path / "data", clock=FrozenClock(), banks_dir=tmp_path / "banks")
    try:
        app = create_app(tutor, bank_id="evil")
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            assert raw_controls(app) == [] and "Evil bank" in screen_text(app)
            await pilot.press("p")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, QuestionScreen)
            for _ in range(len(screen.session.slots)):
                assert raw_controls(app) == []
                await pilot.press(*answer_keys(screen.session, False), "enter")  # wrong: every explanation shows
                await settle(pilot)
                assert raw_controls(app) == []
                await pilot.press("enter")
                await settle(pilot)
            assert isinstance(app.screen, ResultScreen)
            text = screen_text(app)
            assert raw_controls(app) == [] and "\\x1b]0;pwned" in text  # shown, escaped
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("s")  # stats: the bank's topics and sections
            await settle(pilot)
            assert raw_controls(app) == []
    finally:
        tutor.close()


@run_async
async def test_a_workload_file_with_escape_sequences_and_markup_is_shown_escaped(tmp_path: Path) -> None:
    source = tmp_path / "evil.yaml"
    escaped = EVIL.replace("\x1b", "\\e").replace("\x07", "\\a").replace("\x9b", "\\x9b")
    source.write_text(f'name: "evil{escaped}"\nregion: "us-east-1{escaped}"\nstages: [training]\n'
                      f'data: {{kind: "[/x]{escaped}"}}\n"unknown{escaped}": 1\n', encoding="utf-8")
    answers, left_out = answers_from_file(source)
    tutor = Tutor.open(tmp_path / "data", clock=FrozenClock())
    try:
        start = QuestionnaireStart(data_dir=tmp_path / "data", answers=answers, source=source,
                                   left_out=tuple(left_out))
        app = create_app(tutor, questionnaire=start)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, QuestionnaireScreen)
            assert raw_controls(app) == []
            assert "Left out of the answers" in screen_text(app)  # the notification, with the file's key escaped
            for _ in range(3):  # the data step's choice: its prompt is markup to Textual
                await pilot.press("ctrl+n")
                await settle(pilot)
                assert raw_controls(app) == []
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmScreen) and raw_controls(app) == []
    finally:
        tutor.close()


@run_async
async def test_a_draft_and_a_data_folder_with_escape_sequences_are_shown_escaped(tmp_path: Path) -> None:
    folder = tmp_path / f"data{EVIL.replace('/', '-')}"  # a folder's name is user input too
    folder.mkdir()
    (folder / FILENAME).write_bytes(b"not a database" * 100)  # moved aside: the notice names the folder
    (folder / DRAFT_FILE).write_text(yaml.safe_dump({
        "step": "data", "saved_at": "2026-11-24T09:00:00Z", "source": f"/tmp/from{EVIL}.yaml",
        "answers": {"name": f"draft{EVIL}", "stages": ["training"]}}), encoding="utf-8")
    tutor = Tutor.open(folder, clock=FrozenClock())
    try:
        assert tutor.store.notice is not None
        app = create_app(tutor, questionnaire=QuestionnaireStart(data_dir=folder))
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, KeepOrDropScreen)  # the draft is offered, naming its workload
            assert raw_controls(app) == [] and "Continue the questionnaire" in screen_text(app)
            await pilot.press("y")
            await settle(pilot)
            assert raw_controls(app) == []
        app = create_app(tutor)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            assert "Progress database" in screen_text(app) and raw_controls(app) == []
    finally:
        tutor.close()


@run_async
async def test_a_notification_is_plain_text_never_markup(tmp_path: Path) -> None:
    tutor = Tutor.open(tmp_path / "data", clock=FrozenClock())
    try:
        app = create_app(tutor)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            app.notify(f"/tmp/[/bold]{EVIL}", title=f"Title{EVIL}")  # read as markup, it would stop the app
            await settle(pilot)
            text = screen_text(app)
            assert "/tmp/[/bold]\\x1b]0;pwned" in text and "Title\\x1b" in text and raw_controls(app) == []
    finally:
        tutor.close()
