"""A Recommendation for people: Markdown, a rich table view, and the readable trace (`advisor explain`).

JSON and YAML come straight from the model; these views only arrange the same data, so the CLI, the TUI and
exported files never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from advisor import stages as stage_registry
from advisor.engine.conditions import ConditionResult, GroupResult, LeafResult
from advisor.engine.decisions import DecisionTrace
from advisor.recommend.models import Recommendation, StageChoice



def stage_title(stage_id: str) -> str:
    """The stage's section title from the registry (its id when it is not registered)."""
    try:
        return stage_registry.stage(stage_id).title
    except KeyError:
        return stage_id


def price(value: Any) -> str:
    return "unknown" if value == "unknown" or value is None else f"${value:g}/h"


def _literal(value: Any) -> str:
    """A request field's value written as it goes in the request (JSON).

    json is imported here rather than at the top: `--format json` output comes from the model itself, so a
    computed JSON run (this module is imported for `render`) never needs it; only the Markdown and table do.
    """
    import json

    return json.dumps(value)


def cost_text(choice: StageChoice) -> str:
    text = choice.estimated_cost.text()
    per_month = choice.extra.get("usd_per_month")
    if per_month is not None:
        text += f" (${per_month:,.2f}/month at {choice.extra['runs_per_month']} runs)"
    if "wall_clock_hours" in choice.extra:
        text += f", {choice.extra['wall_clock_hours']:g} h wall clock"
    return text


def to_markdown(rec: Recommendation) -> str:
    lines = [f"# Recommendation for `{rec.workload}`", "",
             f"Region {rec.region}, priority **{rec.priority}**"
             + (f", prices as of {rec.prices_as_of}" if rec.prices_as_of else "") + ".", ""]
    for warning in rec.warnings:
        lines.append(f"> **Warning:** {warning}")
    if rec.warnings:
        lines.append("")
    lines += ["## Instances", "", "| stage | type | count | price | estimated cost |", "|---|---|---|---|---|"]
    for choice in rec.instances.values():
        lines.append(f"| {stage_title(choice.stage)} | `{choice.instance_type}` | "
                     f"{choice.instance_count} | {price(choice.price_per_hour_usd)} | {cost_text(choice)} |")
    for choice in rec.instances.values():
        lines += ["", f"### {stage_title(choice.stage)}: `{choice.instance_type}` "
                      f"x {choice.instance_count}", ""]
        lines += [f"- {reason}" for reason in choice.reasons]
        lines.append(f"- cost: {choice.estimated_cost.formula}")
        lines += [f"- note: {w}" for w in choice.estimated_cost.warnings if w not in rec.warnings]  # said above
        if choice.alternatives:
            lines += ["", "| alternative | count | price | why it lost |", "|---|---|---|---|"]
            lines += [f"| `{a.instance_type}` | {a.instance_count} | {price(a.price_per_hour_usd)} | {a.reason} |"
                      for a in choice.alternatives]
    lines += ["", "## Security settings", "", "| severity | control | request field | value | why |",
              "|---|---|---|---|---|"]
    for s in rec.security:
        value = f"<{s.placeholder}>" if s.placeholder else f"`{_literal(s.value)}`"
        lines.append(f"| {s.severity} | {s.control} | `{s.api}.{s.field}` | {value} | {s.why} |")
    tradeoffs = {s.control: s.tradeoff for s in rec.security if s.tradeoff}
    if tradeoffs:
        lines += ["", "Trade-offs:", ""] + [f"- **{c}**: {t}" for c, t in tradeoffs.items()]
    if rec.guard_rails:
        lines += ["", "Guard rails (IAM condition keys that enforce these settings):", ""]
        lines += [f"- `{g.condition_key}` enforces {', '.join(g.enforces)}" for g in rec.guard_rails]
    lam = rec.lambda_
    lines += ["", f"## AWS Lambda: {lam.verdict.replace('_', ' ')}", "",
              "| limit | need | max | ok |", "|---|---|---|---|"]
    lines += [f"| {c.name} | {c.need:g} {c.unit} | {c.max:g} {c.unit} | {'yes' if c.ok else 'NO'} |" for c in lam.checks]
    lines += [f"- change: {change}" for change in lam.changes]
    lines += [f"- instead: {a.title} ({a.because})" for a in lam.alternatives]
    if lam.monthly_cost is not None:
        lines.append(f"- Lambda would cost {lam.monthly_cost.text()} ({lam.monthly_cost.formula})")
    if lam.break_even_requests_per_second is not None:
        lines.append(f"- break-even with the endpoint at {lam.break_even_requests_per_second:g} requests/s")
    return "\n".join(lines) + "\n"


