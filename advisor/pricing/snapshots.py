"""Find, load and check price snapshots (pricing_data/<region>.yaml), with located errors and an in-process cache.

Two places can hold a region's snapshot: the shipped pricing_data/ (source tree or wheel) and, after
`advisor pricing refresh` on an installed wheel, the user's data folder (`<data dir>/pricing_data/`). The rule:
the user's copy wins when its `as_of` is the same as or later than the shipped one's; a newer shipped copy (from
an upgrade) wins over an older refresh. An explicit `pricing_dir` is the only place looked at.

A snapshot is checked beyond its schema against the knowledge: every instance type must be one the knowledge
knows, a (type, component) pair appears once, and a file named for a region holds that region.

Parsing and validating a snapshot costs a computed `advisor recommend` about as much as the recommendation
itself, so a validated snapshot is also kept in the user's cache, the way the knowledge is (signed JSON,
rebuilt into records on load, keyed by the version of every candidate file, the known instance types and the
code that decides validity; see advisor/knowledge/loader.py). Only snapshots that validated are written, so
the cache never decides validity.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.documents import display_path, parse_yaml, read_bytes, read_yaml, validate_document
from advisor.errors import PricingError, Problem, printable
from advisor.knowledge.loader import cache_key, file_version, knowledge_data, read_cache, write_cache
from advisor.records import ShapeError, build, to_plain
from advisor.resources import cache_dir, data_dir, shipped_dir

if TYPE_CHECKING:
    from advisor.documents import Document
    from advisor.knowledge.models import Knowledge
    from advisor.pricing.models import PriceSnapshot

REGION_PATTERN = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")

_CACHE: dict[tuple[Any, ...], PriceSnapshot] = {}
#: The code that decides what a valid snapshot is (paths under the package): an edit to any of them must not be
#: served a snapshot validated by the old code.
_CODE_FILES = ("pricing/models.py", "pricing/snapshots.py", "base.py", "documents.py", "records.py")


def shipped_pricing_dir() -> Path:
    return shipped_dir("pricing_data")


def user_pricing_dir() -> Path:
    """Where a refresh writes when the shipped folder is read-only (an installed wheel)."""
    return data_dir() / "pricing_data"


def check_region(region: str) -> str:
    """`region` if it is a region code (us-east-1); refused before it becomes part of a path (`../x`)."""
    if not isinstance(region, str) or not REGION_PATTERN.fullmatch(region):
        raise PricingError(f"{printable(repr(region))} is not a region code", hint="e.g. us-east-1, eu-west-1")
    return region


def checked_pricing_dir(pricing_dir: Path) -> Path:
    """A --pricing-dir the user gave: a folder holding at least one snapshot, or a plain error (an empty or
    missing folder used to give an empty result and exit 0)."""
    if not pricing_dir.exists():
        raise PricingError(f"{pricing_dir}: no such folder", hint="give a folder of <region>.yaml snapshots")
    if not pricing_dir.is_dir():
        raise PricingError(f"{pricing_dir}: is a file, not a folder",
                           hint="give a folder of <region>.yaml snapshots")
    if not any(pricing_dir.glob("*.yaml")):
        raise PricingError(f"{pricing_dir}: holds no price snapshot (<region>.yaml)",
                           hint="run `advisor pricing refresh --region REGION --pricing-dir DIR` to make one")
    return pricing_dir


def available_regions(pricing_dir: Path | None = None) -> list[str]:
    """Regions that have a snapshot file, sorted."""
    folders = [checked_pricing_dir(pricing_dir)] if pricing_dir is not None else [shipped_pricing_dir(),
                                                                                  user_pricing_dir()]
    found = {p.stem for folder in folders if folder.is_dir() for p in folder.glob("*.yaml")
             if REGION_PATTERN.match(p.stem)}
    return sorted(found)


def candidate_paths(region: str, pricing_dir: Path | None = None) -> list[Path]:
    """The files that could hold `region`'s snapshot, existing ones only, shipped first."""
    check_region(region)
    folders = [checked_pricing_dir(pricing_dir)] if pricing_dir is not None else [shipped_pricing_dir(),
                                                                                  user_pricing_dir()]
    return [folder / f"{region}.yaml" for folder in folders if (folder / f"{region}.yaml").is_file()]


