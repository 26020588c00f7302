"""Cost estimates from a price snapshot: jobs, endpoints, notebooks and Lambda, each with its formula shown.

Every figure comes from the snapshot (never a price written in code), so a refreshed snapshot changes every
estimate. An unknown price gives an unknown cost (`usd=None`), never zero; an estimated price, a missing spot
discount or a stale snapshot is said in `warnings`, so a recommendation can never hide how sure it is.
"""


import datetime as dt
import math
from collections.abc import Iterable
from typing import Literal, NamedTuple

from advisor.errors import UsageError
from advisor.pricing.models import Component, Price, PriceSnapshot, plain_number

HOURS_PER_MONTH = 730.0
"""AWS's own monthly convention (8,760 h / 12), used by its pricing pages and calculator."""

SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600


class Cost(NamedTuple):
    """A cost estimate as every output shows it (a record of the Recommendation: see advisor.recommend.models).

    Made by `Cost.of`, which keeps money to six decimals; a cost that cannot be estimated has usd None."""

    usd: float | None
    usd_high: float | None
    period: Literal["job", "run", "month"]
    formula: str
    assumptions: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    bound: Literal["upper"] | None = None
    """None: the estimate itself; upper: the most it can cost (a job priced for its longest run), shown "at most"."""
    caveat: str | None = None
    """What the figure leaves out or assumes, said beside it wherever it is shown: "upper bound: training.max_hours"."""

    @property
    def known(self) -> bool:
        return self.usd is not None

    def text(self) -> str:
        """`$12.34/month`, `$1.20-$3.60/job`, `at most $5/job (upper bound: training.max_hours)` or `unknown/job`:
        every output shows a cost through this, so none can drop its bound or caveat."""
        if self.usd is None:
            figure = f"unknown/{self.period}"
        elif self.usd_high is not None:
            figure = f"{money(self.usd)}-{money(self.usd_high)}/{self.period}"
        else:
            figure = f"{money(self.usd)}/{self.period}"
        if self.bound == "upper" and self.usd is not None:
            figure = f"at most {figure}"
        return f"{figure} ({self.caveat})" if self.caveat else figure

    @classmethod
    def of(cls, *, usd: float | None, period: Literal["job", "run", "month"], formula: str,
           assumptions: Iterable[str] = (), warnings: Iterable[str] = (), usd_high: float | None = None,
           bound: Literal["upper"] | None = None, caveat: str | None = None) -> "Cost":
        """The way to make a Cost: money kept to six decimals, never infinite (see `_dollars`)."""
        return cls(usd=_dollars(usd), usd_high=_dollars(usd_high), period=period, formula=formula,
                   assumptions=tuple(assumptions), warnings=tuple(warnings), bound=bound, caveat=caveat)


def _dollars(value: float | None) -> float | None:
    """Money to six decimals (2.3 x 17.6 is 40.480000000000004 in binary), and never infinite: finite inputs
    make finite costs, so an infinite one is the advisor's bug, stopped here rather than written as null."""
    if value is None:
        return None
    if not math.isfinite(value):
        raise ValueError(f"a cost of {value} USD")
    return round(float(value), 6)


def money(usd: float) -> str:
    """Dollars as people read them: cents below $1,000, whole dollars above, sub-cent amounts kept visible."""
    if 0 < usd < 0.01:
        return f"${usd:.4f}"
    return f"${usd:,.0f}" if usd >= 1000 else f"${usd:,.2f}"


def rate(usd_per_hour: float) -> str:
    return f"${usd_per_hour:g}/h"


def training_cost(snapshot: PriceSnapshot, instance_type: str, count: int, hours: float,
                  interruptible: bool, *, today: dt.date | None = None) -> Cost:
    """hours x count x the training price; with managed spot, a range from the snapshot's spot discount."""
    _positive(count=count, hours=hours)
    price, warnings = _lookup(snapshot, instance_type, "training", today)
    shape = f"{_num(hours)} h x {_instances(count)}"
    if price is None:
        return Cost.of(usd=None, period="job", formula=f"{shape} x unknown price", warnings=warnings)
    on_demand = hours * count * price
    if not interruptible:
        return Cost.of(usd=on_demand, period="job", formula=f"{shape} x {rate(price)}", warnings=warnings)
    discount = snapshot.spot_training_discount
    if discount is None:
        return Cost.of(usd=on_demand, period="job", formula=f"{shape} x {rate(price)} (on-demand)",
                    warnings=(*warnings, f"price snapshot {snapshot.region} has no spot training discount; "
                                         "shown at the on-demand price, the most it can cost"))
    low = on_demand * (1 - discount.max_percent / 100)
    high = on_demand * (1 - discount.min_percent / 100)
    assumptions = [f"managed spot saves {_num(discount.min_percent)}-{_num(discount.max_percent)}% of the "
                   f"on-demand price ({discount.source})",
                   "billable time is the time spent training; waiting for spot capacity is not billed but "
                   "lengthens the job"]
    if discount.assumption:
        assumptions.append(discount.assumption)
    return Cost.of(usd=low, usd_high=high, period="job",
                formula=(f"{shape} x {rate(price)} x (1 - {_num(discount.max_percent)}%..."
                         f"{_num(discount.min_percent)}% spot saving)"),
                assumptions=tuple(assumptions), warnings=warnings)


