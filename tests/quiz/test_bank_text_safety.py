"""Text from a bank reaches the screen escaped: ESC/OSC sequences in a bank cannot drive the terminal."""

from __future__ import annotations

from pathlib import Path

from advisor.quiz.bank import load_bank
from tests.support.quiz import question, write_bank


def test_control_sequences_in_bank_text_are_shown_escaped(tmp_path: Path) -> None:
    hostile = question("q-hostile-1", stem="Which one?\x1b]0;pwned\x07 \x1b[2J")
    hostile["options"][0]["text"] = "A\x1b[31m red"
    hostile["options"][1]["explanation"] = "Because\x9b1m."
    bank = load_bank(write_bank(tmp_path, [hostile]), use_cache=False)
    item = bank.items[0]
    shown = [item.stem, *(o.text for o in item.options), *(o.explanation for o in item.options)]
    assert not any(ch in text for text in shown for ch in "\x1b\x07\x9b")
    assert item.stem == "Which one?\\x1b]0;pwned\\x07 \\x1b[2J"
    assert item.options[0].text == "A\\x1b[31m red"
