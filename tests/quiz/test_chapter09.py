"""The shipped chapter 9 bank: the book's 8 questions with its key, exam-grade scenarios, no giveaway cues."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from advisor.quiz.bank import Bank, exam_domains, find_bank
from advisor.quiz.lint import lint_file

#: The book's answer key (shared/facts/exams.md): question id -> correct option keys.
BOOK_KEY = {
    "c09-book-q1": {"B", "D"},
    "c09-book-q2": {"A", "B", "D"},
    "c09-book-q3": {"A"},
    "c09-book-q4": {"A"},
    "c09-book-q5": {"A", "B", "C"},
    "c09-book-q6": {"B"},
    "c09-book-q7": {"A"},
    "c09-book-q8": {"C"},
}

#: The chapter's sections, each of which the bank must cover.
SECTIONS = (
    "What is Amazon SageMaker?", "Hands-on: SageMaker notebook instances",
    "Hands-on: training and inference instances", "Model tuning", "Tracking training jobs and selecting the best model",
    "Choosing instance types in Amazon SageMaker",
    "Choosing the right instance type for a training job", "Choosing the right instance type for an inference job",
    "Securing SageMaker notebooks", "Creating alternative pipelines with Lambda functions",
    "Creating and configuring a Lambda function", "Completing and deploying a Lambda function",
    "Working with Step Functions",
)


@pytest.fixture(scope="module")
def bank() -> Bank:
    return find_bank("chapter09")


def test_the_books_eight_questions_keep_the_books_key(bank: Bank) -> None:
    assert {qid: set(bank.by_id[qid].correct_keys) for qid in BOOK_KEY} == BOOK_KEY


def test_question_six_explains_its_ambiguity(bank: Bank) -> None:
    explanations = " ".join(o.explanation for o in bank.by_id["c09-book-q6"].options)
    assert "Ambiguous" in explanations and "notebook *instance*" in explanations


def test_every_section_of_the_chapter_is_asked(bank: Bank) -> None:
    sections = Counter(item.section for item in bank.items)
    assert {s for s in SECTIONS if sections[s] == 0} == set()


@pytest.mark.parametrize("needle", [
    "ResourceLimits", "Strategy", "objective", "ParameterRanges", "TrainingJobDefinition",  # the tuning job
    "lifecycle configuration", "managed spot", "incremental training", "compilation", "model package",
    "variant", "InputFilter", "Inf1", "Elastic Inference", "root access", "network isolation", "VPC",
    "execution role", "environment variable", "test event", "CloudWatch", "Retry",
])
def test_the_chapters_topics_are_asked(bank: Bank, needle: str) -> None:
    text = " ".join(i.stem + " " + " ".join(o.text + " " + o.explanation for o in i.options) for i in bank.items)
    assert needle.casefold() in text.casefold()


@pytest.mark.parametrize("stale, today", [
    ("512 MB", "10,240 MB"),                  # Lambda /tmp
    ("500 to 3,000", "1,000 new execution environments every 10 seconds"),  # Lambda burst concurrency
    ("Elastic Inference", "no longer available"),
    ("MLS-C01", "retired on 2026-03-31"),
])
def test_out_of_date_chapter_facts_say_what_is_true_today(bank: Bank, stale: str, today: str) -> None:
    hits = [i for i in bank.items
            if stale in i.stem + " ".join(o.text + o.explanation for o in i.options)
            and today in i.stem + " ".join(o.text + o.explanation for o in i.options)]
    assert hits, f"no question sets {stale!r} against {today!r}"


def test_every_question_is_tagged_for_both_exams(bank: Bank) -> None:
    assert all(set(i.domains) == {"MLS-C01", "MLA-C01"} for i in bank.items)


def _text(item: object) -> str:
    return item.stem + " " + " ".join(o.text + " " + o.explanation for o in item.options)  # type: ignore[attr-defined]


def test_the_reviewed_wrong_item_now_says_what_aws_does(bank: Bank) -> None:
    item = bank.by_id["c09-lambda-create-05"]
    key = next(o for o in item.options if o.correct)
    assert "NAT gateway" in key.text and "loses it when attached to a VPC" in key.explanation


@pytest.mark.parametrize("qid", ["c09-lambda-01", "c09-lambda-03", "c09-lambda-06", "c09-lambda-12", "c09-inf-inst-05"])
def test_lambda_explanations_know_managed_instances(bank: Bank, qid: str) -> None:
    assert "Managed Instances" in _text(bank.by_id[qid])


def test_a_keyed_feature_closed_to_new_customers_says_so(bank: Bank) -> None:
    """SageMaker Debugger has been closed to new customers since 2026-07-30 (debugger-availability-change.html):
    where it is the answer (an option keyed right, or a matching pair), the explanation says so (second reader,
    2026-12-02)."""
    keyed = [(i.id, o) for i in bank.items for o in i.options
             if "Debugger" in (o.text if o.correct else "") + (o.match or "")]
    assert len(keyed) >= 2
    assert [qid for qid, o in keyed if "closed to new customers since 2026-07-30" not in o.explanation] == []


@pytest.mark.parametrize("false_claim", [
    r"Managed Instances[^.]*require a container image",  # only GPU (AcceleratorConfig) functions need an image
    r"No Lambda mode allows an hour",                     # Managed Instances allow 5,400 s asynchronously
    r"pointer to input in S3, not the payload itself",   # InvokeEndpointAsync takes up to 128,000 bytes inline
    # session 16's review
    r"Pipelines can call Glue",                           # Pipelines has no Glue step: a Lambda step of your own
    r"averaged across instances in the variant",          # CPUUtilization is a percent of cores, not a count
    r"ApproximateBacklogSize[^.;]*drives scaling out from zero",  # HasBacklogWithoutCapacity's step policy does
    r"Enable data capture (on the endpoint|at 100% sampling)",   # offered as AZ redundancy and as a cost cut
    # fixquiz, from the review of session 16's quiz work
    r"[Cc]alibration.{0,100}flags barely change",         # calibration remaps scores: many can cross 0.5
    r"throws? away half the data",                         # right-skewed: well under half lie above the mean
    r"Detect PII[^.]*secret salt",                        # PIIDetection has no salt or secret field (botocore glue)
])
def test_claims_the_second_reader_found_false_are_gone(bank: Bank, false_claim: str) -> None:
    assert [i.id for i in bank.items if re.search(false_claim, _text(i))] == []


def test_a_hash_that_must_not_be_looked_up_is_keyed(bank: Bank) -> None:
    """An unkeyed hash of an email address is reversed by hashing known addresses: the pseudonymising key names the
    keyed hash AWS documents (CryptographicHash / CRYPTOGRAPHIC_HASH with an HMAC algorithm and a Secrets Manager
    secret), not a salt Glue's PIIDetection has no field for."""
    key = next(o for o in bank.by_id["c09-prep-pseudonymize"].options if o.correct)
    assert "HMAC" in key.explanation and "Secrets Manager" in key.explanation and "salt" not in key.explanation


