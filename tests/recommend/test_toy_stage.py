"""A stage added through the registry alone is recommended, rendered in every format and offered by the CLI.

The toy stage is registered here, with its own sizing and costing strategy and a families decision (what a
real stage would ship as YAML); nothing else in the product is edited for it. It lists an existing operation
(CreateProcessingJob), so its request is built from its own choice: builders find their stage by the operation.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from advisor import stages
from advisor.builders.request_set import build_requests, covered_operations
from advisor.cli import main
from advisor.engine.decisions import Decision
from advisor.knowledge.loader import load_knowledge
from advisor.knowledge.models import Knowledge
from advisor.pricing.costs import Cost
from advisor.pricing.models import PriceSnapshot
from advisor.recommend import costing, questions, sizing
from advisor.recommend.advisor import Advisor
from advisor.recommend.report import render
from advisor.records import adapter
from advisor.render import formats_for
from advisor.stages import StageSpec
from advisor.workload import Workload

EXAMPLE = Path(__file__).parents[2] / "examples" / "workloads" / "churn-quick-train.yaml"
TOY = StageSpec("toy_inference", "Toy scoring job", "processing", "processing", "job", ("processing",),
                ("CreateProcessingJob",), "CreateProcessingJob", sizing="toy", costing="toy", max_count=3)


@dataclass(frozen=True)
class ToySizer:
    """Three instances with 8 GiB each, whatever the workload."""

    def need(self, accelerated: bool) -> sizing.Need:
        return sizing.Need(8.0, 0.0, ("8 GiB of memory per toy worker",))

    def fit(self, spec: sizing.Spec, need: sizing.Need) -> tuple[int, str | None]:
        return 3, sizing.memory_misfit(spec, need)

    def count_reason(self, spec: sizing.Spec, count: int) -> str:
        return f"{count} toy workers"


def toy_cost(snapshot: PriceSnapshot, w: Workload, c: sizing.Candidate, today: dt.date) -> costing.Costed:
    per_hour = c.per_hour
    return Cost.of(usd=per_hour, period="job", formula=f"1 h x {c.instances} instances"), {"toy": True}


def toy_decision() -> Decision:
    return adapter(Decision).validate_python({
        "decision": "toy.family", "title": "Instance family for toy scoring", "output": "families",
        "hit_policy": "first", "stages": ["toy_inference"], "as_of": "2026-12-01",
        "rules": [{"id": "toy-default", "then": {"families": ["m"]}, "because": "Toys run on M.",
                   "source": "this test", "examples": {"fires": [{}]}}]})


@pytest.fixture
def toy() -> Iterator[Knowledge]:
    knowledge = load_knowledge()
    stages.register(TOY)
    sizing.register_sizer("toy")(lambda stage, w, derived: ToySizer())
    costing.register_coster("toy")(toy_cost)
    try:
        yield knowledge._replace(decisions=(*knowledge.decisions, toy_decision()))
    finally:
        stages.unregister("toy_inference")
        del sizing.SIZERS["toy"], costing.COSTERS["toy"]


def test_a_toy_stage_is_recommended_and_rendered_in_every_format(toy: Knowledge) -> None:
    rec = Advisor(toy).recommend(Workload(stages=["training", "toy_inference"]))
    choice = rec.instances["toy_inference"]
    assert choice.family == "m" and choice.instance_count == 3 and choice.fits
    assert "3 toy workers" in choice.reasons and choice.extra == {"toy": True}
    assert choice.estimated_cost.period == "job"
    for fmt in formats_for("recommendation"):
        text = render(rec, fmt)
        assert choice.instance_type in text
        if fmt in ("markdown", "table"):
            assert "Toy scoring job" in text


def test_the_cli_offers_and_recommends_the_toy_stage(toy: Knowledge, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import advisor.knowledge.loader as loader
    import advisor.recommend.advisor as advisor_module

    for module in (loader, advisor_module):  # the Advisor holds its own reference to the loader's function
        monkeypatch.setattr(module, "load_knowledge", lambda *args, **kwargs: toy)
    with pytest.raises(SystemExit):
        main(["recommend", "--help"])
    assert "toy_inference" in capsys.readouterr().out
    assert main(["recommend", str(EXAMPLE), "--stage", "toy_inference",
                 "--format", "json", "--no-cache"]) == 0
    assert set(json.loads(capsys.readouterr().out)["instances"]) == {"toy_inference"}


def test_the_toy_stage_gets_the_requests_it_lists_with_its_own_instances(toy: Knowledge) -> None:
    workload = Workload(stages=["training", "toy_inference"])
    rec = Advisor(toy).recommend(workload)
    assert covered_operations(rec) == ["CreateProcessingJob", "CreateTrainingJob"]
    requests = build_requests(rec, workload).requests
    cluster = requests["CreateProcessingJob"]["ProcessingResources"]["ClusterConfig"]
    choice = rec.instances["toy_inference"]
    assert (cluster["InstanceType"], cluster["InstanceCount"]) == (choice.instance_type, 3)
    assert requests["CreateTrainingJob"]["ResourceConfig"]["InstanceType"] == rec.instances["training"].instance_type


def test_a_section_only_a_new_stage_reads_is_asked_beside_its_other_sections() -> None:
    """A section a new stage adds to the Workload joins the step of that stage's first listed section, titled
    after the stage, so the questionnaire needs no edit for it."""
    stages.register(TOY._replace(id="toy_scorer", sections=("inference", "toy_scoring")))
    try:
        assert questions.step_of("toy_scoring") == questions.step_of("inference") == "inference"
        assert questions.section_title("toy_scoring") == "toy scoring job"
    finally:
        stages.unregister("toy_scorer")
    assert questions.step_of("toy_scoring") == questions.STEPS[-1].id  # nobody reads it: the last step
    assert questions.section_title("toy_scoring") == "toy scoring"
    assert questions.step_of("batch") == "inference" and questions.section_title("batch") == "batch transform"


def test_the_toy_stage_is_gone_after_the_test() -> None:
    assert "toy_inference" not in stages.stage_ids()
    assert "toy" not in sizing.SIZERS and "toy" not in costing.COSTERS
    with pytest.raises(Exception, match="toy_inference"):
        Workload(stages=["toy_inference"])
