"""What the questionnaire and the recommendation screens show, as rich renderables: formatting only.

The result tabs draw the report model's sections (advisor.recommend.report.build_report), the very sections
the Markdown and the terminal table render, and the "why?" view its readable trace, so the screens,
`advisor recommend` and an exported report never disagree.
Text from the knowledge goes in as plain Text (never markup), so [brackets] show as written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from advisor.recommend.report import Section, Tab, build_report, explain_text
from advisor.render import column_widths, wrap_lines

if TYPE_CHECKING:
    from advisor.builders import RequestSet
    from advisor.recommend.models import Recommendation

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def _table(*columns: str, ratios: tuple[int | None, ...] = ()) -> Table:
    """A borderless table; columns with a ratio share the width left by the others (which do not wrap)."""
    table = Table(*columns, box=None, header_style="bold", expand=True, pad_edge=False, padding=(0, 1))
    for column, ratio in zip(table.columns, ratios):
        column.ratio = ratio
        column.no_wrap = ratio is None
    for column in table.columns:
        column.overflow = "fold"
    return table


def _hanging(rows: list[tuple[Text | str, Text | str]], indent: int = 2) -> Table:
    """Rows of (marker, text) whose text wraps under itself, not under the marker."""
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(no_wrap=True, min_width=indent)
    grid.add_column(ratio=1, overflow="fold")
    for marker, text in rows:
        grid.add_row(marker, text if isinstance(text, Text) else Text(text))
    return grid


def headline(rec: Recommendation) -> Text:
    """The report's summary line and warnings, under the workload's name."""
    report = build_report(rec)
    text = Text.assemble((f" {report.workload} ", "bold reverse"), f"  {report.summary}")
    for warning in report.warnings:
        text.append(f"\nwarning: {warning}", style="yellow")
    return text


def report_tab(rec: Recommendation, tab: Tab) -> RenderableType:
    """One tab of the result screen: the report model's sections for it (advisor.recommend.report), the same
    sections the Markdown and the terminal table show, so the screen can leave nothing out.

    A section's lines hang under a bullet; a table of up to five columns is drawn as a table whose last column
    wraps; a wider one (the security settings) as one block per row, which reads at 80 columns."""
    parts: list[RenderableType] = []
    for section in build_report(rec).tab(tab):
        parts.append(Text(section.title, style="bold underline" if section.level == 2 else "bold"))
        parts.extend(_section_body(section))
        parts.append(Text(""))
    return Group(*parts)


def _bullets(lines: tuple[str, ...]) -> RenderableType:
    return _hanging([("  ·", Text(line, style=_line_style(line))) for line in lines])


def _line_style(line: str) -> str:
    if line.startswith(("excluded:", "cost:", "assumption:")):
        return "dim"
    if line.startswith("nothing in the knowledge meets"):
        return "bold red"
    return ""


def _section_body(section: Section) -> list[RenderableType]:
    body: list[RenderableType] = []
    if section.lines:
        body.append(_bullets(section.lines))
    if section.table is not None and section.table.rows:
        columns = section.table.columns
        if len(columns) <= 5:
            body.append(_FittedTable(columns, section.table.rows))
        else:
            body.append(_cards(columns, section.table.rows))
    if section.after:
        body.append(_bullets(section.after))
    return body


class _FittedTable:
    """A report table laid out at the width it is drawn at, its words never cut: the columns but the last at their
    natural width and the last wrapping, when its longest word fits; else every column narrowed at spaces
    (advisor.render.column_widths); else, when even the longest words cannot stand side by side, a block per row.
    At 80 columns a serverless stage's count ("up to 1 concurrent, 1 provisioned") left the other columns cut
    ("Notebook instan") and the cost column out."""

    def __init__(self, columns: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> None:
        self.columns = columns
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        texts = [[column, *(row[i] for row in self.rows)] for i, column in enumerate(self.columns)]
        natural = [max(len(line) for text in column for line in text.splitlines() or [""]) for column in texts]
        longest_last = max((len(word) for text in texts[-1] for word in text.split()), default=1)
        room = options.max_width - 2 * (len(self.columns) - 1)  # a space either side between columns
        if sum(natural[:-1]) + longest_last <= room:
            widths: list[int | None] | None = [None] * len(self.columns)
            ratios: tuple[int | None, ...] = (*([None] * (len(self.columns) - 1)), 1)
        else:
            widths, ratios = column_widths(self.columns, self.rows, room), ()
        if widths is None:
            yield _cards(self.columns, self.rows)
            return
        table = _table(*self.columns, ratios=ratios)
        for column, width in zip(table.columns, widths):
            column.width = width
            if not ratios:
                column.no_wrap = False
        for row in self.rows:
            table.add_row(*(Text(cell, style=_cell_style(cell)) for cell in row))
        yield table


def _cell_style(cell: str) -> str:
    return SEVERITY_STYLE.get(cell, "bold red" if cell == "NO" else "")


def _cards(columns: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> RenderableType:
    """A wide table as a block per row: the first cell as the marker, the second in bold, then the others."""
    blocks: list[tuple[Text | str, Text | str]] = []
    for row in rows:
        text = Text(row[1], style="bold")
        for column, cell in zip(columns[2:], row[2:]):
            text.append(f"\n{column}: ", style="dim")
            text.append(cell)
        blocks.append((Text(row[0], style=_cell_style(row[0])), text))
    return _hanging(blocks, indent=max(len(r[0]) for r in rows) if rows else 2)


_MARK_STYLE = {"+": "bold green", "~": "yellow", "-": "dim"}


class _Trace:
    """`advisor explain --decision` for one decision, with the verdicts coloured, wrapped as `advisor explain`
    wraps on a terminal (advisor.render.wrap_lines) at the width it is drawn at: a rule's reason hangs under its
    text and a condition under its verdict, where the view went on at the left edge."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = Text()
        for line in self.text.splitlines():
            text.append(wrap_lines(line, options.max_width) + "\n", style=_trace_style(line))
        yield text


def _trace_style(line: str) -> str:
    stripped = line.lstrip()
    if not line.startswith(" "):
        return "bold"
    if stripped[:1] in _MARK_STYLE and stripped[1:2] == " ":
        return _MARK_STYLE[stripped[0]]
    if stripped.startswith("ok "):
        return "green"
    if stripped.startswith("no "):
        return "red"
    return ""


def trace_view(rec: Recommendation, decision: str) -> RenderableType:
    """`advisor explain --decision` for one decision, with the verdicts coloured."""
    return _Trace(explain_text(rec, decision))


def requests_view(requests: RequestSet) -> RenderableType:
    """The AWS requests as YAML, the placeholders to fill in listed first."""
    from advisor.render import to_yaml

    parts: list[RenderableType] = []
    if requests.placeholders:
        parts.append(Text("Fill in before sending", style="bold underline"))
        parts.append(_hanging([("", Text.assemble((f"<<{p.name}>>", "bold"), f"  {p.description}"))
                               for p in requests.placeholders], indent=1))
    for note in requests.notes:
        parts.append(Text(f"note: {note}", style="dim"))
    for operation, params in requests.requests.items():
        parts.append(Text(f"\n{operation}", style="bold underline"))
        parts.append(Text(to_yaml(params).rstrip()))
    return Group(*parts)


def answers_view(yaml_text: str) -> Text:
    """The summary: the workload file the answers make, as it will be saved."""
    text = Text()
    for line in yaml_text.splitlines():
        if line.startswith("#"):
            continue
        key, sep, value = line.partition(":")
        text.append(key + sep, style="bold" if not line.startswith(" ") else "")
        text.append(value + "\n")
    return text
