"""A Recommendation for people: one report model, its Markdown and terminal renderings, and the readable trace.

JSON and YAML come straight from the Recommendation (the data contract). Everything people read (Markdown,
the terminal table, the TUI tabs) renders one `Report` built from it, so no output can leave out what another
shows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from io import StringIO
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from advisor import stages as stage_registry
from advisor.engine.conditions import ConditionResult, GroupResult, LeafResult
from advisor.engine.decisions import DecisionTrace
from advisor.recommend.models import Recommendation, SecuritySetting, StageChoice
from advisor.render import table_for, terminal_console, to_yaml, unknown_format, wrap_words

if TYPE_CHECKING:
    from rich.console import Console



def price(value: Any) -> str:
    return "unknown" if value == "unknown" or value is None else f"${value:g}/h"


def quantity(value: float, unit: str) -> str:
    """`1 GPU`, `2 GPUs`, `1 layer`, `0.5 seconds`: a limit's figure with its unit, which the knowledge writes in
    the plural (the table said "1 GPUs"); a rate (`MB/s`) and a symbol (`MB`) stay as they are."""
    if value == 1 and unit.endswith("s") and not unit.endswith("/s"):
        unit = unit[:-1]
    return f"{value:g} {unit}"


def placeholder(name: str) -> str:
    """The one placeholder notation, as `advisor requests` writes it: <<name>>."""
    return f"<<{name}>>"


def setting_value(setting: SecuritySetting) -> str:
    """A request field's value as it goes in the request (JSON), or its placeholder; "not available" for a
    control the stage's option cannot carry."""
    if setting.status == "not_available":
        return "not available"
    return placeholder(setting.placeholder) if setting.placeholder else json.dumps(setting.value)


def cost_text(choice: StageChoice) -> str:
    text = choice.estimated_cost.text()
    per_month = choice.extra.get("usd_per_month")
    if per_month is not None:
        text += f" (${per_month:,.2f}/month at {choice.extra['runs_per_month']} runs)"
    if "wall_clock_hours" in choice.extra:
        text += f", {choice.extra['wall_clock_hours']:g} h wall clock"
    return text


# ---- the report model: what every human-readable output of a recommendation shows -------------------------

Tab = Literal["instances", "security", "lambda"]


class Table(NamedTuple):
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


class Section(NamedTuple):
    """One block of the report: a title, lines (bullets), then a table, then lines after it.

    `tab` says where the TUI shows it; Markdown and the terminal table show every section in order.
    """

    key: str
    tab: Tab
    title: str
    lines: tuple[str, ...] = ()
    table: Table | None = None
    after: tuple[str, ...] = ()
    level: int = 2
    """2 for a top-level section, 3 for one inside the section before it (a stage's detail)."""


class Report(NamedTuple):
    """A recommendation arranged for people: the Markdown, the terminal table and the TUI tabs all render
    this, so none can leave out what another shows (tests/recommend/test_report.py holds them to it)."""

    workload: str
    summary: str
    warnings: tuple[str, ...]
    sections: tuple[Section, ...]
    footer: str = "`advisor explain` shows every rule and condition behind these choices."

    def tab(self, tab: Tab) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.tab == tab)


def build_report(rec: Recommendation) -> Report:
    summary = (f"Region {rec.region}, priority {rec.priority}"
               + (f", prices as of {rec.prices_as_of}" if rec.prices_as_of else "") + ".")
    sections = [Section("instances", "instances", "Instances", table=Table(
        ("stage", "type", "count", "price", "estimated cost"),
        tuple((stage_title(c.stage), type_text(c), count_text(c), price_text(c), cost_text(c))
              for c in rec.instances.values())))]
    sections += [_stage_section(rec, c) for c in rec.instances.values()]
    sections += _security_sections(rec)
    sections.append(_lambda_section(rec))
    return Report(rec.workload, summary, rec.warnings, tuple(sections))


