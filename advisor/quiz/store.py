"""Quiz progress in SQLite: every answer committed as it is given, safe with two processes at once.

- WAL journal, synchronous=FULL and a busy timeout: a `kill -9` loses at most the question on screen, and
  a second process waits for the lock instead of failing; writes take the lock up front (BEGIN IMMEDIATE)
  so two writers never deadlock upgrading a read lock.
- `PRAGMA user_version` is the schema version; MIGRATIONS run in order, in one transaction. A database from
  a newer version of the program is refused untouched (StoreError), never "upgraded" backwards.
- A database SQLite calls corrupt ("not a database", "malformed") is renamed aside with a timestamp and a new
  one started; `Store.notice` says so, so the front door can tell the user. It is never deleted.
- A command that only reads (`quiz stats`) opens with `reading=True`: a data folder it cannot write (read-only
  file system, no permission) is then read through a private in-memory copy, never changed, and any write
  raises a plain StoreError instead of being lost silently; `Store.notice` says nothing can be saved.

Times are stored as UTC text of a fixed width, so they sort as text.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.atomic import os_cause
from advisor.errors import StoreError, printable

FILENAME = "progress.db"
BUSY_TIMEOUT_MS = 10_000

#: MIGRATIONS[n] takes the schema from version n to n + 1; append, never edit a released step.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            bank_id TEXT NOT NULL,
            mode TEXT NOT NULL,
            seed INTEGER NOT NULL,
            exam_code TEXT,
            question_ids TEXT NOT NULL,
            started_at TEXT NOT NULL,
            deadline TEXT,
            finished_at TEXT)""",
        """CREATE TABLE attempts (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            bank_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            mode TEXT NOT NULL,
            response TEXT NOT NULL,
            correct INTEGER NOT NULL,
            partial REAL NOT NULL,
            answered_at TEXT NOT NULL)""",
        "CREATE INDEX attempts_by_question ON attempts(bank_id, question_id, answered_at)",
        """CREATE TABLE exam_responses (
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            question_id TEXT NOT NULL,
            response TEXT NOT NULL,
            flagged INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (session_id, question_id))""",
        """CREATE TABLE exam_results (
            session_id INTEGER PRIMARY KEY REFERENCES sessions(id),
            bank_id TEXT NOT NULL,
            exam_code TEXT NOT NULL,
            total INTEGER NOT NULL,
            correct INTEGER NOT NULL,
            scaled INTEGER NOT NULL,
            pass_mark INTEGER NOT NULL,
            partial REAL NOT NULL,
            domains TEXT NOT NULL,
            finished_at TEXT NOT NULL)""",
        """CREATE TABLE cards (
            bank_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            card TEXT NOT NULL,
            due TEXT NOT NULL,
            last_review TEXT NOT NULL,
            PRIMARY KEY (bank_id, question_id))""",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
)

_CORRUPT = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_NO_WRITE = (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM)
#: Why a folder cannot be created that means "you may not write here", not "this path is wrong".
_UNWRITABLE = {errno.EROFS, errno.EACCES, errno.EPERM}


#: An answer as stored: keys (a choice question's set, sorted; an ordering question's keys in the order given)
#: or, for matching, prompt key -> the right-column choice given.
Answer = tuple[str, ...] | dict[str, str]


def _dump_answer(response: Answer | Iterable[str]) -> str:
    """JSON of an answer; a set of keys is sorted (its order means nothing), a sequence kept in its order."""
    if isinstance(response, Mapping):
        return json.dumps(dict(sorted(response.items())))
    if isinstance(response, (set, frozenset)):
        return json.dumps(sorted(response))
    return json.dumps(list(response))


def _load_answer(text: str) -> Answer:
    value = json.loads(text)
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else tuple(value)


