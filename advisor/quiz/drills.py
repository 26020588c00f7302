"""Knowledge drills: questions generated from the knowledge base, so the quiz asks what the advisor knows.

Every drill is built from one knowledge row (an instance type, a security control, a Lambda limit, an exam
blueprint) or from one recommendation the engine made, and cites that row in `source`. Ids name the row and the
template (`drill-type-ml-m5-xlarge-memory`), never a hash of the text, so a learner's FSRS history holds when a
figure is corrected. Distractors are answers of the same kind taken from other rows (another type's memory,
another control's field, a figure the chapter once gave), so each wrong option is a real fact about something
else and its explanation says what it is. The choice among candidates is seeded by the question id and the
caller's seed: the same knowledge and seed give the same questions.

The generators return plain dicts in the bank format (quizzes/*.yaml); `drill_bank` validates them with the same
model a hand-written bank goes through, so a drill can never be a question the lint would refuse.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor import stages
from advisor.knowledge.models import (
    CAPABILITY_WORDS,
    InstanceType,
    Knowledge,
    LambdaLimit,
    SecurityControl,
    Setting,
)
from advisor.quiz.bank import Bank, bank_from_plain
from advisor.quiz.lint import KEY_RATIO_LIMIT
from advisor.quiz.models import QuizBank

BANK_ID = "drills"
TITLE = "Knowledge drills: instances, algorithms, inference options, security fields, Lambda, exams"
DOMAINS: dict[str, dict[str, str]] = {
    "instances": {"MLS-C01": "ml-implementation-operations", "MLA-C01": "deployment-orchestration"},
    "security": {"MLS-C01": "ml-implementation-operations", "MLA-C01": "monitoring-maintenance-security"},
    "lambda": {"MLS-C01": "ml-implementation-operations", "MLA-C01": "deployment-orchestration"},
    "training": {"MLS-C01": "modeling", "MLA-C01": "model-development"},
    "exams": {},  # blueprint facts belong to no exam domain, so an exam simulation never draws them
}
#: The MLA-C01 task statement each topic's drills serve (exam guide, domains 2-4): choosing instance types and
#: inference options is 3.1 "Select deployment infrastructure", Lambda as an alternative pipeline too; security
#: fields 4.3 "Secure AWS resources"; training instances and algorithms 2.2 "Train and refine models".
TASKS: dict[str, dict[str, list[str]]] = {
    "instances": {"MLA-C01": ["3.1"]}, "security": {"MLA-C01": ["4.3"]}, "lambda": {"MLA-C01": ["3.1"]},
    "training": {"MLA-C01": ["2.2"]}, "exams": {},
}


def _lower_first(title: str) -> str:
    return title[0].lower() + title[1:]


#: Each instance stage as a learner reads it ("a real-time endpoint"), from the stage registry's titles.
STAGE_WORDS = {
    instance_stage: "a " + _lower_first(next(s.title for s in stages.stages() if s.instance_stage == instance_stage))
    for instance_stage in stages.INSTANCE_STAGES
}
KEYS = "ABCDEFGHI"
SERVICE_NAMES = {"sagemaker": "SageMaker", "lambda": "Lambda", "stepfunctions": "Step Functions", "ec2": "EC2",
                 "s3": "S3", "iam": "IAM"}


@dataclass(frozen=True)
class Fact:
    """One candidate answer: the text shown, and what it really is (for the explanation of a wrong pick)."""

    text: str
    about: str


def _rng(seed: int, qid: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}:{qid}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def drill_id(text: str) -> str:
    """A question id within the 64 characters ids allow: a longer one keeps its readable start and ends with a
    short digest of the whole name, because two names cut at 64 characters can meet (two NetworkConfig fields
    of one request did, and the second drill was dropped without a word)."""
    if len(text) <= 64:
        return text
    return f"{text[:55].rstrip('-')}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def _pick_distractors(rng: random.Random, correct: str, pool: Iterable[Fact], count: int = 3) -> list[Fact]:
    """Distinct wrong answers, none equal to the right one, preferring those whose length is close to it.

    Options of wildly different lengths are a cue a learner can guess from; close lengths keep the drill about
    the fact. Among rows that share an answer text, which one the explanation names is drawn by the seed.
    """
    rows: dict[str, list[Fact]] = {}
    for fact in pool:
        if fact.text.casefold() != correct.casefold():
            rows.setdefault(fact.text.casefold(), []).append(fact)
    texts = rng.sample(sorted(rows), len(rows))  # sorted first: the draw must not depend on the pool's order
    texts.sort(key=lambda text: abs(len(text) - len(correct)))
    return [rng.choice(rows[text]) for text in texts[:count]]


def _single(qid: str, *, rng: random.Random, section: str, topic: str, stem: str, correct: str, right_why: str,
            wrong: Sequence[tuple[str, str]], source: str, difficulty: int = 2) -> dict[str, Any] | None:
    """A single-answer question with the right option at a seeded place; None without three distractors, or
    when the right answer would be KEY_RATIO_LIMIT times as long as every wrong one (a cue the bank lint refuses:
    the learner picks the long option without knowing the fact).

    `wrong` holds (text, explanation) pairs, each explanation saying what that answer really is.
    """
    if len(wrong) < 3 or len(correct) >= KEY_RATIO_LIMIT * max(len(text) for text, _ in wrong[:3]):
        return None
    options = [(text, False, why) for text, why in wrong[:3]]
    options.insert(rng.randrange(4), (correct, True, right_why))
    return {
        "id": qid, "section": section, "topics": [topic], "domains": dict(DOMAINS[topic]),
        "tasks": {exam: list(ids) for exam, ids in TASKS[topic].items()}, "type": "single",
        "difficulty": difficulty, "stem": stem, "source": source,
        "options": [{"key": KEYS[i], "text": text, "correct": ok, "explanation": why}
                    for i, (text, ok, why) in enumerate(options)],
    }


def _true_false(qid: str, *, section: str, topic: str, stem: str, true: bool, right_why: str, wrong_why: str,
                source: str, difficulty: int = 2) -> dict[str, Any]:
    """A true/false question: `right_why` explains the correct option, `wrong_why` the other one.

    Both say what is true; the wrong option's explanation says why picking it was a mistake. (Named for the
    option they explain, not for the statement's truth value: a generator that passed "what the statement
    claims" as the right option's explanation once taught the claim of a false statement.)
    """
    return {
        "id": qid, "section": section, "topics": [topic], "domains": dict(DOMAINS[topic]),
        "tasks": {exam: list(ids) for exam, ids in TASKS[topic].items()}, "type": "true_false",
        "difficulty": difficulty, "stem": stem, "source": source,
        "options": [{"key": "A", "text": "True", "correct": true, "explanation": right_why if true else wrong_why},
                    {"key": "B", "text": "False", "correct": not true,
                     "explanation": wrong_why if true else right_why}],
    }


# ---- instance types ----------------------------------------------------------------------------------------

def _type_source(t: InstanceType) -> str:
    return f"rules/knowledge/instance_types.yaml: {t.name} ({t.source}; as of {t.as_of})"


def _accelerators(t: InstanceType) -> str:
    a = t.accelerator
    assert a is not None
    return f"{a.count} x {a.model}, {_number(a.memory_gib / a.count)} GiB each"


def instance_drills(k: Knowledge, seed: int) -> Iterator[dict[str, Any] | None]:
    types = [t for t in k.instance_types if k.family(t.family).status != "retired"]
    memory = [Fact(f"{_number(t.memory_gib)} GiB", f"the memory of {t.name}") for t in types]
    vcpus = [Fact(f"{t.vcpu} vCPUs", f"the vCPU count of {t.name}") for t in types]
    accelerated = [Fact(_accelerators(t), f"what {t.name} has") for t in types if t.accelerator]
    by_family: dict[str, list[InstanceType]] = {}
    for t in types:
        by_family.setdefault(t.family, []).append(t)
    for t in types:
        base = f"drill-type-{_slug(t.name)}"
        kin = [x for x in by_family[t.family] if x.name != t.name]
        specs = f"{t.name} has {t.vcpu} vCPUs and {_number(t.memory_gib)} GiB of memory"
        accel = f", with {_accelerators(t)}" if t.accelerator else ""
        for name, answer, stem, pool in (
            ("memory", lambda x: f"{_number(x.memory_gib)} GiB",
             f"A data set must fit in memory on one instance. How much memory does {t.name} have?", memory),
            ("vcpu", lambda x: f"{x.vcpu} vCPUs",
             f"A processing script runs one worker per vCPU. How many vCPUs does {t.name} have?", vcpus),
        ):
            qid = f"{base}-{name}"
            rng = _rng(seed, qid)
            right = answer(t)
            what = "the memory" if name == "memory" else "the vCPU count"
            kin_facts = [Fact(answer(x), f"{what} of {x.name}") for x in kin] or pool
            yield _single(
                qid, rng=rng, section="Instance types", topic="instances", stem=stem, correct=right,
                right_why=f"{specs}{accel}.",
                wrong=[(f.text, f"{f.text} is {f.about}; {specs}.")
                       for f in _pick_distractors(rng, right, kin_facts)],
                source=_type_source(t), difficulty=1)

        if t.network_gbps is not None:
            qid = f"{base}-network"
            rng = _rng(seed, qid)
            right = f"{_number(t.network_gbps)} Gbps"
            peers = [x for x in kin if x.network_gbps is not None] or [x for x in types if x.network_gbps]
            yield _single(
                qid, rng=rng, section="Instance types", topic="instances",
                stem=(f"Distributed training moves gradients between instances every step. What baseline network "
                      f"bandwidth does {t.name} sustain (EC2's figure, before any burst)?"),
                correct=right, right_why=f"{t.name} sustains {right} of network bandwidth ({specs}{accel}).",
                wrong=[(f.text, f"{f.text} is {f.about}; {t.name} offers {right}.") for f in _pick_distractors(
                    rng, right, [Fact(f"{_number(x.network_gbps or 0)} Gbps", f"the bandwidth of {x.name}")
                                 for x in peers])],
                source=_type_source(t), difficulty=2)

        if t.accelerator is not None:
            qid = f"{base}-accelerators"
            rng = _rng(seed, qid)
            right = _accelerators(t)
            yield _single(
                qid, rng=rng, section="Instance types", topic="instances",
                stem=f"A model must fit in accelerator memory. Which accelerators does {t.name} have?",
                correct=right, right_why=f"{specs}{accel}.",
                wrong=[(f.text, f"{f.text} is {f.about}, not {t.name}.")
                       for f in _pick_distractors(rng, right, accelerated)],
                source=_type_source(t), difficulty=2)

        missing = [s for s in STAGE_WORDS if s not in t.stages]
        present = [s for s in STAGE_WORDS if s in t.stages]
        if missing and len(present) >= 3:
            qid = f"{base}-stage"
            rng = _rng(seed, qid)
            gap = rng.choice(missing)
            runs_in = ", ".join(STAGE_WORDS[s] for s in present)
            yield _single(
                qid, rng=rng, section="Instance types", topic="instances",
                stem=f"A team standardises on {t.name}. For which of these can SageMaker NOT use that type?",
                correct=STAGE_WORDS[gap],
                right_why=(f"{t.name} is not in botocore's instance-type enum for {STAGE_WORDS[gap]}; "
                           f"it can run {runs_in}."),
                wrong=[(STAGE_WORDS[s], f"{t.name} is in botocore's instance-type enum for {STAGE_WORDS[s]}.")
                       for s in rng.sample(present, 3)],
                source=_type_source(t), difficulty=3)


# ---- security controls -------------------------------------------------------------------------------------

def _control_source(c: SecurityControl) -> str:
    return f"rules/knowledge/security_controls.yaml: {c.id} ({c.source}; as of {c.as_of})"


def _setting_text(s: Setting) -> str:
    return f"{s.field} = {s.value}" if s.value is not None else s.field


def _aim(title: str) -> str:
    return title[0].lower() + title[1:]


def _multiple(qid: str, *, rng: random.Random, section: str, topic: str, stem: str,
              right: Sequence[tuple[str, str]], wrong: Sequence[tuple[str, str]], source: str,
              difficulty: int = 2) -> dict[str, Any] | None:
    """A "choose N" question: every (text, explanation) in `right` is keyed, three of `wrong` beside them."""
    if len(wrong) < 3 or len(right) < 2:
        return None
    options = [(text, True, why) for text, why in right] + [(text, False, why) for text, why in wrong[:3]]
    rng.shuffle(options)
    return {
        "id": qid, "section": section, "topics": [topic], "domains": dict(DOMAINS[topic]),
        "tasks": {exam: list(ids) for exam, ids in TASKS[topic].items()}, "type": "multiple",
        "choose": len(right), "difficulty": difficulty, "stem": f"{stem} (Choose {len(right)}.)", "source": source,
        "options": [{"key": KEYS[i], "text": text, "correct": ok, "explanation": why}
                    for i, (text, ok, why) in enumerate(options)],
    }


def security_drills(k: Knowledge, seed: int) -> Iterator[dict[str, Any] | None]:
    """Which request field(s) carry a control, and what AWS does when a Create request leaves one out.

    A control that needs several fields of one request (a VPC's subnets and security groups, a job's output key
    and volume key) is asked as one "choose N" question: asked field by field, each question would key half of
    what the requirement needs, under the same stem.
    """
    by_operation: dict[str, list[tuple[SecurityControl, Setting]]] = {}
    for c in k.security_controls:
        for s in c.settings:
            by_operation.setdefault(s.operation, []).append((c, s))
    for c in k.security_controls:
        operations: dict[str, list[Setting]] = {}
        for s in c.settings:
            operations.setdefault(s.operation, []).append(s)
        for operation, settings in operations.items():
            fields = {s.field for s in settings}
            rights = [_setting_text(s) for s in settings]
            pool = [Fact(_setting_text(o), f"the field of another control, {oc.id}: {_aim(oc.title)}")
                    for oc, o in by_operation[operation] if oc.id != c.id and o.field not in fields]
            pool += [Fact(f"{s.field} = {s.aws_default}", "AWS's default when the field is absent, which is exactly "
                                                           "what this control rules out")
                     for s in settings
                     if s.value is not None and s.aws_default is not None and s.aws_default != s.value]
            service = SERVICE_NAMES[settings[0].service]
            aim = (f"A security review of a {service} deployment requires that you {_aim(c.title)}. ")
            if len(settings) == 1:
                s = settings[0]
                qid = drill_id(f"drill-ctrl-{_slug(c.id)}-{_slug(s.operation)}-{_slug(s.field)}")
                rng = _rng(seed, qid)
                yield _single(
                    qid, rng=rng, section="Security settings", topic="security",
                    stem=f"{aim}Which field of the {operation} request does that?",
                    correct=rights[0], right_why=f"{c.why} (request field {operation}.{s.field}; {c.pass_condition})",
                    wrong=[(f.text, f"{f.text} is {f.about}.") for f in _pick_distractors(rng, rights[0], pool)],
                    source=_control_source(c))
            else:
                qid = drill_id(f"drill-ctrl-{_slug(c.id)}-{_slug(operation)}")
                rng = _rng(seed, qid)
                pool = [f for f in pool if f.text.casefold() not in {r.casefold() for r in rights}]
                yield _multiple(
                    qid, rng=rng, section="Security settings", topic="security",
                    stem=f"{aim}Which fields of the {operation} request must be set together for that?",
                    right=[(r, f"{c.why} ({c.pass_condition}: {operation} needs {', '.join(rights)})")
                           for r in rights],
                    wrong=[(f.text, f"{f.text} is {f.about}.") for f in _pick_distractors(rng, rights[0], pool)],
                    source=_control_source(c))
            for s in settings:
                # An Update request that leaves a field out keeps the resource's current value: AWS fills in its
                # default only when a Create request leaves the field out.
                if (s.value is None or s.aws_default is None or s.aws_default == s.value
                        or not s.operation.startswith("Create")):
                    continue
                qid = drill_id(f"drill-default-{_slug(s.operation)}-{_slug(s.field)}")
                yield _true_false(
                    qid, section="Security settings", topic="security",
                    stem=(f"A {s.operation} request that leaves out {s.field} gets "
                          f"{s.field} = {s.value} from AWS."),
                    true=False,
                    right_why=f"AWS's default when {s.field} is absent is {s.aws_default}, not {s.value}.",
                    wrong_why=(f"Absent, {s.field} is {s.aws_default}; set {s.field} = {s.value} explicitly "
                               f"({c.id}: {c.pass_condition})."),
                    source=_control_source(c))


# ---- Lambda limits -------------------------------------------------------------------------------------

def _limit_source(limit: LambdaLimit) -> str:
    return f"rules/knowledge/lambda_limits.yaml: {limit.id} ({limit.source}; as of {limit.as_of})"


def lambda_drills(k: Knowledge, seed: int) -> Iterator[dict[str, Any] | None]:
    for limit in k.lambda_limits:
        today, book = limit.today, limit.chapter
        if today.max is None:
            continue
        figure = f"{_number(today.max)} {limit.unit}"
        detail = f" ({today.text})" if today.text else ""
        qid = f"drill-lambda-{_slug(limit.id)}-today"
        if book is not None and book.max is not None and book.max != today.max:
            yield _true_false(
                qid, section="Lambda limits", topic="lambda",
                stem=(f"The chapter gives standard Lambda's {limit.name.lower()} limit as "
                      f"{_number(book.max)} {limit.unit}. That is still the limit today."),
                true=False,
                right_why=f"The figure changed: today it is {figure}{detail}.",
                wrong_why=(f"It changed: the book says {book.text or _number(book.max)}, today it is "
                           f"{figure}{detail}.{' ' + limit.note if limit.note else ''}"),
                source=_limit_source(limit))
        else:
            yield _true_false(
                qid, section="Lambda limits", topic="lambda",
                stem=f"Today, standard Lambda's {limit.name.lower()} limit is {figure}.",
                true=True,
                right_why=f"Right: {figure}{detail}.{' ' + limit.note if limit.note else ''}",
                wrong_why=f"It is {figure}{detail}.",
                source=_limit_source(limit), difficulty=1)


def lambda_figure_drills(k: Knowledge, seed: int) -> Iterator[dict[str, Any] | None]:
    """Today's standard figure among the figures of other limits in the same unit, and the LMI figures."""
    limits = [x for x in k.lambda_limits if x.today.max is not None]
    for limit in limits:
        figure = f"{_number(limit.today.max or 0)} {limit.unit}"
        peers = [Fact(f"{_number(x.today.max or 0)} {x.unit}", f"the limit on {x.name.lower()}")
                 for x in limits if x.unit == limit.unit and x.id != limit.id]
        if limit.chapter is not None and limit.chapter.max is not None:
            peers.append(Fact(f"{_number(limit.chapter.max)} {limit.unit}", "the chapter's figure, no longer true"
                              if limit.chapter.max != limit.today.max else "the chapter's figure"))
        if limit.managed_instances is not None and limit.managed_instances.max is not None:
            peers.append(Fact(f"{_number(limit.managed_instances.max)} {limit.unit}",
                              "the limit on Lambda Managed Instances, not standard Lambda"))
        qid = f"drill-lambda-{_slug(limit.id)}-figure"
        rng = _rng(seed, qid)
        detail = f" ({limit.today.text})" if limit.today.text else ""
        yield _single(
            qid, rng=rng, section="Lambda limits", topic="lambda",
            stem=f"A team sizes a standard (on-demand) Lambda function. What is its limit on {limit.name.lower()}?",
            correct=figure,
            right_why=f"Standard Lambda today: {figure}{detail}.{' ' + limit.note if limit.note else ''}",
            wrong=[(f.text, f"{f.text} is {f.about}; standard Lambda allows {figure}.")
                   for f in _pick_distractors(rng, figure, peers)],
            source=_limit_source(limit))
        lmi = limit.managed_instances
        if lmi is not None and lmi.max is not None and lmi.max != limit.today.max:
            qid = f"drill-lambda-{_slug(limit.id)}-managed-instances"
            yield _true_false(
                qid, section="Lambda limits", topic="lambda",
                stem=(f"A function on Lambda Managed Instances has the same {limit.name.lower()} limit as standard "
                      f"Lambda, {figure}."),
                true=False, right_why=f"Lambda Managed Instances allow {_number(lmi.max)} {limit.unit}.",
                wrong_why=(f"Standard Lambda allows {figure}; Lambda Managed Instances allow {_number(lmi.max)} "
                           f"{limit.unit}{f' ({lmi.text})' if lmi.text else ''}."),
                source=_limit_source(limit))


