"""Turn plain data (lists of records) into JSON, YAML, Markdown or a rich table.

Renderers take plain, JSON-ready data so the fast CLI paths never build pydantic models; rich is imported
only when a table is actually printed.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Iterable, Sequence

FORMATS = ("table", "json", "yaml")

Column = tuple[str, Callable[[dict[str, Any]], Any]]


def to_json(data: Any) -> str:
    import json  # here, not at the top: every CLI start imports this module to register its commands

    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def to_yaml(data: Any) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=110)


def cell(value: Any) -> str:
    """A value as table text: lists joined, None as a dash, floats without noise."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    return str(value)


def print_table(title: str, columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, header_style="bold", expand=False)
    for name, _ in columns:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*(cell(get(row)) for _, get in columns))
    Console().print(table)


def emit(data: Any, fmt: str, *, title: str = "", columns: Sequence[Column] = ()) -> None:
    """Print `data` in `fmt`; a table needs `columns` and a list of records."""
    if fmt == "json":
        sys.stdout.write(to_json(data))
    elif fmt == "yaml":
        sys.stdout.write(to_yaml(data))
    elif fmt == "table":
        print_table(title, columns, data)
    else:  # argparse choices make this unreachable from the CLI
        raise ValueError(f"unknown format {fmt!r}")
