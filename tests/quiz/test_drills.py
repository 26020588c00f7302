"""Knowledge drills: deterministic, valid, sourced, plausible, and at least 500 of them from the shipped knowledge."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from advisor.knowledge.loader import load_knowledge
from advisor.quiz.bank import exam_domains
from advisor.quiz.drills import drill_bank_data, drill_id, drill_questions
from advisor.quiz.lint import lint_file
from advisor.quiz.models import QuizBank
from advisor.recommend.advisor import Advisor

K = load_knowledge()


@pytest.fixture(scope="module")
def drills() -> list[dict[str, Any]]:
    return drill_questions(K, seed=0, recommend=Advisor(K).recommend)


def _unit(text: str) -> str:
    """What kind of answer an option is: its words with every number taken out."""
    return re.sub(r"[\d,.]+", "#", text)


def test_same_knowledge_and_seed_give_the_same_questions(drills: list[dict[str, Any]]) -> None:
    assert drill_questions(K, seed=0, recommend=Advisor(K).recommend) == drills


def test_another_seed_keeps_the_ids_and_keys_but_moves_the_answers(drills: list[dict[str, Any]]) -> None:
    other = drill_questions(K, seed=1, recommend=Advisor(K).recommend)
    assert [q["id"] for q in other] == [q["id"] for q in drills]
    moved = sum(a["options"] != b["options"] for a, b in zip(drills, other))
    assert moved > len(drills) // 2


def test_at_least_500_distinct_questions_that_validate_as_a_bank(drills: list[dict[str, Any]]) -> None:
    assert len(drills) >= 500
    assert len({q["id"] for q in drills}) == len(drills)
    bank = QuizBank.model_validate({"id": "drills", "title": "t", "source": "s", "as_of": "2026-12-01",
                                    "questions": drills})
    assert len(bank.questions) == len(drills)


def test_every_kind_of_drill_is_there(drills: list[dict[str, Any]]) -> None:
    kinds = Counter(q["id"].split("-")[1] for q in drills)
    assert {"type", "ctrl", "default", "lambda", "exam", "choice"} <= set(kinds)


def test_every_drill_cites_the_knowledge_row_it_came_from(drills: list[dict[str, Any]]) -> None:
    for q in drills:
        assert re.match(r"(rules/knowledge/\w+\.yaml: \S+|the advisor's rules)", q["source"]), q["id"]


def test_instance_type_distractors_are_answers_of_the_same_kind(drills: list[dict[str, Any]]) -> None:
    for q in drills:
        if q["id"].startswith("drill-type-") and q["id"].endswith(("-memory", "-vcpu")):
            assert len({_unit(o["text"]) for o in q["options"]}) == 1, q["id"]


def test_wrong_options_say_what_they_really_are() -> None:
    q = next(q for q in drill_questions(K) if q["id"] == "drill-type-ml-m5-xlarge-memory")
    right = next(o for o in q["options"] if o["correct"])
    assert right["text"] == "16 GiB"
    for wrong in (o for o in q["options"] if not o["correct"]):
        assert re.match(rf"{re.escape(wrong['text'])} is the memory of ml\.m\d\w*\.\w+; ml\.m5\.xlarge has 4 vCPUs",
                        wrong["explanation"])


def test_a_changed_lambda_limit_asks_book_against_today() -> None:
    q = next(q for q in drill_questions(K) if q["id"] == "drill-lambda-ephemeral-storage-today")
    assert q["type"] == "true_false" and "512" in q["stem"]
    false = next(o for o in q["options"] if o["text"] == "False")
    assert false["correct"] and "10,240" in false["explanation"]


def test_an_absent_field_drill_uses_aws_default() -> None:
    q = next(q for q in drill_questions(K)
             if q["id"] == "drill-default-createnotebookinstance-directinternetaccess")
    assert next(o for o in q["options"] if o["correct"])["text"] == "False"
    assert "Enabled" in next(o for o in q["options"] if o["correct"])["explanation"]


def test_engine_drills_are_explained_by_the_recommendation(drills: list[dict[str, Any]]) -> None:
    choices = [q for q in drills if q["id"].startswith("drill-choice-")]
    assert len(choices) >= 30
    for q in choices:
        right = next(o for o in q["options"] if o["correct"])
        assert re.search(r"ml\.[a-z0-9-]+\.\w+ x \d+", right["explanation"]), q["id"]


def test_the_key_is_rarely_the_longest_option(drills: list[dict[str, Any]]) -> None:
    single = [q for q in drills if q["type"] == "single"]

    def strictly_longest(q: dict[str, Any]) -> bool:
        right = next(len(o["text"]) for o in q["options"] if o["correct"])
        return all(len(o["text"]) < right for o in q["options"] if not o["correct"])

    assert sum(map(strictly_longest, single)) <= 0.30 * len(single)


# ---- no drill keys an answer a learner could defend otherwise, or teaches a false statement --------------------

def test_a_false_statement_is_never_repeated_as_an_explanation(drills: list[dict[str, Any]]) -> None:
    """A true/false drill keyed False must not explain either option with the statement it calls false (the
    hosting drills once explained "False" with "Serverless Inference can run the model on GPU instances")."""
    for q in drills:
        if q["type"] != "true_false" or next(o for o in q["options"] if o["correct"])["text"] != "False":
            continue
        claim = q["stem"].removeprefix("SageMaker ").rstrip(".")
        assert [o["text"] for o in q["options"] if claim in o["explanation"]] == [], q["id"]


def test_both_options_of_a_true_false_drill_explain_the_same_truth(drills: list[dict[str, Any]]) -> None:
    """Whichever option a learner picks, its explanation says what is true: an incremental-training drill keyed
    True once told the learner who picked False that the algorithm "is not one of them"."""
    algorithms = {a.name: a for a in K.algorithms}
    for q in drills:
        if q["id"].startswith("drill-algo-") and q["id"].endswith("-incremental"):
            name = q["stem"].split("supports the built-in ", 1)[1].rstrip(".")
            denied = f"{name} is not one of them"
            assert all((denied in o["explanation"]) != algorithms[name].incremental_training
                       for o in q["options"]), q["id"]
        if q["id"].startswith("drill-hosting-") and q["type"] == "true_false":
            first, second = (o["explanation"] for o in q["options"])
            assert first.removeprefix("No: ") == second.removeprefix("No: "), q["id"]


def test_no_two_drills_share_a_stem(drills: list[dict[str, Any]]) -> None:
    stems = Counter(q["stem"] for q in drills)
    assert [stem for stem, n in stems.items() if n > 1] == []


def test_no_generator_yields_an_id_twice() -> None:
    """drill_questions keeps the first question of an id: a clash (ids cut at 64 characters) would drop a drill
    without a word."""
    from advisor.quiz.drills import GENERATORS

    ids = Counter(q["id"] for generate in GENERATORS for q in generate(K, 0) if q is not None)
    assert [qid for qid, n in ids.items() if n > 1] == []


def test_a_control_that_needs_several_fields_of_one_request_is_asked_as_choose_n(
        drills: list[dict[str, Any]]) -> None:
    """Asked field by field, "run training jobs in your VPC" keyed VpcConfig.Subnets in one drill and
    VpcConfig.SecurityGroupIds in another, each only half of what the requirement takes."""
    by_id = {q["id"]: q for q in drills}
    asked = 0
    for c in K.security_controls:
        operations = Counter(s.operation for s in c.settings)
        for operation, n in operations.items():
            if n < 2:
                continue
            q = by_id.get(drill_id(f"drill-ctrl-{c.id.lower()}-{operation.lower()}"))
            if q is None:  # too few other fields on that request to make three wrong options
                continue
            asked += 1
            assert q["type"] == "multiple" and q["choose"] == n, q["id"]
            keyed = {o["text"].split(" = ")[0] for o in q["options"] if o["correct"]}
            assert keyed == {s.field for s in c.settings if s.operation == operation}, q["id"]
    assert asked >= 5


def test_only_create_requests_get_an_absent_field_drill(drills: list[dict[str, Any]]) -> None:
    """An Update request that leaves a field out keeps the current value (AWS: "If passed as part of
    UpdateNotebookInstance, there is no default"), so "absent means AWS's default" holds for Create only."""
    defaults = [q for q in drills if q["id"].startswith("drill-default-")]
    assert defaults and all(q["stem"].startswith("A Create") for q in defaults)


def test_a_recommended_processor_is_part_of_the_answer(drills: list[dict[str, Any]]) -> None:
    """Factorization Machines serves on CPU or GPU and AWS recommends CPU: "CPU instances only" would be as
    defensible as "CPU or GPU instances", so the options say both what runs and what AWS recommends."""
    checked = 0
    for a in K.algorithms:
        for stage_name, stage in (("training", a.training), ("inference", a.inference)):
            q = next((q for q in drills if q["id"] == f"drill-algo-{a.id.replace('_', '-')}-{stage_name}"), None)
            if q is None or len(stage.processors) < 2 or stage.preferred is None:
                continue
            checked += 1
            right = next(o["text"] for o in q["options"] if o["correct"])
            assert right.endswith(f"AWS recommends {stage.preferred.upper()}"), q["id"]
            assert not any(o["text"].endswith("only") and o["correct"] for o in q["options"])
    assert checked >= 5


def test_an_engine_drills_wrong_options_are_ruled_out_for_a_reason_the_stem_states(
        drills: list[dict[str, Any]]) -> None:
    """A family the deciding rules offered, or whose type came close, also does the job (the engine picked on
    price, which the learner is not told): the engine drills once keyed Compute optimized over General purpose
    for a Linear Learner endpoint that M served at 13% more an hour."""
    from advisor.quiz.drills import candidate_families, workload_grid

    by_name = {f.name: f.id for f in K.families}
    advisor = Advisor(K)
    by_id = {q["id"]: q for q in drills}
    for stage, workload in workload_grid(K):
        q = by_id.get(drill_id(f"drill-choice-{workload['name'].removeprefix('drill-')}"))
        if q is None:
            continue
        choice = advisor.recommend(workload).instances[stage]
        defensible = candidate_families(K, stage, choice.decided_by)
        defensible |= {K.instance_type(a.instance_type).family for a in choice.alternatives}
        for o in q["options"]:
            if not o["correct"]:
                assert by_name[o["text"]] not in defensible, (q["id"], o["text"])
                assert "(botocore's instance-type enum)" in o["explanation"] or "Ruled out here" in o["explanation"]


def test_the_drill_bank_passes_the_bank_lint_without_an_error(tmp_path: Path) -> None:
    """The lint a hand-written bank must pass: no duplicate stem, no key 1.5 times as long as every wrong option;
    and every drill names its MLA-C01 task statement (exam-blueprint drills belong to no exam domain)."""
    data = drill_bank_data(K, recommend=Advisor(K).recommend)
    path = tmp_path / "drills.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = lint_file(path, exam_domains())
    assert [str(f) for f in report.findings if f.severity == "error"] == []
    assert [str(f) for f in report.findings if f.rule == "missing-task"] == []


def test_every_capability_the_knowledge_declares_has_words() -> None:
    """A capability added to OptionCapabilities is drilled and shown as soon as it has its words."""
    from advisor.knowledge.models import CAPABILITY_WORDS, OptionCapabilities

    assert list(CAPABILITY_WORDS) == sorted(OptionCapabilities._fields, key=list(CAPABILITY_WORDS).index)
    assert set(CAPABILITY_WORDS) == set(OptionCapabilities._fields)


def test_capability_drills_come_from_the_options_own_facts(drills: list[dict[str, Any]]) -> None:
    """Several models and serial pipelines are drilled from hosting_options.yaml: the answer is the option's
    capability, a "serves one model" is explained by the option's serves_one_model, every drill cites its row,
    and what the knowledge leaves unsaid (a multi-model endpoint in a pipeline) or what the name gives away (an
    endpoint or a job) is not asked."""
    by_id = {q["id"]: q for q in drills}
    for option in K.hosting_options:
        for name in ("several_models", "serial_pipeline"):
            value = getattr(option.capabilities, name)
            q = by_id.get(f"drill-hosting-{option.id.replace('_', '-')}-{name.replace('_', '-')}")
            if value is None:
                assert q is None
                continue
            assert q is not None and q["source"].startswith(f"rules/knowledge/hosting_options.yaml: {option.id} (")
            assert option.source in q["source"]
            assert next(o["text"] for o in q["options"] if o["correct"]) == ("True" if value else "False")
            if name == "several_models" and not value:
                assert all(option.serves_one_model in o["explanation"] for o in q["options"])
        assert f"drill-hosting-{option.id.replace('_', '-')}-persistent" not in by_id
    assert "drill-hosting-multi-model-serial-pipeline" not in by_id


def test_the_engine_is_asked_about_each_stage_whose_family_decision_reads_the_model_or_data() -> None:
    """The grid's stages come from the knowledge: the first stage of each family decision that reads what the grid
    states (model.*, data.*); a notebook's decision reads neither, tuning and async share training's and
    real-time's. A new stage with its own decision on the model is asked about with no edit here."""
    from advisor import stages
    from advisor.engine.decisions import Decision
    from advisor.quiz.drills import grid_stages, workload_grid
    from advisor.records import adapter

    assert grid_stages(K) == ("training", "realtime_inference", "batch_inference", "processing")
    assert len(workload_grid(K)) == 4 * 4 * 3
    toy = adapter(Decision).validate_python({
        "decision": "toy.family", "title": "Toy", "output": "families", "hit_policy": "first",
        "stages": ["toy_scoring"], "as_of": "2026-12-01",
        "rules": [{"id": "toy-llm", "when": {"field": "model.kind", "op": "eq", "value": "llm"},
                   "then": {"families": ["g"]}, "because": "Toys run on G.", "source": "this test",
                   "examples": {"fires": [{"model": {"kind": "llm"}}], "does_not_fire": [{}]}}]})
    stages.register(stages.stage("processing")._replace(id="toy_scoring", title="Toy scoring job"))
    try:
        assert grid_stages(K._replace(decisions=(*K.decisions, toy)))[-1] == "toy_scoring"
    finally:
        stages.unregister("toy_scoring")
