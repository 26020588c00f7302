"""Cold start of `advisor kb show families --format json` beside `python -c "import pydantic, yaml"`.

Target (issue 2): at most 1.3x the baseline. Run: python bench/startup.py [--runs N]
The knowledge cache is warmed first: a user's second start onwards is what the target is about.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from _timing import advisor_command, interleaved

TARGET = 1.3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    env = os.environ.copy()
    env["ADVISOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="advisor-bench-cache-")
    advisor = [*advisor_command(), "kb", "show", "families", "--format", "json"]
    baseline = [sys.executable, "-c", "import pydantic, yaml"]
    interleaved({"warm-up": advisor}, 2, env)
    result = interleaved({"advisor": advisor, "baseline": baseline}, args.runs, env)
    ratio = result["advisor"] / result["baseline"]
    print(f"advisor kb show families --format json: median {result['advisor'] * 1000:.1f} ms over {args.runs} runs")
    print(f"python -c 'import pydantic, yaml':       median {result['baseline'] * 1000:.1f} ms")
    print(f"ratio {ratio:.2f}x (target <= {TARGET}x): {'OK' if ratio <= TARGET else 'OVER TARGET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
