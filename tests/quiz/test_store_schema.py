"""A progress database of the wrong shape is moved aside (kept, never deleted) and a new one started."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from advisor.quiz.store import FILENAME, MIGRATIONS, Store


def _foreign(path: Path, version: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE something_else (x INTEGER)")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()


def test_a_valid_sqlite_file_of_another_shape_is_moved_aside(tmp_path: Path) -> None:
    _foreign(tmp_path / FILENAME, len(MIGRATIONS))  # claims our latest version, has none of our tables
    with Store.open(tmp_path) as store:
        assert store.notice and "moved to" in store.notice and "Nothing was deleted" in store.notice
        assert store.version == len(MIGRATIONS)
    kept = [p for p in tmp_path.iterdir() if p.name.startswith(FILENAME + ".corrupt")]
    assert kept, "the foreign file is kept"


def test_our_own_tables_with_a_column_dropped_are_moved_aside(tmp_path: Path) -> None:
    with Store.open(tmp_path):
        pass
    conn = sqlite3.connect(tmp_path / FILENAME)
    table = conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'").fetchone()[0]
    conn.execute(f"ALTER TABLE {table} RENAME TO old_{table}")
    conn.execute(f"CREATE TABLE {table} (only_this INTEGER)")
    conn.commit()
    conn.close()
    with Store.open(tmp_path) as store:
        assert store.notice and "not one this program wrote" in store.notice


def test_a_healthy_store_opens_without_notice(tmp_path: Path) -> None:
    with Store.open(tmp_path):
        pass
    with Store.open(tmp_path) as store:
        assert store.notice is None


def test_garbage_rows_are_a_plain_store_error_and_a_garbage_setting_is_ignored(tmp_path: Path) -> None:
    import pytest

    from advisor.errors import StoreError
    from advisor.quiz.tutor import EXAM_DATE_KEY, Tutor

    with Store.open(tmp_path) as store:
        store.set_setting(EXAM_DATE_KEY, "not-a-date")
    tutor = Tutor.open(tmp_path)
    try:
        assert tutor.exam_date is None
    finally:
        tutor.close()
    conn = sqlite3.connect(tmp_path / FILENAME)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(cards)")]
    values = {"bank_id": "b", "question_id": "q", "card": "{broken json", "due": "never", "last_review": "never"}
    conn.execute(f"INSERT INTO cards ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                 [values.get(c) for c in columns])
    conn.commit()
    conn.close()
    with Store.open(tmp_path) as store, pytest.raises(StoreError, match="a stored card cannot be read"):
        store.cards("b")
