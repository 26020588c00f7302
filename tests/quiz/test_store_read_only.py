"""A data folder the store cannot write: commands that only read still work, from a copy, and write nothing;
a write is a plain error. Root writes through permissions, so the folder is made unwritable the way the store
sees it (os.access, a mkdir refused with EROFS); the real chmod case runs for other users."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest

from advisor.errors import StoreError
from advisor.quiz import store as store_module
from advisor.quiz.store import FILENAME, MIGRATIONS, Store
from tests.support.quiz import START


def _progress(folder: Path) -> None:
    with Store.open(folder) as store:
        store.set_setting("exam_date", "2027-01-15")
        session = store.start_session("tiny", "practice", 1, ["q1"], START, None, None)
        store.record_attempt(session, "tiny", "q1", "practice", ["A"], True, 1.0, START, None)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


class Unwritable:
    """Call it to make every folder look unwritable to the store from then on."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch

    def __call__(self) -> None:
        self._monkeypatch.setattr(store_module.os, "access", lambda path, mode: False)


@pytest.fixture
def unwritable(monkeypatch: pytest.MonkeyPatch) -> Unwritable:
    return Unwritable(monkeypatch)


def test_reading_an_unwritable_folder_reads_a_copy_and_changes_nothing(tmp_path: Path, unwritable: Unwritable) -> None:
    _progress(tmp_path)
    unwritable()
    before = _snapshot(tmp_path)
    with Store.open(tmp_path, reading=True) as store:
        assert store.read_only
        assert store.notice is not None and "is not writable" in store.notice
        assert "your progress is shown, but nothing can be saved" in store.notice
        assert store.setting("exam_date") == "2027-01-15"
        assert [a.question_id for a in store.attempts("tiny")] == ["q1"]
        with pytest.raises(StoreError, match="nothing can be saved"):
            store.set_setting("exam_date", "2027-02-01")
        with pytest.raises(StoreError, match="nothing can be saved"):
            store.start_session("tiny", "practice", 1, [], START, None, None)
        assert store.setting("exam_date") == "2027-01-15"
    assert _snapshot(tmp_path) == before


def test_a_writer_is_still_refused_an_unwritable_folder(tmp_path: Path, unwritable: Unwritable) -> None:
    unwritable()
    with pytest.raises(StoreError, match="is not writable") as info:
        Store.open(tmp_path)
    assert "only reads" in (info.value.hint or "")


def test_reading_a_folder_that_cannot_be_created_is_an_empty_progress(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    folder = tmp_path / "not-yet"
    with Store.open(folder, reading=True) as store:
        assert store.notice is not None and "cannot be created (Read-only file system)" in store.notice
        assert "there is no progress yet" in store.notice
        assert store.attempts() == [] and store.version == len(MIGRATIONS)
    assert not folder.exists()


def test_reading_a_path_through_a_file_is_still_a_plain_error(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(StoreError) as info:
        Store.open(tmp_path / "a-file" / "data", reading=True)
    assert f"{tmp_path / 'a-file'} is a file, not a folder" in info.value.message


def test_reading_a_future_or_foreign_database_read_only_is_refused_untouched(tmp_path: Path,
                                                                             unwritable: Unwritable) -> None:
    conn = sqlite3.connect(tmp_path / FILENAME)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 3}")
    conn.close()
    unwritable()
    before = _snapshot(tmp_path)
    with pytest.raises(StoreError, match="newer sagemaker-advisor"):
        Store.open(tmp_path, reading=True)
    conn = sqlite3.connect(tmp_path / FILENAME)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("CREATE TABLE other (x)")
    conn.close()
    with pytest.raises(StoreError, match="not a progress database this program wrote"):
        Store.open(tmp_path, reading=True)
    (tmp_path / FILENAME).write_bytes(b"garbage" * 600)
    with pytest.raises(StoreError, match=r"damaged .* cannot be moved aside"):
        Store.open(tmp_path, reading=True)
    assert (tmp_path / FILENAME).read_bytes() == b"garbage" * 600
    assert set(_snapshot(tmp_path)) == set(before)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a read-only folder")
def test_a_real_read_only_folder_with_a_wal_left_behind_is_read(tmp_path: Path) -> None:
    _progress(tmp_path)
    conn = sqlite3.connect(tmp_path / FILENAME, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("UPDATE settings SET value = '2027-03-03'")  # left in the WAL: this connection stays open
    tmp_path.chmod(0o500)
    try:
        with Store.open(tmp_path, reading=True) as store:
            assert store.read_only and store.setting("exam_date") in {"2027-03-03", "2027-01-15"}
        conn.close()
        with Store.open(tmp_path, reading=True) as store:
            assert store.setting("exam_date") in {"2027-03-03", "2027-01-15"}
    finally:
        tmp_path.chmod(0o700)


def test_cli_reading_commands_work_and_a_write_is_a_plain_error(tmp_path: Path, unwritable: Unwritable,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    from advisor.cli import main

    _progress(tmp_path)
    unwritable()
    before = _snapshot(tmp_path)
    assert main(["quiz", "stats", "--data-dir", str(tmp_path), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "nothing can be saved" in captured.err and '"attempts"' in captured.out
    assert main(["quiz", "exam-date", "--data-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == "exam date: 2027-01-15"
    assert main(["quiz", "exam-date", "2027-05-05", "--data-dir", str(tmp_path)]) == 2
    assert "is not writable" in capsys.readouterr().err
    assert main(["quiz", "practice", "--data-dir", str(tmp_path)]) == 2
    assert _snapshot(tmp_path) == before


def test_a_negative_schema_version_is_refused_untouched(tmp_path: Path) -> None:
    """No version of ours is negative (it crashed the migration with an IndexError, exit 70)."""
    conn = sqlite3.connect(tmp_path / FILENAME)
    conn.execute("PRAGMA user_version = -5")
    conn.close()
    before = _snapshot(tmp_path)
    with pytest.raises(StoreError, match="schema version -5, which this program never writes"):
        Store.open(tmp_path)
    assert _snapshot(tmp_path) == before