# ---- SageMaker inference options ----------------------------------------------------------------------------

def hosting_drills(k: Knowledge, seed: int) -> Iterator[dict[str, Any] | None]:
    options = k.hosting_options
    every_limit = [(o, x) for o in options for x in o.limits if x.value.max is not None]
    for option in options:
        source = f"rules/knowledge/hosting_options.yaml: {option.id} ({option.source}; as of {option.as_of})"
        for name, words in CAPABILITY_WORDS.items():  # every capability the knowledge declares, in words
            value = getattr(option.capabilities, name)
            if value is None or not words.drilled:  # AWS says nothing, or the option's name gives it away
                continue
            # Both options explain what is true of the option, whichever way the statement goes, from the option's
            # own facts: why it serves one model where the knowledge says so, when to choose or avoid it.
            if value:
                truth = f"{option.name} {words.has}. Choose it when: {option.choose_when}"
            elif name == "several_models" and option.serves_one_model:  # why, in AWS's terms (HostingOption)
                truth = f"{option.name} {words.lacks}: {option.serves_one_model}. Avoid it when: {option.avoid_when}"
            else:
                truth = f"{option.name} {words.lacks}. Avoid it when: {option.avoid_when}"
            yield _true_false(
                f"drill-hosting-{_slug(option.id)}-{_slug(name)}", section="Inference options", topic="instances",
                stem=f"SageMaker {option.name} {words.has}.", true=bool(value),
                right_why=truth, wrong_why=f"No: {truth}",
                source=source)
        for limit in option.limits:
            if limit.value.max is None:
                continue
            figure = f"{_number(limit.value.max)} {limit.unit}"
            qid = f"drill-hosting-{_slug(option.id)}-{_slug(limit.id)}"
            rng = _rng(seed, qid)
            peers = [Fact(f"{_number(x.value.max or 0)} {x.unit}", f"the limit on {x.name.lower()} of {o.name}")
                     for o, x in every_limit if x.unit == limit.unit and (o.id, x.id) != (option.id, limit.id)]
            yield _single(
                qid, rng=rng, section="Inference options", topic="instances",
                stem=f"A team plans SageMaker {option.name}. What is its limit on {limit.name.lower()}?",
                correct=figure,
                right_why=f"{option.name}: {limit.name} up to {figure}.{' ' + limit.note if limit.note else ''}",
                wrong=[(f.text, f"{f.text} is {f.about}.") for f in _pick_distractors(rng, figure, peers)],
                source=f"rules/knowledge/hosting_options.yaml: {option.id}.{limit.id} ({limit.source}; "
                       f"as of {limit.as_of})")


