"""Cost estimates: exact arithmetic on a small snapshot written here, unknown never becomes zero, and every
estimate, missing discount and stale snapshot shows up as a warning."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from advisor.errors import UsageError
from advisor.pricing.costs import (
    SECONDS_PER_MONTH,
    Cost,
    batch_transform_cost,
    endpoint_monthly_cost,
    lambda_break_even_rps,
    lambda_monthly_cost,
    notebook_monthly_cost,
    processing_cost,
    serverless_monthly_cost,
    training_cost,
    tuning_cost,
)
from advisor.pricing.models import PriceSnapshot
from advisor.pricing.snapshots import load_snapshot
from advisor.records import adapter

TODAY = dt.date(2026, 12, 1)


def snapshot(**changes: Any) -> PriceSnapshot:
    data: dict[str, Any] = {
        "region": "us-east-1", "as_of": "2026-11-24", "source": "test", "method": "manual",
        "lambda": {"usd_per_gb_second": 0.0000166667, "usd_per_million_requests": 0.2, "source": "test",
                   "as_of": "2026-11-24"},
        "spot_training_discount": {"min_percent": 50, "max_percent": 90, "source": "test spot",
                                   "assumption": "the floor is ours", "as_of": "2026-11-24"},
        "prices": [
            {"instance_type": "ml.m5.xlarge", "component": "training", "usd_per_hour": 0.23, "source": "t"},
            {"instance_type": "ml.m5.xlarge", "component": "hosting", "usd_per_hour": 0.25, "source": "t",
             "estimate": True, "basis": "hosting = training rate"},
            {"instance_type": "ml.m5.xlarge", "component": "batch_transform", "usd_per_hour": 0.3, "source": "t"},
            {"instance_type": "ml.m5.xlarge", "component": "processing", "usd_per_hour": 0.2, "source": "t"},
            {"instance_type": "ml.t3.medium", "component": "notebook", "usd_per_hour": 0.05, "source": "t"},
            {"instance_type": "ml.g5.xlarge", "component": "training", "usd_per_hour": "unknown",
             "source": "not in the API answer"},
        ],
    }
    data.update(changes)
    return adapter(PriceSnapshot).validate_python(data)


S = snapshot()


def test_training_on_demand() -> None:
    cost = training_cost(S, "ml.m5.xlarge", 3, 2, False, today=TODAY)
    assert cost.usd == pytest.approx(2 * 3 * 0.23) and cost.usd_high is None and cost.period == "job"
    assert cost.formula == "2 h x 3 instances x $0.23/h" and cost.warnings == ()
    assert cost.text() == "$1.38/job"


def test_managed_spot_training_is_a_range_from_the_snapshots_discount() -> None:
    cost = training_cost(S, "ml.m5.xlarge", 3, 2, True, today=TODAY)
    assert cost.usd == pytest.approx(1.38 * 0.10) and cost.usd_high == pytest.approx(1.38 * 0.50)
    assert "50-90%" in cost.assumptions[0] and "test spot" in cost.assumptions[0]
    assert "the floor is ours" in cost.assumptions
    assert cost.text() == "$0.14-$0.69/job"


def test_spot_without_a_discount_falls_back_to_on_demand_and_says_so() -> None:
    cost = training_cost(snapshot(spot_training_discount=None), "ml.m5.xlarge", 1, 1, True, today=TODAY)
    assert cost.usd == pytest.approx(0.23) and cost.usd_high is None
    assert any("no spot training discount" in w for w in cost.warnings)


def test_an_unknown_or_missing_price_is_an_unknown_cost_never_zero() -> None:
    unknown = training_cost(S, "ml.g5.xlarge", 1, 5, True, today=TODAY)
    assert unknown.usd is None and unknown.usd_high is None and unknown.text() == "unknown/job"
    assert any("ml.g5.xlarge training in us-east-1 is unknown" in w for w in unknown.warnings)
    missing = endpoint_monthly_cost(S, "ml.c5.xlarge", 1, today=TODAY)
    assert missing.usd is None and any("no price for ml.c5.xlarge hosting" in w for w in missing.warnings)
    tuning, hours = tuning_cost(S, "ml.g5.xlarge", 1, 1, 10, 2, False, today=TODAY)
    assert tuning.usd is None and hours == 5


def test_an_estimated_price_carries_its_basis_as_a_warning() -> None:
    cost = endpoint_monthly_cost(S, "ml.m5.xlarge", 2, today=TODAY)
    assert cost.usd == pytest.approx(730 * 2 * 0.25) and cost.period == "month"
    assert cost.formula == "730 h/month x 2 instances x $0.25/h"
    assert cost.warnings == ("the price of ml.m5.xlarge hosting in us-east-1 is an estimate: hosting = training rate",)
    assert endpoint_monthly_cost(S, "ml.m5.xlarge", 1, 100, today=TODAY).usd == pytest.approx(25)


def test_serverless_cost_says_when_its_rate_is_an_estimate_and_is_unknown_without_one() -> None:
    quoted = {"usd_per_gb_second": 0.00002, "source": "quote", "as_of": "2026-11-24"}
    cost = serverless_monthly_cost(snapshot(serverless_inference=quoted), 1000, 0.5, 2048, today=TODAY)
    assert cost.usd == pytest.approx(1000 * 0.5 * 2 * 0.00002) and cost.warnings == ()
    estimated = {**quoted, "usd_per_gb_second": 0.000025, "estimate": True, "basis": "the region's price level"}
    cost = serverless_monthly_cost(snapshot(serverless_inference=estimated), 1000, 0.5, 2048, today=TODAY)
    assert cost.usd == pytest.approx(1000 * 0.5 * 2 * 0.000025)
    assert cost.warnings == ("the Serverless Inference price in us-east-1 is an estimate: the region's price level",)
    provisioned = serverless_monthly_cost(snapshot(serverless_inference=estimated), 1000, 0.5, 2048, 2, today=TODAY)
    assert provisioned.usd is None and any("is an estimate" in w for w in provisioned.warnings)
    missing = serverless_monthly_cost(S, 1000, 0.5, 2048, today=TODAY)
    assert missing.usd is None and any("no Serverless Inference price" in w for w in missing.warnings)


@pytest.mark.parametrize("block", [
    {"usd_per_gb_second": 0.00002, "source": "s", "as_of": "2026-11-24", "estimate": True},
    {"usd_per_gb_second": 0.00002, "source": "s", "as_of": "2026-11-24", "basis": "a guess"},
])
def test_a_serverless_estimate_says_its_basis_and_only_an_estimate_has_one(block: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="basis"):
        snapshot(serverless_inference=block)


def test_tuning_cost_and_wall_clock_from_parallelism() -> None:
    cost, hours = tuning_cost(S, "ml.m5.xlarge", 2, 0.5, 20, 3, False, today=TODAY)
    assert cost.usd == pytest.approx(20 * 0.5 * 2 * 0.23) and hours == math.ceil(20 / 3) * 0.5 == 3.5
    assert cost.formula == "20 jobs x (0.5 h x 2 instances x $0.23/h)"
    assert any("7 waves of 0.5 h = 3.5 h wall clock" in a for a in cost.assumptions)
    spot, _ = tuning_cost(S, "ml.m5.xlarge", 1, 1, 4, 4, True, today=TODAY)
    assert spot.usd == pytest.approx(4 * 0.023) and spot.usd_high == pytest.approx(4 * 0.115)
    _, one_wave = tuning_cost(S, "ml.m5.xlarge", 1, 2, 3, 10, False, today=TODAY)
    assert one_wave == 2


def test_batch_transform_processing_and_notebook() -> None:
    assert batch_transform_cost(S, "ml.m5.xlarge", 4, 1.5, today=TODAY).usd == pytest.approx(4 * 1.5 * 0.3)
    assert batch_transform_cost(S, "ml.m5.xlarge", 4, 1.5, today=TODAY).period == "run"
    assert processing_cost(S, "ml.m5.xlarge", 2, 3, today=TODAY).usd == pytest.approx(2 * 3 * 0.2)
    notebook = notebook_monthly_cost(S, "ml.t3.medium", 8, today=TODAY)
    assert notebook.usd == pytest.approx(8 * 22 * 0.05) and notebook.formula == "8 h/day x 22 days x $0.05/h"
    assert notebook_monthly_cost(S, "ml.t3.medium", 24, 30, today=TODAY).usd == pytest.approx(24 * 30 * 0.05)


def test_lambda_monthly_cost_rounds_duration_up_to_the_millisecond() -> None:
    cost = lambda_monthly_cost(S, 1_000_000, 0.1001, 512, today=TODAY)
    gb_seconds = 1_000_000 * 0.101 * 0.5
    assert cost.usd == pytest.approx(gb_seconds * 0.0000166667 + 0.2)
    assert cost.formula == ("1,000,000 requests x 0.101 s x 0.5 GB x $0.0000166667/GB-s "
                            "+ 1M requests x $0.20/M")
    exact = lambda_monthly_cost(S, 1_000_000, 0.1, 1024, today=TODAY)  # 0.1 s must stay 100 ms
    assert exact.usd == pytest.approx(1_000_000 * 0.1 * 0.0000166667 + 0.2)
    assert lambda_monthly_cost(S, 0, 0.1, 128, today=TODAY).usd == 0  # no requests, no charge: a real zero


def test_lambda_break_even_matches_the_endpoint_cost() -> None:
    endpoint = endpoint_monthly_cost(S, "ml.m5.xlarge", 1, today=TODAY).usd
    assert endpoint is not None
    rps = lambda_break_even_rps(S, endpoint, 0.2, 1024)
    assert rps is not None and rps > 0
    at_break_even = lambda_monthly_cost(S, rps * SECONDS_PER_MONTH, 0.2, 1024, today=TODAY)
    assert at_break_even.usd == pytest.approx(endpoint)
    cheaper = lambda_monthly_cost(S, rps * SECONDS_PER_MONTH / 2, 0.2, 1024, today=TODAY)
    assert cheaper.usd is not None and cheaper.usd < endpoint


def test_without_lambda_prices_the_lambda_side_is_unknown() -> None:
    bare = snapshot(**{"lambda": None})
    assert lambda_monthly_cost(bare, 1000, 0.1, 128, today=TODAY).usd is None
    assert lambda_break_even_rps(bare, 100, 0.1, 128) is None


def test_a_stale_snapshot_warns_on_every_cost() -> None:
    late = dt.date(2027, 10, 16)
    costs: list[Cost] = [
        training_cost(S, "ml.m5.xlarge", 1, 1, False, today=late),
        tuning_cost(S, "ml.m5.xlarge", 1, 1, 2, 1, True, today=late)[0],
        endpoint_monthly_cost(S, "ml.m5.xlarge", 1, today=late),
        batch_transform_cost(S, "ml.m5.xlarge", 1, 1, today=late),
        processing_cost(S, "ml.m5.xlarge", 1, 1, today=late),
        notebook_monthly_cost(S, "ml.t3.medium", 1, today=late),
        lambda_monthly_cost(S, 10, 0.1, 128, today=late),
        training_cost(S, "ml.g5.xlarge", 1, 1, False, today=late),
    ]
    stale = "price snapshot us-east-1 is from 2026-11-24 (326 days old); run `advisor pricing refresh`"
    assert all(stale in cost.warnings for cost in costs)
    assert stale not in training_cost(S, "ml.m5.xlarge", 1, 1, False, today=TODAY).warnings


def test_costs_follow_the_shipped_snapshot_not_hard_coded_figures() -> None:
    shipped = load_snapshot("us-east-1")
    price = shipped.price("ml.m5.xlarge", "hosting")
    assert price is not None and isinstance(price.usd_per_hour, float)
    assert endpoint_monthly_cost(shipped, "ml.m5.xlarge", 1, today=TODAY).usd == pytest.approx(730 * price.usd_per_hour)


@pytest.mark.parametrize("call", [
    lambda: training_cost(S, "ml.m5.xlarge", 0, 1, False),
    lambda: training_cost(S, "ml.m5.xlarge", 1, -1, False),
    lambda: training_cost(S, "ml.m5.xlarge", 1, float("nan"), False),
    lambda: tuning_cost(S, "ml.m5.xlarge", 1, 1, 5, 0, False),
    lambda: notebook_monthly_cost(S, "ml.t3.medium", 25),
    lambda: lambda_monthly_cost(S, -1, 0.1, 128),
    lambda: lambda_break_even_rps(S, 10, 0, 128),
])
def test_impossible_inputs_are_usage_errors(call: Any) -> None:
    with pytest.raises(UsageError):
        call()


@given(hours=st.floats(0.01, 1000), count=st.integers(1, 64))
def test_spot_range_is_inside_the_on_demand_cost(hours: float, count: int) -> None:
    on_demand = training_cost(S, "ml.m5.xlarge", count, hours, False, today=TODAY).usd
    spot = training_cost(S, "ml.m5.xlarge", count, hours, True, today=TODAY)
    assert on_demand is not None and spot.usd is not None and spot.usd_high is not None
    assert 0 < spot.usd <= spot.usd_high <= on_demand


@pytest.mark.parametrize("make", [
    lambda: training_cost(S, "ml.m5.xlarge", 1, 17.6, False, today=TODAY),  # 4.048000000000001 unrounded
    lambda: training_cost(S, "ml.m5.xlarge", 2, 2.3, True, today=TODAY),
    lambda: training_cost(S, "ml.g5.xlarge", 1, 1.0, True, today=TODAY),
    lambda: tuning_cost(S, "ml.m5.xlarge", 1, 0.7, 17, 3, True, today=TODAY)[0],
    lambda: endpoint_monthly_cost(S, "ml.m5.xlarge", 3, today=TODAY),
    lambda: batch_transform_cost(S, "ml.m5.xlarge", 2, 1.3, today=TODAY),
    lambda: processing_cost(S, "ml.m5.xlarge", 1, 0.1, today=TODAY),
    lambda: notebook_monthly_cost(S, "ml.t3.medium", 7.5, today=dt.date(2028, 1, 1)),
    lambda: lambda_monthly_cost(S, 1_234_567, 0.1234, 1536, today=TODAY),
    lambda: lambda_monthly_cost(snapshot(**{"lambda": None}), 1000, 0.1, 128, today=TODAY),
])
def test_costs_are_exactly_what_validation_would_make(make: Any) -> None:
    """Costs are plain records nothing validates; validating the same data by their annotations changes nothing."""
    cost = make()
    assert TypeAdapter(Cost).validate_python(cost._asdict()) == cost
    assert isinstance(cost.assumptions, tuple) and isinstance(cost.warnings, tuple)
    assert all(isinstance(usd, float) for usd in (cost.usd, cost.usd_high) if usd is not None)


def test_lambda_managed_instances_cost_is_ec2_plus_the_fee_for_at_least_three_instances() -> None:
    from advisor.pricing.costs import lambda_managed_instances_monthly_cost

    shipped = load_snapshot("us-east-1")
    ml = shipped.price("ml.m5.xlarge", "hosting")
    assert ml is not None and isinstance(ml.usd_per_hour, float)
    one = lambda_managed_instances_monthly_cost(shipped, "ml.m5.xlarge", 1, 1_000_000, 1.2, today=TODAY)
    ec2 = ml.usd_per_hour / 1.2
    assert one.usd == pytest.approx(3 * ec2 * 1.15 * 730 + 0.2, rel=1e-6)  # three instances even for one's work
    assert one.formula.startswith("3 instances x m5.xlarge") and "1.15 (management fee)" in one.formula
    assert one.warnings[0].startswith("the Lambda Managed Instances cost is an estimate")
    five = lambda_managed_instances_monthly_cost(shipped, "ml.m5.xlarge", 5, 0, 1.2, today=TODAY)
    assert five.usd == pytest.approx(5 * ec2 * 1.15 * 730, rel=1e-6)
    bare = shipped._replace(lambda_managed_instances=None)
    assert lambda_managed_instances_monthly_cost(bare, "ml.m5.xlarge", 1, 0, 1.2, today=TODAY).usd is None
    with pytest.raises(UsageError):
        lambda_managed_instances_monthly_cost(shipped, "ml.m5.xlarge", 0, 0, 1.2, today=TODAY)


def test_a_bound_and_a_caveat_are_part_of_the_text() -> None:
    """Cost.text() is how every output shows a cost, so an upper bound and its caveat cannot be dropped."""
    cost = Cost.of(usd=12.5, period="job", formula="f", bound="upper", caveat="upper bound: training.max_hours")
    assert cost.text() == "at most $12.50/job (upper bound: training.max_hours)"
    ranged = cost._replace(usd=1.2, usd_high=3.6)
    assert ranged.text() == "at most $1.20-$3.60/job (upper bound: training.max_hours)"
    assert Cost.of(usd=12.5, period="month", formula="f").text() == "$12.50/month"
    assert Cost.of(usd=None, period="month", formula="f", caveat="not priced").text() == "unknown/month (not priced)"


def test_a_cost_is_money_to_six_decimals_and_never_infinite() -> None:
    assert Cost.of(usd=2.3 * 17.6, period="job", formula="f").usd == 40.48
    assert type(Cost.of(usd=3, usd_high=4, period="job", formula="f").usd_high) is float  # JSON writes 4.0, not 4
    with pytest.raises(ValueError, match="a cost of inf USD"):
        Cost.of(usd=float("inf"), period="job", formula="f")


def test_lambda_provisioned_concurrency_is_costed_at_its_own_rates_or_said_unknown() -> None:
    """Provisioned concurrency bills the memory kept warm all month at its own rate and the requests' duration at
    a lower one (the request charge unchanged); a snapshot without those rates gives no figure, only the on-demand
    one for scale, said as not the cost."""
    lam = {"usd_per_gb_second": 0.0000166667, "usd_per_million_requests": 0.2, "source": "test",
           "as_of": "2026-11-24"}
    priced = snapshot(**{"lambda": {**lam, "provisioned": {
        "usd_per_gb_second": 0.0000041667, "usd_per_gb_second_duration": 0.0000097222, "source": "test pc",
        "as_of": "2026-12-03"}}})
    cost = lambda_monthly_cost(priced, 1_000_000, 0.1, 1024, 4, today=TODAY)
    warm = 4 * 1 * 730 * 3600 * 0.0000041667
    assert cost.usd == pytest.approx(warm + 1_000_000 * 0.1 * 0.0000097222 + 0.2)
    assert "4 provisioned concurrency x 1 GB x 730 h" in cost.formula and "kept warm" in cost.formula
    assert any("free tier does not apply" in a for a in cost.assumptions)
    assert lambda_monthly_cost(priced, 1_000_000, 0.1, 1024, today=TODAY).usd == pytest.approx(
        1_000_000 * 0.1 * 0.0000166667 + 0.2)  # none configured: the on-demand rate
    unpriced = lambda_monthly_cost(S, 1_000_000, 0.1, 1024, 4, today=TODAY)
    assert unpriced.usd is None and unpriced.caveat and "not priced" in unpriced.caveat
    assert any("not this cost" in w for w in unpriced.warnings)
