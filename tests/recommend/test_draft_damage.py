"""A questionnaire draft that fails to load (nested too deep, a bad escape, not UTF-8, a huge number) is
renamed aside and the questionnaire starts without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.recommend.questions import DRAFT_FILE, DraftStore


@pytest.mark.parametrize("content", [
    b"answers: " + b"[" * 30_000,
    b'{"saved_at": "2026-11-24T10:00:00", "answers": {"a": "\\ud83d\\uZZZZ"}}',
    b"\xff\xfe not utf-8",
    b"saved_at: 2026-11-24T10:00:00\nanswers: {data.size_gb: .inf}\nstep: " + b"x" * 100 + b"\x1b[2J\n",
])
def test_a_damaged_draft_is_renamed_aside_and_loading_goes_on(tmp_path: Path, content: bytes) -> None:
    (tmp_path / DRAFT_FILE).write_bytes(content)
    store = DraftStore(tmp_path)
    draft = store.load()
    if draft is not None:  # the last one is a valid draft: its odd values are checked when the form uses them
        return
    assert store.notice and "was kept as" in store.notice
    assert not (tmp_path / DRAFT_FILE).exists()
    assert [p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith(DRAFT_FILE + ".unreadable")] == [content]
