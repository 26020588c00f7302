"""Speed of the advisor: in-process microseconds per recommendation, cold start, and peak memory.

Targets (issue 3): at most 200 us per full recommendation over the examples; the cold start of
`advisor recommend examples/... --format json` at most 1.3x `python -c "import pydantic, yaml"`, measured in
the same run; peak memory at most 80 MB. Run: python bench/recommend.py [--runs N]

The cold start is printed twice: a repeat run (served by the result cache, the normal case for a CLI called
again on the same file) and a computed run (--no-cache), which must build pydantic's validators and so cannot
start faster than pydantic itself (~2.3x the baseline for a single model).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import advisor_command, interleaved

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples" / "workloads").glob("*.yaml"))


def in_process(rounds: int) -> tuple[float, float, dict[str, float]]:
    from advisor.recommend.advisor import Advisor
    from advisor.recommend.workload import load_workload

    advisor = Advisor()
    workloads = [load_workload(p, advisor.knowledge) for p in EXAMPLES]
    for w in workloads:  # warm: snapshot load, lazy imports, first-use caches
        advisor.recommend(w)
    per_example: dict[str, float] = {}
    samples = []
    for path, w in zip(EXAMPLES, workloads):
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            advisor.recommend(w)
            times.append(time.perf_counter() - start)
        per_example[path.stem] = statistics.median(times) * 1e6
        samples.extend(times)
    stages = statistics.mean(len(w.stages) for w in workloads)
    return statistics.median(samples) * 1e6, stages, per_example


def peak_rss_mb(cmd: list[str], env: dict[str, str]) -> float:
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, env=env, check=True)
    return float(out.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="process starts per command")
    parser.add_argument("--rounds", type=int, default=200, help="in-process calls per example")
    args = parser.parse_args()
    env = os.environ.copy()
    env["ADVISOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="advisor-bench-cache-")

    median_us, stages, per_example = in_process(args.rounds)
    print(f"in-process: median {median_us:.0f} us per recommendation over {len(EXAMPLES)} examples "
          f"({stages:.1f} stages on average; target <= 200 us)")
    for name, us in per_example.items():
        print(f"  {name:28s} {us:8.0f} us")

    example = str(ROOT / "examples" / "workloads" / "fraud-detector.yaml")
    cli = [*advisor_command(), "recommend", example, "--format", "json"]
    computed = [*cli, "--no-cache"]
    baseline = [sys.executable, "-c", "import pydantic, yaml"]
    interleaved({"warm-up": cli}, 2, env)  # fills the knowledge cache and the result cache
    result = interleaved({"cached": cli, "computed": computed, "baseline": baseline}, args.runs, env)
    base = result["baseline"]
    print(f"python -c 'import pydantic, yaml': median {base * 1000:.0f} ms")
    print(f"cold start, repeat run (result cache hit):    {result['cached'] * 1000:.0f} ms, "
          f"ratio {result['cached'] / base:.2f}x (target <= 1.3x)")
    print(f"cold start, computed (--no-cache, knowledge cached): {result['computed'] * 1000:.0f} ms, "
          f"ratio {result['computed'] / base:.2f}x")
    print(f"peak memory, computed: {peak_rss_mb(computed, env):.1f} MB (target <= 80 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
