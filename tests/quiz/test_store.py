"""advisor.quiz.store: versioned schema, every answer committed, two processes at once, corrupt and future files."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from advisor.errors import StoreError
from advisor.quiz.store import FILENAME, MIGRATIONS, Store
from tests.support.quiz import START

ROOT = Path(__file__).resolve().parents[2]


def test_a_new_database_is_at_the_latest_version_in_wal_mode(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        assert store.version == len(MIGRATIONS)
        assert store.notice is None
        assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migrations_run_in_order_and_keep_data(tmp_path: Path) -> None:
    first = (("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)", "INSERT INTO notes (text) VALUES ('kept')"),)
    second = (*first, ("ALTER TABLE notes ADD COLUMN extra TEXT DEFAULT 'new'",))
    with Store.open(tmp_path, migrations=first) as store:
        assert store.version == 1
    with Store.open(tmp_path, migrations=second) as store:
        assert store.version == 2
        assert store._conn.execute("SELECT text, extra FROM notes").fetchall() == [("kept", "new")]


def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.set_setting("theme", "textual-light")
    conn = sqlite3.connect(tmp_path / FILENAME)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    before = (tmp_path / FILENAME).read_bytes()
    with pytest.raises(StoreError) as info:
        Store.open(tmp_path)
    assert "written by a newer sagemaker-advisor" in info.value.message
    assert "left untouched" in info.value.message
    assert (tmp_path / FILENAME).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILENAME]


def test_a_corrupt_database_is_moved_aside_never_deleted(tmp_path: Path) -> None:
    junk = b"this is not a database, but it is somebody's file\n" * 100
    (tmp_path / FILENAME).write_bytes(junk)
    with Store.open(tmp_path, now=START) as store:
        assert store.notice is not None
        assert "moved to progress.db.corrupt-20261124T090000Z" in store.notice
        assert "Nothing was deleted" in store.notice
        store.set_setting("theme", "textual-dark")  # the new database works
    assert (tmp_path / "progress.db.corrupt-20261124T090000Z").read_bytes() == junk
    with Store.open(tmp_path, now=START) as again:  # and is not moved aside the next time
        assert again.notice is None and again.setting("theme") == "textual-dark"


def test_an_unusable_data_folder_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create the data folder") as info:
        Store.open(blocker / "data")
    assert "--data-dir" in (info.value.hint or "")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into a read-only folder")
def test_a_read_only_data_folder_is_a_store_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="not writable"):
            Store.open(folder)
    finally:
        folder.chmod(0o700)


ANSWERING = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from advisor.quiz.tutor import Tutor
    sys.path.insert(0, {root!r})
    from tests.support.quiz import FrozenClock
    tutor = Tutor.open(Path(sys.argv[1]), clock=FrozenClock(), banks_dir=Path(sys.argv[2]))
    bank = tutor.bank("tiny")
    session = tutor.practice(bank, count=None, seed=5)
    for n in range(3):
        slot = session.current
        for key in sorted(slot.item.correct_keys):
            session.toggle(slot.order.index(key))
        tutor.submit(session)
        print("ANSWERED", n + 1, flush=True)
        session.go(1)
    session.toggle(0)  # the question on screen: chosen, not submitted
    print("WAITING", flush=True)
    time.sleep(60)
""")


@pytest.mark.slow
def test_kill_minus_nine_loses_only_the_question_on_screen(tmp_path: Path, banks_dir: Path) -> None:
    script = tmp_path / "answer.py"
    script.write_text(ANSWERING.format(root=str(ROOT)))
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "data"), str(banks_dir)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    lines = [proc.stdout.readline().strip() for _ in range(4)]
    assert lines[-1] == "WAITING", lines
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    with Store.open(tmp_path / "data") as store:
        attempts = store.attempts("tiny")
        assert len(attempts) == 3 and all(a.correct for a in attempts)
        assert len(store.cards("tiny")) == 3


WRITER = textwrap.dedent("""
    import datetime as dt, sys
    from pathlib import Path
    from advisor.quiz.store import Store
    store = Store.open(Path(sys.argv[1]))
    start = dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc)
    session = store.start_session("tiny", "practice", 1, [], start, None, None)
    for n in range(int(sys.argv[2])):
        store.record_attempt(session, "tiny", f"{sys.argv[3]}-{n}", "practice", ["A"], True, 1.0,
                             start + dt.timedelta(seconds=n), None)
    store.close()
""")


@pytest.mark.slow
def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    Store.open(tmp_path / "data").close()
    procs = [subprocess.Popen([sys.executable, str(script), str(tmp_path / "data"), "150", name])
             for name in ("first", "second")]
    deadline = time.monotonic() + 120
    for proc in procs:
        assert proc.wait(timeout=max(1, deadline - time.monotonic())) == 0
    with Store.open(tmp_path / "data") as store:
        ids = [a.question_id for a in store.attempts("tiny")]
    assert len(ids) == 300 and len(set(ids)) == 300
