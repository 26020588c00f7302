"""`advisor pricing ...` as a user runs it: formats, filters, exit codes, and plain errors without tracebacks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from botocore.stub import Stubber

from advisor import stages
from advisor.cli import main
from advisor.knowledge.loader import load_knowledge
from advisor.pricing import refresh as refresh_module
from advisor.pricing.models import PRICE_BLOCKS
from advisor.pricing.snapshots import shipped_pricing_dir
from tests.conftest import line_of, replace_in
from tests.support.price_list import expected_params, page, pricing_client, sagemaker_item

K = load_knowledge()
SHIPPED_REGIONS = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-northeast-1",
                   "ap-southeast-1", "ap-southeast-2", "ap-south-1")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True, text=True,
                          env=env or os.environ.copy(), timeout=120)


@pytest.fixture
def pricing_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "pricing"
    shutil.copytree(shipped_pricing_dir(), folder)
    return folder


def test_show_json_rows_have_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "show", "--region", "us-east-1", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == sum(len(t.stages) for t in K.instance_types)  # every (type, stage) pair has a row
    assert set(rows[0]) == {"instance_type", "component", "region", "usd_per_hour", "as_of", "estimate"}
    hosting = next(r for r in rows if (r["instance_type"], r["component"]) == ("ml.m5.xlarge", "hosting"))
    assert hosting == {"instance_type": "ml.m5.xlarge", "component": "hosting", "region": "us-east-1",
                       "usd_per_hour": 0.23, "as_of": "2026-11-24", "estimate": False}


def test_show_filters_and_formats_agree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "show", "--family", "g", "--component", "hosting", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["region"] for r in rows} == set(SHIPPED_REGIONS)
    assert all(r["instance_type"].startswith("ml.g") and r["component"] == "hosting" for r in rows)
    assert main(["pricing", "show", "--family", "g", "--component", "hosting", "--format", "yaml"]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == rows
    assert main(["pricing", "show", "--region", "eu-west-1", "--family", "inf"]) == 0
    out = capsys.readouterr().out
    assert "ml.inf2.xlarge" in out and "eu-west-1" in out and "ml.m5" not in out


def test_show_unknown_family_or_region_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "show", "--family", "zz"]) == 2
    assert "unknown family 'zz'" in capsys.readouterr().err
    assert main(["pricing", "show", "--region", "sa-east-1"]) == 2
    assert f"no price snapshot for region sa-east-1 (have: {', '.join(sorted(SHIPPED_REGIONS))})" in \
        capsys.readouterr().err
    assert main(["pricing", "show", "--region", "eu-wst-1"]) == 2  # a typo: not "refresh eu-wst-1"
    err = capsys.readouterr().err
    assert "'eu-wst-1' is not a region where SageMaker runs" in err and "did you mean 'eu-west-1'" in err


def test_show_warns_about_a_stale_snapshot(pricing_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replace_in(pricing_copy / "us-east-1.yaml", "as_of: 2026-11-24\nsource:", "as_of: 2020-01-02\nsource:")
    assert main(["pricing", "show", "--region", "us-east-1", "--pricing-dir", str(pricing_copy),
                 "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert "warning: price snapshot us-east-1 is from 2020-01-02 (" in err and "run `advisor pricing refresh`" in err


@pytest.mark.slow
@pytest.mark.parametrize("old,new,words", [
    ("usd_per_hour: 0.05,", "usd_per_hour: -0.05,", "prices[0].usd_per_hour: must be a positive number"),
    ("usd_per_hour: 0.05,", "usd_per_hour: five cents,", "prices[0].usd_per_hour: must be a number of USD"),
    ("{instance_type: ml.t3.medium,", "{instance_type: ml.t9.medium,", "which the knowledge does not know"),
    ("{instance_type: ml.t3.medium,", "{instance_type: [ml.t3.medium,", "malformed YAML"),
], ids=["negative", "non-numeric", "unknown-type", "malformed"])
def test_a_bad_snapshot_exits_2_with_file_and_line(old: str, new: str, words: str, pricing_copy: Path) -> None:
    path = pricing_copy / "us-east-1.yaml"
    replace_in(path, old, new)
    result = run("pricing", "show", "--region", "us-east-1", "--pricing-dir", str(pricing_copy))
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert f"us-east-1.yaml:{line_of(path, new)}:" in result.stderr and words in result.stderr, result.stderr


def test_diff_of_two_files(pricing_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = pricing_copy / "us-east-1.yaml"
    replace_in(new, "as_of: 2026-11-24\nsource:", "as_of: 2026-12-01\nsource:")
    replace_in(new, "{instance_type: ml.m5.xlarge, component: hosting, usd_per_hour: 0.23,",
               "{instance_type: ml.m5.xlarge, component: hosting, usd_per_hour: 0.25,")
    old = shipped_pricing_dir() / "us-east-1.yaml"
    assert main(["pricing", "diff", str(old), str(new), "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["instance_type"] == "ml.m5.xlarge" and row["change"] == "changed"
    assert (row["old_usd_per_hour"], row["new_usd_per_hour"], row["percent_change"]) == (0.23, 0.25, 8.7)
    assert main(["pricing", "diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("us-east-1 2026-11-24 -> us-east-1 2026-12-01: 1 changed, 0 added, 0 removed, 1013 unchanged")
    assert "+8.7%" in out


def test_diff_of_a_bad_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "old.yaml"
    bad.write_text("region: us-east-1\nprices: [\n", encoding="utf-8")
    assert main(["pricing", "diff", str(bad), str(shipped_pricing_dir() / "us-east-1.yaml")]) == 2
    assert "old.yaml" in capsys.readouterr().err
    assert main(["pricing", "diff", str(tmp_path / "missing.yaml"), str(bad)]) == 2
    assert "missing.yaml: no such file" in capsys.readouterr().err


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> Any:
    """`advisor pricing refresh` with its AWS client replaced by a stubbed real one; fake secrets in the env."""
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "SECRET-MARKER-never-print-me")
    client = pricing_client()
    monkeypatch.setattr(refresh_module, "make_client", lambda profile=None: client)
    monkeypatch.setattr(refresh_module, "RESUME_WAIT_SECONDS", 0.0)
    with Stubber(client) as stub:
        yield stub


def test_refresh_writes_the_snapshot_and_reports(stubbed: Stubber, pricing_copy: Path,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    stubbed.add_response("get_products", page([sagemaker_item("ml.m5.xlarge", "Hosting", "0.24")], "t1"),
                         expected_params())
    stubbed.add_response("get_products", page([sagemaker_item("ml.c5.xlarge", "Training", "0.21")]),
                         expected_params("t1"))
    assert main(["pricing", "refresh", "--region", "us-east-1", "--pricing-dir", str(pricing_copy)]) == 0
    captured = capsys.readouterr()
    assert "us-east-1: wrote " in captured.out and "2 prices from the API" in captured.out
    assert "\rus-east-1: 2 pages fetched, 2 items parsed" in captured.err  # progress on a terminal
    assert "SECRET-MARKER" not in captured.out + captured.err
    assert main(["pricing", "show", "--region", "us-east-1", "--pricing-dir", str(pricing_copy),
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["as_of"] for r in rows} == {__import__("datetime").date.today().isoformat()}


def test_refresh_failure_exits_1_and_keeps_the_old_file(stubbed: Stubber, pricing_copy: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    before = (pricing_copy / "us-east-1.yaml").read_bytes()
    stubbed.add_response("get_products", page([sagemaker_item("ml.m5.xlarge", "Hosting", "0.24")], "t1"),
                         expected_params())
    stubbed.add_client_error("get_products", "AccessDeniedException", "User is not authorized", 403)
    assert main(["pricing", "refresh", "--region", "us-east-1", "--pricing-dir", str(pricing_copy)]) == 1
    err = capsys.readouterr().err
    assert "Price refresh failed: AWS refused the request (AccessDeniedException" in err
    assert "pricing:GetProducts" in err and "SECRET-MARKER" not in err and "Traceback" not in err
    assert (pricing_copy / "us-east-1.yaml").read_bytes() == before


@pytest.mark.slow
def test_refresh_without_credentials_says_so_in_one_line(tmp_path: Path, pricing_copy: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
               AWS_EC2_METADATA_DISABLED="true")
    before = (pricing_copy / "us-east-1.yaml").read_bytes()
    result = run("pricing", "refresh", "--pricing-dir", str(pricing_copy), env=env)
    assert result.returncode == 1, result
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(
        "Price refresh failed: no AWS credentials found ("), result.stderr
    assert (pricing_copy / "us-east-1.yaml").read_bytes() == before


def test_show_component_by_workload_stage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "show", "--region", "us-east-1", "--component", "realtime_inference",
                 "--format", "json"]) == 0
    by_stage = json.loads(capsys.readouterr().out)
    assert main(["pricing", "show", "--region", "us-east-1", "--component", "hosting", "--format", "json"]) == 0
    assert by_stage == json.loads(capsys.readouterr().out)
    assert by_stage and {r["component"] for r in by_stage} == {"hosting"}


def test_show_takes_every_stage_and_shows_the_prices_no_row_holds(capsys: pytest.CaptureFixture[str]) -> None:
    """A stage billed per use (no instance-hour component) is a name users type from their workload: it shows
    the snapshot's blocks it and the Lambda check are costed from, never an argparse refusal."""
    per_use = [s.id for s in stages.stages() if s.price_component is None]
    assert per_use
    for stage_id in per_use:
        assert main(["pricing", "show", "--region", "us-east-1", "--component", stage_id, "--format", "json"]) == 0
        blocks = json.loads(capsys.readouterr().out)
        assert {b["key"] for b in blocks} == {b.key for b in PRICE_BLOCKS}
        serverless = next(b for b in blocks if b["key"] == "serverless_inference")
        assert serverless["usd_per_gb_second"] > 0 and serverless["source"] and serverless["as_of"]
    assert main(["pricing", "show", "--region", "us-east-1", "--component", per_use[0]]) == 0
    out = capsys.readouterr().out
    assert f"{per_use[0]} is billed per use" in out and "usd_per_gb_second 0.0000166667" in out
    assert "ml.m5.xlarge" not in out
    assert main(["pricing", "show", "--region", "us-east-1", "--family", "t"]) == 0  # a filter on the rows
    assert "Lambda prices" not in capsys.readouterr().out
    assert main(["pricing", "show", "--region", "us-east-1"]) == 0  # everything: the rows, then the blocks
    out = capsys.readouterr().out
    assert out.index("ml.m5.xlarge") < out.index("management_fee_percent 15,")
    assert main(["pricing", "show", "--region", "eu-central-1", "--component", "serverless_inference"]) == 0
    out = capsys.readouterr().out  # an estimated block is marked so; its long basis is in JSON and the file
    assert "usd_per_gb_second 0.000025" in out and "(estimate)" in out and "us-east-1's" not in out