def tuning_cost(snapshot: PriceSnapshot, instance_type: str, count: int, hours_per_job: float, max_jobs: int,
                max_parallel: int, interruptible: bool, *, today: dt.date | None = None) -> tuple[Cost, float]:
    """(max_jobs x one training job, wall-clock hours = ceil(max_jobs / max_parallel) x hours_per_job).

    The cost is an upper bound: a tuning job may stop early, and SageMaker bills only the jobs it runs.
    """
    _positive(max_jobs=max_jobs, max_parallel=max_parallel)
    per_job = training_cost(snapshot, instance_type, count, hours_per_job, interruptible, today=today)
    waves = math.ceil(max_jobs / max_parallel)
    wall_hours = waves * hours_per_job
    assumptions = (*per_job.assumptions,
                   f"all {max_jobs} training jobs run (early stopping can end the tuning job sooner)",
                   f"{min(max_parallel, max_jobs)} jobs at a time: {waves} waves of {_num(hours_per_job)} h "
                   f"= {_num(wall_hours)} h wall clock")
    cost = Cost.of(
        usd=None if per_job.usd is None else per_job.usd * max_jobs,
        usd_high=None if per_job.usd_high is None else per_job.usd_high * max_jobs,
        period="job",
        formula=f"{max_jobs} jobs x ({per_job.formula})",
        assumptions=assumptions,
        warnings=per_job.warnings,
    )
    return cost, wall_hours


def endpoint_monthly_cost(snapshot: PriceSnapshot, instance_type: str, count: int,
                          hours_per_month: float = HOURS_PER_MONTH, *, today: dt.date | None = None) -> Cost:
    """A real-time endpoint bills every hour it is up, with or without traffic."""
    _positive(count=count, hours_per_month=hours_per_month)
    return _hourly(snapshot, instance_type, "hosting", hours_per_month * count,
                   f"{_num(hours_per_month)} h/month x {_instances(count)}", "month", today,
                   ("the endpoint runs all month whether or not it gets requests",))


def batch_transform_cost(snapshot: PriceSnapshot, instance_type: str, count: int, hours: float,
                         *, today: dt.date | None = None) -> Cost:
    _positive(count=count, hours=hours)
    return _hourly(snapshot, instance_type, "batch_transform", hours * count,
                   f"{_num(hours)} h x {_instances(count)}", "run", today)


def processing_cost(snapshot: PriceSnapshot, instance_type: str, count: int, hours: float,
                    *, today: dt.date | None = None) -> Cost:
    _positive(count=count, hours=hours)
    return _hourly(snapshot, instance_type, "processing", hours * count,
                   f"{_num(hours)} h x {_instances(count)}", "job", today)


def notebook_monthly_cost(snapshot: PriceSnapshot, instance_type: str, hours_per_day: float,
                          days_per_month: int = 22, *, today: dt.date | None = None) -> Cost:
    """A notebook instance bills while it is InService; stopping it when idle is the saving."""
    _positive(hours_per_day=hours_per_day, days_per_month=days_per_month)
    if hours_per_day > 24:
        raise UsageError(f"hours_per_day must be at most 24, got {_num(hours_per_day)}")
    return _hourly(snapshot, instance_type, "notebook", hours_per_day * days_per_month,
                   f"{_num(hours_per_day)} h/day x {days_per_month} days", "month", today,
                   (f"the notebook is stopped outside those {_num(hours_per_day)} h a day "
                    "(storage is billed separately, also while stopped)",))


