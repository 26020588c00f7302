"""`advisor pricing ...`: show and compare price snapshots, and refresh them from the AWS Price List API."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.cli import CREATES_FOLDERS, check_regions
from advisor.errors import UsageError
from advisor.render import FORMATS, Column, emit
from advisor.stages import PRICE_COMPONENTS, component_names, component_of, stage

if TYPE_CHECKING:
    from advisor.pricing.models import PriceSnapshot


def register(sub: argparse._SubParsersAction) -> None:
    pricing = sub.add_parser("pricing", help="show, compare and refresh the price snapshots (pricing_data/)")
    pricing_sub = pricing.add_subparsers(dest="pricing_command", metavar="PRICING_COMMAND", required=True)

    show = pricing_sub.add_parser("show", help="print prices per instance type and component")
    show.add_argument("--region", action="append", help="only this region (repeatable; default: every snapshot)")
    show.add_argument("--family", type=str.lower, help="only this instance family (t, m, r, c, p, g, inf, trn)")
    show.add_argument("--component", choices=component_names(), metavar="COMPONENT",
                      help="only this price component (hosting, spot_training, ...) or the one a workload stage "
                           "is billed under (realtime_inference, tuning, ...); a stage billed per use "
                           "(serverless_inference) shows the snapshot's other prices: Lambda, Serverless "
                           "Inference, ...")
    show.add_argument("--format", choices=FORMATS, default="table")
    show.add_argument("--pricing-dir", type=Path, metavar="DIR",
                      help="a folder of <region>.yaml snapshots (default: the shipped ones, or your refreshed "
                           "copies when newer)")
    show.set_defaults(handler=cmd_show)

    diff = pricing_sub.add_parser("diff", help="what changed between two snapshot files")
    diff.add_argument("old", type=Path, help="the earlier snapshot file, e.g. a saved copy of "
                                             "pricing_data/us-east-1.yaml")
    diff.add_argument("new", type=Path, help="the later snapshot file, e.g. pricing_data/us-east-1.yaml")
    diff.add_argument("--format", choices=FORMATS, default="table")
    diff.set_defaults(handler=cmd_diff)

    refresh = pricing_sub.add_parser(
        "refresh", help="fetch current prices from the AWS Price List API (needs AWS credentials)",
        description="Fetch SageMaker on-demand prices with boto3 (pricing get_products) and write a new snapshot "
                    "per region atomically; on any failure the old snapshot is left as it was.")
    refresh.add_argument("--region", action="append",
                         help="region to refresh (repeatable; default: every region that has a snapshot)")
    refresh.add_argument("--profile", help="AWS profile (default: the standard credential chain)")
    refresh.add_argument("--pricing-dir", type=Path, metavar="DIR",
                         help="folder to write into (default: the shipped pricing_data/ when writable, else "
                              f"<data dir>/pricing_data); {CREATES_FOLDERS}")
    refresh.set_defaults(handler=cmd_refresh)


SHOW_COLUMNS: tuple[Column, ...] = (  # as_of goes in the title: one date per region, not per row
    ("instance type", lambda r: r["instance_type"]),
    ("component", lambda r: r["component"]),
    ("region", lambda r: r["region"]),
    ("USD/h", lambda r: r["usd_per_hour"]),
    ("estimate", lambda r: r["estimate"]),
)


def cmd_show(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.knowledge.loader import knowledge_data
    from advisor.pricing.snapshots import available_regions, load_snapshot

    # a typo (eu-wst-1) is told the region meant, not "no snapshot: run pricing refresh --region eu-wst-1"
    check_regions(args.region)
    types = knowledge_data()["instance_types"]  # plain data: no need to build the knowledge models here
    regions = args.region or available_regions(args.pricing_dir)
    family_types: set[str] | None = None
    if args.family:
        known = sorted({t["family"] for t in types})
        if args.family not in known:
            raise UsageError(f"unknown family {args.family!r}", hint=f"one of {', '.join(known)}")
        family_types = {t["name"] for t in types if t["family"] == args.family}
    snapshots = {region: load_snapshot(region, args.pricing_dir) for region in regions}
    if args.component and args.component not in PRICE_COMPONENTS and stage(args.component).price_component is None:
        return _show_blocks(snapshots, args.format,
                            note=f"{args.component} is billed per use, not per instance-hour")
    component = component_of(args.component) if args.component else None
    rows: list[dict[str, Any]] = []
    dates: list[str] = []
    counts: list[str] = []
    today = dt.date.today()
    for region, snapshot in snapshots.items():
        dates.append(f"{region} as of {snapshot.as_of.isoformat()}")
        estimates = sum(p.estimate for p in snapshot.prices)
        unknown = sum(not p.known for p in snapshot.prices)
        counts.append(f"{region}: {len(snapshot.prices)} rows, {estimates} estimates "
                      f"({100 * estimates / len(snapshot.prices):.0f}%), {unknown} unknown")
        warning = snapshot.stale_warning(today)
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
        for price in snapshot.prices:
            if family_types is not None and price.instance_type not in family_types:
                continue
            if component and price.component != component:
                continue
            rows.append({"instance_type": price.instance_type, "component": price.component, "region": region,
                         "usd_per_hour": price.usd_per_hour, "estimate": price.estimate,
                         "as_of": snapshot.as_of.isoformat()})
    emit(rows, args.format, title=f"SageMaker on-demand USD per instance-hour ({', '.join(dates)})",
         columns=SHOW_COLUMNS)
    if args.format == "table":  # how much of each snapshot is estimated (json and yaml rows carry `estimate`)
        for line in counts:
            print(line)
        if not args.family and not args.component:  # the prices no row holds (json keeps its list of rows)
            print()
            _show_blocks(snapshots, args.format, note="")
    return 0


BLOCK_COLUMNS: tuple[Column, ...] = (
    ("region", lambda r: r["region"]),
    ("prices", lambda r: r["prices"]),
    ("figures", lambda r: _figures_text(r)),
    ("as of", lambda r: r["as_of"]),
)
_NOT_FIGURES = ("region", "prices", "key", "source", "as_of", "assumption", "estimate", "basis")


def _figures_text(row: dict[str, Any], prefix: str = "") -> str:
    """`usd_per_gb_second 0.0000166667, usd_per_million_requests 0.2`: a block's figures as its file names them,
    marked when they are an estimate (its basis is long: JSON and the snapshot file give it); a block inside a
    block (Lambda's provisioned concurrency) as `provisioned.usd_per_gb_second 0.0000041667`, its own source and
    date left to JSON and the file, as the outer block's are."""
    from advisor.pricing.models import plain_number  # deferred with the rest of the command's stack
    figures = ", ".join(
        _figures_text(value, f"{prefix}{name}.") if isinstance(value, dict)
        else f"{prefix}{name} {plain_number(value).removesuffix('.0') if isinstance(value, float) else value}"
        for name, value in row.items() if name not in _NOT_FIGURES and value is not None)
    return f"{figures} (estimate)" if row.get("estimate") else figures


def _show_blocks(snapshots: dict[str, PriceSnapshot], fmt: str, *, note: str) -> int:
    """Each snapshot's prices beside its instance-hour rows (PRICE_BLOCKS: Lambda, Serverless Inference, Lambda
    Managed Instances, the spot discount), one row per region and block, each with its source and date: what a
    stage billed per use, or the Lambda check, is costed from."""
    from advisor.pricing.models import PRICE_BLOCKS
    from advisor.records import to_plain

    rows: list[dict[str, Any]] = []
    for region, snapshot in snapshots.items():
        for block in PRICE_BLOCKS:
            figures = getattr(snapshot, block.field)
            if figures is None:
                continue
            # plain data all the way down: a block inside a block (Lambda's `provisioned`) was a record, shown as
            # its repr in the table, a bare list in JSON, and a crash in YAML
            rows.append({"region": region, "prices": block.label, "key": block.key, **to_plain(figures)})
    title = "Prices beside the instance-hour rows (the snapshot files hold each one's source)"
    if note:
        title = f"{note}: {title[0].lower()}{title[1:]}"
    emit(rows, fmt, title=title, columns=BLOCK_COLUMNS)
    return 0


DIFF_COLUMNS: tuple[Column, ...] = (
    ("instance type", lambda r: r["instance_type"]),
    ("component", lambda r: r["component"]),
    ("old USD/h", lambda r: r["old_usd_per_hour"]),
    ("new USD/h", lambda r: r["new_usd_per_hour"]),
    ("change", lambda r: _change_text(r)),
)


def _change_text(row: dict[str, Any]) -> str:
    """`+4.35%`, `added`, `removed`, with `estimate -> figure` when only the kind of figure changed too."""
    if row["change"] != "changed":
        return row["change"]
    text = "changed" if row["percent_change"] is None else f"{row['percent_change']:+g}%"
    old, new = row["old_estimate"], row["new_estimate"]
    if old != new:
        text += ", estimate -> figure" if old else ", figure -> estimate"
    return text


def cmd_diff(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.pricing.diff import diff_snapshots
    from advisor.pricing.snapshots import read_snapshot

    result = diff_snapshots(read_snapshot(args.old), read_snapshot(args.new))
    rows = [change.as_row() for change in result.changes]
    if args.format == "table":
        print(result.headline())
        if rows:
            emit(rows, "table", title="Price changes", columns=DIFF_COLUMNS)
        for line in result.other_changes():
            print(line)
    else:
        emit(rows, args.format)
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.knowledge.loader import load_knowledge
    from advisor.pricing.refresh import check_region, make_client, refresh_region
    from advisor.pricing.snapshots import available_regions, clear_cache

    regions = args.region or available_regions()
    for region in regions:
        check_region(region)
    knowledge = load_knowledge()
    check_regions(args.region, knowledge=knowledge)  # a region SageMaker does not run in: said before any call
    client = make_client(args.profile)
    progress = _progress_line if sys.stderr.isatty() else None
    for region in regions:
        try:
            report = refresh_region(region, client=client, knowledge=knowledge, out_dir=args.pricing_dir,
                                    progress=progress)
        finally:
            if progress:
                print(file=sys.stderr)  # end the progress line before any message
        print(report.summary())
    clear_cache()
    return 0


def _progress_line(report: Any) -> None:
    print(f"\r{report.region}: {report.pages} pages fetched, {report.items} items parsed", end="",
          file=sys.stderr, flush=True)