# ---- built-in algorithms ------------------------------------------------------------------------------------

PROCESSOR_ANSWERS = {
    ("cpu",): "CPU instances only",
    ("gpu",): "GPU instances only",
    ("cpu", "gpu"): "CPU or GPU instances",
}
NEURON_ANSWER = "AWS Neuron instances (Inferentia or Trainium)"
PROCESSOR_WORDS = {"cpu": "CPU", "gpu": "GPU"}


def _processor_options(stage_name: str, name: str, processors: tuple[str, ...], preferred: str | None,
                       guidance: str) -> tuple[str, str, list[tuple[str, str]]]:
    """The right answer, its explanation and the wrong answers for "which instances does AWS document?".

    Where a stage runs on both CPU and GPU but AWS recommends one, "CPU instances only" would be as defensible
    as "CPU or GPU instances" to a learner who read the recommendation: the options then say both what runs and
    what AWS recommends, so exactly one is right.
    """
    right = PROCESSOR_ANSWERS[tuple(sorted(processors))]
    if len(processors) > 1 and preferred is not None:
        other = next(p for p in PROCESSOR_WORDS if p != preferred)
        right = f"{PROCESSOR_ANSWERS[('cpu', 'gpu')]}; AWS recommends {PROCESSOR_WORDS[preferred]}"
        truth = (f"{name} {stage_name} runs on CPU or GPU instances, and AWS recommends "
                 f"{PROCESSOR_WORDS[preferred]}: {guidance}")
        wrong = [(f"{PROCESSOR_ANSWERS[('cpu', 'gpu')]}; AWS recommends {PROCESSOR_WORDS[other]}", f"No: {truth}"),
                 *((PROCESSOR_ANSWERS[(p,)], f"Not only {PROCESSOR_WORDS[p]}: {truth}") for p in PROCESSOR_WORDS)]
        return right, truth, wrong
    wrong = [(text, f"Not for {name} {stage_name}: {guidance}") for text in PROCESSOR_ANSWERS.values() if text != right]
    wrong.append((NEURON_ANSWER, f"No built-in algorithm container is compiled for AWS Neuron; "
                                 f"{name} runs on {right.lower().replace(' only', '')}."))
    return right, guidance, wrong


