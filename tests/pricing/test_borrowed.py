"""A region without a price snapshot is priced with the nearest snapshot's figures, marked as estimates."""

from __future__ import annotations

import pytest

from advisor.pricing.snapshots import borrowed_snapshot, load_snapshot, nearest_region
from advisor.recommend.advisor import Advisor
from advisor.workload import load_workload
from tests.conftest import ROOT
from tests.pricing.test_snapshots import SHIPPED, K

LOCATIONS = {r.code: r.location for r in K.regions}


@pytest.mark.parametrize(("region", "nearest"), [
    ("ap-northeast-3", "ap-northeast-1"), ("sa-east-1", "us-east-1"), ("eu-north-1", "eu-central-1"),
    ("ca-central-1", "us-east-1"), ("ap-southeast-4", "ap-southeast-2"), ("me-central-1", "ap-south-1"),
    ("us-west-1", "us-west-2"), ("eu-west-1", "eu-west-1"),
])
def test_nearest_region_with_a_snapshot(region: str, nearest: str) -> None:
    assert nearest_region(LOCATIONS[region], {c: LOCATIONS[c] for c in SHIPPED}) == nearest


def test_nearest_of_nothing_is_none() -> None:
    assert nearest_region(LOCATIONS["us-east-1"], {}) is None


def test_borrowed_figures_are_estimates_that_say_where_they_come_from() -> None:
    source = load_snapshot("us-east-1", knowledge=K)
    borrowed = borrowed_snapshot(source, "sa-east-1")
    assert borrowed.region == "sa-east-1" and len(borrowed.prices) == len(source.prices)
    assert all(p.estimate and "nearest region with one (us-east-1" in (p.basis or "") for p in borrowed.prices
               if p.known)
    row = borrowed.price("ml.m5.xlarge", "hosting")  # the lookup reads the borrowed rows, not the original ones
    assert row and row.estimate and row.usd_per_hour == source.price("ml.m5.xlarge", "hosting").usd_per_hour
    assert not source.price("ml.m5.xlarge", "hosting").estimate  # the original is untouched
    unknown = [p for p in borrowed.prices if not p.known]
    assert unknown and not any(p.estimate for p in unknown)  # "we do not know" stays that, never an estimate
    serverless = borrowed.serverless_inference  # the blocks beside the rows are borrowed as estimates too
    assert serverless and serverless.estimate and "nearest region with one (us-east-1" in (serverless.basis or "")
    assert source.serverless_inference and not source.serverless_inference.estimate
    twice = borrowed_snapshot(load_snapshot("eu-west-1", knowledge=K), "eu-north-1").serverless_inference
    assert twice and "there an estimate: us-east-1's Serverless Inference rate" in (twice.basis or "")


def test_advisor_ranks_a_region_without_snapshot_on_the_nearest_ones_figures() -> None:
    advisor = Advisor(K)
    workload = load_workload(ROOT / "examples" / "workloads" / "fraud-detector.yaml", K)
    near = advisor.recommend(workload, region="ap-northeast-1")
    far = advisor.recommend(workload, region="ap-northeast-3")
    assert any("no price snapshot for ap-northeast-3: prices are the nearest snapshot's (ap-northeast-1)" in w
               for w in far.warnings)
    for stage, choice in far.instances.items():
        assert choice.instance_type == near.instances[stage].instance_type
        assert choice.price_per_hour_usd == near.instances[stage].price_per_hour_usd and choice.price_is_estimate