def print_table(rec: Recommendation) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{rec.workload}[/] in {rec.region}, priority [bold]{rec.priority}[/]"
                  + (f", prices as of {rec.prices_as_of}" if rec.prices_as_of else ""))
    for warning in rec.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    table = Table(title="Instances", header_style="bold")
    for column in ("stage", "type", "count", "price", "estimated cost"):
        table.add_column(column, overflow="fold")
    for c in rec.instances.values():
        table.add_row(c.stage, c.instance_type, str(c.instance_count), price(c.price_per_hour_usd), cost_text(c))
    console.print(table)
    alternatives = Table(title="Alternatives and why they lost", header_style="bold")
    for column in ("stage", "alternative", "why it lost"):
        alternatives.add_column(column, overflow="fold")
    for c in rec.instances.values():
        for a in c.alternatives:
            alternatives.add_row(c.stage, f"{a.instance_type} x{a.instance_count}", a.reason)
    console.print(alternatives)
    sec = Table(title="Security settings", header_style="bold")
    for column in ("severity", "control", "request field", "value"):
        sec.add_column(column, overflow="fold")
    for s in rec.security:
        sec.add_row(s.severity, s.control, f"{s.api}.{s.field}",
                    f"<{s.placeholder}>" if s.placeholder else _literal(s.value))
    console.print(sec)
    lam = rec.lambda_
    lam_table = Table(title=f"AWS Lambda: {lam.verdict.replace('_', ' ')}", header_style="bold")
    for column in ("limit", "need", "max", "ok", "change / note"):
        lam_table.add_column(column, overflow="fold")
    for c in lam.checks:
        lam_table.add_row(c.name, f"{c.need:g} {c.unit}", f"{c.max:g}", "yes" if c.ok else "NO", c.change or c.note or "")
    console.print(lam_table)
    for a in lam.alternatives:
        console.print(f"instead of Lambda: [bold]{a.title}[/] - {a.because}")
    console.print("[dim]`advisor explain` shows every rule and condition behind these choices.[/]")


def explain_text(rec: Recommendation, decision: str | None = None) -> str:
    """The trace, readably: each decision, each rule with its verdict, each condition with its values."""
    traces: Iterable[DecisionTrace] = rec.trace
    if decision:
        traces = [t for t in rec.trace if t.decision == decision]
    out = []
    for t in traces:
        where = f" [{t.stage}]" if t.stage else ""
        out.append(f"{t.decision}{where}: {t.title} (hit policy {t.hit_policy}; selected: "
                   f"{', '.join(t.selected) or 'none'})")
        for r in t.rules:
            mark = {"selected": "+", "matched": "~", "unmatched": "-"}[r.status]
            prio = f" priority {r.priority}" if t.hit_policy == "priority" else ""
            out.append(f"  {mark} {r.id} {r.status}{prio}: {r.because}")
            if not r.conditions:
                out.append("      (no conditions: always matches)")
            # a top-level `all` reads as a plain list; a nested group gets a heading naming its kind
            top = r.when.parts if isinstance(r.when, GroupResult) and r.when.kind == "all" else (r.when or r.conditions)
            for part in top if isinstance(top, tuple) else (top,):
                out.extend(_condition_lines(part, "      "))
        out.append("")
    return "\n".join(out)


_GROUP_HEADING = {"all": "all of:", "any": "any of:", "not": "not:"}


def _condition_lines(result: ConditionResult, indent: str) -> list[str]:
    """One condition as evaluated: a leaf on one line, a group as a heading over its indented parts."""
    verdict = "ok " if result.result else "no "
    if isinstance(result, LeafResult):
        return [f"{indent}{verdict} {result.field} {result.op} {result.expected!r} (actual {result.actual!r})"]
    lines = [f"{indent}{verdict} {_GROUP_HEADING[result.kind]}"]
    for part in result.parts:
        lines.extend(_condition_lines(part, indent + "  "))
    return lines


def render(rec: Recommendation, fmt: str) -> str:
    """A recommendation as file text: "json", "yaml" or "markdown" (the CLI and the TUI export share this)."""
    if fmt == "json":
        return rec.model_dump_json(indent=2) + "\n"
    if fmt == "yaml":
        from advisor.render import to_yaml

        return to_yaml(rec.model_dump(mode="json"))
    if fmt == "markdown":
        return to_markdown(rec)
    raise ValueError(f"unknown format {fmt!r}")


def decision_ids(rec: Recommendation) -> list[str]:
    return list(dict.fromkeys(t.decision for t in rec.trace))