def algorithm_drills(k: Knowledge, seed: int) -> Iterator[dict[str, Any] | None]:
    incremental = [a.name for a in k.algorithms if a.incremental_training]
    which = ", ".join(incremental) or "none of them"
    for algo in k.algorithms:
        source = f"rules/knowledge/algorithms.yaml: {algo.id} ({algo.page}; as of {algo.as_of})"
        for stage_name, stage, topic in (("training", algo.training, "training"),
                                         ("inference", algo.inference, "instances")):
            if tuple(sorted(stage.processors)) not in PROCESSOR_ANSWERS:
                continue
            right, why, wrong = _processor_options(stage_name, algo.name, stage.processors, stage.preferred,
                                                   stage.guidance)
            qid = f"drill-algo-{_slug(algo.id)}-{stage_name}"
            rng = _rng(seed, qid)
            yield _single(
                qid, rng=rng, section="Built-in algorithms", topic=topic,
                stem=f"A team uses the SageMaker built-in {algo.name} algorithm. What does AWS document for its "
                     f"{stage_name} instances?",
                correct=right, right_why=why, wrong=wrong, source=source)
        if algo.training.multi_instance is not None and not algo.modes:  # modes differ (BlazingText)
            yield _true_false(
                f"drill-algo-{_slug(algo.id)}-multi-instance", section="Built-in algorithms", topic="training",
                stem=f"SageMaker's built-in {algo.name} can train across several instances at once.",
                true=algo.training.multi_instance, right_why=algo.training.guidance,
                wrong_why=algo.training.guidance, source=source)
        yield _true_false(
            f"drill-algo-{_slug(algo.id)}-incremental", section="Built-in algorithms", topic="training",
            stem=f"SageMaker incremental training (starting from an earlier model artifact) supports the built-in "
                 f"{algo.name}.",
            true=algo.incremental_training,
            right_why=f"Built-in algorithms with incremental training: {which}"
                      + ("." if algo.incremental_training else f"; {algo.name} is not one of them."),
            wrong_why=f"Built-in algorithms with incremental training: {which}"
                      + (f"; {algo.name} is one of them." if algo.incremental_training
                         else f"; {algo.name} is not one of them."),
            source=source)