def lambda_monthly_cost(snapshot: PriceSnapshot, requests_per_month: float, seconds_per_request: float,
                        memory_mb: float, provisioned: int = 0, *, today: dt.date | None = None) -> Cost:
    """Requests x billed duration (rounded up to 1 ms) x memory in GB, plus the per-request charge.

    With provisioned concurrency (`provisioned` execution environments kept initialised all month), AWS bills the
    memory configured x the time it is configured at its own rate, and the duration of the requests it serves at
    a lower rate than on demand (the request charge is the same; the free tier does not apply): the requests are
    counted at the peak rate the concurrency was sized for, so all of them are served by it. A snapshot without
    those rates costs it as unknown, with the on-demand figure for scale."""
    _positive(seconds_per_request=seconds_per_request, memory_mb=memory_mb)
    if requests_per_month < 0:
        raise UsageError(f"requests_per_month must not be negative, got {_num(requests_per_month)}")
    prices = snapshot.lambda_
    stale = _stale(snapshot, today)
    if prices is None:
        return Cost.of(usd=None, period="month", formula="no Lambda prices in this snapshot",
                    warnings=(f"price snapshot {snapshot.region} has no Lambda prices", *stale))
    billed_s = _billed_seconds(seconds_per_request)
    gb = memory_mb / 1024
    gb_seconds = requests_per_month * billed_s * gb
    request_usd = requests_per_month / 1e6 * prices.usd_per_million_requests
    requests_said = f"{_num(requests_per_month / 1e6)}M requests x ${prices.usd_per_million_requests:.2f}/M"
    duration = f"{_num(requests_per_month)} requests x {_num(billed_s)} s x {_num(gb)} GB"
    usd = gb_seconds * prices.usd_per_gb_second + request_usd
    formula = f"{duration} x ${plain_number(prices.usd_per_gb_second)}/GB-s + {requests_said}"
    assumptions = ("x86, first pricing tier; the free tier is not deducted",
                   f"duration billed in 1 ms steps ({_num(seconds_per_request)} s -> {_num(billed_s)} s)",
                   f"Lambda prices: {prices.source} (as of {prices.as_of.isoformat()})")
    if not provisioned:
        return Cost.of(usd=usd, period="month", formula=formula, assumptions=assumptions, warnings=stale)
    kept = f"{provisioned} provisioned concurrency x {_num(gb)} GB x {_num(HOURS_PER_MONTH)} h"
    rates = prices.provisioned
    if rates is None:
        on_demand = money(usd)
        return Cost.of(
            usd=None, period="month", caveat=f"provisioned concurrency not priced; on demand {on_demand}/month",
            formula=(f"{kept} x AWS's provisioned-concurrency rate per GB-s + the requests' duration at its "
                     f"provisioned rate, neither in the {snapshot.region} snapshot; for scale, on demand: {formula} "
                     f"= {on_demand}"), assumptions=assumptions,
            warnings=(f"Lambda provisioned concurrency is not priced in the {snapshot.region} snapshot, so the "
                      f"function's cost is unknown; on demand the same requests would cost {on_demand}/month, "
                      f"which is not this cost: keeping {provisioned} x {_num(gb)} GB warm adds a charge", *stale))
    warm_usd = provisioned * gb * HOURS_PER_MONTH * 3600 * rates.usd_per_gb_second
    usd = warm_usd + gb_seconds * rates.usd_per_gb_second_duration + request_usd
    formula = (f"{kept} x 3600 s x ${plain_number(rates.usd_per_gb_second)}/GB-s (kept warm) + {duration} x "
               f"${plain_number(rates.usd_per_gb_second_duration)}/GB-s (duration with provisioned concurrency) + "
               f"{requests_said}")
    return Cost.of(usd=usd, period="month", formula=formula, assumptions=(
        f"provisioned concurrency {provisioned} is configured all month ({_num(HOURS_PER_MONTH)} h) and serves "
        "every request (it is sized for the peak); Application Auto Scaling on a schedule lowers it",
        "x86, first pricing tier; the free tier does not apply with provisioned concurrency",
        f"duration billed in 1 ms steps ({_num(seconds_per_request)} s -> {_num(billed_s)} s)",
        f"Lambda provisioned-concurrency prices: {rates.source} (as of {rates.as_of.isoformat()})"), warnings=stale)


