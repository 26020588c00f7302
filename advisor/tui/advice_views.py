"""What the questionnaire and the recommendation screens show, as rich renderables: formatting only.

The words and figures come from the Recommendation and from advisor.recommend.report (titles, prices, costs,
the readable trace), so the screens, `advisor recommend` and an exported report never disagree.
Text from the knowledge goes in as plain Text (never markup), so [brackets] show as written.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from advisor.recommend.report import cost_text, explain_text, price, setting_value, stage_title

if TYPE_CHECKING:
    from advisor.builders import RequestSet
    from advisor.recommend.models import Recommendation, SecuritySetting

SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}
VERDICT_STYLE = {"fits": "bold green", "fits_with_changes": "bold yellow", "does_not_fit": "bold red"}


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
    text = Text.assemble((f" {rec.workload} ", "bold reverse"), f"  {rec.region} · priority ",
                         (rec.priority, "bold"))
    if rec.prices_as_of:
        text.append(f" · prices as of {rec.prices_as_of}")
    for warning in rec.warnings:
        text.append(f"\nwarning: {warning}", style="yellow")
    return text


def instances_view(rec: Recommendation) -> RenderableType:
    """Per stage: the chosen type with count, price and cost, why, then each alternative and why it lost."""
    parts: list[RenderableType] = []
    for choice in rec.instances.values():
        head = Text.assemble((stage_title(choice.stage), "bold underline"), "\n",
                             (f"{choice.instance_type} × {choice.instance_count}", "bold"),
                             f"  {price(choice.price_per_hour_usd)} each  ·  {cost_text(choice)}")
        if not choice.fits:
            head.append("\nnothing in the knowledge meets the stated need: this is the closest", style="bold red")
        parts.append(head)
        parts.append(_hanging([("  ·", reason) for reason in choice.reasons]
                              + [("  ·", Text(f"cost: {choice.estimated_cost.formula}", style="dim"))]))
        if choice.alternatives:
            table = _table("alternative", "count", "price", "why it lost", ratios=(None, None, None, 1))
            for alt in choice.alternatives:
                table.add_row(alt.instance_type, str(alt.instance_count), price(alt.price_per_hour_usd),
                              Text(alt.reason))
            parts.append(table)
        if choice.excluded:
            parts.append(_hanging([(Text("  excluded", style="dim"),
                                    Text(f"{e.family} ({e.rule}): {e.because}", style="dim"))
                                   for e in choice.excluded], indent=10))
        parts.append(Text(""))
    return Group(*parts)


def security_view(rec: Recommendation) -> RenderableType:
    """Security settings grouped by the resource they belong to, most severe first, with why and trade-off."""
    groups: dict[str, list[SecuritySetting]] = defaultdict(list)
    for setting in rec.security:
        groups[setting.resource].append(setting)
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    parts: list[RenderableType] = []
    for resource, settings in groups.items():
        parts.append(Text(resource, style="bold underline"))
        rows: list[tuple[Text | str, Text | str]] = []
        for s in sorted(settings, key=lambda s: rank.get(s.severity, len(rank))):
            line = Text.assemble((s.control, "bold"), f" {s.title}\n", (f"{s.api}.{s.field} = {setting_value(s)}", "bold"),
                                 f"\nwhy: {s.why}")
            if s.tradeoff:
                line.append(f"\ntrade-off: {s.tradeoff}", style="italic")
            rows.append((Text(s.severity, style=SEVERITY_STYLE.get(s.severity, "")), line))
        parts.append(_hanging(rows, indent=8))
        parts.append(Text(""))
    if rec.guard_rails:
        parts.append(Text("Guard rails (IAM condition keys that enforce these settings)", style="bold underline"))
        parts.append(Text("\n".join(f"  {g.condition_key} enforces {', '.join(g.enforces)}" for g in rec.guard_rails)))
    return Group(*parts)


def lambda_view(rec: Recommendation) -> RenderableType:
    """The Lambda verdict, each limit as need against limit, what to change, and where to go instead."""
    lam = rec.lambda_
    parts: list[RenderableType] = [Text.assemble("AWS Lambda: ", (lam.verdict.replace("_", " "),
                                                                   VERDICT_STYLE.get(lam.verdict, "bold")))]
    table = _table("limit", "need", "limit", "", "change or note", ratios=(3, 3, 3, None, 4))
    for c in lam.checks:
        mark = Text("✔", style="green") if c.ok else Text("✘", style="bold red")
        table.add_row(c.name, f"{c.need:g} {c.unit}", f"{c.max:g} {c.unit}", mark, Text(c.change or c.note or ""))
    parts.append(table)
    lines = [f"change: {change}" for change in lam.changes]
    lines += [f"instead: {a.title} ({a.because})" for a in lam.alternatives]
    if lam.monthly_cost is not None:
        lines.append(f"Lambda would cost {lam.monthly_cost.text()} ({lam.monthly_cost.formula})")
    if lam.endpoint_monthly_cost is not None:
        lines.append(f"the endpoint would cost {lam.endpoint_monthly_cost.text()}")
    if lam.break_even_requests_per_second is not None:
        lines.append(f"break-even with the endpoint at {lam.break_even_requests_per_second:g} requests/s")
    if lines:
        parts.append(Text("\n".join(lines)))
    return Group(*parts)


_MARK_STYLE = {"+": "bold green", "~": "yellow", "-": "dim"}


def trace_view(rec: Recommendation, decision: str) -> Text:
    """`advisor explain --decision` for one decision, with the verdicts coloured."""
    text = Text()
    for line in explain_text(rec, decision).splitlines():
        stripped = line.lstrip()
        if not line.startswith(" "):
            text.append(line + "\n", style="bold")
        elif stripped[:1] in _MARK_STYLE and stripped[1:2] == " ":
            text.append(line + "\n", style=_MARK_STYLE[stripped[0]])
        elif stripped.startswith("ok "):
            text.append(line + "\n", style="green")
        elif stripped.startswith("no "):
            text.append(line + "\n", style="red")
        else:
            text.append(line + "\n")
    return text


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
