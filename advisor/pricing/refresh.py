"""`advisor pricing refresh`: fetch SageMaker instance prices from the AWS Price List API into a new snapshot.

The only module that talks to AWS, so boto3 and botocore are imported inside functions only. The flow is
fetch everything, build the snapshot in memory, check it exactly as a load would, then write it with one atomic
rename: a failure at any point (credentials, throttling, the network, a bad answer) leaves the old file
byte-for-byte as it was.

What the API does not say is kept, not invented: a (type, stage) pair the knowledge lists but the answer lacks
keeps the old snapshot's figure, marked as carried over; with no old figure it is written as `unknown`. The
blocks beside the rows (Lambda, Serverless Inference, Lambda Managed Instances, the spot discount: PRICE_BLOCKS)
are carried over from the old snapshot (they are not in the AmazonSageMaker offer, and each keeps its own `as_of`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.atomic import write_user_file
from advisor.documents import display_path, parse_yaml
from advisor.errors import PricingError, UsageError, printable
from advisor.pricing.models import COMPONENTS, PRICE_BLOCKS, Component, Price, PriceSnapshot, plain_number
from advisor.pricing.snapshots import (
    REGION_PATTERN,
    candidate_paths,
    check_document,
    load_snapshot,
    read_snapshot,
    shipped_pricing_dir,
    user_pricing_dir,
)
from advisor.records import adapter
from advisor.resources import shipped_dir

if TYPE_CHECKING:
    from advisor.knowledge.models import Knowledge

SERVICE_CODE = "AmazonSageMaker"
PRODUCT_FAMILY = "ML Instance"
API_REGION = "us-east-1"
"""The Price List API has endpoints in us-east-1, eu-central-1 and ap-south-1 only; all serve every region."""

MAX_RETRIES = 7
"""Retries after the first attempt, per request, in botocore's standard retry mode (throttling, 5xx and dropped
connections are retried with jittered backoff). Config's `max_attempts` counts retries: 8 attempts in all."""

RESUMES = 2
"""After botocore gives up on a throttled page, wait and resume paging from the same token this many times."""

RESUME_WAIT_SECONDS = 20.0

#: Price List `platoinstancetype` (or, when absent, `component`) -> our component. Everything else (AsyncInf,
#: Studio apps, RStudio, HyperPod, Data Wrangler, free tiers) is not a stage the advisor prices, and is counted.
COMPONENT_NAMES: dict[str, Component] = {
    "Notebook": "notebook",
    "Training": "training",
    "SpotTraining": "spot_training",
    "Hosting": "hosting",
    "BatchTransform": "batch_transform",
    "Transform": "batch_transform",
    "Processing": "processing",
}

_INSTANCE = re.compile(r"^ml\.[a-z0-9]+\.[a-z0-9]+$")
_CARRIED = re.compile(r"^carried over from the \d{4}-\d{2}-\d{2} snapshot[^:]*: ")


class RefreshError(PricingError):
    """A failure on the AWS side (credentials, network, throttling, a refused request): exit 1."""

    title = "Price refresh failed"
    exit_code = 1


@dataclass(frozen=True)
class Offer:
    """One usable on-demand price from the Price List."""

    instance_type: str
    component: Component
    usd_per_hour: float
    usagetype: str
    sku: str


@dataclass
class RefreshReport:
    region: str
    path: Path | None = None
    pages: int = 0
    items: int = 0
    resumed: int = 0
    from_api: int = 0
    carried_over: int = 0
    unknown: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        where = f"wrote {self.path}" if self.path else "nothing written"
        text = (f"{self.region}: {where}: {self.from_api} prices from the API, {self.carried_over} carried over, "
                f"{self.unknown} unknown; {self.items} items parsed on {self.pages} pages")
        if self.resumed:
            text += f", resumed {self.resumed}x after throttling"
        if self.skipped:
            text += "; skipped: " + ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
        return text


