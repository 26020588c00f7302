"""`diff_snapshots`: added, removed and changed prices with the percent change, and the other blocks."""

from __future__ import annotations

from typing import Any

from advisor.pricing.diff import diff_snapshots
from advisor.pricing.models import PRICE_BLOCKS, PriceSnapshot
from advisor.records import adapter


def snap(prices: list[tuple[str, str, Any, bool]], **extra: Any) -> PriceSnapshot:
    rows = [{"instance_type": t, "component": c, "usd_per_hour": usd, "source": "t", "estimate": est,
             **({"basis": "b"} if est else {})} for t, c, usd, est in prices]
    return adapter(PriceSnapshot).validate_python({"region": "us-east-1", "as_of": extra.pop("as_of", "2026-11-24"),
                                                   "source": "t", "method": "manual", "prices": rows, **extra})


def test_added_removed_changed_and_unchanged() -> None:
    old = snap([("ml.m5.xlarge", "hosting", 0.23, False), ("ml.m5.xlarge", "training", 0.23, False),
                ("ml.c5.xlarge", "hosting", 0.204, True), ("ml.g5.xlarge", "hosting", "unknown", False),
                ("ml.t3.medium", "notebook", 0.05, False)])
    new = snap([("ml.m5.xlarge", "hosting", 0.25, False), ("ml.m5.xlarge", "training", 0.23, False),
                ("ml.c5.xlarge", "hosting", 0.204, False), ("ml.g5.xlarge", "hosting", 1.41, False),
                ("ml.p5.48xlarge", "training", 63.296, False)], as_of="2026-12-01")
    result = diff_snapshots(old, new)
    rows = {(r["instance_type"], r["component"]): r for r in (c.as_row() for c in result.changes)}
    assert rows[("ml.m5.xlarge", "hosting")]["percent_change"] == 8.7
    assert rows[("ml.m5.xlarge", "hosting")]["change"] == "changed"
    assert rows[("ml.c5.xlarge", "hosting")]["percent_change"] == 0.0  # now a real figure, same price
    assert (rows[("ml.c5.xlarge", "hosting")]["old_estimate"], rows[("ml.c5.xlarge", "hosting")]["new_estimate"]) \
        == (True, False)
    assert rows[("ml.g5.xlarge", "hosting")]["percent_change"] is None  # unknown -> known: no percentage
    assert rows[("ml.p5.48xlarge", "training")]["change"] == "added"
    assert rows[("ml.t3.medium", "notebook")]["change"] == "removed"
    assert ("ml.m5.xlarge", "training") not in rows
    assert result.counts() == {"changed": 3, "added": 1, "removed": 1, "unchanged": 1}
    assert result.headline() == ("us-east-1 2026-11-24 -> us-east-1 2026-12-01: 3 changed, 1 added, 1 removed, "
                                 "1 unchanged")


def test_identical_snapshots_have_no_changes_and_other_blocks_are_compared() -> None:
    lam = {"usd_per_gb_second": 0.0000166667, "usd_per_million_requests": 0.2, "source": "s", "as_of": "2026-11-24"}
    a = snap([("ml.m5.xlarge", "hosting", 0.23, False)], **{"lambda": lam})
    assert diff_snapshots(a, a).changes == () and diff_snapshots(a, a).other_changes() == []
    b = snap([("ml.m5.xlarge", "hosting", 0.23, False)], **{"lambda": {**lam, "usd_per_million_requests": 0.25}})
    (line,) = diff_snapshots(a, b).other_changes()
    assert line.startswith("Lambda prices:") and "usd_per_million_requests 0.2" in line and "0.25" in line


def test_every_block_of_a_snapshot_is_a_price_block_and_each_is_compared() -> None:
    """PRICE_BLOCKS is the one list of what a snapshot holds beside its rows: the snapshot's optional fields, in
    file order; a refresh carries each over and a diff compares each (Lambda Managed Instances' fee included)."""
    optional = [name for name, default in PriceSnapshot._field_defaults.items() if default is None]
    assert [b.field for b in PRICE_BLOCKS] == optional
    fee = {"management_fee_percent": 15, "usd_per_million_requests": 0.2, "minimum_instances": 3, "source": "s",
           "as_of": "2026-12-02"}
    a = snap([("ml.m5.xlarge", "hosting", 0.23, False)], lambda_managed_instances=fee)
    b = snap([("ml.m5.xlarge", "hosting", 0.23, False)], lambda_managed_instances={**fee, "minimum_instances": 2})
    (line,) = diff_snapshots(a, b).other_changes()
    assert line.startswith("Lambda Managed Instances prices:") and "minimum_instances 3" in line
