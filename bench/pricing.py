"""Price snapshot loading and cost estimates: what the rules engine pays per recommendation run.

Prints, for us-east-1 (434 rows): the first `load_snapshot` in a process (YAML parse, pydantic validation,
knowledge cross-check), a repeated one (the in-process cache), 1,000 `price()` lookups, 1,000 cost estimates,
and a whole `advisor pricing show --format json` process beside `python -c "import pydantic, yaml"`.
Run: python bench/pricing.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from _timing import advisor_command, interleaved

FIRST_LOAD = (
    "import time; t = time.perf_counter(); from advisor.pricing.snapshots import load_snapshot; "
    "load_snapshot('us-east-1'); print(time.perf_counter() - t)"
)
#: what a recommendation run pays on top of the knowledge it has already loaded
AFTER_KNOWLEDGE = (
    "import time; from advisor.knowledge.loader import load_knowledge; k = load_knowledge(); "
    "t = time.perf_counter(); from advisor.pricing.snapshots import load_snapshot; "
    "load_snapshot('us-east-1', knowledge=k); print(time.perf_counter() - t)"
)


def _median_ms(code: str, runs: int, env: dict[str, str]) -> float:
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                                  check=True).stdout) for _ in range(runs)]
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    env = os.environ.copy()
    env["ADVISOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="advisor-bench-cache-")
    env["ADVISOR_DATA_DIR"] = tempfile.mkdtemp(prefix="advisor-bench-data-")

    _median_ms(FIRST_LOAD, 1, env)  # warms the knowledge cache
    print(f"first load_snapshot('us-east-1') in a fresh process (pydantic and imports included): "
          f"median {_median_ms(FIRST_LOAD, args.runs, env):.1f} ms over {args.runs} runs")
    print(f"first load_snapshot('us-east-1') after load_knowledge() (a recommendation run): "
          f"median {_median_ms(AFTER_KNOWLEDGE, args.runs, env):.1f} ms")

    os.environ.update(ADVISOR_CACHE_DIR=env["ADVISOR_CACHE_DIR"], ADVISOR_DATA_DIR=env["ADVISOR_DATA_DIR"])
    from advisor.knowledge.loader import load_knowledge
    from advisor.pricing.costs import endpoint_monthly_cost, training_cost
    from advisor.pricing.snapshots import load_snapshot

    knowledge = load_knowledge()
    snapshot = load_snapshot("us-east-1", knowledge=knowledge)
    start = time.perf_counter()
    for _ in range(100):
        load_snapshot("us-east-1", knowledge=knowledge)
    print(f"repeated load_snapshot (cached, knowledge passed): {(time.perf_counter() - start) / 100 * 1e6:.0f} us")
    start = time.perf_counter()
    for _ in range(100):
        load_snapshot("us-east-1")
    print(f"repeated load_snapshot (cached, knowledge looked up): {(time.perf_counter() - start) / 100 * 1e6:.0f} us")
    types = [t.name for t in knowledge.instance_types]
    start = time.perf_counter()
    for i in range(1000):
        snapshot.price(types[i % len(types)], "hosting")
    print(f"1,000 price() lookups: {(time.perf_counter() - start) * 1000:.2f} ms")
    start = time.perf_counter()
    for i in range(500):
        training_cost(snapshot, "ml.m5.xlarge", 2, 3, i % 2 == 0)
        endpoint_monthly_cost(snapshot, types[i % len(types)], 1)
    print(f"1,000 cost estimates: {(time.perf_counter() - start) * 1000:.1f} ms")

    show = [*advisor_command(), "pricing", "show", "--region", "us-east-1", "--format", "json"]
    baseline = [sys.executable, "-c", "import pydantic, yaml"]
    interleaved({"warm-up": show}, 2, env)
    result = interleaved({"show": show, "baseline": baseline}, args.runs, env)
    print(f"advisor pricing show --region us-east-1 --format json: median {result['show'] * 1000:.1f} ms")
    print(f"python -c 'import pydantic, yaml':                     median {result['baseline'] * 1000:.1f} ms "
          f"(ratio {result['show'] / result['baseline']:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