Progress = Callable[[RefreshReport], None]


# ---- the AWS client -----------------------------------------------------------------------------------------

def make_client(profile: str | None = None) -> Any:
    """A `pricing` client on the standard credential chain, with botocore's standard retry mode.

    Fails early, in one line, when no credentials can be found, before any request is made.
    """
    # deferred: the AWS SDK loads only when AWS is called; botocore's service models only when a request is validated
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ProfileNotFound

    try:
        session = boto3.Session(profile_name=profile)
        credentials = session.get_credentials()
    except ProfileNotFound:
        raise PricingError(f"the AWS profile {profile!r} is not in your AWS config",
                           hint="list profiles with `aws configure list-profiles`") from None
    except BotoCoreError as exc:  # a broken config file, a credential process that fails
        raise RefreshError(f"cannot read AWS credentials: {type(exc).__name__}") from None
    if credentials is None:
        raise RefreshError(_NO_CREDENTIALS)
    config = Config(retries={"mode": "standard", "max_attempts": MAX_RETRIES}, connect_timeout=10,
                    read_timeout=60)
    return session.client("pricing", region_name=API_REGION, config=config)


_NO_CREDENTIALS = ("no AWS credentials found (set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
                   "run `aws configure`, or pass --profile)")


# ---- reading the Price List ---------------------------------------------------------------------------------

def parse_item(raw: Any) -> Offer | str:
    """One PriceList entry (a JSON string) -> an Offer, or the reason it was skipped."""
    try:
        item = json.loads(raw)
        product = item["product"]
        attributes = product["attributes"]
        terms = item.get("terms", {})
    except (TypeError, ValueError, KeyError):
        return "malformed items"
    if not isinstance(attributes, dict) or not isinstance(terms, dict):
        return "malformed items"
    kind = attributes.get("platoinstancetype") or attributes.get("component")
    component = COMPONENT_NAMES.get(kind) if isinstance(kind, str) else None
    if component is None:
        return "items of other components"
    location = attributes.get("locationType")
    if location not in (None, "AWS Region"):
        return "items outside an AWS Region (Outposts, Local Zones)"
    name = _instance_name(attributes)
    if name is None:
        return "malformed items"
    usd = _hourly_usd(terms)
    if isinstance(usd, str):
        return usd
    return Offer(name, component, usd, str(attributes.get("usagetype", "")), str(product.get("sku", "")))


def _instance_name(attributes: dict[str, Any]) -> str | None:
    """`instanceName` first: `instanceType` is sometimes "ml.m5.xlarge-Training" or "NA"."""
    for candidate in (attributes.get("instanceName"), str(attributes.get("instanceType", "")).split("-")[0],
                      str(attributes.get("usagetype", "")).rpartition(":")[2]):
        if isinstance(candidate, str) and _INSTANCE.match(candidate):
            return candidate
    return None


def _hourly_usd(terms: dict[str, Any]) -> float | str:
    """The on-demand USD price per hour, or why there is none."""
    found: set[float] = set()
    try:
        for offer in (terms.get("OnDemand") or {}).values():
            for dimension in offer["priceDimensions"].values():
                if str(dimension.get("unit", "")).lower() not in ("hrs", "hours", "hr"):
                    continue
                usd = dimension.get("pricePerUnit", {}).get("USD")
                if usd is None:
                    continue
                found.add(float(usd))
    except (AttributeError, KeyError, TypeError, ValueError):
        return "malformed items"
    if not found:
        return "items without a USD hourly price"
    if len(found) > 1:
        return "items with more than one hourly price"
    usd = found.pop()
    if not math.isfinite(usd) or usd <= 0:
        return "items with a zero or negative price"
    return usd


