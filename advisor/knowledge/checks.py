"""Checks that span records or files, which a per-record pydantic model cannot see.

Duplicate ids and dangling references are load errors, located at the offending record.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping

from advisor.documents import Document, format_path
from advisor.errors import Problem
from advisor.knowledge.models import Knowledge


def _duplicates(doc: Document | None, prefix: tuple[str | int, ...], keys: Iterable[str], what: str) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in seen:
            path = (*prefix, index)
            problems.append(Problem(f"duplicate {what} {key!r} (first at item {seen[key]})",
                                    doc.display if doc else None, doc.line_of(path) if doc else None,
                                    format_path(path)))
        else:
            seen[key] = index
    return problems


def cross_check(k: Knowledge, docs: Mapping[str, Document]) -> list[Problem]:
    """Every cross-record rule of the knowledge; an empty list means the knowledge is consistent."""
    fam_doc = docs.get("families")
    type_doc = docs.get("instance_types")
    problems: list[Problem] = []
    problems += _duplicates(fam_doc, ("families",), (f.id for f in k.families), "family id")
    problems += _duplicates(type_doc, ("instance_types",), (t.name for t in k.instance_types), "instance type")
    problems += _duplicates(docs.get("security_controls"), ("security_controls",),
                            (c.id for c in k.security_controls), "control id")
    problems += _duplicates(docs.get("lambda_limits"), ("lambda_limits",), (x.id for x in k.lambda_limits), "limit id")
    problems += _duplicates(docs.get("exams"), ("exams",), (e.code for e in k.exams), "exam code")

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
                                        fam_doc.line_of(("families", index, "generations", g_index)) if fam_doc else None,
                                        f"families[{index}].generations[{g_index}]"))
    listed = {(f.id, g) for f in k.families for g in f.generations}
    for family_id, generation in sorted(set(used_generations) - listed):
        index = next(i for i, f in enumerate(k.families) if f.id == family_id)
        problems.append(Problem(f"instance types use generation {generation!r} but the family does not list it",
                                fam_doc.display if fam_doc else None,
                                fam_doc.line_of(("families", index, "generations")) if fam_doc else None,
                                f"families[{index}].generations"))

    exam_doc = docs.get("exams")
    for index, exam in enumerate(k.exams):
        problems += _duplicates(exam_doc, ("exams", index, "domains"), (d.id for d in exam.domains), "domain id")
        if exam.successor and exam.successor not in {e.code for e in k.exams}:
            problems.append(Problem(f"successor {exam.successor!r} is not an exam in this file",
                                    exam_doc.display if exam_doc else None,
                                    exam_doc.line_of(("exams", index, "successor")) if exam_doc else None,
                                    f"exams[{index}].successor"))
    return problems
