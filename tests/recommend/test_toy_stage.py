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


# ---- a second real-time-like inference option, added as knowledge and a registry row only ------------------------

TOY_ENDPOINT = StageSpec("toy_endpoint", "Toy endpoint", "hosting", "hosting", "month", ("inference",),
                         ("CreateModel", "CreateEndpointConfig", "CreateEndpoint"), "CreateEndpointConfig",
                         sizing="endpoint", costing="endpoint", max_count=40, hosting_option="toy_realtime")


@pytest.fixture
def toy_endpoint() -> Iterator[Knowledge]:
    """A stage whose option is a copy of the real-time one under another id: every check that weighs inference
    options must find it by its capabilities and limits, with no edit to the product."""
    knowledge = load_knowledge()
    realtime = knowledge.hosting_option("realtime")
    option = realtime._replace(id="toy_realtime", name="Toy endpoint")
    decision = toy_decision()._replace(decision="toy_endpoint.family", stages=("toy_endpoint",))
    stages.register(TOY_ENDPOINT)
    try:
        yield knowledge._replace(hosting_options=(*knowledge.hosting_options, option),
                                 decisions=(*knowledge.decisions, decision))
    finally:
        stages.unregister("toy_endpoint")


def _problems(w: Workload, knowledge: Knowledge) -> list[tuple[tuple[str, ...], str, str | None]]:
    from advisor.workload import models_problems, option_problems

    return models_problems(w, knowledge) + option_problems(w, knowledge)


def test_a_new_real_time_like_option_is_weighed_by_its_capabilities(toy_endpoint: Knowledge) -> None:
    advisor = Advisor(toy_endpoint)
    # its limits: a 20 MB payload breaks them, and the option that takes it is offered
    large = advisor.recommend(Workload(stages=["toy_endpoint"], inference={"payload_mb": 20}))
    [warning] = [x for x in large.warnings if x.startswith("toy_endpoint:")]
    assert "a toy endpoint (InvokeEndpoint) cannot take these requests: a 20 MB payload" in warning
    assert "[async_inference]" in warning
    # it serves several models (capabilities.several_models): the hosting decision sizes it as a multi-model one
    many = advisor.recommend(Workload(stages=["toy_endpoint"], inference={"models": 200, "hot_models": 10}))
    assert many.instances["toy_endpoint"].extra["hosting"] == "multi_model"
    assert "PrimaryContainer.Mode" in many.instances["toy_endpoint"].settings
    # an option that cannot serve several models points at it, as it does at the real-time stage
    serverless = Workload(stages=["serverless_inference"], inference={"models": 3})
    [(field, message, hint)] = _problems(serverless, toy_endpoint)
    assert field == ("inference", "models") and "serverless endpoint hosts one model" in message
    assert "[toy_endpoint]" in (hint or "")
    # the options that have a GPU include it
    gpu = Workload(stages=["serverless_inference"], inference={"gpu": "required"})
    [(field, message, hint)] = _problems(gpu, toy_endpoint)
    assert field == ("inference", "gpu") and "has no GPU" in message and "[toy_endpoint]" in (hint or "")


def test_without_the_new_stage_nothing_offers_it(toy_endpoint: Knowledge) -> None:
    """The option alone, with no stage that is it, is never offered (offers name stages, not options)."""
    stages.unregister("toy_endpoint")
    try:
        [(_, _, hint)] = _problems(Workload(stages=["serverless_inference"], inference={"models": 3}), toy_endpoint)
        assert "toy_endpoint" not in (hint or "")
    finally:
        stages.register(TOY_ENDPOINT)
