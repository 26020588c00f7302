"""Does a change keep every recommendation the same? Digests of `--format json` over the examples and random workloads.

Speed work must not change what the advisor says (issue 10). This writes, per case, a digest of the JSON of
`Advisor().recommend(...)` (exactly what `advisor recommend --format json` prints) for every example workload in
three regions and for N seeded random workloads, so two trees can be compared case by case:

    python bench/differential.py --out /tmp/before.json            # in the tree before the change
    python bench/differential.py --out /tmp/after.json --compare /tmp/before.json

Run the same copy of this file in both trees (each tree's python imports its own advisor). The random workloads
are drawn from a seeded generator (`--seed`, `--workloads`), so both runs see the same inputs; a workload one tree
refuses is recorded as that refusal. The date is fixed, so staleness warnings cannot differ between days.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
from pathlib import Path
from typing import Any

REGIONS = ("us-east-1", "eu-west-1", "ap-south-1")  # the last has no snapshot of its own: borrowed prices
TODAY = dt.date(2026, 12, 1)


def random_workload(rng: random.Random) -> dict[str, Any]:
    """One workload as a user could write it, over the fields the rules and sizing read most."""
    stages = ["notebook", "training", "tuning", "realtime_inference", "batch_inference", "processing"]
    return {
        "stages": rng.sample(stages, rng.randint(1, len(stages))),
        "priority": rng.choice(["cost", "balanced", "time"]),
        "region": rng.choice(REGIONS),
        "data": {"size_gb": round(rng.uniform(0.01, 5000), 2),
                 "kind": rng.choice(["tabular", "images", "text", "other"]),
                 "sensitivity": rng.choice(["public", "internal", "confidential", "regulated"]),
                 "private_sources": rng.random() < 0.5},
        "model": {"kind": rng.choice(["classical", "tree_based", "deep_learning", "llm"]),
                  "algorithm": rng.choice(["xgboost", "pytorch", "huggingface", "kmeans"]),
                  "parameters_millions": round(rng.uniform(0, 200_000), 1),
                  "size_mb": round(rng.uniform(0.1, 500_000), 1)},
        "training": {"max_hours": round(rng.uniform(0.05, 100), 2), "distributed": rng.random() < 0.5,
                     "interruptible": rng.random() < 0.5, "gpu": rng.choice(["auto", "required", "none"])},
        "inference": {"requests_per_second": round(rng.uniform(0, 5000), 2),
                      "seconds_per_request": round(rng.uniform(0.001, 10), 3),
                      "payload_mb": round(rng.uniform(0, 6), 2), "memory_mb": round(rng.uniform(128, 10_000)),
                      "gpu": rng.choice(["auto", "required", "none"]),
                      "traffic": rng.choice(["steady", "spiky", "sporadic", "scheduled"])},
    }


def digests(workloads: int, seed: int) -> dict[str, str]:
    import advisor as package
    from advisor.errors import AdvisorError
    from advisor.recommend.advisor import Advisor
    from advisor.workload import load_workload

    examples = Path(package.__file__).resolve().parents[1] / "examples" / "workloads"  # the tree being compared

    advisor = Advisor(clock=lambda: TODAY)
    out: dict[str, str] = {}

    def record(case: str, compute: Any) -> None:
        try:
            text = compute().model_dump_json(indent=2)
        except AdvisorError as exc:
            text = f"refused: {exc}"
        out[case] = hashlib.sha256(text.encode()).hexdigest()

    for path in sorted(examples.glob("*.yaml")):
        for region in REGIONS:
            record(f"{path.stem}@{region}",
                   lambda: advisor.recommend(load_workload(path, advisor.knowledge), region=region))  # noqa: B023
    rng = random.Random(seed)
    for index in range(workloads):
        raw = random_workload(rng)
        record(f"random-{index}", lambda: advisor.recommend(raw))  # noqa: B023
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="write the digests here (JSON)")
    parser.add_argument("--compare", type=Path, help="digests of another tree: list the cases that differ")
    parser.add_argument("--workloads", type=int, default=1500, help="random workloads (default 1500)")
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args()
    found = digests(args.workloads, args.seed)
    args.out.write_text(json.dumps(found, indent=1, sort_keys=True), encoding="utf-8")
    print(f"{len(found)} cases written to {args.out}")
    if args.compare is None:
        return 0
    before = json.loads(args.compare.read_text(encoding="utf-8"))
    differ = sorted(case for case in found.keys() | before.keys() if found.get(case) != before.get(case))
    print(f"{len(differ)} of {len(found)} cases differ" + (": " + ", ".join(differ[:20]) if differ else ""))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
