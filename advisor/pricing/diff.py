"""What changed between two price snapshots: added, removed and changed prices, with the percent change.

Used after a refresh (old file against new) to see what AWS moved; rows are plain data for the renderers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from advisor.pricing.models import COMPONENTS, PRICE_BLOCKS, Price, PriceSnapshot

Change = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class PriceChange:
    instance_type: str
    component: str
    change: Change
    old_usd_per_hour: float | str | None
    new_usd_per_hour: float | str | None
    old_estimate: bool | None
    new_estimate: bool | None

    @property
    def percent_change(self) -> float | None:
        """None when either side is missing or unknown."""
        old, new = self.old_usd_per_hour, self.new_usd_per_hour
        if isinstance(old, float) and isinstance(new, float):
            return round((new - old) / old * 100, 2)
        return None

    def as_row(self) -> dict[str, Any]:
        return {"instance_type": self.instance_type, "component": self.component, "change": self.change,
                "old_usd_per_hour": self.old_usd_per_hour, "new_usd_per_hour": self.new_usd_per_hour,
                "percent_change": self.percent_change, "old_estimate": self.old_estimate,
                "new_estimate": self.new_estimate}


@dataclass(frozen=True)
class SnapshotDiff:
    old: PriceSnapshot
    new: PriceSnapshot
    changes: tuple[PriceChange, ...]
    unchanged: int

    def counts(self) -> dict[str, int]:
        counts = {kind: 0 for kind in ("changed", "added", "removed")}
        for change in self.changes:
            counts[change.change] += 1
        return {**counts, "unchanged": self.unchanged}

    def headline(self) -> str:
        counts = self.counts()
        return (f"{self.old.region} {self.old.as_of.isoformat()} -> {self.new.region} {self.new.as_of.isoformat()}: "
                + ", ".join(f"{n} {kind}" for kind, n in counts.items()))

    def other_changes(self) -> list[str]:
        """Changes outside the price rows (every block of PRICE_BLOCKS: Lambda, Serverless Inference, ...), in
        words."""
        out = []
        for block in PRICE_BLOCKS:
            before, after = getattr(self.old, block.field), getattr(self.new, block.field)
            if before != after:
                out.append(f"{block.label}: {_brief(before)} -> {_brief(after)}")
        return out


def diff_snapshots(old: PriceSnapshot, new: PriceSnapshot) -> SnapshotDiff:
    """Every (type, component) that was added, removed, or whose price or estimate flag changed."""
    before = {(p.instance_type, p.component): p for p in old.prices}
    after = {(p.instance_type, p.component): p for p in new.prices}
    order = {c: i for i, c in enumerate(COMPONENTS)}
    keys = sorted(before.keys() | after.keys(), key=lambda k: (k[0], order[k[1]]))
    changes = []
    unchanged = 0
    for key in keys:
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None and a.usd_per_hour == b.usd_per_hour and a.estimate == b.estimate:
            unchanged += 1
            continue
        kind: Change = "added" if a is None else "removed" if b is None else "changed"
        changes.append(PriceChange(key[0], key[1], kind, _usd(a), _usd(b),
                                   None if a is None else a.estimate, None if b is None else b.estimate))
    return SnapshotDiff(old, new, tuple(changes), unchanged)


def _usd(price: Price | None) -> float | str | None:
    return None if price is None else price.usd_per_hour


def _brief(block: Any) -> str:
    if block is None:
        return "none"
    data = {k: v for k, v in block._asdict().items() if k not in ("source", "assumption")}
    return ", ".join(f"{k} {v}" for k, v in data.items())
