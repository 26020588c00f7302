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