# ---- exam blueprints ---------------------------------------------------------------------------------------

def exam_drills(k: Knowledge, seed: int) -> Iterator[dict[str, Any] | None]:
    for exam in k.exams:
        weights = [Fact(f"{_number(d.weight_percent)}%", f"the weight of {d.name}") for d in exam.domains]
        for domain in exam.domains:
            qid = drill_id(f"drill-exam-{_slug(exam.code)}-{_slug(domain.id)}")
            rng = _rng(seed, qid)
            right = f"{_number(domain.weight_percent)}%"
            yield _single(
                qid, rng=rng, section="Exam blueprints", topic="exams",
                stem=f"What share of the scored content of {exam.code} is the domain \"{domain.name}\"?",
                correct=right, right_why=f"{exam.code} ({exam.name}) weights {domain.name} at {right}.",
                wrong=[(f.text, f"{f.text} is {f.about} in {exam.code}.")
                       for f in _pick_distractors(rng, right, weights)],
                source=f"rules/knowledge/exams.yaml: {exam.code} ({exam.source}; as of {exam.as_of})", difficulty=1)


# ---- the engine's own choices ------------------------------------------------------------------------------

GRID_STATES = ("model.", "data.")
"""What a grid workload states besides its stage and priority (model.*, data.*): the stems say all of it."""
GRID: tuple[tuple[str, str, float, str], ...] = (
    ("tree_based", "xgboost", 0, "tabular"), ("classical", "linear_learner", 0, "tabular"),
    ("deep_learning", "pytorch", 25, "images"), ("llm", "huggingface", 7000, "text"))