def stamp(moment: dt.datetime) -> str:
    """A timezone-aware time as fixed-width UTC text (sorts as text)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def unstamp(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class CardRow:
    card: dict[str, Any]
    due: dt.datetime
    last_review: dt.datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    bank_id: str
    question_id: str
    mode: str
    response: Answer
    correct: bool
    partial: float
    answered_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ExamRecord:
    session_id: int
    bank_id: str
    exam_code: str
    total: int
    correct: int
    scaled: int
    pass_mark: int
    partial: float
    domains: list[dict[str, Any]]
    finished_at: dt.datetime

    @property
    def passed(self) -> bool:
        return self.scaled >= self.pass_mark


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: int
    bank_id: str
    mode: str
    seed: int
    exam_code: str | None
    question_ids: list[str]
    started_at: dt.datetime
    deadline: dt.datetime | None
    finished_at: dt.datetime | None


class Store:
    """The progress database of one data folder. Open with `Store.open(folder)`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, notice: str | None = None, *,
                 read_only: bool = False) -> None:
        self._conn = conn
        self.path = path
        self.notice = notice
        self.read_only = read_only
        self._depth = 0
        self._lock = threading.RLock()  # the TUI reads in worker threads; one writer at a time per connection

    # ---- opening ------------------------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path, *, now: dt.datetime | None = None,
             migrations: Sequence[Sequence[str]] = MIGRATIONS, reading: bool = False) -> Store:
        """Open (creating, migrating, or moving a corrupt file aside) the progress database in `folder`.

        `reading`: the caller only reads, so a folder that cannot be written is opened read-only (see the module
        docstring) instead of refused."""
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # private whatever the umask
        except OSError as exc:
            if reading and exc.errno in _UNWRITABLE:
                return cls._read_only(folder, migrations, f"the data folder {folder} cannot be created "
                                                          f"({exc.strerror or exc})")
            raise StoreError(f"cannot create the data folder {folder} ({os_cause(exc, folder)})",
                             hint="choose a writable folder with --data-dir or ADVISOR_DATA_DIR") from None
        if not os.access(folder, os.W_OK | os.X_OK):
            if reading:
                return cls._read_only(folder, migrations, f"the data folder {folder} is not writable")
            raise StoreError(f"the data folder {folder} is not writable",
                             hint="choose a writable folder with --data-dir or ADVISOR_DATA_DIR, or run a "
                                  "command that only reads (advisor quiz stats)")
        path = folder / FILENAME
        notice = None
        try:
            conn = _connect_checked(path, len(migrations))
        except sqlite3.DatabaseError as exc:
            if reading and _primary(exc) in _NO_WRITE:  # the file itself is read-only, or unopenable
                return cls._read_only(folder, migrations, f"the progress database {path} cannot be written ({exc})")
            if _primary(exc) not in _CORRUPT:
                raise _store_error(exc, path) from None
            moved = _move_aside(path, now or dt.datetime.now(dt.UTC))
            notice = (f"Your progress database {path} could not be read ({exc}); it was moved to {moved.name} "
                      "in the same folder and a new one was started. Nothing was deleted.")
            try:
                conn = _connect_checked(path, len(migrations))
            except sqlite3.DatabaseError as again:
                raise _store_error(again, path) from None
        store = cls(conn, path, notice)
        try:
            store._migrate(migrations)
            problem = _schema_problem(conn, migrations)
        except sqlite3.DatabaseError as exc:  # tables of another shape under the expected version
            problem = str(exc)
        except BaseException:
            conn.close()
            raise
        if problem is None:
            return store
        conn.close()
        moved = _move_aside(path, now or dt.datetime.now(dt.UTC))
        try:
            conn = _connect_checked(path, len(migrations))
        except sqlite3.DatabaseError as again:
            raise _store_error(again, path) from None
        store = cls(conn, path, f"Your progress database {path} is not one this program wrote ({problem}); it was "
                                f"moved to {moved.name} in the same folder and a new one was started. Nothing was "
                                "deleted.")
        try:
            store._migrate(migrations)
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def _read_only(cls, folder: Path, migrations: Sequence[Sequence[str]], why: str) -> Store:
        """The progress in `folder` read without writing a byte there: copied into memory (migrated there if it
        is older), so reads work as usual, and marked read-only, so every write is a plain error.

        Without a WAL file beside it the database file holds every answer, and SQLite's "immutable" mode reads it
        without creating anything; a WAL file left by a killed process is read through SQLite's read-only mode,
        which needs its shared-memory file to be there or creatable (else the file is read as it is)."""
        path = folder / FILENAME
        memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        try:
            found = path.exists()
            if found:
                _copy_read_only(path, memory, len(migrations))
            shown = "your progress is shown" if found else "there is no progress yet"
            store = cls(memory, path, f"{why}: {shown}, but nothing can be saved (use a writable --data-dir "
                                      "to practise)")
            store._migrate(migrations)
            problem = _schema_problem(memory, migrations)
        except sqlite3.DatabaseError as exc:
            memory.close()
            if _primary(exc) in _CORRUPT:
                raise StoreError(f"{path} is damaged and {why}, so it cannot be moved aside",
                                 hint="copy it somewhere writable, or use another --data-dir") from None
            raise _store_error(exc, path) from None
        except BaseException:
            memory.close()
            raise
        if problem is not None:
            memory.close()
            raise StoreError(f"{path} is not a progress database this program wrote ({problem})",
                             hint="use another --data-dir")
        store.read_only = True
        return store

    def _migrate(self, migrations: Sequence[Sequence[str]]) -> None:
        if self.version == len(migrations):
            return
        with self._write():
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if version < 0:  # checked on connecting; a file changed since is still not ours
                raise StoreError(f"{self.path} has schema version {version}, which this program never writes")
            if version > len(migrations):  # a newer program got here between our check and the lock
                raise StoreError(_future_message(self.path, version, len(migrations)))
            for number in range(version, len(migrations)):
                for statement in migrations[number]:
                    self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {number + 1}")

    @property
    def version(self) -> int:
        with self._readable("schema version"):
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _readable(self, what: str) -> Iterator[None]:
        """A row this program did not write (edited by hand, damaged) is a plain StoreError, not a crash; so is
        SQLite failing to read (a disk error, a lock kept too long)."""
        try:
            yield
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from None
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise StoreError(f"{self.path}: a stored {what} cannot be read ({printable(str(exc))[:200]})",
                             hint="move the file aside to start afresh (it is yours: nothing is deleted), "
                                  "or use another --data-dir") from None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (re-entrant: nested calls join the outer one), committed on exit."""
        if self.read_only:
            raise StoreError(f"nothing can be saved: {self.notice or f'{self.path} is open read-only'}",
                             hint="choose a writable folder with --data-dir or ADVISOR_DATA_DIR")
        with self._lock, self._transaction() as conn:
            yield conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self._depth:
            self._depth += 1
            try:
                yield self._conn
            finally:
                self._depth -= 1
            return
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise _store_error(exc, self.path) from None
        self._depth = 1
        try:
            yield self._conn
            self._conn.execute("COMMIT")
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, sqlite3.DatabaseError):
                raise _store_error(exc, self.path) from None
            raise
        finally:
            self._depth = 0

    def _rollback(self) -> None:
        try:
            self._conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # SQLite already rolled back (after a full disk, for instance)

    transaction = _write

    # ---- sessions and answers -----------------------------------------------------------------------------

    def start_session(self, bank_id: str, mode: str, seed: int, question_ids: Sequence[str],
                      started_at: dt.datetime, deadline: dt.datetime | None, exam_code: str | None) -> int:
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO sessions (bank_id, mode, seed, exam_code, question_ids, started_at, deadline) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (bank_id, mode, seed, exam_code, json.dumps(list(question_ids)), stamp(started_at),
                 stamp(deadline) if deadline else None))
            return int(cursor.lastrowid or 0)

    def finish_session(self, session_id: int, at: dt.datetime) -> None:
        with self._write() as conn:
            conn.execute("UPDATE sessions SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
                         (stamp(at), session_id))

    def record_attempt(self, session_id: int, bank_id: str, question_id: str, mode: str,
                       response: Answer | Iterable[str], correct: bool, partial: float, at: dt.datetime,
                       card: CardRow | None) -> None:
        """One answer and the question's new schedule, in one transaction."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO attempts (session_id, bank_id, question_id, mode, response, correct, partial, answered_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, bank_id, question_id, mode, _dump_answer(response), int(correct), partial,
                 stamp(at)))
            if card is not None:
                conn.execute(
                    "INSERT INTO cards (bank_id, question_id, card, due, last_review) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (bank_id, question_id) DO UPDATE SET card = excluded.card, due = excluded.due, "
                    "last_review = excluded.last_review",
                    (bank_id, question_id, json.dumps(card.card), stamp(card.due), stamp(card.last_review)))

    def save_exam_response(self, session_id: int, question_id: str, response: Answer | Iterable[str], flagged: bool,
                           at: dt.datetime) -> None:
        """An exam answer (or flag) as it stands now; the exam is scored from these when it finishes."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO exam_responses (session_id, question_id, response, flagged, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, question_id) DO UPDATE SET "
                "response = excluded.response, flagged = excluded.flagged, updated_at = excluded.updated_at",
                (session_id, question_id, _dump_answer(response), int(flagged), stamp(at)))

    def record_exam_result(self, session_id: int, bank_id: str, exam_code: str, total: int, correct: int,
                           scaled: int, pass_mark: int, partial: float, domains: list[dict[str, Any]],
                           at: dt.datetime) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO exam_results (session_id, bank_id, exam_code, total, correct, scaled, "
                "pass_mark, partial, domains, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, bank_id, exam_code, total, correct, scaled, pass_mark, partial, json.dumps(domains),
                 stamp(at)))

    # ---- reading ------------------------------------------------------------------------------------------

    def cards(self, bank_id: str) -> dict[str, CardRow]:
        with self._readable("card"):
            rows = self._conn.execute("SELECT question_id, card, due, last_review FROM cards WHERE bank_id = ?",
                                      (bank_id,))
            return {qid: CardRow(json.loads(card), unstamp(due), unstamp(last)) for qid, card, due, last in rows}

    def attempts(self, bank_id: str | None = None) -> list[Attempt]:
        sql = "SELECT bank_id, question_id, mode, response, correct, partial, answered_at FROM attempts"
        args: tuple[Any, ...] = ()
        if bank_id is not None:
            sql += " WHERE bank_id = ?"
            args = (bank_id,)
        with self._readable("answer"):
            rows = self._conn.execute(sql + " ORDER BY answered_at, id", args)
            return [Attempt(b, q, m, _load_answer(r), bool(c), p, unstamp(a)) for b, q, m, r, c, p, a in rows]

    def last_outcomes(self, bank_id: str) -> dict[str, bool]:
        """Question id -> whether its latest answer was right."""
        return {a.question_id: a.correct for a in self.attempts(bank_id)}

    def exam_results(self, bank_id: str | None = None) -> list[ExamRecord]:
        sql = ("SELECT session_id, bank_id, exam_code, total, correct, scaled, pass_mark, partial, domains, "
               "finished_at FROM exam_results")
        args: tuple[Any, ...] = ()
        if bank_id is not None:
            sql += " WHERE bank_id = ?"
            args = (bank_id,)
        with self._readable("exam result"):
            rows = self._conn.execute(sql + " ORDER BY finished_at, session_id", args)
            return [ExamRecord(s, b, e, t, c, sc, pm, p, json.loads(d), unstamp(f))
                    for s, b, e, t, c, sc, pm, p, d, f in rows]

    def session(self, session_id: int) -> SessionRow | None:
        with self._readable("session"):
            row = self._conn.execute(
                "SELECT id, bank_id, mode, seed, exam_code, question_ids, started_at, deadline, finished_at "
                "FROM sessions WHERE id = ?", (session_id,)).fetchone()
            return _session_row(row) if row else None

    def unfinished_exam(self, bank_id: str) -> SessionRow | None:
        """The latest exam of a bank that was started and never finished (to resume it)."""
        with self._readable("session"):
            row = self._conn.execute(
                "SELECT id, bank_id, mode, seed, exam_code, question_ids, started_at, deadline, finished_at "
                "FROM sessions WHERE bank_id = ? AND mode = 'exam' AND finished_at IS NULL "
                "ORDER BY started_at DESC, id DESC LIMIT 1", (bank_id,)).fetchone()
            return _session_row(row) if row else None

    def exam_responses(self, session_id: int) -> dict[str, tuple[Answer, bool]]:
        with self._readable("exam answer"):
            rows = self._conn.execute(
                "SELECT question_id, response, flagged FROM exam_responses WHERE session_id = ?", (session_id,))
            return {qid: (_load_answer(response), bool(flagged)) for qid, response, flagged in rows}

    def setting(self, key: str) -> str | None:
        with self._readable("setting"):
            row = self._conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            return row[0] if row else None

    def set_setting(self, key: str, value: str | None) -> None:
        with self._write() as conn:
            if value is None:
                conn.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


# ---- helpers ---------------------------------------------------------------------------------------------

def _connect_checked(path: Path, latest: int) -> sqlite3.Connection:
    """Connect, refuse a future schema untouched, check integrity, then switch to WAL.

    A new database file is made 0600 first, whatever the umask (SQLite gives its WAL and shared-memory files
    the database's permissions): answers are nobody else's business."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError as error:
        raise StoreError(f"cannot create the progress database {path} ({os_cause(error, path)})",
                         hint="choose a writable folder with --data-dir or ADVISOR_DATA_DIR") from None
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > latest:
            raise StoreError(_future_message(path, version, latest),
                             hint="upgrade sagemaker-advisor, or use another --data-dir")
        if version < 0:  # no version of ours is negative: another program's file, left as it is
            raise StoreError(f"{path} has schema version {version}, which this program never writes: it is not a "
                             "progress database of ours, and was left untouched",
                             hint="move it aside, or use another --data-dir")
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            exc = sqlite3.DatabaseError(f"integrity check failed: {check}")
            exc.sqlite_errorcode = sqlite3.SQLITE_CORRUPT
            raise exc
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def _copy_read_only(path: Path, memory: sqlite3.Connection, latest: int) -> None:
    """Copy the database at `path` into `memory` without writing anything beside it; a future schema is
    refused as in `_connect_checked`, a damaged file raises SQLite's corrupt error."""
    uri = path.resolve().as_uri()
    source = None
    if path.with_name(path.name + "-wal").exists():  # answers a killed process left in the WAL: read them too
        try:
            source = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
            source.execute("PRAGMA user_version").fetchone()
        except sqlite3.OperationalError:  # no shared-memory file, and none may be made: the file as it is
            source = None
    if source is None:  # no WAL: the file holds everything, and "immutable" reads it without a side file
        source = sqlite3.connect(uri + "?immutable=1", uri=True)
    try:
        version = source.execute("PRAGMA user_version").fetchone()[0]
        if version > latest:
            raise StoreError(_future_message(path, version, latest),
                             hint="upgrade sagemaker-advisor, or use another --data-dir")
        check = source.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            exc = sqlite3.DatabaseError(f"integrity check failed: {check}")
            exc.sqlite_errorcode = sqlite3.SQLITE_CORRUPT
            raise exc
        source.backup(memory)
    finally:
        source.close()


def _schema_problem(conn: sqlite3.Connection, migrations: Sequence[Sequence[str]]) -> str | None:
    """What differs between the file's tables and the ones the migrations make (None: the same).

    A valid SQLite file of another program, or of ours with tables edited by hand, would otherwise fail at the
    first query that meets the difference (exit 70)."""
    expected = sqlite3.connect(":memory:")
    try:
        for statements in migrations:
            for statement in statements:
                expected.execute(statement)
        want = _columns(expected)
    finally:
        expected.close()
    have = _columns(conn)
    for table, columns in want.items():
        if table not in have:
            return f"the table {table} is missing"
        if not set(columns) <= set(have[table]):
            return f"the table {table} lacks {', '.join(sorted(set(columns) - set(have[table])))}"
    return None


def _columns(conn: sqlite3.Connection) -> dict[str, list[str]]:
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%'")]
    return {t: [row[1] for row in conn.execute(f"PRAGMA table_info({_quoted(t)})")] for t in tables}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _future_message(path: Path, version: int, latest: int) -> str:
    return (f"{path} was written by a newer sagemaker-advisor (schema version {version}; this version reads up "
            f"to {latest}); it was left untouched")


def _move_aside(path: Path, now: dt.datetime) -> Path:
    """Rename the database (and its WAL and shared-memory files) to progress.db.corrupt-<time>."""
    suffix = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{suffix}")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{suffix}-{counter}")
        counter += 1
    try:
        os.replace(path, target)
        for extra in ("-wal", "-shm"):
            side = path.with_name(path.name + extra)
            if side.exists():
                os.replace(side, target.with_name(target.name + extra))
    except OSError as exc:
        raise StoreError(f"{path} is corrupt and could not be moved aside ({exc.strerror or exc})",
                         hint="move it away yourself, or use another --data-dir") from None
    return target


