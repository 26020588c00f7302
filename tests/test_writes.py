"""Writes the user asks for fail plainly (path and cause, exit 2 or 1); paths from input are checked first."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from advisor import atomic
from advisor.atomic import write_user_file
from advisor.cli import main
from advisor.errors import PricingError, WriteError
from advisor.pricing.snapshots import candidate_paths, check_region


def _under_a_file(folder: Path) -> Path:
    (folder / "file").write_text("x")
    return folder / "file" / "out.yaml"


@pytest.mark.parametrize(("make", "cause"), [(lambda d: d, "it is a folder"),
                                             (_under_a_file, "is a file, not a folder")])
def test_a_bad_target_is_exit_2_naming_path_and_cause(tmp_path: Path, make, cause: str) -> None:  # type: ignore[no-untyped-def]
    target = make(tmp_path)
    with pytest.raises(WriteError, match=cause) as caught:
        write_user_file(target, "data")
    assert caught.value.exit_code == 2 and str(target) in caught.value.message


def test_a_full_disk_is_exit_1_and_the_old_file_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("old")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic, "write_atomic", full)
    with pytest.raises(WriteError, match="the disk is full") as caught:
        write_user_file(target, "new")
    assert caught.value.exit_code == 1 and target.read_text() == "old"


def test_a_symlink_is_written_through_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("old")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    write_user_file(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


@pytest.mark.parametrize("region", ["../x", "us-east-1/../../etc", "", "US-EAST-1", "us-east-1\x1b"])
def test_region_codes_are_checked_before_they_become_paths(region: str) -> None:
    with pytest.raises(PricingError, match="is not a region code"):
        candidate_paths(region)
    with pytest.raises(PricingError):
        check_region(region)


def test_pricing_show_with_a_missing_or_empty_folder_is_an_error(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "show", "--pricing-dir", str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["pricing", "show", "--pricing-dir", str(tmp_path / "empty")]) == 2
    assert "holds no price snapshot" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert main(["pricing", "show", "--pricing-dir", str(tmp_path / "file")]) == 2
    assert main(["pricing", "show", "--region", "../x"]) == 2


def test_an_export_to_a_folder_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quiz", "export", "chapter09", "--format", "json", "--out", str(tmp_path)]) == 2
    assert "it is a folder" in capsys.readouterr().err