"""Every model kind (kind, algorithm, millions of parameters, data kind), each asked at three data sizes."""


def grid_stages(k: Knowledge) -> tuple[str, ...]:
    """The stages asked about, in registry order: for each stage family decision that reads what the grid states
    (the model or the data), its first stage. The others of a decision share its choice (tuning's is training's,
    an asynchronous endpoint's the real-time one's), and a decision that reads neither (a notebook's: its own
    section and the working set) would be asked about a model its choice does not depend on."""
    asked = {d.stages[0] for d in k.decisions if d.output == "families" and d.stages and any(
        leaf.field.startswith(GRID_STATES) for rule in d.rules for leaf in rule.leaves())}
    return tuple(s for s in stages.stage_ids() if s in asked)


def workload_grid(k: Knowledge) -> tuple[tuple[str, dict[str, Any]], ...]:
    """Workloads the engine is asked about: every model kind at small and large data, for each stage of
    grid_stages, at cost priority (the choice a learner is asked to make on the exam: the cheapest family that
    does the job). Kept small and explicit so the drills are stable; each one is a realistic job a learner can
    picture."""
    return tuple(
        (stage, {"name": f"drill-{stage.replace('_', '-')}-{kind.replace('_', '-')}-{size:g}gb".replace(".", "p"),
                 "stages": [stage], "priority": "cost",
                 "model": {"kind": kind, "algorithm": algorithm, "parameters_millions": params},
                 "data": {"size_gb": size, "kind": data_kind}})
        for stage in grid_stages(k)
        for kind, algorithm, params, data_kind in GRID
        for size in (0.5, 20.0, 200.0)
    )


