"""The yes/no dialogs answer with their own result types: a confirmation is True or False, never None (Esc is
no); the draft's keep-or-drop question is True, False, or None when the user leaves without deciding."""

from __future__ import annotations

import pytest
from textual.app import App

from advisor.tui.dialogs import ConfirmScreen, KeepOrDropScreen, YesNoScreen
from tests.tui.keys import run_async


class Asker(App[None]):
    """Pushes one dialog and keeps what it was dismissed with."""

    def __init__(self, dialog: YesNoScreen[bool] | YesNoScreen[bool | None]) -> None:
        super().__init__()
        self.dialog = dialog
        self.answers: list[bool | None] = []

    def on_mount(self) -> None:
        self.push_screen(self.dialog, self.answers.append)


@pytest.mark.parametrize(("make", "key", "answer"), [
    (ConfirmScreen, "y", True), (ConfirmScreen, "n", False), (ConfirmScreen, "escape", False),
    (KeepOrDropScreen, "y", True), (KeepOrDropScreen, "n", False), (KeepOrDropScreen, "escape", None),
    (KeepOrDropScreen, "ctrl+c", None),
])
@run_async
async def test_each_key_gives_the_dialogs_own_answer(make: type[ConfirmScreen] | type[KeepOrDropScreen], key: str,
                                                      answer: bool | None) -> None:
    app = Asker(make("Replace it?"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, make)
        await pilot.press(key)
        await pilot.pause()
        assert app.answers == [answer] and not isinstance(app.screen, YesNoScreen)


@pytest.mark.parametrize(("make", "keys"), [(ConfirmScreen, "y yes    n no"),
                                            (KeepOrDropScreen, "y yes    n no    esc leave, deciding later")])
@run_async
async def test_the_dialog_shows_its_question_and_the_keys_that_answer_it(
        make: type[ConfirmScreen] | type[KeepOrDropScreen], keys: str) -> None:
    app = Asker(make("Replace \x1b[31mresults.json\x1b[0m?"))  # a path is shown, its control bytes never obeyed
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        texts = [str(w.render()) for w in app.screen.query("Static")]
        assert keys in texts and all("\x1b" not in t for t in texts)
        assert any("Replace" in t and "results.json" in t for t in texts)