def serverless_monthly_cost(snapshot: PriceSnapshot, requests_per_month: float, seconds_per_request: float,
                            memory_mb: float, provisioned: int = 0, *, today: dt.date | None = None) -> Cost:
    """Requests x duration (billed by the millisecond) x memory in GB x the snapshot's price per GB-second.

    Provisioned concurrency is billed differently (AWS, serverless-endpoints.html): for the memory configured, the
    time it is provisioned and the concurrency enabled, and the requests it serves at their own per-second rate.
    No snapshot holds those rates (AWS's figures could not be verified: pricing_data/SOURCES.md), so with it the
    cost is unknown, said beside the figure wherever it is shown, with the same requests' on-demand cost for
    scale. That figure is not the cost, nor shown as a bound on it: the warm capacity adds a charge, and the
    requests it serves are billed at their own rate.
    """
    _positive(seconds_per_request=seconds_per_request, memory_mb=memory_mb)
    if requests_per_month < 0:
        raise UsageError(f"requests_per_month must not be negative, got {_num(requests_per_month)}")
    prices = snapshot.serverless_inference
    stale = _stale(snapshot, today)
    if prices is None:
        return Cost.of(usd=None, period="month", formula=f"no Serverless Inference price in the {snapshot.region} "
                     "snapshot", warnings=(f"the {snapshot.region} price snapshot has no Serverless Inference price: "
                                           "serverless cost unknown", *stale))
    warnings = ((f"the Serverless Inference price in {snapshot.region} is an estimate: {prices.basis}", *stale)
                if prices.estimate else stale)
    billed_s = _billed_seconds(seconds_per_request)
    gb = memory_mb / 1024
    compute = requests_per_month * billed_s * gb * prices.usd_per_gb_second
    formula = (f"{_num(requests_per_month)} requests x {_num(billed_s)} s x {_num(gb)} GB "
               f"x ${plain_number(prices.usd_per_gb_second)}/GB-s")
    assumptions = ("the data processed (GB in and out) is billed on top, at a price the snapshot does not hold",
                   f"Serverless Inference price: {prices.source} (as of {prices.as_of.isoformat()})")
    if provisioned:
        on_demand = money(compute)
        return Cost.of(
            usd=None, period="month", caveat=f"provisioned concurrency not priced; on demand {on_demand}/month",
            formula=(f"{provisioned} provisioned concurrency x {_num(gb)} GB x {_num(HOURS_PER_MONTH)} h kept warm "
                     "x AWS's provisioned-concurrency rate per GB-second + the requests it serves x their "
                     "inference-duration rate, neither rate in the snapshot; for scale, the same requests on "
                     f"demand: {formula} = {on_demand}"),
            assumptions=(*assumptions,
                         f"ProvisionedConcurrency {provisioned} is kept warm all month ({_num(HOURS_PER_MONTH)} h) "
                         "unless Application Auto Scaling lowers it on a schedule; AWS bills it for the memory "
                         "configured, the time provisioned and the concurrency enabled, besides the requests' "
                         "compute billed by the millisecond (docs.aws.amazon.com/sagemaker/latest/dg/"
                         "serverless-endpoints.html)"),
            warnings=(f"serverless provisioned concurrency is not priced: AWS's rates for it could not be verified "
                      "(pricing_data/SOURCES.md), so the serverless cost is unknown; on demand the same requests "
                      f"would cost {on_demand}/month, which is not this cost: provisioned concurrency adds a "
                      f"charge for keeping {provisioned} x {_num(gb)} GB warm and bills the requests it serves at "
                      "its own rate", *warnings))
    return Cost.of(usd=compute, period="month", formula=formula, assumptions=assumptions, warnings=warnings)


def lambda_managed_instances_monthly_cost(snapshot: PriceSnapshot, instance_type: str, instances: int,
                                          requests_per_month: float, markup: float, *,
                                          today: dt.date | None = None) -> Cost:
    """EC2 instances running all month plus the management fee, plus the request charge: always an estimate.

    The snapshot prices SageMaker's ml.* types, not EC2's, so the EC2 price is the ml.* price / `markup` (the
    SageMaker markup measured on real rows, pricing_data/SOURCES.md); the capacity provider may pick other types.
    """
    _positive(instances=instances)
    prices = snapshot.lambda_managed_instances
    stale = _stale(snapshot, today)
    if prices is None:
        return Cost.of(usd=None, period="month", formula=f"no Lambda Managed Instances prices in the {snapshot.region} "
                     "snapshot", warnings=(f"the {snapshot.region} price snapshot has no Lambda Managed Instances "
                                           "prices: their cost is unknown", *stale))
    ml_price, warnings = _lookup(snapshot, instance_type, "hosting", today)
    if ml_price is None:
        return Cost.of(usd=None, period="month", formula=f"{_instances(instances)} x unknown price", warnings=warnings)
    ec2 = ml_price / markup
    fee = 1 + prices.management_fee_percent / 100
    running = max(instances, prices.minimum_instances)
    compute = ec2 * fee * running * HOURS_PER_MONTH
    requests = requests_per_month / 1e6 * prices.usd_per_million_requests
    ec2_type = instance_type.removeprefix("ml.")
    formula = (f"{_instances(running)} x {ec2_type} ${plain_number(round(ec2, 4))}/h (estimated EC2 price) x "
               f"{_num(fee)} (management fee) x {_num(HOURS_PER_MONTH)} h + {_num(round(requests_per_month))} "
               f"requests x ${plain_number(prices.usd_per_million_requests)}/M")
    assumptions = (f"Lambda Managed Instances run at least {prices.minimum_instances} instances all month (AZ "
                   "resiliency), whether or not requests arrive; Savings Plans and Reserved Instances lower it",
                   f"prices: {prices.source} (as of {prices.as_of.isoformat()})")
    estimate = (f"the Lambda Managed Instances cost is an estimate: {ec2_type}'s EC2 price is taken as the "
                f"{instance_type} price ${plain_number(ml_price)}/h / {markup:g}, the SageMaker "
                "markup measured on real rows (pricing_data/SOURCES.md), and the capacity provider may choose "
                "other types")
    return Cost.of(usd=compute + requests, period="month", formula=formula, assumptions=assumptions,
                 warnings=(estimate, *warnings))


