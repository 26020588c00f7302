"""The cache holds plain signed JSON in a private folder: planted, damaged or foreign files are misses."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from advisor import cache
from advisor.knowledge.loader import load_knowledge
from advisor.recommend import result_cache


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    cache._noted.clear()
    return tmp_path / "cache"


def test_a_round_trip_gives_back_the_same_data(folder: Path) -> None:
    cache.write("x.json", {"a": [1, 2.5, "é"]}, folder)
    assert cache.read("x.json", folder) == {"a": [1, 2.5, "é"]}


def test_folder_and_files_are_private_whatever_the_umask(folder: Path) -> None:
    old = os.umask(0)
    try:
        cache.write("x.json", {"a": 1}, folder)
    finally:
        os.umask(old)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {p.name: p.stat().st_mode & 0o777 for p in folder.iterdir()} == {".key": 0o600, "x.json": 0o600}


@pytest.mark.parametrize("damage", [
    lambda blob: blob[: len(blob) // 2],                                  # truncated
    lambda blob: blob[:-3] + bytes([blob[-3] ^ 0x01]) + blob[-2:],        # one bit flipped in the data
    lambda blob: b"0" * 64 + blob[64:],                                   # a forged signature
    lambda blob: b"\x80\x04\x95" + blob,                                  # a pickle header in front
])
def test_damaged_or_planted_entries_are_misses(folder: Path, damage) -> None:  # type: ignore[no-untyped-def]
    cache.write("x.json", {"a": 1}, folder)
    path = folder / "x.json"
    path.write_bytes(damage(path.read_bytes()))
    assert cache.read("x.json", folder) is None


def test_a_file_signed_with_another_key_is_a_miss(folder: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    cache.write("x.json", {"a": "planted"}, other)
    cache.write("y.json", {"a": 1}, folder)  # makes this folder's key
    (folder / "x.json").write_bytes((other / "x.json").read_bytes())
    assert cache.read("x.json", folder) is None


def test_an_entry_moved_to_another_name_is_a_miss(folder: Path) -> None:
    cache.write("x.json", {"a": 1}, folder)
    (folder / "y.json").write_bytes((folder / "x.json").read_bytes())
    assert cache.read("y.json", folder) is None


def test_a_folder_others_can_write_is_not_used(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder.mkdir()
    folder.chmod(0o777)
    cache.write("x.json", {"a": 1}, folder)
    assert cache.read("x.json", folder) is None
    assert not (folder / "x.json").exists()
    err = capsys.readouterr().err
    assert err.count("writable by other users") == 1  # one note, not one per lookup


def test_a_file_where_the_folder_should_be_is_said_as_such(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """ADVISOR_CACHE_DIR naming a file said "cannot be used (File exists)", mkdir's errno, not what is wrong."""
    folder.write_text("a file")
    assert cache.read("x.json", folder) is None
    assert f"cache folder {folder} is a file, not a folder; going without it" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a folder away")
def test_a_folder_owned_by_another_user_is_not_used(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, -1)
    assert cache.read("x.json", folder) is None
    assert "belongs to another user" in capsys.readouterr().err


def test_a_key_others_can_read_disables_the_cache(folder: Path) -> None:
    cache.write("x.json", {"a": 1}, folder)
    (folder / ".key").chmod(0o644)
    assert cache.read("x.json", folder) is None


def test_knowledge_from_the_cache_equals_the_computed_knowledge(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path / "c"))
    fresh = load_knowledge(use_cache=False)
    assert load_knowledge() == fresh  # the miss writes the entry
    assert load_knowledge() == fresh  # the hit is validated back into the same models
    entry = next((tmp_path / "c").glob("knowledge-models-*.json"))
    entry.write_bytes(entry.read_bytes()[:-10])  # damaged: validated from the YAML again
    assert load_knowledge() == fresh


def test_a_damaged_result_entry_is_never_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path / "c"))
    result_cache.put("k" * 64, b'{"answer": 42}\n')
    assert result_cache.get("k" * 64) == b'{"answer": 42}\n'
    entry = next((tmp_path / "c").glob("result-*.json"))
    entry.write_bytes(entry.read_bytes()[:-5])
    assert result_cache.get("k" * 64) is None


def test_nothing_in_the_package_can_load_code_from_disk() -> None:
    """pickle and marshal can build objects (marshal: code objects) from bytes; no module may import them."""
    package = Path(__file__).resolve().parents[1] / "advisor"
    found = []
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("pickle", "marshal", "shelve", "dill")]
    assert found == []


@pytest.mark.parametrize("plant", ["/dev/zero", "fifo", "elsewhere"])
def test_an_entry_that_is_not_a_regular_file_of_ours_is_a_miss(tmp_path: Path, plant: str) -> None:
    """A planted symlink to /dev/zero was read until memory ran out; a FIFO would wait forever; a link to a
    valid entry elsewhere is someone else's file."""
    folder = tmp_path / "cache"
    cache.write("entry.json", {"a": 1}, folder)
    assert cache.read("entry.json", folder) == {"a": 1}
    entry = folder / "entry.json"
    if plant == "fifo":
        entry.unlink()
        os.mkfifo(entry, 0o600)
    else:
        moved = tmp_path / "moved.json"
        entry.rename(moved)
        entry.symlink_to("/dev/zero" if plant == "/dev/zero" else moved)
    assert cache.read("entry.json", folder) is None