KIND_WORDS = {"tree_based": "a gradient-boosted tree model (XGBoost)",
              "classical": "a linear model (Linear Learner)",
              "deep_learning": "a 25M-parameter PyTorch CNN",
              "llm": "a 7B-parameter language model (Hugging Face)"}


def describe(stage: str, workload: dict[str, Any]) -> str:
    model, data = workload["model"], workload["data"]
    return (f"A team needs a SageMaker {_lower_first(stages.stage(stage).title)} for {KIND_WORDS[model['kind']]} on "
            f"{_number(data['size_gb'])} GB of {data['kind']} data and wants the lowest cost.")


def candidate_families(k: Knowledge, stage: str, rule_ids: Iterable[str]) -> set[str]:
    """The families the stage's family decision offered through the rules that fired (`decided_by`)."""
    fired = set(rule_ids)
    return {family for d in k.decisions if d.output == "families" and stage in d.stages
            for rule in d.rules if rule.id in fired for family in rule.then.families}


def recommendation_drills(k: Knowledge, seed: int,
                          recommend: Callable[[dict[str, Any]], Any]) -> Iterator[dict[str, Any] | None]:
    """Which family the engine chooses for a workload, explained by the recommendation's own reasons.

    `recommend` is the Advisor's (injected, so the quiz package does not depend on the recommender): it takes a
    workload mapping and returns a Recommendation. Wrong options are other current families, each explained by
    what the knowledge says that family is for, and by the reason the engine gave when one of its types lost.
    """
    families = {f.id: f for f in k.families if f.status == "current"}
    # An exclusion makes a wrong option only when the stem states everything it reads (not, say, a default
    # traffic pattern or job length the learner is never told).
    exclusion_rules = {r.id: r for d in k.decisions if d.output == "exclusions" for r in d.rules}
    for stage, workload in workload_grid(k):
        choice = recommend(workload).instances[stage]
        if not choice.fits or choice.family not in families:
            continue
        qid = drill_id(f"drill-choice-{workload['name'].removeprefix('drill-')}")
        rng = _rng(seed, qid)
        # A wrong option must be wrong for a reason the learner can know: no type of the family can run the
        # stage (botocore's enum), or a rule excludes the family for it (burstable T under steady load, retired
        # Elastic Inference). A family the deciding rules offered, or whose type came close, also does the job
        # (the engine chose between them on price or sizing), and a family no rule speaks about may be
        # defensible too: neither is offered as a wrong answer.
        defensible = candidate_families(k, stage, choice.decided_by)
        defensible |= {k.instance_type(a.instance_type).family for a in choice.alternatives}
        instance_stage = stages.stage(stage).instance_stage
        assert instance_stage is not None  # the grid holds instance stages only
        runs_here = {t.family for t in k.instance_types if instance_stage in t.stages}
        stated = {"stages", "priority", *(f"{part}.{key}" for part in ("model", "data") for key in workload[part])}
        excluded = {e.family: e.because for e in choice.excluded
                    if all(leaf.field in stated for leaf in exclusion_rules[e.rule].leaves())}
        pool = [Fact(f.name, f.id) for f in families.values()
                if f.id != choice.family and f.id not in defensible and (f.id not in runs_here or f.id in excluded)]
        winner = families[choice.family]


        yield _single(
            qid, rng=rng, section="Choosing instances",
            topic="training" if "training" in stages.stage(stage).sections else "instances",
            stem=f"{describe(stage, workload)} Which instance family fits best?",
            correct=winner.name,
            right_why=f"{winner.name} ({choice.instance_type} x {choice.instance_count}): {' '.join(choice.reasons)}",
            wrong=[(f.text, f"{families[f.about].chapter_view} "
                            + (f"No {f.text} type can run {STAGE_WORDS[instance_stage]} (botocore's instance-type "
                               "enum)." if f.about not in runs_here else f"Ruled out here: {excluded[f.about]}"))
                   for f in _pick_distractors(rng, winner.name, pool)],
            source=f"the advisor's rules (rules/decisions/) on workload {workload['name']}; "
                   f"decided by {', '.join(choice.decided_by) or 'sizing'}")


