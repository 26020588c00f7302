"""One report model: Markdown and the terminal table show everything the report holds, and the report holds
what the recommendation says."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from advisor.recommend.advisor import Advisor
from advisor.recommend.models import Recommendation
from advisor.recommend.report import build_report, print_report, render
from advisor.render import FORMAT_TABLE, formats_for
from advisor.workload import Workload

ADVISOR = Advisor()
WORKLOADS = {
    "endpoint-and-training": Workload.model_validate({
        "stages": ["training", "realtime_inference"], "data": {"sensitivity": "regulated", "size_gb": 50},
        "inference": {"requests_per_second": 0.5, "memory_mb": 512, "seconds_per_request": 0.05}}),
    "every-stage": Workload.model_validate({
        "stages": ["notebook", "training", "tuning", "realtime_inference", "batch_inference", "processing"],
        "model": {"kind": "deep_learning", "parameters_millions": 300}, "training": {"distributed": True}}),
    "no-prices": Workload.model_validate({"stages": ["processing"], "region": "ap-south-1"}),
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
    with pytest.raises(ValueError):
        render(rec, "python")
    assert {f.name for f in FORMAT_TABLE} >= set(formats_for("requests"))