def _primary(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code: Python gives the extended one (SQLITE_IOERR_SHMSIZE, SQLITE_READONLY_DBMOVED)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


#: Free space below which a failed write is put down to a full disk (SQLite then often says "disk I/O error").
_NEARLY_FULL = 1024 * 1024


def _file_size_limit() -> int | None:
    """The process's file-size limit (ulimit -f) in bytes, None when there is none (or no way to ask)."""
    try:
        import resource  # deferred: POSIX only, and needed only to explain a failed write
    except ImportError:
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else soft


def _nearly_full(folder: Path) -> bool:
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):  # statvfs is POSIX only
        return False
    return stats.f_bavail * stats.f_frsize < _NEARLY_FULL


def _store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    """A failure of SQLite as a plain StoreError naming the file and the real cause: exit 2 when the user can
    fix the target (a folder that may not be written), 1 when the environment failed (full disk, I/O error, a
    lock another process keeps)."""
    code = _primary(exc)
    name = getattr(exc, "sqlite_errorname", None) or "SQLite error"
    if code in _NO_WRITE:
        return StoreError(f"cannot write the progress database {path} ({exc})",
                          hint="choose a writable folder with --data-dir or ADVISOR_DATA_DIR")
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        error = StoreError(f"the progress database {path} stayed locked by another process ({exc})",
                           hint="close the other advisor and try again")
    elif code in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR) and (limit := _file_size_limit()) is not None:
        error = StoreError(f"cannot write the progress database {path}: this process may not write files larger "
                           f"than {limit} bytes (ulimit -f) (SQLite: {exc}, {name})",
                           hint="raise the limit (ulimit -f unlimited); the answers saved so far are kept")
    elif code == sqlite3.SQLITE_FULL or (code == sqlite3.SQLITE_IOERR and _nearly_full(path.parent)):
        error = StoreError(f"cannot write the progress database {path}: the disk is full (SQLite: {exc}, {name})",
                           hint="free some space, or use a --data-dir on another disk; the answers saved so far "
                                "are kept")
    elif code == sqlite3.SQLITE_IOERR:
        error = StoreError(f"the disk failed while reading or writing the progress database {path} ({name})",
                           hint="check the disk; the answers saved so far are kept")
    else:
        return StoreError(f"the progress database {path} failed: {exc} ({name})")
    error.exit_code = 1
    return error


def _session_row(row: Sequence[Any]) -> SessionRow:
    sid, bank, mode, seed, exam, qids, started, deadline, finished = row
    return SessionRow(sid, bank, mode, seed, exam, json.loads(qids), unstamp(started),
                      unstamp(deadline) if deadline else None, unstamp(finished) if finished else None)
