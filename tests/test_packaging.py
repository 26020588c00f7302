"""The wheel carries the knowledge: install it (not editable) and run it from another folder."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_validates_from_another_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(dist), str(ROOT)], check=True, timeout=300)
    wheel = next(dist.glob("sagemaker_advisor-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # Install the wheel itself with pip; borrow the dependencies from this environment through a .pth
    # (a path entry only: the editable checkout's own hook is not in it, so only the wheel's advisor is found).
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, timeout=300)
    (site / "zz_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([str(py), "-c", "import advisor, sys; print(advisor.__file__)"], cwd=elsewhere,
                           capture_output=True, text=True, env=env, check=True).stdout
    assert where.startswith(str(site)), where
    result = subprocess.run([str(env_dir / "bin" / "python"), "-m", "advisor", "kb", "validate"], cwd=elsewhere,
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "advisor/_data/rules" in result.stdout
    for folder in ("rules/knowledge", "quizzes", "pricing_data", "schemas"):
        assert (site / "advisor" / "_data" / folder).is_dir(), folder
    # the installed wheel does the product's jobs too: banks, rules, prices
    env["ADVISOR_DATA_DIR"] = str(tmp_path / "data")
    env["ADVISOR_CACHE_DIR"] = str(tmp_path / "cache")
    banks = subprocess.run([str(py), "-m", "advisor", "quiz", "banks", "--format", "json"], cwd=elsewhere,
                           capture_output=True, text=True, env=env, timeout=120)
    assert banks.returncode == 0 and '"chapter09"' in banks.stdout, banks.stderr
    (elsewhere / "w.yaml").write_text((ROOT / "examples" / "workloads" / "fraud-detector.yaml").read_text())
    rec = subprocess.run([str(py), "-m", "advisor", "recommend", "w.yaml", "--format", "json"], cwd=elsewhere,
                         capture_output=True, text=True, env=env, timeout=120)
    assert rec.returncode == 0 and '"price_per_hour_usd": 0.23' in rec.stdout, rec.stderr
