"""Every OSError and SQLite failure a user can meet names the path and the real cause, with exit 2 (a wrong
target) or 1 (the environment), never 70: the system's own words mislead ("File exists" for a parent that is a
file, "disk I/O error" for a full disk or a file-size limit), so they are translated."""

from __future__ import annotations

import errno
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.atomic import os_cause
from advisor.cli import main
from advisor.errors import StoreError
from advisor.quiz import store as store_module
from advisor.quiz.store import Store

ROOT = Path(__file__).resolve().parents[1]


# ---- the words -------------------------------------------------------------------------------------------

def test_os_cause_names_the_file_in_the_way_and_the_real_cause(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file")
    deep = blocker / "sub" / "out.yaml"
    assert os_cause(FileExistsError(errno.EEXIST, "File exists"), deep) == f"{blocker} is a file, not a folder"
    assert os_cause(NotADirectoryError(errno.ENOTDIR, "Not a directory"), deep) == f"{blocker} is a file, not a folder"
    assert os_cause(OSError(errno.ENOSPC, "No space left on device"), tmp_path / "x") == "the disk is full"
    assert "ulimit -f" in os_cause(OSError(errno.EFBIG, "File too large"), tmp_path / "x")
    assert os_cause(OSError(errno.EROFS, "Read-only file system"), tmp_path / "x") == "the file system is read-only"
    assert os_cause(IsADirectoryError(errno.EISDIR, "Is a directory"), tmp_path) == "it is a folder"


def _file_size_limit() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))


def _limited(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command with a 16 KiB file-size limit (`ulimit -f`): a full disk without a mount."""
    return subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True, text=True, timeout=120,
                          env=os.environ.copy(), preexec_fn=_file_size_limit, cwd=ROOT)


# ---- user files ----------------------------------------------------------------------------------------------

def test_an_export_past_the_file_size_limit_is_exit_1_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "bank.yaml"
    result = _limited("quiz", "export", "chapter09", "--out", str(out))
    assert result.returncode == 1, result.stderr
    assert f"Cannot write: {out}: the file is larger than this system allows" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no half-written file, no temporary left behind


def test_a_baseline_written_to_a_folder_or_under_a_file_is_exit_2(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    template = str(ROOT / "examples" / "audit" / "sagemaker-stack.yaml")
    assert main(["audit", template, "--write-baseline", str(tmp_path)]) == 2
    assert f"Cannot write: {tmp_path}: it is a folder\n" in capsys.readouterr().err  # "cannot write" said once
    (tmp_path / "file").write_text("x")
    assert main(["audit", template, "--write-baseline", str(tmp_path / "file" / "b.json")]) == 2
    assert f"{tmp_path / 'file'} is a file, not a folder" in capsys.readouterr().err


def test_kb_schemas_into_a_folder_where_a_schema_is_a_folder_is_exit_2(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "workload.schema.json").mkdir()
    assert main(["kb", "schemas", "--out", str(tmp_path)]) == 2
    assert "workload.schema.json: it is a folder" in capsys.readouterr().err


# ---- the progress store --------------------------------------------------------------------------------------

def test_the_store_past_the_file_size_limit_says_so_with_exit_1(tmp_path: Path) -> None:
    result = _limited("quiz", "exam-date", "2027-01-15", "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 1, result.stderr
    assert "may not write files larger than 16384 bytes (ulimit -f)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("code", [sqlite3.SQLITE_FULL, 4874])  # 4874: SQLITE_IOERR_SHMSIZE, what a full tmpfs gives
def test_a_full_disk_under_the_store_says_the_disk_is_full(code: int, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "_file_size_limit", lambda: None)
    monkeypatch.setattr(store_module, "_nearly_full", lambda folder: True)
    failure = sqlite3.OperationalError("disk I/O error")
    failure.sqlite_errorcode = code
    error = store_module._store_error(failure, tmp_path / "progress.db")
    assert "the disk is full" in error.message and str(tmp_path / "progress.db") in error.message
    assert error.exit_code == 1


def test_a_disk_error_with_room_left_is_called_a_disk_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "_file_size_limit", lambda: None)
    monkeypatch.setattr(store_module, "_nearly_full", lambda folder: False)
    failure = sqlite3.OperationalError("disk I/O error")
    failure.sqlite_errorcode = sqlite3.SQLITE_IOERR
    error = store_module._store_error(failure, tmp_path / "progress.db")
    assert "the disk failed" in error.message and error.exit_code == 1


def test_a_data_folder_under_a_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the folder should be")
    with pytest.raises(StoreError) as info:
        Store.open(tmp_path / "data" / "progress")
    assert f"{tmp_path / 'data'} is a file, not a folder" in info.value.message
    assert "File exists" not in info.value.message and info.value.exit_code == 2


def test_a_read_that_sqlite_fails_is_a_store_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(tmp_path) as store:
        class Failing:
            def execute(self, *args: object) -> None:
                failure = sqlite3.OperationalError("database is locked")
                failure.sqlite_errorcode = sqlite3.SQLITE_BUSY
                raise failure

        real = store._conn
        store._conn = Failing()  # type: ignore[assignment]
        try:
            with pytest.raises(StoreError, match="stayed locked by another process"):
                store.attempts()
            with pytest.raises(StoreError):
                store.setting("theme")
        finally:
            store._conn = real


def test_a_new_progress_database_is_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        Store.open(tmp_path / "data").close()
    finally:
        os.umask(old)
    assert (tmp_path / "data" / "progress.db").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700


# ---- reads ---------------------------------------------------------------------------------------------------

def test_rules_with_a_folder_or_an_endless_file_for_a_decision_are_located_problems(
        rules_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (rules_copy / "decisions" / "folder.yaml").mkdir()
    (rules_copy / "decisions" / "zero.yaml").symlink_to("/dev/zero")
    assert main(["kb", "validate", str(rules_copy)]) == 2
    err = capsys.readouterr().err
    assert "decisions/folder.yaml: is a folder, not a file" in err
    assert "decisions/zero.yaml: larger than 16 MiB" in err


def test_the_audit_skips_pipes_and_devices_in_a_folder_and_bounds_a_named_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(tmp_path / "waiting.yaml")  # no writer: opening it would wait forever
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "stack.yaml").write_text((ROOT / "examples" / "audit" / "sagemaker-stack.yaml").read_text())
    assert main(["audit", str(tmp_path), "--format", "json"]) == 1  # the real template's findings
    captured = capsys.readouterr()
    assert captured.out.count("not a regular file") == 2
    assert main(["audit", str(tmp_path / "zero.yaml")]) == 2
    assert "larger than the 16 MiB the audit reads" in capsys.readouterr().err


def test_a_symlink_loop_as_the_target_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    assert main(["quiz", "export", "chapter09", "--out", str(tmp_path / "a")]) == 2
    assert "a symlink that loops back on itself" in capsys.readouterr().err


def test_an_apkg_past_the_file_size_limit_is_exit_1(tmp_path: Path) -> None:
    """genanki builds its collection in a temporary SQLite file: a limit there was a sqlite3 error, exit 70."""
    result = _limited("quiz", "export", "chapter09", "--format", "apkg", "--out", str(tmp_path / "deck.apkg"))
    assert result.returncode == 1, result.stderr
    assert "cannot build the .apkg deck" in result.stderr and "internal error" not in result.stderr