def fetch_offers(client: Any, region: str, report: RefreshReport, *, progress: Progress | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> list[Offer]:
    """Every usable offer for `region`, page by page through the paginator; AWS failures become RefreshError."""
    # deferred: botocore's service models load only when a request is validated
    from botocore.paginate import TokenEncoder

    paginator = client.get_paginator("get_products")
    filters = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region},
               {"Type": "TERM_MATCH", "Field": "productFamily", "Value": PRODUCT_FAMILY}]
    offers: list[Offer] = []
    next_token: str | None = None
    while True:
        config: dict[str, Any] = {"PageSize": 100}
        if next_token:
            config["StartingToken"] = TokenEncoder().encode({"NextToken": next_token})
        try:
            with _aws_errors(report):
                for page in _readable(paginator.paginate(ServiceCode=SERVICE_CODE, Filters=filters,
                                                         FormatVersion="aws_v1", PaginationConfig=config)):
                    report.pages += 1
                    items = page.get("PriceList") if isinstance(page, dict) else None
                    if not isinstance(items, list):
                        raise RefreshError(_not_a_page(page, report))
                    for raw in items:
                        report.items += 1
                        parsed = parse_item(raw)
                        if isinstance(parsed, Offer):
                            offers.append(parsed)
                        else:
                            report.skipped[parsed] += 1
                    next_token = page.get("NextToken")
                    if progress:
                        progress(report)
            return offers
        except _Throttled:
            if report.resumed >= RESUMES:
                raise RefreshError(
                    f"the Price List API kept throttling the requests ({MAX_RETRIES + 1} attempts per request, "
                    f"resumed {report.resumed}x) after {report.pages} pages; try again in a few minutes"
                ) from None
            report.resumed += 1
            sleep(RESUME_WAIT_SECONDS * report.resumed)


class _Throttled(Exception):
    """botocore gave up on a throttled request; the caller may wait and resume from the same page."""