def load_snapshot(region: str, pricing_dir: Path | None = None,
                  knowledge: Knowledge | None = None) -> PriceSnapshot:
    """The validated snapshot of `region`; a PricingError naming file, line and field if it is bad.

    Cached in process per (folder, region, file versions, known instance types): a changed file is reloaded,
    from the on-disk cache when those bytes validated before, else parsed and validated again.
    """
    paths = candidate_paths(region, pricing_dir)
    if not paths:
        have = available_regions(pricing_dir)
        raise PricingError(f"no price snapshot for region {region} (have: {', '.join(have) or 'none'})",
                           hint="run `advisor pricing refresh --region " + region + "` to fetch one")
    known = _known_types(knowledge)
    key = (str(pricing_dir), region, tuple((str(p), file_version(p)) for p in paths), known)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    snapshot = _load_validated(region, paths, known)
    _CACHE[key] = snapshot
    return snapshot


def _load_validated(region: str, paths: list[Path], known: frozenset[str]) -> PriceSnapshot:
    """The snapshot the candidate files make, from the disk cache when these file versions validated before.

    A file's version is its inode, size and modification time (`file_version`, as for the code files of the key):
    a start that finds the snapshot cached neither reads nor hashes the file (~360 KB). The version is taken
    before the file is read, so a file edited meanwhile is cached under a version no later start has.
    """
    inputs = {f"file {index}: {path}": file_version(path) for index, path in enumerate(paths)}
    inputs["region"] = region.encode()
    inputs["known instance types"] = "\n".join(sorted(known)).encode()
    key = cache_key(inputs, _CODE_FILES)
    cache = cache_dir() / f"snapshot-{region}-{key[:32]}.json"
    cached = read_cache(cache, key)
    if cached is not None:
        from advisor.pricing.models import PriceSnapshot  # deferred: its declarations import pydantic

        try:
            return build(PriceSnapshot, cached)  # the records again, without building a validator
        except ShapeError:
            pass  # written by other code: the YAML is validated again
    shown = [display_path(path) for path in paths]
    raw = [read_bytes(path, display, PricingError) for path, display in zip(paths, shown)]
    docs = [parse_yaml(blob, display, PricingError) for blob, display in zip(raw, shown)]
    doc = docs[0] if len(docs) == 1 else _newest(docs)
    snapshot = check_document(doc, known, expect_region=region)
    write_cache(cache, key, to_plain(snapshot))
    return snapshot


def snapshot_source(region: str, pricing_dir: Path | None = None) -> Path:
    """The file `load_snapshot` reads for `region` (the user's refresh or the shipped copy)."""
    paths = candidate_paths(region, pricing_dir)
    if len(paths) <= 1:
        if not paths:
            raise PricingError(f"no price snapshot for region {region}")
        return paths[0]
    docs = [_read(path) for path in paths]
    return paths[docs.index(_newest(docs))]


def read_snapshot(path: Path, knowledge: Knowledge | None = None) -> PriceSnapshot:
    """Load any snapshot file (e.g. the two sides of `advisor pricing diff`), with the same checks."""
    return check_document(_read(path), _known_types(knowledge))


def check_document(doc: Document, known_types: Collection[str], expect_region: str | None = None) -> PriceSnapshot:
    """Validate a parsed snapshot and cross-check it against the knowledge; all problems at once."""
    from advisor.pricing.models import PriceSnapshot  # deferred: its declarations import pydantic

    snapshot = validate_document(PriceSnapshot, doc, PricingError)
    problems: list[Problem] = []
    if expect_region is not None and snapshot.region != expect_region:
        problems.append(Problem(f"the file is named for {expect_region} but holds {snapshot.region}",
                                doc.display, doc.line_of(("region",)), "region"))
    problems += _unknown_types(doc, snapshot, known_types)
    problems += _duplicates(doc, snapshot)
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        raise PricingError(f"{doc.display}: {len(problems)} {noun}", problems=problems)
    return snapshot