def type_text(c: StageChoice) -> str:
    """The type column: the instance type, or a serverless endpoint's memory size."""
    if c.instance_type is None:
        return f"serverless, {c.settings.get('MemorySizeInMB', '?')} MB"
    return c.instance_type


def count_text(c: StageChoice) -> str:
    """The count column: instances (an autoscaled range where the stage scales), or serverless concurrency."""
    if c.instance_type is None:
        text = f"up to {c.settings.get('MaxConcurrency', '?')} concurrent"
        provisioned = c.settings.get("ProvisionedConcurrency")
        return text + (f", {provisioned} provisioned" if provisioned else "")
    if "MinCapacity" in c.settings:
        return f"{c.settings['MinCapacity']}-{c.settings['MaxCapacity']}"
    return str(c.instance_count)


def price_text(c: StageChoice) -> str:
    if c.instance_type is None:
        return "per GB-second used"
    return price(c.price_per_hour_usd)


def settings_lines(c: StageChoice) -> list[str]:
    """The option's request settings, one per line, as API field = value."""
    return [f"setting: {key} = {value}" for key, value in c.settings.items()]


def _stage_section(rec: Recommendation, c: StageChoice) -> Section:
    lines = [] if c.fits else ["nothing in the knowledge meets the stated need: this is the closest"]
    lines += settings_lines(c)
    lines += list(c.reasons)
    lines.append(f"cost: {c.estimated_cost.text()} = {c.estimated_cost.formula}")
    lines += [f"assumption: {a}" for a in c.estimated_cost.assumptions]
    lines += [f"note: {w}" for w in c.estimated_cost.warnings if w not in rec.warnings]  # said above
    table = Table(("alternative", "count", "price", "why it lost"), tuple(
        (a.instance_type, str(a.instance_count), price(a.price_per_hour_usd), a.reason) for a in c.alternatives))
    heading = f"{c.instance_type} x {c.instance_count}" if c.instance_type else type_text(c)
    return Section(f"stage.{c.stage}", "instances", f"{stage_title(c.stage)}: {heading}", tuple(lines),
                   table if c.alternatives else None,
                   tuple(f"excluded: family {e.family} ({e.rule}): {e.because}" for e in c.excluded), level=3)


def _security_table(rows: Iterable[SecuritySetting]) -> Table:
    return Table(("severity", "control", "resource", "request field", "value", "why"), tuple(
        (s.severity, f"{s.control}: {s.title}", s.resource, f"{s.api}.{s.field}", setting_value(s), s.why)
        for s in rows))


def _security_sections(rec: Recommendation) -> list[Section]:
    """The SageMaker settings, then the Lambda function's in their own group (only when a function is in
    question: the verdict offers Lambda, or the workload describes one)."""
    out = [Section("security", "security", "Security settings",
                   table=_security_table(s for s in rec.security if s.group != "lambda"))]
    function_rows = [s for s in rec.security if s.group == "lambda"]
    if function_rows:
        out.append(Section("security.lambda", "security", "Security settings of the Lambda function",
                           table=_security_table(function_rows), after=tuple(dict.fromkeys(
                               f"trade-off of {s.control}: {s.tradeoff}" for s in function_rows if s.tradeoff))))
    tradeoffs = {s.control: s.tradeoff for s in rec.security if s.tradeoff and s.group != "lambda"}
    if tradeoffs:
        out.append(Section("tradeoffs", "security", "Trade-offs",
                           tuple(f"{control}: {text}" for control, text in tradeoffs.items())))
    if rec.guard_rails:
        out.append(Section("guard_rails", "security", "Guard rails (IAM condition keys that enforce these settings)",
                           tuple(f"{g.condition_key} enforces {', '.join(g.enforces)}" for g in rec.guard_rails)))
    return out


