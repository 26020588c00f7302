"""Speed of the advisor, held at the process: the computed cold start against the floor it cannot beat.

Target (issue 10): the cold start of `advisor recommend examples/... --format json --no-cache` at most 1.5x
the floor measured in the same run, `python -c` importing pydantic and yaml and validating one model once (a
computed run validates its workload, so it pays for building a first pydantic validator too). The in-process
time per recommendation is printed for information; it must stay under 1 ms. Peak memory is printed too.
Run: python bench/recommend.py [--runs N] [--rounds N]

Commands are timed in turn (see bench/_timing.py), so a slow spell of a shared machine falls on all of them
alike. Bytecode is written for the timed runs (PYTHONDONTWRITEBYTECODE is dropped), as an installed wheel has
it: otherwise every start would compile the modules edited since their .pyc was last written.
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
FLOOR = "from pydantic import BaseModel; import yaml\nclass M(BaseModel):\n    x: int\nM(x=1)"
"""The least a process that validates one pydantic model does."""
RATIO_TARGET = 1.5
IN_PROCESS_TARGET_MS = 1.0


def in_process_ms(rounds: int) -> dict[str, float]:
    """Median milliseconds per recommendation, per example (examples timed in turn, one call each per round)."""
    from advisor.recommend.advisor import Advisor
    from advisor.workload import load_workload

    advisor = Advisor()
    workloads = {p.stem: load_workload(p, advisor.knowledge) for p in EXAMPLES}
    for w in workloads.values():  # warm: snapshot load, lazy imports
        advisor.recommend(w)
    times: dict[str, list[float]] = {name: [] for name in workloads}
    for _ in range(rounds):
        for name, w in workloads.items():
            start = time.perf_counter()
            advisor.recommend(w)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) * 1000 for name, values in times.items()}


def peak_rss_mb(cmd: list[str], env: dict[str, str]) -> float:
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, env=env, check=True)
    return float(out.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="process starts per command")
    parser.add_argument("--rounds", type=int, default=50, help="in-process calls per example")
    args = parser.parse_args()
    env = os.environ.copy()
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # time the code, not the compiler (see the docstring)
    env["ADVISOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="advisor-bench-cache-")

    example = str(ROOT / "examples" / "workloads" / "fraud-detector.yaml")
    computed = [*advisor_command(), "recommend", example, "--format", "json", "--no-cache"]
    floor = [sys.executable, "-c", FLOOR]
    interleaved({"warm-up": computed}, 2, env)  # fills the knowledge and snapshot caches; writes bytecode
    result = interleaved({"computed": computed, "floor": floor}, args.runs, env)
    ratio = result["computed"] / result["floor"]
    print(f"cold start, computed (advisor recommend {Path(example).name} --format json --no-cache): "
          f"{result['computed'] * 1000:.0f} ms")
    print(f"  floor, same run (python -c: import pydantic and yaml, validate one model once): "
          f"{result['floor'] * 1000:.0f} ms")
    print(f"  ratio {ratio:.2f}x (target <= {RATIO_TARGET}x: {'met' if ratio <= RATIO_TARGET else 'NOT met'})")

    per_example = in_process_ms(args.rounds)
    median = statistics.median(per_example.values())
    print(f"in-process, for information: median {median:.3f} ms per recommendation over {len(per_example)} "
          f"examples (must stay under {IN_PROCESS_TARGET_MS:g} ms: {'yes' if median < IN_PROCESS_TARGET_MS else 'NO'})")
    for name, ms in per_example.items():
        print(f"  {name:32s} {ms:7.3f} ms")
    print(f"peak memory, computed: {peak_rss_mb(computed, env):.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
