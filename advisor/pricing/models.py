"""The shape of a price snapshot (pricing_data/<region>.yaml).

A price is a figure, an estimate that says how it was made, or an explicit `unknown`: the ranker must be
able to tell "we do not know" from "free", so a missing price is never a zero.
"""


# No `from __future__ import annotations` here: the records' hints are read at run time (advisor.records).
import datetime as dt
import math
from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Any, Literal, NamedTuple, get_args

from annotated_types import Ge, Gt, Le, Lt, MinLen
from pydantic import BeforeValidator, Field, StringConstraints
from typing_extensions import Doc

from advisor.base import Text
from advisor.numbers import MAX_MAGNITUDE
from advisor.records import record

Component = Literal["notebook", "training", "spot_training", "hosting", "batch_transform", "processing"]
COMPONENTS: tuple[Component, ...] = get_args(Component)
"""The same ids as advisor.stages.PRICE_COMPONENTS (a test holds them equal; the Literal is for the type checker)."""
Region = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$")]
Context = Mapping[str, Any] | None
"""What a record's `_check` is given: the validation context (advisor.records)."""


def plain_number(value: float) -> str:
    """A price as written in a snapshot or a formula: 0.0000166667, never 1.66667e-05 (which YAML 1.1 and
    readers both misread)."""
    text = f"{value:.12f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _number_or_unknown(value: Any) -> Any:
    """Strict on purpose: a quoted "0.23", a boolean or a NaN in a price file is a typo, not a price."""
    if value == "unknown":
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"must be a number of USD per hour or the word unknown, got {value!r}")
    try:
        usd = float(value)
    except OverflowError:  # an integer of hundreds of digits: no float holds it
        raise ValueError(f"must be a positive number of USD per hour at most 10^12, got a number of "
                         f"{len(str(abs(value)))} digits") from None
    if not math.isfinite(usd) or usd <= 0:
        raise ValueError(f"must be a positive number of USD per hour, got {value!r} "
                         "(write unknown when the price is not known; never 0)")
    if usd > MAX_MAGNITUDE:
        raise ValueError(f"must be a positive number of USD per hour at most 10^12, got {usd:g}")
    return usd


def _check_estimate(estimate: bool, basis: str | None) -> None:
    """An estimated figure says how it was made; a quoted one has no basis to give."""
    if estimate and not basis:
        raise ValueError("an estimate must say its basis")
    if basis and not estimate:
        raise ValueError("basis is given only for estimates (set estimate: true)")


@record
class Price(NamedTuple):
    instance_type: Annotated[str, StringConstraints(pattern=r"^ml\.[a-z0-9-]+\.[a-z0-9]+$")]
    component: Component
    usd_per_hour: Annotated[float | Literal["unknown"], BeforeValidator(_number_or_unknown),
                            Doc("USD per instance-hour, or the word unknown.")]
    source: Text
    estimate: bool = False
    basis: Annotated[str | None, Doc("How an estimate was made.")] = None

    def _check(self, context: Context) -> None:
        _check_estimate(self.estimate, self.basis)

    @property
    def known(self) -> bool:
        return self.usd_per_hour != "unknown"


@record
class LambdaProvisionedPrices(NamedTuple):
    """Provisioned concurrency on standard Lambda: a charge per GB-second configured, whether requests arrive or
    not, and a lower duration rate for the requests it serves (the request charge is unchanged; the free tier
    does not apply)."""

    usd_per_gb_second: Annotated[float, Gt(0)]
    usd_per_gb_second_duration: Annotated[float, Gt(0)]
    source: Text
    as_of: dt.date


@record
class LambdaPrices(NamedTuple):
    usd_per_gb_second: Annotated[float, Gt(0)]
    usd_per_million_requests: Annotated[float, Gt(0)]
    source: Text
    as_of: dt.date
    provisioned: Annotated[LambdaProvisionedPrices | None, Doc(
        "Provisioned concurrency's rates; absent: a cost with provisioned concurrency is unknown.")] = None


@record
class ServerlessInferencePrices(NamedTuple):
    """On-demand Serverless Inference compute, per GB-second of memory configured. Only us-east-1's rate was found
    as a quote, so the other shipped regions hold estimates that say how they were made (as instance rows do)."""

    usd_per_gb_second: Annotated[float, Gt(0)]
    source: Text
    as_of: dt.date
    estimate: bool = False
    basis: Annotated[str | None, Doc("How an estimate was made.")] = None

    def _check(self, context: Context) -> None:
        _check_estimate(self.estimate, self.basis)