def _lambda_section(rec: Recommendation) -> Section:
    """The Lambda verdict naming its execution mode, the unit of work and its assumed figures, every limit per
    mode (a limit that does not apply to this unit of work says n/a, not yes); or why Lambda was not checked."""
    lam = rec.lambda_
    if lam is None:
        return Section("lambda", "lambda", "AWS Lambda: not checked", (
            "the workload has no unit of work for Lambda: no inference or processing stage and no `lambda` "
            "section (`advisor explain --decision lambda.check` shows each rule)",))

    def ok(value: bool | None, applies: bool) -> str:
        return "n/a" if not applies else "yes" if value else "NO"

    table = Table(("limit", "need", "standard", "ok", "managed instances", "ok", "change or note"), tuple(
        (c.name, quantity(c.need, c.unit), quantity(c.max, c.unit), ok(c.ok, c.applies),
         "same" if c.managed_max is None else quantity(c.managed_max, c.unit),
         ok(c.ok if c.managed_max is None else c.managed_ok, c.applies),
         c.change or c.note or "") for c in lam.checks))
    after = [f"change: {change}" for change in lam.changes]
    after += [f"instead: {a.title} ({a.because})" for a in lam.alternatives]
    if lam.monthly_cost is not None and lam.mode == "managed_instances":
        after.append(f"Lambda Managed Instances would cost about {lam.monthly_cost.text()}, an estimate "
                     f"({lam.monthly_cost.formula})")
    elif lam.monthly_cost is not None:
        after.append(f"Lambda would cost {lam.monthly_cost.text()} ({lam.monthly_cost.formula})")
    if lam.endpoint_monthly_cost is not None:
        after.append(f"the endpoint would cost {lam.endpoint_monthly_cost.text()}")
    if lam.break_even_requests_per_second is not None:
        after.append(f"break-even with the endpoint at {lam.break_even_requests_per_second:g} requests/s")
    return Section("lambda", "lambda", f"AWS Lambda: {lam.summary or lam.verdict.replace('_', ' ')}",
                   lines=lam.reasons, table=table, after=tuple(after))


# ---- renderers of the report --------------------------------------------------------------------------------

def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Report) -> str:
    lines = [f"# Recommendation for `{report.workload}`", "", report.summary, ""]
    lines += [f"> **Warning:** {w}" for w in report.warnings]
    if report.warnings:
        lines.append("")
    for section in report.sections:
        lines += ["#" * section.level + " " + section.title, ""]
        if section.lines:
            lines += [f"- {line}" for line in section.lines] + [""]
        if section.table is not None:
            lines.append("| " + " | ".join(section.table.columns) + " |")
            lines.append("|" + "---|" * len(section.table.columns))
            lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in section.table.rows]
            lines.append("")
        if section.after:
            lines += [f"- {line}" for line in section.after] + [""]
    lines.append(report.footer)
    return "\n".join(lines) + "\n"


def print_report(report: Report, console: Console | None = None) -> None:
    """The report on a terminal: one table per section (advisor.render.table_for: words never cut, rows stacked
    when the columns cannot sit side by side), its lines as bullets that wrap under their own text."""
    # deferred: rich loads only when a table is printed
    from rich.text import Text

    console = console or terminal_console()
    width = console.width
    console.print(Text.assemble(("Recommendation for ", "bold"), (report.workload, "bold"), "\n",
                                "\n".join(wrap_words(report.summary, width))))
    for warning in report.warnings:
        lines = "\n".join(wrap_words(warning, width, "warning: "))
        console.print(Text.assemble(("warning: ", "yellow"), lines.removeprefix("warning: ")))
    for section in report.sections:
        console.print(Text("\n" + "\n".join(wrap_words(section.title, width)),
                           style="bold underline" if section.level == 2 else "bold"))
        if section.lines:
            console.print(_bullets(section.lines, width))
        if section.table is not None:
            console.print(table_for(width, section.table.columns, section.table.rows))
        if section.after:
            console.print(_bullets(section.after, width))
    console.print(Text(report.footer, style="dim"))


