"""The shipped snapshots cover the knowledge, and a bad snapshot is a located error naming file, line and field."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import shutil
from pathlib import Path

import pytest

from advisor.errors import PricingError
from advisor.knowledge.loader import load_knowledge
from advisor.knowledge.models import STAGES
from advisor.pricing import snapshots
from advisor.pricing.snapshots import (
    available_regions,
    clear_cache,
    load_snapshot,
    shipped_pricing_dir,
    snapshot_source,
    user_pricing_dir,
)
from advisor.resources import cache_dir
from advisor.stages import INSTANCE_STAGES
from tests.conftest import line_of, replace_in

K = load_knowledge()
SHIPPED = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-northeast-1",
           "ap-southeast-1", "ap-southeast-2", "ap-south-1")
#: knowledge stage -> snapshot component, from the stage registry (the contract the ranker relies on)
STAGE_COMPONENT = {s.id: s.price_component for s in INSTANCE_STAGES.values()}


def test_stage_mapping_covers_every_stage() -> None:
    assert set(STAGE_COMPONENT) == set(STAGES)


@pytest.mark.parametrize("region", SHIPPED)
def test_every_instance_type_has_a_price_or_explicit_unknown_for_every_stage(region: str) -> None:
    snapshot = load_snapshot(region, knowledge=K)
    missing = [f"{t.name} {stage}" for t in K.instance_types for stage in t.stages
               if snapshot.price(t.name, STAGE_COMPONENT[stage]) is None]  # type: ignore[arg-type]
    assert missing == []


@pytest.mark.parametrize("region", SHIPPED)
def test_shipped_snapshots_say_where_every_figure_comes_from(region: str) -> None:
    snapshot = load_snapshot(region, knowledge=K)
    assert snapshot.region == region and snapshot.source and snapshot.as_of and snapshot.method == "manual"
    for price in snapshot.prices:
        assert price.source
        assert price.usd_per_hour == "unknown" or price.usd_per_hour > 0  # never a silent zero
        assert bool(price.estimate) == bool(price.basis)
    spot = snapshot.spot_training_discount
    assert spot and 0 < spot.min_percent < spot.max_percent <= 90 and spot.source and spot.assumption
    assert snapshot.lambda_ and snapshot.lambda_.usd_per_gb_second > 0


def test_the_r6i_rows_added_for_botocore_1_44_are_marked_as_estimates() -> None:
    snapshot = load_snapshot("us-east-1", knowledge=K)
    for size in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"):
        hosting = snapshot.price(f"ml.r6i.{size}", "hosting")
        for component in ("training", "processing"):
            row = snapshot.price(f"ml.r6i.{size}", component)
            assert row and row.estimate and "component parity" in (row.basis or "")
            assert hosting and row.usd_per_hour == hosting.usd_per_hour


def test_regions_and_a_missing_region() -> None:
    assert set(SHIPPED) <= set(available_regions())
    with pytest.raises(PricingError) as info:
        load_snapshot("sa-east-1")
    assert info.value.message == f"no price snapshot for region sa-east-1 (have: {', '.join(sorted(SHIPPED))})"


def test_loading_is_cached_until_the_file_changes(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    first = load_snapshot("us-east-1", folder, K)
    assert load_snapshot("us-east-1", folder, K) is first
    replace_in(folder / "us-east-1.yaml", "usd_per_hour: 0.05,", "usd_per_hour: 0.06,")
    again = load_snapshot("us-east-1", folder, K)
    assert again is not first and again.price("ml.t3.medium", "notebook").usd_per_hour == 0.06
    clear_cache()
    assert load_snapshot("us-east-1", folder, K) is not again


def test_price_lookup_and_staleness() -> None:
    snapshot = load_snapshot("us-east-1", knowledge=K)
    assert snapshot.price("ml.m5.xlarge", "hosting").usd_per_hour == 0.23
    assert snapshot.price("ml.t3.medium", "hosting") is None  # t3 cannot host
    limit = snapshot.as_of + dt.timedelta(days=180)
    assert snapshot.age_days(limit) == 180 and snapshot.stale_warning(limit) is None
    late = limit + dt.timedelta(days=146)
    assert snapshot.stale_warning(late) == (f"price snapshot us-east-1 is from {snapshot.as_of.isoformat()} "
                                            "(326 days old); run `advisor pricing refresh`")
    assert snapshot.stale_warning(late, max_age_days=400) is None


def test_a_refreshed_user_copy_wins_when_it_is_as_new_or_newer(tmp_path: Path) -> None:
    user = user_pricing_dir()
    user.mkdir(parents=True)
    shipped = shipped_pricing_dir() / "us-east-1.yaml"
    text = shipped.read_text(encoding="utf-8")
    for as_of, expected in (("2026-12-05", "user"), ("2026-11-24", "user"), ("2026-01-01", "shipped")):
        (user / "us-east-1.yaml").write_text(text.replace("as_of: 2026-11-24\nsource:", f"as_of: {as_of}\nsource:"),
                                             encoding="utf-8")
        chosen = snapshot_source("us-east-1")
        assert chosen == (user / "us-east-1.yaml" if expected == "user" else shipped), as_of
        assert load_snapshot("us-east-1", knowledge=K).as_of.isoformat() == (
            as_of if expected == "user" else "2026-11-24")
    (user / "sa-east-1.yaml").write_text(text.replace("region: us-east-1", "region: sa-east-1"), encoding="utf-8")
    assert "sa-east-1" in available_regions()
    assert load_snapshot("sa-east-1", knowledge=K).region == "sa-east-1"


BAD = {
    "negative price": ("usd_per_hour: 0.05,", "usd_per_hour: -0.05,", "prices[0].usd_per_hour",
                       "must be a positive number of USD per hour, got -0.05"),
    "zero price": ("usd_per_hour: 0.05,", "usd_per_hour: 0,", "prices[0].usd_per_hour",
                   "must be a positive number of USD per hour, got 0"),
    "non-numeric price": ("usd_per_hour: 0.05,", "usd_per_hour: cheap,", "prices[0].usd_per_hour",
                          "must be a number of USD per hour or the word unknown, got 'cheap'"),
    "quoted number": ("usd_per_hour: 0.05,", 'usd_per_hour: "0.05",', "prices[0].usd_per_hour",
                      "must be a number of USD per hour or the word unknown, got '0.05'"),
    "unknown instance type": ("{instance_type: ml.t3.medium, component: notebook",
                              "{instance_type: ml.t3.mediun, component: notebook", "prices[0].instance_type",
                              "names the instance type 'ml.t3.mediun', which the knowledge does not know"),
    "duplicate row": ("{instance_type: ml.t3.medium, component: training",
                      "{instance_type: ml.t3.medium, component: notebook", "prices[1]",
                      "a second price for ml.t3.medium notebook (the first is on line"),
    "unknown component": ("component: notebook, usd_per_hour: 0.05", "component: notebok, usd_per_hour: 0.05",
                          "prices[0].component", "must be one of"),
    "estimate without basis": ('usd_per_hour: 0.115, estimate: true, source: "estimate", basis:',
                               'usd_per_hour: 0.115, estimate: true, source: "estimate", note:',
                               "prices[14].note", "is not a known field"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_snapshots_are_located_errors(case: str, tmp_path: Path) -> None:
    old, new, field, words = BAD[case]
    folder = _copy(tmp_path)
    path = folder / "us-east-1.yaml"
    replace_in(path, old, new)
    with pytest.raises(PricingError) as info:
        load_snapshot("us-east-1", folder, K)
    error = info.value
    assert error.exit_code == 2
    problem = next(p for p in error.problems if p.field == field)
    assert words in problem.message, problem
    occurrence = 2 if case == "duplicate row" else 1  # the second row is the one in error
    assert problem.file and problem.file.endswith("us-east-1.yaml")
    assert problem.line == line_of(path, new, occurrence)


def test_malformed_yaml_and_a_region_mismatch_are_located(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "us-east-1.yaml"
    replace_in(path, "  - {instance_type: ml.t3.large, component: notebook,", "  - {instance_type: [ml.t3.large,")
    with pytest.raises(PricingError) as info:
        load_snapshot("us-east-1", folder, K)
    assert "malformed YAML" in info.value.problems[0].message and info.value.problems[0].line
    _copy(tmp_path)
    replace_in(path, "region: us-east-1", "region: us-west-2")
    with pytest.raises(PricingError) as info:
        load_snapshot("us-east-1", folder, K)
    (problem,) = info.value.problems
    assert problem.line == 2 and problem.field == "region" and "named for us-east-1 but holds us-west-2" in str(problem)


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "pricing"
    folder.mkdir(exist_ok=True)
    shutil.copy(shipped_pricing_dir() / "us-east-1.yaml", folder / "us-east-1.yaml")
    return folder


def _counting_validations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count full validations: a snapshot served from the disk cache is never checked again."""
    calls: list[int] = []
    real = snapshots.check_document
    monkeypatch.setattr(snapshots, "check_document", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    return calls


def test_a_validated_snapshot_is_served_from_the_disk_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _copy(tmp_path)
    calls = _counting_validations(monkeypatch)
    first = load_snapshot("us-east-1", folder, K)
    assert len(calls) == 1 and len(list(cache_dir().glob("snapshot-us-east-1-*.json"))) == 1
    clear_cache()  # a new process: only the disk cache is left
    second = load_snapshot("us-east-1", folder, K)
    assert len(calls) == 1 and second is not first and second == first
    clear_cache()


def test_a_changed_snapshot_is_validated_again_not_served_from_the_disk_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _copy(tmp_path)
    path = folder / "us-east-1.yaml"
    calls = _counting_validations(monkeypatch)
    load_snapshot("us-east-1", folder, K)
    replace_in(path, "usd_per_hour: 0.05,", "usd_per_hour: -0.05,")
    clear_cache()
    with pytest.raises(PricingError) as info:
        load_snapshot("us-east-1", folder, K)
    problem = next(p for p in info.value.problems if p.field == "prices[0].usd_per_hour")
    assert problem.line == line_of(path, "usd_per_hour: -0.05,")
    replace_in(path, "usd_per_hour: -0.05,", "usd_per_hour: 0.06,")
    clear_cache()
    assert load_snapshot("us-east-1", folder, K).price("ml.t3.medium", "notebook").usd_per_hour == 0.06
    assert len(calls) == 3 and len(list(cache_dir().glob("snapshot-*.json"))) == 2  # the bad one never cached
    clear_cache()


def test_the_cached_snapshot_depends_on_the_known_instance_types(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    load_snapshot("us-east-1", folder, K)
    clear_cache()
    fewer = K._replace(instance_types=tuple(t for t in K.instance_types if t.name != "ml.t3.medium"))
    with pytest.raises(PricingError) as info:
        load_snapshot("us-east-1", folder, fewer)
    assert any("'ml.t3.medium', which the knowledge does not know" in p.message for p in info.value.problems)
    clear_cache()


def test_a_corrupt_snapshot_cache_is_ignored_and_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _copy(tmp_path)
    good = load_snapshot("us-east-1", folder, K)
    (cache,) = cache_dir().glob("snapshot-*.json")
    calls = _counting_validations(monkeypatch)
    for garbage in (b"\x00garbage", pickle.dumps(("another key", "not a snapshot"))):
        cache.write_bytes(garbage)
        clear_cache()
        calls.clear()
        assert load_snapshot("us-east-1", folder, K) == good and calls == [1]
        assert cache.read_bytes() != garbage
    clear_cache()


def test_the_snapshot_cache_lives_in_advisor_cache_dir_and_an_unwritable_one_costs_only_speed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _copy(tmp_path)
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path / "elsewhere"))
    load_snapshot("us-east-1", folder, K)
    assert len(list((tmp_path / "elsewhere").glob("snapshot-us-east-1-*.json"))) == 1
    clear_cache()
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(blocker / "cache"))
    assert load_snapshot("us-east-1", folder, K).region == "us-east-1"
    clear_cache()


def test_the_disk_cache_knows_a_file_by_its_version_and_a_rewrite_of_the_same_size_is_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cached start never reads the snapshot file: the key holds its inode, size and modification time."""
    folder = _copy(tmp_path)
    path = folder / "us-east-1.yaml"
    calls = _counting_validations(monkeypatch)
    load_snapshot("us-east-1", folder, K)
    clear_cache()
    monkeypatch.setattr(snapshots, "read_bytes", lambda *a, **kw: pytest.fail("a cached start read the file"))
    load_snapshot("us-east-1", folder, K)
    monkeypatch.undo()
    calls = _counting_validations(monkeypatch)
    before = path.stat().st_mtime_ns
    replace_in(path, "usd_per_hour: 0.05,", "usd_per_hour: 0.07,")  # the same size
    os.utime(path, ns=(before + 1_000_000, before + 1_000_000))  # a later time, as any later edit has
    clear_cache()
    assert load_snapshot("us-east-1", folder, K).price("ml.t3.medium", "notebook").usd_per_hour == 0.07
    assert len(calls) == 1
    clear_cache()
