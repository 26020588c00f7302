"""The README's commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

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


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def _command_lines() -> list[list[str]]:
    """Every `advisor ...` command of the README's sh blocks, as words: comments, redirections and the commands
    it is piped or chained with left out; placeholders in brackets (`[--profile P]`) dropped."""
    import shlex

    lines = []
    for block in _blocks("sh"):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            command: list[str] = []
            optional = False
            for word in [*words, "&&"]:
                if word in ("&&", "|", ">"):
                    if command[:1] == ["advisor"]:
                        lines.append(command[1:])
                    command = [] if word != ">" else ["(redirected)"]
                elif optional or word.startswith("["):
                    optional = not word.endswith("]")
                else:
                    command.append(word)
    return lines


def test_every_readme_command_line_parses() -> None:
    """A new user types the README's commands as written: each must be a command line `advisor` accepts (an
    option renamed or a choice dropped fails here, not on their terminal). Running them is the commands' own
    tests' job; this checks the words."""
    from advisor.cli import build_parser

    lines = _command_lines()
    assert len(lines) > 50 and ["quiz", "stats", "--format", "json"] in lines
    for argv in lines:
        try:
            build_parser(argv).parse_args(argv)
        except SystemExit as exc:
            raise AssertionError(f"README: `advisor {' '.join(argv)}` does not parse") from exc


def test_the_readme_python_runs_and_says_what_it_gives() -> None:
    """The README's Python examples run as written, and the values their comments state are what they give."""
    blocks = _blocks("python")
    assert len(blocks) == 3
    scope: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), scope)  # our own README's examples, as a reader runs them
    rec, requests, prices = scope["rec"], scope["requests"], scope["prices"]
    assert rec.instances["training"].instance_type.startswith("ml.")
    assert [p.name for p in requests.placeholders][:2] == ["notebook_role_arn", "private_subnet_id"]
    from advisor.pricing.costs import endpoint_monthly_cost, lambda_break_even_rps, training_cost

    readme = (ROOT / "README.md").read_text()
    trained = training_cost(prices, "ml.g5.xlarge", count=2, hours=3, interruptible=True).text()
    endpoint = endpoint_monthly_cost(prices, "ml.m5.xlarge", count=1)
    assert endpoint.usd is not None
    assert f"# '{trained}'" in readme and f"# ${endpoint.usd:,.2f}/month" in readme
    rate = lambda_break_even_rps(prices, endpoint.usd, seconds_per_request=0.2, memory_mb=1024)
    assert f"# ~{rate:.0f} requests/s" in readme