def test_sources_cite_public_pages_not_the_projects_notes(bank: Bank) -> None:
    """A learner cannot open the project's gathered notes (shared/facts/*.md); sources name the AWS pages."""
    assert [i.id for i in bank.items if "facts/" in i.source] == []


def test_no_stem_recalls_the_book_a_figure_or_a_console_screen(bank: Bank) -> None:
    pattern = re.compile(r"\b(figure|table 9|hands-on|the chapter|console)\b", re.IGNORECASE)
    assert [i.id for i in bank.items if not i.id.startswith("c09-book") and pattern.search(i.stem)] == []


def _singles(bank: Bank) -> list[tuple[int, int]]:
    """(length of the key, length of the longest distractor) for every single-answer question."""
    pairs = []
    for item in bank.items:
        if item.type == "single":
            key = max(len(o.text) for o in item.options if o.correct)
            pairs.append((key, max(len(o.text) for o in item.options if not o.correct and not o.pinned)))
    return pairs


def test_the_key_is_rarely_the_longest_option_and_never_by_half(bank: Bank) -> None:
    pairs = _singles(bank)
    assert sum(key > other for key, other in pairs) <= 0.30 * len(pairs)
    assert [p for p in pairs if p[0] >= 1.5 * p[1]] == []


def test_all_or_none_of_the_above_is_the_answer_at_most_half_the_time(bank: Bank) -> None:
    uses = [o.correct for i in bank.items for o in i.options
            if re.match(r"(all|none) of the above", o.text, re.IGNORECASE)]
    assert sum(uses) <= len(uses) / 2


