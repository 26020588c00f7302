"""The audit's table at a terminal's width: every word whole, every count in words."""

from __future__ import annotations

import io
import re
from pathlib import Path

from rich.console import Console

from advisor.audit import audit_paths
from advisor.audit.writers import print_table
from advisor.knowledge.loader import load_knowledge

EXAMPLES = Path(__file__).parents[2] / "examples" / "audit"


def _table(paths: list[Path], width: int) -> str:
    """The table as a terminal of `width` columns shows it (without colours)."""
    buffer = io.StringIO()
    terminal = Console(file=buffer, width=width, force_terminal=True, color_system=None)
    print_table(audit_paths(paths, load_knowledge(), base=EXAMPLES), console=terminal)
    return buffer.getvalue()


def test_field_paths_and_fixes_are_never_cut_at_80_columns() -> None:
    """Six columns at 80 folded `DirectInternetAccess` into `DirectInterne` / `tAccess`: a reader could neither
    read nor search for the field. Every field path, control id and fix placeholder stands whole on one line."""
    out = _table([EXAMPLES / "sagemaker-stack.yaml", EXAMPLES / "main.tf"], 80)
    words = set(out.split())
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "DirectInternetAccess:" in out and re.search(r"SM-NB-\d\d", out)
    for token in re.findall(r"<<[a-z_]+>>", out):  # a placeholder is one word, whole
        assert token in words
    assert "absent (AWS default" in out


def test_the_summary_counts_in_words() -> None:
    out = _table([EXAMPLES / "main.tf"], 120)
    summary = out.strip().splitlines()[-1]
    assert re.match(r"1 file, \d+ resources: ", summary), summary
