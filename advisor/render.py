"""The one table of output formats, and plain data (lists of records) as JSON, YAML or a rich table.

Every `--format` choice and the TUI's export list come from FORMATS: a format says which subjects it renders
(a recommendation, a request set, records such as `kb show` rows) and the file suffix it is saved under. The
renderers live beside their subject (advisor.recommend.report.render, advisor.builders.render_requests, `emit`
below); tests/test_render.py holds each subject's renderer to the formats listed here.

Renderers of records take plain, JSON-ready data so the fast CLI paths never build pydantic models; rich is
imported only when a table is actually printed.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from advisor.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

Subject = Literal["recommendation", "requests", "records"]


class Format(NamedTuple):
    name: str
    title: str
    """What an export option says, e.g. "Markdown report"."""
    suffix: str
    """The file name suffix a saved copy gets; "" for a terminal-only format."""
    subjects: tuple[Subject, ...]


FORMAT_TABLE: tuple[Format, ...] = (
    Format("table", "a table on the terminal", "", ("recommendation", "records")),
    Format("markdown", "Markdown report", ".md", ("recommendation",)),
    Format("json", "JSON", ".json", ("recommendation", "requests", "records")),
    Format("yaml", "YAML", ".yaml", ("recommendation", "requests", "records")),
    Format("python", "a runnable boto3 script", ".py", ("requests",)),
)


def formats_for(subject: Subject) -> tuple[str, ...]:
    """The `--format` choices of a command that prints this subject, in table order."""
    return tuple(f.name for f in FORMAT_TABLE if subject in f.subjects)


def unknown_format(fmt: str, subject: Subject) -> UsageError:
    """The error for a format `subject` has no renderer for, naming those it has: a UsageError, so that a Python
    caller's `except AdvisorError` catches it as every error the package raises on purpose (it was a ValueError)."""
    return UsageError(f"unknown format {fmt!r}", hint=f"one of {', '.join(formats_for(subject))}")


def format_named(name: str) -> Format:
    return next(f for f in FORMAT_TABLE if f.name == name)


def exports() -> tuple[tuple[Subject, Format], ...]:
    """What the TUI offers to save after a recommendation: every file format of a recommendation and of its
    requests."""
    return tuple((subject, f) for subject in ("recommendation", "requests") for f in FORMAT_TABLE
                 if subject in f.subjects and f.suffix)


FORMATS = formats_for("records")

Column = tuple[str, Callable[[dict[str, Any]], Any]]


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def to_yaml(data: Any) -> str:
    import yaml  # deferred: the YAML writer loads only when YAML is written

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


def terminal_console(**options: Any) -> Console:
    """A rich Console for standard output that lets a closed pipe be a plain BrokenPipeError.

    Rich's own Console turns a closed pipe (`advisor recommend x.yaml | head -1`) into SystemExit(1) before our
    CLI can end quietly like the other commands; every table the CLI prints comes through here."""
    return _console_class()(**options)


@functools.cache
def _console_class() -> type[Console]:
    # deferred: rich loads only when a table is printed
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return PipeConsole


