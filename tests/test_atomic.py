"""advisor.atomic: all or nothing, and permissions as a plain write would leave them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from advisor.atomic import write_atomic


def test_replaces_whole_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "f.yaml"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["f.yaml"]


def test_new_file_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "sub" / "new.txt", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "sub" / "new.txt").stat().st_mode & 0o777 == 0o644


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f.yaml"
    target.write_text("old")

    def boom(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.yaml"]


def test_a_device_or_pipe_the_user_names_is_written_to_not_replaced(tmp_path: Path) -> None:
    """`advisor audit -o /dev/null` (run as root) once renamed a regular file over the device. A FIFO stands in
    for the device here, named directly and through a symlink (as /dev/stdout is)."""
    import stat
    import threading

    from advisor.atomic import write_user_file

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "out"
    link.symlink_to(fifo)
    for named in (fifo, link):
        received: list[bytes] = []
        reader = threading.Thread(target=lambda out=received: out.append(fifo.read_bytes()), daemon=True)
        reader.start()
        write_user_file(named, "report\n")
        reader.join(timeout=10)
        assert received == [b"report\n"] and stat.S_ISFIFO(fifo.stat().st_mode) and link.is_symlink()


def test_user_data_is_synced_and_the_cache_is_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """User data is fsynced before the rename; a cache entry is not (a crash can only turn it into a miss,
    and a 15 MB bank entry's fsync cost a cold load tens of milliseconds, seconds on a busy disk)."""
    from advisor import cache

    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real(fd))
    write_atomic(tmp_path / "data.json", "{}")
    assert len(synced) == 1
    cache.write("entry.json", {"a": 1}, tmp_path / "cache")
    write_atomic(tmp_path / "scratch.json", "{}", durable=False)
    assert len(synced) == 1
    assert cache.read("entry.json", tmp_path / "cache") == {"a": 1}