def test_correct_positions_are_balanced(bank: Bank) -> None:
    keys = Counter(o.key for i in bank.items if i.type == "single" and len(i.options) == 4 for o in i.options
                   if o.correct)
    mean = sum(keys.values()) / 4
    assert {k for k in "ABCD" if abs(keys[k] - mean) > 0.15 * mean} == set()


def test_at_least_220_questions_with_ten_ordering_and_ten_matching(bank: Bank) -> None:
    kinds = Counter(i.type for i in bank.items)
    assert len(bank.items) >= 220 and kinds["ordering"] >= 10 and kinds["matching"] >= 10


def test_every_question_names_its_mla_c01_task_in_its_own_domain(bank: Bank) -> None:
    domain_of_task = {"1": "data-preparation", "2": "model-development", "3": "deployment-orchestration",
                      "4": "monitoring-maintenance-security"}
    for item in bank.items:
        tasks = item.tasks.get("MLA-C01", ())
        assert tasks, item.id
        assert {domain_of_task[t.split(".")[0]] for t in tasks} == {item.domains["MLA-C01"]}, item.id


@pytest.mark.parametrize("task", ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3"])
def test_every_task_statement_is_asked(bank: Bank, task: str) -> None:
    assert any(task in i.tasks.get("MLA-C01", ()) for i in bank.items)


def test_most_stems_set_a_scene_before_they_ask(bank: Bank) -> None:
    """A scenario: at least one sentence of situation before the question, about someone doing something."""
    actor = re.compile(r"\b(team|company|engineer|scientist|startup|bank|retailer|insurer|lender|hospital|"
                       r"developer|analyst|auditor|utility|architect)\b", re.IGNORECASE)

    def scene(stem: str) -> bool:
        asked = stem.rsplit("?", 1)[0]
        return len([s for s in re.split(r"(?<=[.!])\s+", asked) if s.strip()]) >= 2 and bool(actor.search(stem))

    assert sum(scene(i.stem) for i in bank.items) >= 0.70 * len(bank.items)


def test_the_bank_lint_finds_no_error_and_no_unnoted_warning(bank: Bank) -> None:
    report = lint_file(bank.path, exam_domains())
    assert (report.count("error"), report.count("warning")) == (0, 0), [str(f) for f in report.findings]


def _botocore_max(service: str, shape: str, member: str | None = None) -> int:
    """The `max` botocore's installed model gives a shape (or a member of a structure)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    found = model.shape_for(shape)
    if member is not None:
        found = found.members[member]
    return int(found.metadata["max"])


@pytest.mark.parametrize("phrase, service, shape, member", [
    ("up to the {} MB maximum", "sagemaker", "ProductionVariantServerlessConfig", "MemorySizeInMB"),
    ("up to the {} maximum", "sagemaker", "ProductionVariantServerlessConfig", "MaxConcurrency"),
    ("120 to {} seconds", "sagemaker", "ResourceLimits", "MaxRuntimeInSeconds"),
    ("MetricDefinitions (up to {})", "sagemaker", "MetricDefinitionList", None),
    ("up to {} parent jobs are allowed", "sagemaker", "HyperParameterTuningJobWarmStartConfig",
     "ParentHyperParameterTuningJobs"),
    ("up to {} training job definitions", "sagemaker", "CreateHyperParameterTuningJobRequest",
     "TrainingJobDefinitions"),
    ("alive (up to {} seconds)", "sagemaker", "ResourceConfig", "KeepAlivePeriodInSeconds"),
    ("both allow up to {} seconds", "sagemaker", "ProductionVariant", "ContainerStartupHealthCheckTimeoutInSeconds"),
    ("both allow up to {} seconds", "sagemaker", "ProductionVariant", "ModelDataDownloadTimeoutInSeconds"),
    ("payloads up to {} bytes", "sagemaker-runtime", "InvokeEndpointAsyncInput", "Body"),
    ("(Timeout maximum {} in botocore", "lambda", "CreateFunctionRequest", "Timeout"),
])
def test_an_api_limit_the_bank_states_is_botocores(bank: Bank, phrase: str, service: str, shape: str,
                                                   member: str | None) -> None:
    """A figure the bank gives for an API limit is the one in the installed botocore (constraints.txt pins it):
    a botocore bump that moves a limit fails here until the question says what is true."""
    text = " ".join(_text(i) for i in bank.items)
    stated = phrase.format(f"{_botocore_max(service, shape, member):,}")
    assert stated in text, f"the bank does not say {stated!r}"


def test_a_keyed_model_monitor_answer_says_it_is_closed_to_new_customers(bank: Bank) -> None:
    """Model Monitor is no longer open to new customers (model-monitor-availability-change.html, checked
    2026-12-03): where its schedule or its metrics are the answer, the explanation says so."""
    keyed = [(i.id, o) for i in bank.items for o in i.options if o.correct
             and re.search(r"Model Monitor|monitoring schedule|drift metrics|model-quality", o.text + o.explanation)]
    assert len(keyed) >= 4
    assert [qid for qid, o in keyed if "no longer open to new customers" not in o.explanation] == []


@pytest.mark.parametrize(("task", "least"), [("2.3", 14), ("4.1", 15), ("1.1", 12), ("1.2", 13), ("1.3", 13)])
def test_task_statements_the_chapter_touches_are_not_asked_thinly(bank: Bank, task: str, least: int) -> None:
    """The thinnest MLA-C01 task statements, counted before each round of new questions: 2.3 (analyse model
    performance), 4.1 (monitor inference) and 1.1 (training data inputs) had 8, 9 and 2 questions early on
    2026-12-03; later that day 1.1, 1.2 and 1.3 had 10 each, 2.3 12 and 4.1 13."""
    assert sum(task in i.tasks.get("MLA-C01", ()) for i in bank.items) >= least


def test_a_dated_question_cites_the_aws_page_it_was_checked_against(bank: Bank) -> None:
    dated = [i for i in bank.items if i.as_of is not None]
    assert len(dated) >= 8
    for item in dated:
        assert re.search(r"https://docs\.aws\.amazon\.com/\S+\.html", item.source), item.id
        assert item.as_of >= bank.as_of, item.id
        assert all(o.explanation for o in item.options), item.id


def test_a_case_study_is_one_scenario_asked_several_ways(bank: Bank) -> None:
    """MLA-C01's case study: one scenario, several questions, each scored on its own. The bank has no grouping,
    so each question of a case carries the scenario as its first paragraph and stands alone."""
    cases: dict[str, list[str]] = {}
    for item in bank.items:
        if "case-study" in item.topics:
            scenario, _, asked = item.stem.partition("\n\n")
            assert scenario.startswith("Case study: ") and asked.strip(), item.id
            cases.setdefault(scenario, []).append(item.id)
    assert cases and all(len(ids) >= 3 for ids in cases.values())
    assert len({bank.by_id[i].tasks["MLA-C01"][0] for ids in cases.values() for i in ids}) >= 2


def test_scaling_metrics_are_application_auto_scalings_or_said_to_be_custom(bank: Bank) -> None:
    """A learner writes a target-tracking policy from these names: a predefined SageMaker metric type the bank
    names must be one botocore lists, and a CloudWatch metric tracked instead (the asynchronous backlog) must be
    said to need a customized metric specification (the bank once filed it beside the predefined ones)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("application-autoscaling")
    predefined = set(model.shape_for("MetricType").enum)
    texts = [(i.id, " ".join([o.text, str(o.match or ""), o.explanation])) for i in bank.items for o in i.options]
    named = {(qid, m) for qid, t in texts for m in re.findall(r"\bSageMaker(?:Variant|InferenceComponent)\w+", t)}
    assert named and {m for _, m in named} <= predefined, sorted(named)
    backlog = [(qid, t) for qid, t in texts if re.search(r"ApproximateBacklogSize(PerInstance)?\b", t)
               and re.search(r"target tracking|tracks|scal", t)]
    assert [qid for qid, t in backlog if "customized metric" not in t] == []


def test_a_volume_key_keyed_right_says_local_storage_refuses_it(bank: Bank) -> None:
    """botocore 1.44.5 (ResourceConfig.VolumeKmsKeyId): an instance type with local storage refuses the field, its
    instance store being encrypted by a hardware module. Where the bank keys the field, a learner reads the limit
    beside it (the audit and the request builders apply the same rule)."""
    keyed = [(i.id, o) for i in bank.items for o in i.options
             if "VolumeKmsKeyId" in ((o.text if o.correct else "") + (o.match or ""))]
    assert len(keyed) >= 2
    assert [qid for qid, o in keyed if "local NVMe storage refuse" not in o.explanation] == []