GENERATORS: tuple[Callable[[Knowledge, int], Iterable[dict[str, Any] | None]], ...] = (
    instance_drills, security_drills, lambda_drills, lambda_figure_drills, hosting_drills, algorithm_drills,
    exam_drills,
)


def drill_questions(k: Knowledge, seed: int = 0,
                    recommend: Callable[[dict[str, Any]], Any] | None = None) -> list[dict[str, Any]]:
    """Every drill the knowledge supports (and, given `recommend`, the engine's choices), each id once."""
    out: dict[str, dict[str, Any]] = {}
    sources: list[Iterable[dict[str, Any] | None]] = [generate(k, seed) for generate in GENERATORS]
    if recommend is not None:
        sources.append(recommendation_drills(k, seed, recommend))
    for source in sources:
        for question in source:
            if question is not None and question["id"] not in out:
                out[question["id"]] = question
    return list(out.values())


def drill_bank(k: Knowledge, *, seed: int = 0, recommend: Callable[[dict[str, Any]], Any] | None = None) -> Bank:
    """The drills as a playable bank, validated by the same model every bank goes through."""
    plain = drill_bank_data(k, seed=seed, recommend=recommend)
    return bank_from_plain(QuizBank.model_validate(plain).model_dump(mode="json"), Path(f"<generated: {BANK_ID}>"))


def drill_bank_data(k: Knowledge, *, seed: int = 0,
                    recommend: Callable[[dict[str, Any]], Any] | None = None) -> dict[str, Any]:
    """The drills in the bank file format (what `advisor quiz drills --format yaml` prints and a bank loads)."""
    dates = [*(r.as_of for r in k.instance_types), *(r.as_of for r in k.security_controls),
             *(r.as_of for r in k.lambda_limits), *(r.as_of for r in k.exams)]
    as_of = max((str(date) for date in dates), default=None)
    return {
        "id": BANK_ID, "title": TITLE,
        "description": "Generated from the knowledge base (rules/knowledge/) and the advisor's own decisions; every "
                       "question cites the row it came from. Regenerated whenever the knowledge changes.",
        "source": "rules/knowledge/ and rules/decisions/ of this version of sagemaker-advisor",
        "as_of": as_of, "questions": drill_questions(k, seed, recommend),
    }