def _bullets(lines: Sequence[str], width: int) -> Any:
    """Bullets with a hanging indent: a wrapped line starts under the text, not at the margin."""
    from rich.console import Group
    from rich.text import Text

    return Group(*(Text(wrapped) for line in lines for wrapped in wrap_words(line, width, "  · ")))


def stage_title(stage_id: str) -> str:
    """The stage's section title from the registry (its id when it is not registered)."""
    try:
        return stage_registry.stage(stage_id).title
    except KeyError:
        return stage_id


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
            when = r.when
            top = when.parts if isinstance(when, GroupResult) and when.kind == "all" else \
                () if when is None else (when,)
            for part in top:
                out.extend(_condition_lines(part, "      "))
        out.append("")
        if t.stage in rec.instances and (decision is None or decision == t.decision):
            out.extend(_sizing_lines(rec.instances[t.stage]))
    if decision == SIZING:
        for choice in rec.instances.values():
            out.extend(_sizing_lines(choice))
    elif decision is None:  # a stage without instances has no families decision: its sizing stands alone
        decided = {t.stage for t in rec.trace}
        for choice in rec.instances.values():
            if choice.stage not in decided:
                out.extend(_sizing_lines(choice))
    return "\n".join(out)


SIZING = "sizing"
"""The pseudo-decision `explain --decision sizing` shows: each stage's sizing arithmetic without the rules."""


def _sizing_lines(choice: StageChoice) -> list[str]:
    """How the stage's families became a type and a count: the need, the count, the ranking and the price, each
    with its arithmetic, then each alternative and why it lost."""
    verdict = "" if choice.fits else " (nothing fits: the nearest)"
    what = f"{choice.instance_count} x {choice.instance_type}" if choice.instance_type else type_text(choice)
    lines = [f"sizing [{choice.stage}]: {what}{verdict}"]
    lines += [f"  {line}" for line in settings_lines(choice)]
    lines += [f"  = {reason}" for reason in choice.reasons]
    lines.append(f"  $ cost: {choice.estimated_cost.text()} = {choice.estimated_cost.formula}")
    lines += [f"  ~ {a.instance_count} x {a.instance_type} lost: {a.reason}" for a in choice.alternatives]
    return [*lines, ""]


_GROUP_HEADING = {"all": "all of:", "any": "any of:", "not": "not:"}


def _written(value: Any) -> str:
    """A condition's value as a workload file or a rule writes it (`true`, `null`, `"steady"`, `["a", "b"]`):
    Python's `True`, `None` and tuples were no words of the YAML a user writes."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _condition_lines(result: ConditionResult, indent: str) -> list[str]:
    """One condition as evaluated: a leaf on one line, a group as a heading over its indented parts."""
    verdict = "ok " if result.result else "no "
    if isinstance(result, LeafResult):
        return [f"{indent}{verdict} {result.field} {result.op} {_written(result.expected)} "
                f"(actual {_written(result.actual)})"]
    lines = [f"{indent}{verdict} {_GROUP_HEADING[result.kind]}"]
    for part in result.parts:
        lines.extend(_condition_lines(part, indent + "  "))
    return lines


def render(rec: Recommendation, fmt: str) -> str:
    """A recommendation as text in one of the formats advisor.render.FORMATS lists for a recommendation.

    JSON and YAML are the recommendation's data (every field, trace included); Markdown and the table are the
    report model (advisor.render says which formats write files).
    """
    if fmt == "json":
        return rec.to_json(indent=2) + "\n"
    if fmt == "yaml":
        return to_yaml(rec.to_data())
    if fmt == "markdown":
        return to_markdown(build_report(rec))
    if fmt == "table":
        # deferred: rich loads only when a table is printed
        from rich.console import Console

        out = StringIO()
        print_report(build_report(rec), Console(file=out, width=120, color_system=None))
        return out.getvalue()
    raise unknown_format(fmt, "recommendation")


def decision_ids(rec: Recommendation) -> list[str]:
    return list(dict.fromkeys(t.decision for t in rec.trace))