def print_records(title: str, columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> None:
    console = terminal_console()
    cells = [[cell(get(row)) for _, get in columns] for row in rows]
    console.print(table_for(console.width, [name for name, _ in columns], cells, title=title))


def table_for(width: int, headers: Sequence[str], cells: Sequence[Sequence[str]], title: str = "",
              styles: Sequence[str] = ()) -> Any:
    """Rows as a rich renderable `width` columns wide whose text wraps at spaces, never inside a word.

    A ruled table when every column's longest word fits between rules; else a compact table without rules; and
    when even that cannot hold the longest words side by side (six columns at 80), each row as a block of
    "column: value" lines, so no field path or instance type is cut in two. `styles`, when given, is a style per
    row for its first cell (an audit finding's status in its colour).
    """
    # deferred: rich loads only when a table is printed
    from rich import box
    from rich.table import Table
    from rich.text import Text

    widths = column_widths(headers, cells, width - 3 * len(headers) - 1)
    if widths is not None:
        table = Table(title=title or None, header_style="bold", expand=False)
    else:  # the longest words do not fit between rules: drop the rules and the outer padding
        widths = column_widths(headers, cells, width - 2 * (len(headers) - 1) - 1)
        if widths is None:
            return _stacked(headers, cells, title, width, styles)
        table = Table(title=title or None, header_style="bold", expand=False, box=box.SIMPLE_HEAD,
                      show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    for header, column_width in zip(headers, widths):
        table.add_column(header, overflow="fold", width=column_width)
    for row, texts in enumerate(cells):
        style = styles[row] if styles else ""
        table.add_row(*(Text(text, style=style if i == 0 else "") for i, text in enumerate(texts)))  # never markup
    return table


def _stacked(headers: Sequence[str], cells: Sequence[Sequence[str]], title: str, width: int,
             styles: Sequence[str] = ()) -> Any:
    """Rows too wide for side-by-side columns: one block per row, each value beside its column's name and wrapped
    under itself."""
    from rich.console import Group
    from rich.text import Text

    indent = max(len(h) for h in headers) + 2
    lines: list[Any] = [Text(title, style="bold")] if title else []
    for row, texts in enumerate(cells):
        for i, (header, text) in enumerate(zip(headers, texts)):
            label = f"{header}:".ljust(indent)
            first, *more = wrap_words(text, width, label)
            lines.append(Text.assemble((first[:indent], "bold"), (first[indent:], styles[row] if styles and i == 0
                                                                   else "")))
            lines += [Text(line) for line in more]
        lines.append(Text(""))
    return Group(*lines)


def wrap_words(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """`text` in lines of at most `width` characters, broken at spaces only (a word longer than a line stands on
    its own line whole: an ARN or a field path is never cut). The first line starts with `first` (a bullet, a
    label), the others with `rest`: a hanging indent, by default as wide as `first`."""
    import textwrap  # deferred: needed only when text is printed on a terminal

    rest = " " * len(first) if rest is None else rest
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lead = rest if lines else first
        lines += textwrap.wrap(paragraph, max(width, len(rest) + 1), initial_indent=lead, subsequent_indent=rest,
                               break_long_words=False, break_on_hyphens=False) or [lead.rstrip()]
    return lines


def wrap_lines(text: str, width: int) -> str:
    """Plain indented text (`advisor explain`) `width` columns wide: a longer line breaks at spaces, never inside
    a word, and goes on under its own text: after a short leading mark (`-`, `+`, `ok`, `no`) it hangs under the
    word after the mark, else four columns deeper, so each line's continuation stays apart from the next line."""
    import re

    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        body = line.lstrip(" ")
        lead = line[:len(line) - len(body)]
        mark = re.match(r" *(?:\S{1,2} +)?", line)
        hang = mark.end() if mark and mark.end() > len(lead) else len(lead) + 4
        out.extend(wrap_words(body, max(width, hang + 20), lead, " " * hang))
    return "\n".join(out)


def say(text: str) -> None:
    """Print plain text to standard output, wrapped at spaces to the terminal's width when it is a terminal (a
    long line there broke inside a word at column 80, "15 mi / nutes"); piped, one line per line, for grep."""
    if sys.stdout.isatty():
        text = wrap_lines(text, terminal_console().width)
    print(text)


def column_widths(headers: Sequence[str], cells: Sequence[Sequence[str]], room: int) -> list[int | None] | None:
    """Column widths that wrap text at spaces and never inside a word (an instance type, a field path).

    Each column gets its natural width; if they do not fit in `room`, the columns with the most text beyond
    their longest word give it up, in proportion, so every column stays at least as wide as its longest word.
    None when even the longest words do not fit side by side (the caller may make room; else rich folds).
    """
    columns = [[header, *(row[i] for row in cells)] for i, header in enumerate(headers)]
    natural = [max((len(line) for text in texts for line in text.splitlines()), default=1) for texts in columns]
    floor = [max((len(word) for text in texts for word in text.split()), default=1) for texts in columns]
    if sum(floor) > room:
        return None
    if sum(natural) <= room:
        return [None] * len(headers)
    slack = [n - f for n, f in zip(natural, floor)]
    excess = sum(natural) - room
    cut = [excess * s // sum(slack) for s in slack]
    for i in sorted(range(len(slack)), key=lambda i: slack[i] - cut[i], reverse=True)[:excess - sum(cut)]:
        cut[i] += 1  # the rounding remainder, from the columns with the most slack left
    return [n - c for n, c in zip(natural, cut)]


def emit(data: Any, fmt: str, *, title: str = "", columns: Sequence[Column] = ()) -> None:
    """Print `data` in `fmt`; a table needs `columns` and a list of records."""
    if fmt == "json":
        sys.stdout.write(to_json(data))
    elif fmt == "yaml":
        sys.stdout.write(to_yaml(data))
    elif fmt == "table":
        print_records(title, columns, data)
    else:  # argparse choices make this unreachable from the CLI
        raise unknown_format(fmt, "records")
