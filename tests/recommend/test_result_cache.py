"""The result cache serves only output whose every input is unchanged."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.recommend import result_cache
from advisor.resources import shipped_dir

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "workloads" / "fraud-detector.yaml"
OPTIONS = ["recommend", "json", "", "", ""]


def test_key_changes_with_each_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = EXAMPLE.read_bytes()
    base = result_cache.key_for(raw, OPTIONS, dt.date(2026, 11, 24))
    assert base == result_cache.key_for(raw, OPTIONS, dt.date(2026, 11, 24))
    assert base != result_cache.key_for(raw + b"\n# edit\n", OPTIONS, dt.date(2026, 11, 24))
    assert base != result_cache.key_for(raw, ["recommend", "yaml", "", "", ""], dt.date(2026, 11, 24))
    assert base != result_cache.key_for(raw, OPTIONS, dt.date(2026, 11, 25))  # staleness warnings move with the date
    rules = tmp_path / "rules"
    shutil.copytree(shipped_dir("rules"), rules)
    monkeypatch.setattr(result_cache, "shipped_dir", lambda name: rules if name == "rules" else shipped_dir(name))
    assert result_cache.key_for(raw, OPTIONS, dt.date(2026, 11, 24)) == base
    exams = rules / "knowledge" / "exams.yaml"
    exams.write_text(exams.read_text().replace("minutes: 180", "minutes: 170"))
    assert result_cache.key_for(raw, OPTIONS, dt.date(2026, 11, 24)) != base
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "elsewhere"))
    assert result_cache.key_for(raw, OPTIONS, dt.date(2026, 11, 24)) != base


@pytest.mark.slow
def test_cached_output_is_identical_and_skips_pydantic(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "advisor", "recommend", str(EXAMPLE), "--format", "json"]
    first = subprocess.run(cmd, capture_output=True, check=True).stdout
    probe = ("import runpy, sys; sys.argv = ['advisor'] + sys.argv[1:]\n"
             "try:\n    runpy.run_module('advisor', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "print('PYDANTIC' if 'pydantic.main' in sys.modules else 'LEAN', file=sys.stderr)")
    second = subprocess.run([sys.executable, "-c", probe, "recommend", str(EXAMPLE), "--format", "json"],
                            capture_output=True, check=True)
    assert second.stdout == first and json.loads(first)["workload"] == "fraud-detector"
    assert second.stderr.decode().strip().endswith("LEAN")
    fresh = subprocess.run([*cmd, "--no-cache"], capture_output=True, check=True).stdout
    assert fresh == first