@pytest.mark.parametrize("fmt", ["table", "json", "yaml"])
def test_show_says_a_block_inside_a_block_as_data(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    """Lambda's provisioned-concurrency prices sit inside its block: they were a Python repr in the table
    (`LambdaProvisionedPrices(usd_per_gb_second=...)`), a bare list in JSON and an internal error in YAML."""
    assert main(["pricing", "show", "--region", "us-east-1", "--component", "serverless_inference",
                 "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "LambdaProvisionedPrices" not in out and "datetime" not in out
    if fmt == "table":
        assert "provisioned.usd_per_gb_second" in out and "0.0000041667" in out
        return
    blocks = json.loads(out) if fmt == "json" else yaml.safe_load(out)
    provisioned = next(b for b in blocks if b["key"] == "lambda")["provisioned"]
    assert provisioned["usd_per_gb_second"] == 4.1667e-06 and provisioned["usd_per_gb_second_duration"] > 0
    assert provisioned["source"] and str(provisioned["as_of"]).startswith("20")


def test_show_counts_the_estimates_of_each_region(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pricing", "show", "--region", "us-east-1", "--family", "t"]) == 0
    out = capsys.readouterr().out
    snapshot = [line for line in out.splitlines() if line.startswith("us-east-1: ")]
    total = sum(len(t.stages) for t in K.instance_types)
    assert len(snapshot) == 1 and snapshot[0].startswith(f"us-east-1: {total} rows, ")
    assert " estimates (" in snapshot[0] and snapshot[0].endswith(" unknown")
    assert main(["pricing", "show", "--region", "eu-west-2", "--format", "json"]) == 0
    assert all(row["estimate"] for row in json.loads(capsys.readouterr().out) if row["usd_per_hour"] != "unknown")


def test_refresh_refuses_a_region_sagemaker_does_not_run_in_before_any_call(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def no_client(profile: str | None = None) -> None:
        raise AssertionError("no AWS client for a region that does not exist")

    monkeypatch.setattr(refresh_module, "make_client", no_client)
    assert main(["pricing", "refresh", "--region", "eu-mars-1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Usage error: --region: 'eu-mars-1' is not a region where SageMaker runs")
    assert "SageMaker's Regions: af-south-1" in err
