"""The README's commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from advisor.knowledge.loader import load_knowledge

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert len(ci) == 1
    assert f"\n{ci[0]}\n" in (ROOT / "README.md").read_text()


def test_the_readme_counts_what_ships() -> None:
    """A first reader checks the README's figures against `advisor kb validate` and the examples folder: they
    must agree (the controls and the examples grow; the figures had fallen behind)."""
    readme = (ROOT / "README.md").read_text()
    knowledge = load_knowledge()

    def stated(pattern: str) -> int:
        found = re.search(pattern, readme)
        assert found, f"README.md no longer says {pattern!r}"
        return int(found.group(1))

    shipped = {
        r"all (\d+) `ml\.\*` instance": len(knowledge.instance_types),
        r"the (\d+) built-in algorithms": len(knowledge.algorithms),
        r"(\d+) security controls as exact": len(knowledge.security_controls),
        r"examples/workloads/ +(\d+) workloads": len(list((ROOT / "examples" / "workloads").glob("*.yaml"))),
    }
    for pattern, count in shipped.items():
        assert stated(pattern) == count, f"README.md says {stated(pattern)} for {pattern!r}; {count} ship"