@contextmanager
def _aws_errors(report: RefreshReport) -> Iterator[None]:
    """Translate botocore failures into RefreshError in plain words; credentials are never part of a message."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        ConnectionError,
        HTTPClientError,
        NoCredentialsError,
        PartialCredentialsError,
    )  # deferred: botocore's service models load only when a request is validated

    try:
        yield
    except (NoCredentialsError, PartialCredentialsError):
        raise RefreshError(_NO_CREDENTIALS) from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Unknown"))
        if code in ("ThrottlingException", "Throttling", "TooManyRequestsException"):
            raise _Throttled() from None
        message = str(error.get("Message", "")).strip()
        said = f"{code}: {message}" if message else code
        after = _after(report)
        if code in ("AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException",
                    "ExpiredTokenException", "InvalidClientTokenId"):
            raise RefreshError(f"AWS refused the request ({said}) {after}",
                               hint="the credentials need the pricing:GetProducts permission") from None
        raise RefreshError(f"the Price List API failed ({said}) {after}") from None
    except (ConnectionError, HTTPClientError) as exc:
        raise RefreshError(f"network failure talking to the Price List API {_after(report)} "
                           f"({type(exc).__name__}: {exc})") from None
    except BotoCoreError as exc:
        raise RefreshError(f"{type(exc).__name__}: {exc} ({_after(report)})") from None


def _readable(pages: Iterable[Any]) -> Iterator[Any]:
    """The paginator's pages; an answer botocore's JSON parser cannot walk (a list where the GetProducts shape
    has an object) is a plain RefreshError, not an AttributeError from inside botocore."""
    iterator = iter(pages)
    while True:
        try:
            page = next(iterator)
        except StopIteration:
            return
        except (AttributeError, TypeError, ValueError) as exc:
            raise RefreshError("the Price List API's answer is not the GetProducts answer it documents "
                               f"({type(exc).__name__}: {printable(str(exc))[:120]}); nothing was written") from None
        yield page


def _not_a_page(page: Any, report: RefreshReport) -> str:
    """Why an answer is not a GetProducts page. An answer that is not JSON at all (a proxy's or a captive
    portal's HTML page) reaches us as a page without a PriceList, which would otherwise read as "no products"."""
    return (f"the Price List API's answer to page {report.pages} has no PriceList (not JSON, or JSON of another "
            "shape: a proxy or captive portal in the way?); nothing was written")


def _after(report: RefreshReport) -> str:
    page = "page" if report.pages == 1 else "pages"
    return f"after {report.pages} {page}"


# ---- building and writing the snapshot ------------------------------------------------------------------------

def build_snapshot(region: str, offers: Iterable[Offer], knowledge: Knowledge, previous: PriceSnapshot | None,
                   today: dt.date, report: RefreshReport) -> PriceSnapshot:
    """The new snapshot: API prices for known types, the old figure where the API is silent, else unknown."""
    known = {t.name: t for t in knowledge.instance_types}
    chosen: dict[tuple[str, str], Offer] = {}
    for offer in offers:
        if offer.instance_type not in known:
            report.skipped["items for instance types the knowledge does not know"] += 1
            continue
        key = (offer.instance_type, offer.component)
        held = chosen.get(key)
        if held is not None and held.usd_per_hour != offer.usd_per_hour:
            report.skipped["items with a second, different price (kept the higher)"] += 1
        if held is None or offer.usd_per_hour > held.usd_per_hour:
            chosen[key] = offer
    rows: list[Price | dict[str, Any]] = []  # new rows as data: validated with the snapshot below
    for itype in knowledge.instance_types:
        for component in COMPONENTS:
            key = (itype.name, component)
            old = previous.price(itype.name, component) if previous else None
            if key in chosen:
                offer = chosen[key]
                rows.append({"instance_type": itype.name, "component": component, "usd_per_hour": offer.usd_per_hour,
                             "source": (f"AWS Price List API, {SERVICE_CODE} {region}, {offer.usagetype or '?'} "
                                        f"(SKU {offer.sku or '?'}), read {today.isoformat()}")})
                report.from_api += 1
            elif old is not None and previous is not None:
                rows.append(old._replace(source=_carried(old.source, previous.as_of, today)))
                report.carried_over += 1
            elif component in itype.stages:
                rows.append({"instance_type": itype.name, "component": component, "usd_per_hour": "unknown",
                             "source": f"not in the Price List API answer of {today.isoformat()}, "
                                       "and no earlier figure"})
                report.unknown += 1
    return adapter(PriceSnapshot).validate_python({
        "region": region,
        "as_of": today,
        "source": (f"AWS Price List API (boto3 pricing get_products, ServiceCode {SERVICE_CODE}, productFamily "
                   f"{PRODUCT_FAMILY}, regionCode {region}) via `advisor pricing refresh`"
                   + (f"; rows the API did not return are carried over from the {previous.as_of.isoformat()} "
                      "snapshot and say so" if previous else "")),
        "method": "price_list_api",
        **{block.key: getattr(previous, block.field) if previous else None for block in PRICE_BLOCKS},
        "prices": rows,
    })


def _carried(source: str, since: dt.date, today: dt.date) -> str:
    original = _CARRIED.sub("", source)
    return (f"carried over from the {since.isoformat()} snapshot (not in the Price List API answer of "
            f"{today.isoformat()}): {original}")


HEADER = ("region", "currency", "as_of", "source", "method", *(block.key for block in PRICE_BLOCKS))
"""The keys above the prices, in the order the shipped files write them."""


FIELDS = {block.key: block.field for block in PRICE_BLOCKS}
"""The snapshot field of each block's key in the file (`lambda` is the field `lambda_`)."""


def render_snapshot(snapshot: PriceSnapshot, schema_ref: str) -> str:
    """The snapshot as YAML in the shipped files' layout: header blocks, then one flow mapping per price."""
    lines = [f"# yaml-language-server: $schema={schema_ref}"]
    for key in HEADER:
        value = getattr(snapshot, FIELDS.get(key, key))
        if value is None:
            continue
        block = getattr(value, "_asdict", None)  # a record of prices of another kind (lambda, ...)
        if block is not None:
            lines.append(f"{key}:")
            for k, v in block().items():
                inner = getattr(v, "_asdict", None)  # a nested record (lambda's provisioned-concurrency rates)
                if inner is not None:
                    lines += [f"  {k}:", *(f"    {ik}: {_scalar(iv)}" for ik, iv in inner().items() if iv is not None)]
                elif v is not None:
                    lines.append(f"  {k}: {_scalar(v)}")
        else:
            lines.append(f"{key}: {_scalar(value)}")
    lines.append("prices:")
    for price in snapshot.prices:
        row = {k: v for k, v in price._asdict().items() if v != Price._field_defaults.get(k, ...)}
        lines.append("  - {" + ", ".join(f"{k}: {_scalar(v)}" for k, v in row.items()) + "}")
    return "\n".join(lines) + "\n"


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return plain_number(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and (value == "unknown" or _INSTANCE.match(value) or value in COMPONENTS
                                   or REGION_PATTERN.match(value) or value in ("USD", "manual", "price_list_api")):
        return value
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def default_output_dir() -> Path:
    """The shipped pricing_data/ in a writable source tree; the user's data folder for an installed wheel."""
    shipped = shipped_pricing_dir()
    if shipped.parent.name != "_data" and os.access(shipped, os.W_OK):
        return shipped
    return user_pricing_dir()


def check_region(region: str) -> None:
    """Refuse a malformed region code before any credential lookup or request."""
    if not REGION_PATTERN.match(region):
        raise UsageError(f"{region!r} is not a region code", hint="for example us-east-1 or eu-west-1")


def refresh_region(region: str, *, client: Any, knowledge: Knowledge, out_dir: Path | None = None,
                   today: dt.date | None = None, progress: Progress | None = None,
                   sleep: Callable[[float], None] = time.sleep) -> RefreshReport:
    """Fetch, build, check and atomically write `region`'s snapshot; on any failure nothing is written."""
    check_region(region)
    today = today or dt.date.today()
    out_dir = out_dir or default_output_dir()
    target = out_dir / f"{region}.yaml"
    previous = _previous(region, target, knowledge)
    report = RefreshReport(region)
    offers = fetch_offers(client, region, report, progress=progress, sleep=sleep)
    if report.items == 0:
        raise RefreshError(f"the Price List API has no {SERVICE_CODE} {PRODUCT_FAMILY} products for {region}; "
                           f"{display_path(target)} is unchanged", hint="check the region code")
    if not offers:
        raise RefreshError(f"none of the {report.items} items for {region} could be read as an instance price "
                           f"(has the Price List format changed?); {display_path(target)} is unchanged")
    snapshot = build_snapshot(region, offers, knowledge, previous, today, report)
    schema = Path(os.path.relpath(_schema_file(), target.parent)).as_posix()
    text = render_snapshot(snapshot, schema)
    # the file must load exactly as a user's next command will load it, or it is not written
    check_document(parse_yaml(text, f"new snapshot for {region}", PricingError),
                   {t.name for t in knowledge.instance_types}, expect_region=region)
    write_user_file(target, text)
    report.path = Path(display_path(target))
    return report


def _previous(region: str, target: Path, knowledge: Knowledge) -> PriceSnapshot | None:
    """The snapshot whose figures and blocks carry over: the file being replaced, else the one in use."""
    if target.is_file():
        try:
            return read_snapshot(target, knowledge)
        except PricingError as exc:
            raise PricingError(f"the snapshot to be replaced does not load, so it is left alone: {exc.message}",
                               problems=exc.problems, hint=f"fix or move {target} away, then refresh again") from None
    if candidate_paths(region):
        return load_snapshot(region, knowledge=knowledge)
    return None


def _schema_file() -> Path:
    return shipped_dir("schemas") / "price_snapshot.schema.json"
