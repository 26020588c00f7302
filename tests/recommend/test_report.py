"""One report model: Markdown and the terminal table show everything the report holds, and the report holds
what the recommendation says."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from advisor import stages
from advisor.errors import AdvisorError
from advisor.pricing.snapshots import load_snapshot
from advisor.recommend import costing, sizing
from advisor.recommend.advisor import Advisor
from advisor.recommend.models import Recommendation
from advisor.recommend.report import build_report, explain_text, print_report, quantity, render
from advisor.render import FORMAT_TABLE, formats_for
from advisor.workload import Derived, Workload

ADVISOR = Advisor()
WORKLOADS = {
    "endpoint-and-training": Workload.model_validate({
        "stages": ["training", "realtime_inference"], "data": {"sensitivity": "regulated", "size_gb": 50},
        "inference": {"requests_per_second": 0.5, "memory_mb": 512, "seconds_per_request": 0.05}}),
    "every-stage": Workload.model_validate({
        "stages": ["notebook", "training", "tuning", "realtime_inference", "batch_inference", "processing"],
        "model": {"kind": "deep_learning", "parameters_millions": 300}, "training": {"distributed": True}}),
    "no-prices": Workload.model_validate({"stages": ["processing"], "region": "ap-south-1"}),
    "several-models": Workload.model_validate({"stages": ["realtime_inference"],
                                               "inference": {"models": 300, "hot_models": 25}}),
}


def _texts(rec_name: str) -> list[str]:
    report = build_report(ADVISOR.recommend(WORKLOADS[rec_name]))
    out = [report.workload, report.summary, *report.warnings]
    for section in report.sections:
        out += [section.title, *section.lines, *section.after]
        if section.table is not None:
            out += list(section.table.columns) + [cell for row in section.table.rows for cell in row if cell]
    return out


def _shown(rec: Recommendation, fmt: str) -> str:
    """The output as one line of words; the table on a console wide enough that no cell wraps."""
    if fmt == "table":
        out = io.StringIO()
        print_report(build_report(rec), Console(file=out, width=5000, color_system=None))
        text = out.getvalue()
    else:
        text = render(rec, fmt)
    return " ".join(text.split())


@pytest.mark.parametrize("name", WORKLOADS)
@pytest.mark.parametrize("fmt", ["markdown", "table"])
def test_every_human_format_shows_everything_in_the_report(name: str, fmt: str) -> None:
    text = _shown(ADVISOR.recommend(WORKLOADS[name]), fmt)
    missing = [t for t in _texts(name) if " ".join(t.replace("|", "\\|" if fmt == "markdown" else "|").split())
               not in text]
    assert missing == []


@pytest.mark.parametrize("width", [80, 60])
def test_a_narrow_terminal_wraps_at_spaces_and_keeps_every_word_whole(width: int) -> None:
    """At 80 columns the six-column security table cannot sit side by side: its rows are stacked, bullets wrap
    under their own text, and no word (a field path, an ARN placeholder, an instance type) is cut."""
    rec = ADVISOR.recommend(WORKLOADS["every-stage"])
    report = build_report(rec)
    out = io.StringIO()
    print_report(report, Console(file=out, width=width, color_system=None))
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= width
    words = set(out.getvalue().split())
    fields = {row[t.columns.index("request field")] for section in report.sections if (t := section.table)
              and "request field" in t.columns for row in t.rows}
    fitting = {f for f in fields if len(f) <= width - len("request field: ")}  # a longer one cannot help folding
    assert len(fitting) > 10 and fitting <= words
    assert "request field:" in " ".join(lines)  # the security table, stacked
    assert {c.instance_type for c in rec.instances.values() if c.instance_type} <= words
    bullets = [i for i, line in enumerate(lines) if line.startswith("  · ")]
    wrapped = [i + 1 for i in bullets if i + 1 < len(lines) and lines[i + 1].startswith("    ")
               and lines[i + 1].strip()]
    assert wrapped, "some bullet is longer than a line"
    assert all(lines[i][4] != " " for i in wrapped)  # a wrapped line sits under the bullet's text


def test_the_report_shows_what_outputs_used_to_leave_out() -> None:
    rec = ADVISOR.recommend(WORKLOADS["endpoint-and-training"])
    assert rec.lambda_.endpoint_monthly_cost is not None and rec.lambda_.monthly_cost is not None
    assert rec.guard_rails and any(s.tradeoff for s in rec.security)
    for fmt in ("markdown", "table"):
        text = _shown(rec, fmt)
        assert f"the endpoint would cost {rec.lambda_.endpoint_monthly_cost.text()}" in text
        assert f"Lambda would cost {rec.lambda_.monthly_cost.text()}" in text
        assert rec.guard_rails[0].condition_key in text
        assert "Trade-offs" in text
        if rec.lambda_.break_even_requests_per_second is not None:
            assert "break-even with the endpoint" in text


def test_placeholders_are_written_one_way() -> None:
    rec = ADVISOR.recommend(WORKLOADS["endpoint-and-training"])
    named = [s.placeholder for s in rec.security if s.placeholder]
    assert named
    for fmt in ("markdown", "table"):
        text = _shown(rec, fmt)
        assert all(f"<<{name}>>" in text for name in named)
        assert "<" + named[0] + ">" not in text.replace(f"<<{named[0]}>>", "")


def test_tabs_partition_the_report() -> None:
    report = build_report(ADVISOR.recommend(WORKLOADS["every-stage"]))
    tabs = [s for tab in ("instances", "security", "lambda") for s in report.tab(tab)]
    assert sorted(s.key for s in tabs) == sorted(s.key for s in report.sections)
    stages = WORKLOADS["every-stage"].stages
    assert [s.key for s in report.tab("instances")][1:] == [f"stage.{stage}" for stage in stages]


def test_every_recommendation_format_renders() -> None:
    rec = ADVISOR.recommend(WORKLOADS["every-stage"])
    assert formats_for("recommendation") == ("table", "markdown", "json", "yaml")
    for fmt in formats_for("recommendation"):
        assert rec.workload in render(rec, fmt)
    with pytest.raises(AdvisorError, match="unknown format 'python'") as info:  # one `except AdvisorError`
        render(rec, "python")
    assert info.value.hint == "one of table, markdown, json, yaml"
    assert {f.name for f in FORMAT_TABLE} >= set(formats_for("requests"))


@pytest.mark.parametrize("fmt", ["markdown", "table", "explain"])
def test_training_and_tuning_costs_say_they_are_upper_bounds(fmt: str) -> None:
    """Training and tuning are priced for training.max_hours, the longest a job may run: every output says "at
    most" and which field bounds it, in the cost column and the stage's cost line; a stage costed on its
    estimated use (an endpoint, a processing job) does not."""
    rec = ADVISOR.recommend(WORKLOADS["every-stage"])
    training, tuning = rec.instances["training"].estimated_cost, rec.instances["tuning"].estimated_cost
    assert (training.bound, training.caveat) == ("upper", "upper bound: training.max_hours")
    assert (tuning.bound, tuning.caveat) == ("upper", "upper bound: tuning.max_jobs x training.max_hours")
    text = " ".join(explain_text(rec).split()) if fmt == "explain" else _shown(rec, fmt)
    for cost in (training, tuning):
        assert cost.text().startswith("at most $") and f"({cost.caveat})" in cost.text()
        assert cost.text() in text
    if fmt != "explain":
        assert f"cost: {training.text()} = {training.formula}" in text
        assert "priced for the whole of training.max_hours" in text  # the assumption, in words
    for stage in ("realtime_inference", "processing", "notebook", "batch_inference"):
        other = rec.instances[stage].estimated_cost
        assert other.bound is None and other.caveat is None and "at most" not in other.text()


def test_the_bound_travels_in_the_json() -> None:
    rec = ADVISOR.recommend(WORKLOADS["endpoint-and-training"])
    cost = json.loads(render(rec, "json"))["instances"]["training"]["estimated_cost"]
    assert cost["bound"] == "upper" and cost["caveat"] == "upper bound: training.max_hours"


def test_an_unknown_cost_is_not_called_an_upper_bound() -> None:
    """No price for the type: the cost is unknown, never "at most unknown"."""
    w = Workload.model_validate({"stages": ["training"]})
    snapshot = load_snapshot("us-east-1")
    sized = sizing.size(stages.stage("training"), w, Derived.of(w, ADVISOR.knowledge), ["m"], (),
                        sizing.Catalogue.of(ADVISOR.knowledge), snapshot)
    priceless = snapshot._replace(prices=tuple(p for p in snapshot.prices if p.component != "training"))
    cost, _ = costing.cost(stages.stage("training"), w, sized.winner, priceless, snapshot.as_of)
    assert cost.usd is None and cost.bound is None and cost.text() == "unknown/job"


@pytest.mark.parametrize(("value", "unit", "said"), [
    (1, "GPUs", "1 GPU"), (2, "GPUs", "2 GPUs"), (0, "GPUs", "0 GPUs"), (1, "layers", "1 layer"),
    (1, "seconds", "1 second"), (0.05, "seconds", "0.05 seconds"),
    (1, "concurrent executions", "1 concurrent execution"),
    (1, "MB/s", "1 MB/s"), (1, "MB", "1 MB"), (1, "GiB", "1 GiB"), (10240, "MB", "10240 MB"),
])
def test_a_lambda_limit_figure_agrees_with_its_unit(value: float, unit: str, said: str) -> None:
    """The Lambda table said "1 GPUs" (Managed Instances' GPU limit): units are written in the plural."""
    assert quantity(value, unit) == said


def test_the_lambda_table_says_one_gpu() -> None:
    from advisor.workload import load_workload
    from tests.conftest import ROOT

    workload = load_workload(ROOT / "examples" / "workloads" / "fraud-detector.yaml", ADVISOR.knowledge)
    text = render(ADVISOR.recommend(workload), "markdown")
    assert "| 1 GPU |" in text and "1 GPUs" not in text


def test_explain_writes_values_as_a_workload_file_does() -> None:
    """`notebook.gpu eq True (actual None)` was Python: a condition's values read as the YAML a user writes."""
    from advisor.workload import load_workload
    from tests.conftest import ROOT

    workload = load_workload(ROOT / "examples" / "workloads" / "fraud-detector.yaml", ADVISOR.knowledge)
    text = explain_text(ADVISOR.recommend(workload))
    assert "notebook.gpu eq true (actual false)" in text
    assert 'inference.traffic eq "steady" (actual "steady")' in text
    assert "inference.accelerator exists false (actual null)" in text
    assert "True" not in text and "None)" not in text and "('" not in text
