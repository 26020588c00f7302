"""Checks that span records or files, which a per-record pydantic model cannot see.

Duplicate ids and dangling references are load errors, located at the offending record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import get_args

from advisor import stages as stage_registry
from advisor.documents import Document, duplicates, format_path
from advisor.errors import Problem
from advisor.knowledge.models import (
    CATCH_ALL,
    LAMBDA_ALTERNATIVES,
    LAMBDA_BLOCKERS,
    LAMBDA_UNITS,
    STAGES,
    Knowledge,
)
from advisor.stages import stage_ids
from advisor.workload import LAMBDA_FACTS, Algorithm, AlgorithmMode, DataKind


def cross_check(k: Knowledge, docs: Mapping[str, Document]) -> list[Problem]:
    """Every cross-record rule of the knowledge; an empty list means the knowledge is consistent."""
    fam_doc = docs.get("families")
    type_doc = docs.get("instance_types")
    problems: list[Problem] = []
    problems += duplicates(fam_doc, ("families",), (f.id for f in k.families), "family id")
    problems += duplicates(type_doc, ("instance_types",), (t.name for t in k.instance_types), "instance type")
    problems += duplicates(docs.get("security_controls"), ("security_controls",),
                            (c.id for c in k.security_controls), "control id")
    problems += duplicates(docs.get("lambda_limits"), ("lambda_limits",), (x.id for x in k.lambda_limits), "limit id")
    problems += _retrier_order(k, docs.get("lambda_limits"))
    problems += duplicates(docs.get("exams"), ("exams",), (e.code for e in k.exams), "exam code")
    problems += duplicates(docs.get("regions"), ("regions",), (r.code for r in k.regions), "region")

    families = {f.id: f for f in k.families}
    used_generations: Counter[tuple[str, str]] = Counter()
    for index, t in enumerate(k.instance_types):
        if t.family not in families:
            near = ", ".join(sorted(families))
            problems.append(Problem(f"names the unknown family {t.family!r} (known: {near})",
                                    type_doc.display if type_doc else None,
                                    type_doc.line_of(("instance_types", index, "family")) if type_doc else None,
                                    f"instance_types[{index}].family"))
            continue
        used_generations[(t.family, t.generation)] += 1
        if families[t.family].status == "retired":
            problems.append(Problem(f"{t.name} belongs to the retired family {t.family!r}; retired families "
                                    "are taught, never recommended, so they have no instance types",
                                    type_doc.display if type_doc else None,
                                    type_doc.line_of(("instance_types", index)) if type_doc else None,
                                    f"instance_types[{index}]"))
    for index, f in enumerate(k.families):
        for g_index, generation in enumerate(f.generations):
            if (f.id, generation) not in used_generations:
                problems.append(Problem(f"generation {generation!r} has no instance type of family {f.id!r}",
                                        fam_doc.display if fam_doc else None,
                                        fam_doc.line_of(("families", index, "generations", g_index))
                                        if fam_doc else None,
                                        f"families[{index}].generations[{g_index}]"))
    listed = {(f.id, g) for f in k.families for g in f.generations}
    for family_id, generation in sorted(set(used_generations) - listed):
        index = next(i for i, f in enumerate(k.families) if f.id == family_id)
        problems.append(Problem(f"instance types use generation {generation!r} but the family does not list it",
                                fam_doc.display if fam_doc else None,
                                fam_doc.line_of(("families", index, "generations")) if fam_doc else None,
                                f"families[{index}].generations"))

    problems += duplicates(docs.get("accelerators"), ("accelerators",), (a.model for a in k.accelerators),
                           "accelerator model")
    problems += _accelerator_problems(k, type_doc)

    current = {f.id for f in k.families if f.status == "current"}
    for stage in STAGES:  # the advisor must always have something to offer at every stage
        if not any(stage in t.stages and t.family in current for t in k.instance_types):
            problems.append(Problem(f"no instance type of a current family runs the {stage} stage",
                                    type_doc.display if type_doc else None, None, "instance_types"))

    exam_doc = docs.get("exams")
    for index, exam in enumerate(k.exams):
        problems += duplicates(exam_doc, ("exams", index, "domains"), (d.id for d in exam.domains), "domain id")
        if exam.successor and exam.successor not in {e.code for e in k.exams}:
            problems.append(Problem(f"successor {exam.successor!r} is not an exam in this file",
                                    exam_doc.display if exam_doc else None,
                                    exam_doc.line_of(("exams", index, "successor")) if exam_doc else None,
                                    f"exams[{index}].successor"))
    return problems


def _accelerator_problems(k: Knowledge, type_doc: Document | None) -> list[Problem]:
    """Each type's accelerator must be a model accelerators.yaml describes, with that model's vendor, kind and
    one of its memory sizes: the type row and the model row are two views of one fact."""
    problems: list[Problem] = []
    models = {a.model: a for a in k.accelerators}

    def problem(message: str, index: int, field: str) -> None:
        path = ("instance_types", index, "accelerator", field)
        problems.append(Problem(message, type_doc.display if type_doc else None,
                                type_doc.line_of(path) if type_doc else None, format_path(path)))

    for index, t in enumerate(k.instance_types):
        acc = t.accelerator
        if acc is None:
            continue
        spec = models.get(acc.model)
        if spec is None:
            problem(f"accelerator {acc.model!r} has no entry in accelerators.yaml", index, "model")
            continue
        if acc.vendor != spec.vendor:
            problem(f"{acc.model} is made by {spec.vendor}, not {acc.vendor}", index, "vendor")
        if acc.kind != spec.kind:
            problem(f"{acc.model} is a {spec.kind}, not a {acc.kind}", index, "kind")
        if acc.memory_gib_per_device not in spec.memory_gib_per_device:
            sizes = ", ".join(f"{m:g}" for m in spec.memory_gib_per_device)
            problem(f"{acc.memory_gib_per_device:g} GiB is not a memory size of {acc.model} (accelerators.yaml: "
                    f"{sizes})", index, "memory_gib_per_device")
    return problems


def check_references(k: Knowledge, docs: Mapping[str, Document]) -> list[Problem]:
    """Decisions and guard rails may only name families, controls, stages and limits that exist."""
    workload_stages = stage_ids()
    problems: list[Problem] = []
    families = {f.id: f for f in k.families}
    controls = {c.id for c in k.security_controls}
    limits = {x.id for x in k.lambda_limits} | set(LAMBDA_BLOCKERS)

    guard_doc = docs.get("security_controls")
    for index, rail in enumerate(k.guard_rails):
        for unknown in sorted(set(rail.enforces) - controls):
            problems.append(Problem(f"enforces the unknown control {unknown!r}",
                                    guard_doc.display if guard_doc else None,
                                    guard_doc.line_of(("guard_rails", index, "enforces")) if guard_doc else None,
                                    f"guard_rails[{index}].enforces"))
        # the field a rail reads must be one its controls set, or a recommendation could never satisfy it
        written = {(s.operation, s.field) for c in k.security_controls if c.id in rail.enforces for s in c.settings}
        for action, field in rail.reads.items():
            if (action.split(":", 1)[1], field) not in written:
                problems.append(Problem(f"reads {action} {field}, which none of {', '.join(rail.enforces)} sets",
                                        guard_doc.display if guard_doc else None,
                                        guard_doc.line_of(("guard_rails", index, "reads", action))
                                        if guard_doc else None, f"guard_rails[{index}].reads.{action}"))

    # a SAM type's missing property is a fact about a path some control reads there: one no control reads is stale
    read_in_sam = {(t, path.split(".", 1)[0]) for c in k.security_controls for s in c.settings
                   for t, path in s.cfn.items()}
    for index, entry in enumerate(k.sam_cannot_set):
        if (entry.sam_type, entry.property) not in read_in_sam:
            problems.append(Problem(f"no control reads {entry.property} in {entry.sam_type}: the entry says nothing",
                                    guard_doc.display if guard_doc else None,
                                    guard_doc.line_of(("sam_cannot_set", index, "property")) if guard_doc else None,
                                    f"sam_cannot_set[{index}].property"))

    served: dict[str, str] = {}
    rule_homes: dict[str, str] = {}
    hosting_ids = {o.id for o in k.hosting_options}
    for decision in k.decisions:
        doc = next((d for name, d in docs.items() if name.startswith("decisions/")
                    and isinstance(d.data, dict) and d.data.get("decision") == decision.decision), None)

        def problem(message: str, path: tuple[str | int, ...], doc: Document | None = doc) -> None:
            problems.append(Problem(message, doc.display if doc else None, doc.line_of(path) if doc else None,
                                    format_path(path)))

        for s_index, stage in enumerate(decision.stages):
            if stage not in workload_stages:
                problem(f"unknown stage {stage!r} (one of {', '.join(workload_stages)})", ("stages", s_index))
            elif decision.output == "families":
                if stage in served:
                    problem(f"stage {stage!r} is already served by decision {served[stage]!r}", ("stages", s_index))
                served[stage] = decision.decision
        for r_index, rule in enumerate(decision.rules):
            if rule.id in rule_homes:
                problem(f"rule id {rule.id!r} is also used in decision {rule_homes[rule.id]!r}",
                        ("rules", r_index, "id"))
            rule_homes[rule.id] = decision.decision
            then_path = ("rules", r_index, "then")
            for u_index, unit in enumerate(rule.then.units):
                if unit not in LAMBDA_UNITS:
                    problem(f"unknown unit of work {unit!r} (known: {', '.join(LAMBDA_UNITS)})",
                            (*then_path, "units", u_index))
            for f_index, family in enumerate(rule.then.families):
                if family not in families:
                    problem(f"unknown family {family!r} (known: {', '.join(sorted(families))})",
                            (*then_path, "families", f_index))
                elif decision.output == "families" and families[family].status == "retired":
                    problem(f"family {family!r} is retired and is never recommended", (*then_path, "families", f_index))
            for s_index, stage in enumerate(rule.then.stages):
                if stage not in workload_stages:
                    problem(f"unknown stage {stage!r}", (*then_path, "stages", s_index))
            for c_index, control in enumerate(rule.then.controls):
                if control not in controls:
                    problem(f"unknown security control {control!r}", (*then_path, "controls", c_index))
            for h_index, option in enumerate(rule.then.hosting):
                if option not in hosting_ids:
                    problem(f"unknown hosting option {option!r} (one of {', '.join(sorted(hosting_ids))})",
                            (*then_path, "hosting", h_index))
            for a_index, alternative in enumerate(rule.then.alternatives):
                if alternative not in LAMBDA_ALTERNATIVES:
                    problem(f"unknown alternative {alternative!r} (one of {', '.join(LAMBDA_ALTERNATIVES)})",
                            (*then_path, "alternatives", a_index))
            for leaf in rule.leaves():
                if decision.output == "lambda_units" and leaf.field in LAMBDA_FACTS:
                    problem(f"{leaf.field} is set from this decision's outcome (the Lambda check), so its rules "
                            "cannot read it", ("rules", r_index, "when"))
                if leaf.field == "derived.lambda_failed" and leaf.value not in limits:
                    problem(f"{leaf.value!r} is not a Lambda limit id nor blocker (one of {', '.join(sorted(limits))})",
                            ("rules", r_index, "when"))
    problems += _algorithm_references(k, docs, families)
    missing = [s for s in workload_stages if s not in served and stage_registry.stage(s).instance_stage is not None]
    if k.decisions and missing:
        problems.append(Problem(f"no families decision serves the stages {', '.join(missing)}"))
    return problems


def _algorithm_references(k: Knowledge, docs: Mapping[str, Document], families: Mapping[str, object]) -> list[Problem]:
    """algorithms.yaml and the Workload's model.algorithm list name the same algorithms, and only known families.

    The Workload's list is a Literal (so the JSON Schema and editors know it); this is what keeps the two in step.
    """
    doc = docs.get("algorithms")
    problems: list[Problem] = []

    def problem(message: str, path: tuple[str | int, ...]) -> None:
        problems.append(Problem(message, doc.display if doc else None, doc.line_of(path) if doc else None,
                                format_path(path)))

    accepted = {str(a) for a in get_args(Algorithm)}
    modes = set(get_args(AlgorithmMode))
    kinds = set(get_args(DataKind))
    problems += duplicates(doc, ("algorithms",), (a.id for a in k.algorithms), "algorithm id")
    problems += duplicates(doc, ("frameworks",), (f.id for f in k.frameworks), "framework id")
    options_doc = docs.get("hosting_options")
    problems += duplicates(options_doc, ("hosting_options",), (o.id for o in k.hosting_options), "option id")
    for index, option in enumerate(k.hosting_options):
        problems += duplicates(options_doc, ("hosting_options", index, "limits"), (x.id for x in option.limits),
                               "limit id")
    problems += duplicates(docs.get("lambda_limits"), ("execution_modes",), (m.id for m in k.lambda_modes),
                           "execution mode")
    for index, algorithm in enumerate(k.algorithms):
        if algorithm.id not in accepted:
            problem(f"unknown algorithm {algorithm.id!r}: the workload's model.algorithm does not accept it "
                    f"(add it to advisor/workload.py)", ("algorithms", index, "id"))
        for d_index, kind in enumerate(algorithm.data_kinds):
            if kind not in kinds:
                problem(f"unknown data kind {kind!r} (one of {', '.join(sorted(kinds))})",
                        ("algorithms", index, "data_kinds", d_index))
        stages = [("training", algorithm.training), ("inference", algorithm.inference)]
        stages += [(f"modes[{m_index}].training", mode.training) for m_index, mode in enumerate(algorithm.modes)]
        for m_index, mode in enumerate(algorithm.modes):
            if mode.id not in modes:
                problem(f"unknown mode {mode.id!r}: the workload's model.mode does not accept it",
                        ("algorithms", index, "modes", m_index, "id"))
        for label, stage in stages:
            path: tuple[str | int, ...] = ("algorithms", index, *(
                ("modes", int(label[6:label.index("]")]), "training") if label.startswith("modes") else (label,)))
            for f_index, family in enumerate(stage.families):
                if family not in families:
                    problem(f"unknown family {family!r} (known: {', '.join(sorted(families))})",
                            (*path, "families", f_index))
    for index, framework in enumerate(k.frameworks):
        if framework.id not in accepted:
            problem(f"unknown framework {framework.id!r}: the workload's model.algorithm does not accept it",
                    ("frameworks", index, "id"))
    known = {a.id for a in k.algorithms} | {f.id for f in k.frameworks}
    if k.algorithms and accepted - known:
        problem(f"the workload's model.algorithm accepts {', '.join(sorted(accepted - known))} but algorithms.yaml "
                "has no entry for it", ("algorithms",))
    return problems


def _retrier_order(k: Knowledge, doc: Document | None) -> list[Problem]:
    """The States Language tries a Task's retriers in order, so a retrier after the catch-all could never match:
    States.ALL only in the last (the generated state machine is checked for the same, builders.validate)."""
    retriers = k.step_functions_retriers
    problems = duplicates(doc, ("step_functions_retriers",), (r.id for r in retriers), "retrier id")
    for index, r in enumerate(retriers[:-1]):
        if CATCH_ALL in r.errors:
            problems.append(Problem(f"{CATCH_ALL} matches every error, so the retriers after {r.id!r} would never "
                                    "match: it belongs in the last retrier", doc.display if doc else None,
                                    doc.line_of(("step_functions_retriers", index, "errors")) if doc else None,
                                    f"step_functions_retriers[{index}].errors"))
    return problems