def _unknown_types(doc: Document, snapshot: PriceSnapshot, known: Collection[str]) -> Iterable[Problem]:
    for index, price in enumerate(snapshot.prices):
        if price.instance_type not in known:
            import difflib  # here, not at the top: only a bad snapshot needs it; every priced run imports this

            close = difflib.get_close_matches(price.instance_type, list(known), n=1, cutoff=0.8)
            yield Problem(f"names the instance type {price.instance_type!r}, which the knowledge does not know",
                          doc.display, doc.line_of(("prices", index, "instance_type")),
                          f"prices[{index}].instance_type",
                          f"did you mean {close[0]!r}?" if close else "add it to rules/knowledge/instance_types.yaml")


def _duplicates(doc: Document, snapshot: PriceSnapshot) -> Iterable[Problem]:
    first: dict[tuple[str, str], int] = {}
    for index, price in enumerate(snapshot.prices):
        key = (price.instance_type, price.component)
        if key in first:
            yield Problem(f"a second price for {price.instance_type} {price.component} "
                          f"(the first is on line {doc.line_of(('prices', first[key]))})",
                          doc.display, doc.line_of(("prices", index)), f"prices[{index}]")
        else:
            first[key] = index


def _read(path: Path) -> Document:
    return read_yaml(path, display_path(path), PricingError)


def _newest(docs: list[Document]) -> Document:
    """The document with the latest `as_of`; on a tie the later one in the list (the user's refresh)."""
    best = docs[0]
    for doc in docs[1:]:
        if _as_of(doc) >= _as_of(best):
            best = doc
    return best


def _as_of(doc: Document) -> str:
    """The raw `as_of` as ISO text (YAML reads it as a date; a malformed one sorts first and fails validation)."""
    data = doc.data if isinstance(doc.data, dict) else {}
    return str(data.get("as_of", ""))




def _known_types(knowledge: Knowledge | None) -> frozenset[str]:
    if knowledge is not None:
        return frozenset(t.name for t in knowledge.instance_types)

    return frozenset(t["name"] for t in knowledge_data()["instance_types"])


def clear_cache() -> None:
    """Forget loaded snapshots (tests; a long-lived TUI after a refresh)."""
    _CACHE.clear()


def nearest_region(region: tuple[float, float], candidates: dict[str, tuple[float, float]]) -> str | None:
    """The candidate whose location is closest to `region` (great-circle distance); None without candidates."""
    from math import asin, cos, radians, sin, sqrt

    def distance(a: tuple[float, float], b: tuple[float, float]) -> float:
        lat1, lon1, lat2, lon2 = map(radians, (*a, *b))
        h = sin((lat2 - lat1) / 2) ** 2 + cos(lat1) * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
        return 2 * asin(sqrt(h))

    return min(candidates, key=lambda code: (distance(region, candidates[code]), code), default=None)


def borrowed_snapshot(snapshot: PriceSnapshot, region: str) -> PriceSnapshot:
    """`snapshot`'s figures for a region that has none of its own, every known price marked as an estimate.

    Prices differ between regions (10-45% above us-east-1 in SOURCES.md's ratios), so a borrowed figure ranks
    types sensibly (their ratios hold within a region) but is never shown as the region's own price.
    """
    basis = (f"no price snapshot for {region}: the figure of the nearest region with one ({snapshot.region}, "
             f"as of {snapshot.as_of.isoformat()}); {region}'s own price may differ")
    prices = tuple(p if not p.known else p._replace(
        estimate=True, basis=basis if not p.estimate else f"{basis}; there an estimate: {p.basis}",
        source=p.source if p.estimate else f"{snapshot.region}: {p.source}") for p in snapshot.prices)
    serverless = snapshot.serverless_inference
    if serverless is not None:
        serverless = serverless._replace(
            estimate=True, basis=f"{basis}; there an estimate: {serverless.basis}" if serverless.estimate else basis)
    return snapshot._replace(  # a new record: its lookup table is built from these rows on first use
        region=region, prices=prices, serverless_inference=serverless,
        source=f"borrowed from the {snapshot.region} snapshot (nearest region with one); {snapshot.source}")