@record
class LambdaManagedInstancesPrices(NamedTuple):
    """What Lambda Managed Instances add to the EC2 price of the instances they run on (issue 12): a management
    fee as a share of the EC2 on-demand price, the request charge, and the instances a function keeps running."""

    management_fee_percent: Annotated[float, Ge(0), Le(100)]
    usd_per_million_requests: Annotated[float, Ge(0)]
    minimum_instances: Annotated[int, Ge(1), Le(100)]
    source: Text
    as_of: dt.date


@record
class SpotTrainingDiscount(NamedTuple):
    """Managed spot training saves a share of the on-demand training price that AWS does not fix in advance.

    Costs show an interruptible job as a range between the two percentages; `assumption` says which part of
    the range is our judgement rather than a quoted figure.
    """

    min_percent: Annotated[float, Ge(0), Lt(100)]
    max_percent: Annotated[float, Gt(0), Lt(100)]
    source: Text
    as_of: dt.date
    assumption: str | None = None

    def _check(self, context: Context) -> None:
        if self.min_percent > self.max_percent:
            raise ValueError(f"min_percent {self.min_percent:g} is larger than max_percent {self.max_percent:g}")


class _SnapshotRecords(NamedTuple):
    region: Region
    as_of: dt.date
    source: Text
    method: Literal["manual", "price_list_api"]
    prices: Annotated[tuple[Price, ...], MinLen(1)]
    currency: Literal["USD"] = "USD"
    lambda_: Annotated[LambdaPrices | None, Field(alias="lambda")] = None
    serverless_inference: ServerlessInferencePrices | None = None
    lambda_managed_instances: LambdaManagedInstancesPrices | None = None
    spot_training_discount: SpotTrainingDiscount | None = None


class PriceBlock(NamedTuple):
    """A block of a snapshot beside its instance-hour rows: prices of another kind, each with its own source."""

    field: str
    """The PriceSnapshot field that holds it."""
    key: str
    """Its key in the snapshot file."""
    label: str
    """What it is, in a sentence ("Serverless Inference prices")."""


#: Every block a snapshot may hold beside its rows, in the order the shipped files write them. A refresh carries
#: each over from the old snapshot (none is in the Price List's AmazonSageMaker offer) and a diff compares each,
#: so a new kind of price (a stage billed per use, say) is a field of the snapshot and a row here; a test holds
#: the two equal.
PRICE_BLOCKS: tuple[PriceBlock, ...] = (
    PriceBlock("lambda_", "lambda", "Lambda prices"),
    PriceBlock("serverless_inference", "serverless_inference", "Serverless Inference prices"),
    PriceBlock("lambda_managed_instances", "lambda_managed_instances", "Lambda Managed Instances prices"),
    PriceBlock("spot_training_discount", "spot_training_discount", "spot training discount"),
)


# The snapshot's fields are the file's (a NamedTuple takes its defaulted ones last); the subclass keeps the index
# by component and type beside them, built on first lookup.
@record
class PriceSnapshot(_SnapshotRecords):
    """A region's price snapshot: SageMaker instance prices per component, and Lambda, serverless and spot
    training figures, each with its source."""

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"PriceSnapshot is frozen: cannot set {name}")

    @cached_property
    def _index(self) -> dict[str, dict[str, Price]]:
        """component -> instance type -> price, built on first lookup (the ranker asks hundreds of times)."""
        index: dict[str, dict[str, Price]] = {c: {} for c in COMPONENTS}
        for p in self.prices:
            index[p.component][p.instance_type] = p
        return index

    def price(self, instance_type: str, component: Component) -> Price | None:
        """The row for this type and component; None when the snapshot has no row (an `unknown` row is returned)."""
        return self._index[component].get(instance_type)

    def prices_for(self, component: Component) -> dict[str, Price]:
        """Every row of one component by instance type (read-only: it is the snapshot's own index)."""
        return self._index[component]

    def age_days(self, today: dt.date) -> int:
        return (today - self.as_of).days

    def stale_warning(self, today: dt.date, max_age_days: int = 180) -> str | None:
        """The warning every recommendation priced from this snapshot must show once it is older than the limit."""
        age = self.age_days(today)
        if age <= max_age_days:
            return None
        return (f"price snapshot {self.region} is from {self.as_of.isoformat()} ({age} days old); "
                "run `advisor pricing refresh`")
