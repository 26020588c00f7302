"""`advisor questionnaire` as a user starts it: a --from file is read first, the TUI only in a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from advisor.cli import main
from advisor.tui.questionnaire import QuestionnaireStart

FRAUD = Path(__file__).resolve().parents[2] / "examples" / "workloads" / "fraud-detector.yaml"


@pytest.mark.parametrize(("text", "expected"), [
    (None, "bad.yaml: no such file"),
    ("stages: [training\n", "bad.yaml:2: malformed YAML"),
    ("[1, 2]\n", "a workload is a mapping of fields"),
])
def test_a_file_that_cannot_be_asked_about_is_a_plain_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            text: str | None, expected: str) -> None:
    bad = tmp_path / "bad.yaml"
    if text is not None:
        bad.write_text(text)
    assert main(["questionnaire", "--from", str(bad)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def test_an_out_that_is_a_folder_is_refused_before_any_question(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Not after the last answer, when the save fails."""
    assert main(["questionnaire", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"--out {tmp_path}: is a folder, not a file" in err and "interactive" not in err


def test_without_a_terminal_it_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["questionnaire", "--from", str(FRAUD)]) == 2
    assert "the questionnaire is interactive: run it in a terminal" in capsys.readouterr().err


def test_in_a_terminal_the_app_opens_on_the_file_and_the_data_folder(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[QuestionnaireStart] = []

    class FakeApp:
        return_code = 0

        def __init__(self, tutor: Any, questionnaire: QuestionnaireStart, settings: Any) -> None:
            assert tutor is None  # the questionnaire needs no quiz store
            started.append(questionnaire)

        def run(self) -> None:
            pass

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setattr("advisor.tui.app.create_app", FakeApp)
    bad = tmp_path / "bad.yaml"
    bad.write_text("stages: [training]\ndata: {size_gb: lots, sise_gb: 2}\n")
    out = tmp_path / "out.yaml"
    assert main(["questionnaire", "--from", str(bad), "--out", str(out), "--data-dir", str(tmp_path / "d")]) == 0
    [start] = started
    assert (start.source, start.out, start.data_dir) == (bad, out, tmp_path / "d")
    assert start.answers.problems() == {"data.size_gb": "must be a number, got 'lots'"}
    assert [p.field for p in start.left_out] == ["data.sise_gb"]


@pytest.mark.parametrize("database", ["newer", "corrupt", None])
def test_a_progress_database_that_cannot_be_used_does_not_block_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: str | None) -> None:
    """The questionnaire reads the quiz store for the theme only: a database from a newer version, a corrupt
    one or none at all never stops it (and none is created for it)."""
    import sqlite3

    from advisor.quiz.store import FILENAME, MIGRATIONS, Store

    folder = tmp_path / "d"
    if database == "newer":
        Store.open(folder).close()
        conn = sqlite3.connect(folder / FILENAME)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
        conn.close()
    elif database == "corrupt":
        folder.mkdir()
        (folder / FILENAME).write_bytes(b"\x00garbage" * 512)
    opened: list[Any] = []

    class FakeApp:
        return_code = 0

        def __init__(self, tutor: Any, questionnaire: QuestionnaireStart, settings: Any) -> None:
            opened.append(settings)

        def run(self) -> None:
            pass

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setattr("advisor.tui.app.create_app", FakeApp)
    assert main(["questionnaire", "--data-dir", str(folder)]) == 0
    assert opened == [None] if database in ("newer", None) else opened[0] is not None
    if database is None:
        assert not (folder / FILENAME).exists()