def lambda_break_even_rps(snapshot: PriceSnapshot, endpoint_monthly_usd: float, seconds_per_request: float,
                          memory_mb: float) -> float | None:
    """Requests per second at which Lambda costs as much as the endpoint; below it Lambda is cheaper.

    None when the snapshot has no Lambda prices. Assumes the same 730-hour month as the endpoint estimate.
    """
    _positive(seconds_per_request=seconds_per_request, memory_mb=memory_mb)
    if endpoint_monthly_usd < 0:
        raise UsageError(f"endpoint_monthly_usd must not be negative, got {endpoint_monthly_usd:g}")
    prices = snapshot.lambda_
    if prices is None:
        return None
    per_request = (_billed_seconds(seconds_per_request) * memory_mb / 1024 * prices.usd_per_gb_second
                   + prices.usd_per_million_requests / 1e6)
    return endpoint_monthly_usd / per_request / SECONDS_PER_MONTH


# ---- helpers ------------------------------------------------------------------------------------------------

def _hourly(snapshot: PriceSnapshot, instance_type: str, component: Component, instance_hours: float,
            shape: str, period: Literal["job", "run", "month"], today: dt.date | None,
            assumptions: tuple[str, ...] = ()) -> Cost:
    price, warnings = _lookup(snapshot, instance_type, component, today)
    if price is None:
        return Cost.of(usd=None, period=period, formula=f"{shape} x unknown price", assumptions=assumptions,
                    warnings=warnings)
    return Cost.of(usd=instance_hours * price, period=period, formula=f"{shape} x {rate(price)}",
                assumptions=assumptions, warnings=warnings)


def _lookup(snapshot: PriceSnapshot, instance_type: str, component: Component,
            today: dt.date | None) -> tuple[float | None, tuple[str, ...]]:
    """The hourly price and the warnings any cost built on it must carry."""
    row: Price | None = snapshot.price(instance_type, component)
    stale = _stale(snapshot, today)
    if row is not None and isinstance(row.usd_per_hour, float) and not row.estimate:
        return row.usd_per_hour, stale
    where = f"{instance_type} {component.replace('_', ' ')} in {snapshot.region}"
    if row is None:
        return None, (f"no price for {where} in the snapshot: cost unknown", *stale)
    if not isinstance(row.usd_per_hour, float):
        return None, (f"the price of {where} is unknown ({row.source}): cost unknown", *stale)
    return row.usd_per_hour, (f"the price of {where} is an estimate: {row.basis}", *stale)


def _stale(snapshot: PriceSnapshot, today: dt.date | None) -> tuple[str, ...]:
    warning = snapshot.stale_warning(today or dt.date.today())
    return (warning,) if warning else ()


def _billed_seconds(seconds: float) -> float:
    """Lambda bills duration rounded up to the next millisecond (round first: 0.1 s must not become 101 ms)."""
    return math.ceil(round(seconds * 1000, 6)) / 1000


def _positive(**values: float) -> None:
    for name, value in values.items():
        if not (isinstance(value, (int, float)) and 0 < value < math.inf):  # NaN fails both comparisons
            raise UsageError(f"{name} must be a positive number, got {value!r}")


def _instances(count: int) -> str:
    return f"{count} instance" + ("" if count == 1 else "s")


def _num(value: float) -> str:
    """Numbers in formulas: no trailing zeros, thousands separated."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) < 1000 else f"{value:,.2f}"
