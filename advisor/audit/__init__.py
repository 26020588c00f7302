"""`advisor audit`: existing SageMaker and Lambda configurations checked against the control catalog.

Readers (one per input kind) turn templates, plans, request files or a live account into resources; the
checks read each resource with the catalog's paths and AWS's defaults; writers print a table, JSON, SARIF,
JUnit or patches. This package never imports boto3 except in the live reader, and then only when asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.audit.catalog import Catalog, catalog_of, load_catalog
from advisor.audit.checks import evaluate, rules_for
from advisor.audit.links import LINK_SOURCES, link
from advisor.audit.model import SEVERITY_ORDER, Audited, Finding, Resource, Skipped
from advisor.audit.pipelines import PIPELINES, with_steps

if TYPE_CHECKING:
    from advisor.audit.readers import Source
    from advisor.knowledge.models import Knowledge

__all__ = ["AuditReport", "Catalog", "Finding", "Resource", "Skipped", "audit_paths", "audit_resources",
           "load_catalog"]


@dataclass
class AuditReport:
    """Findings of one run, the inputs skipped and why, the inputs that could not be read, and how many files and
    resources were read.

    `skipped` holds files that are no input of ours (a workflow, a manifest, package.json): said, not failed.
    `errors` holds inputs meant as a template, Terraform file, plan or request file that could not be read (bad
    syntax, an unknown intrinsic, a plan JSON that is no plan): nobody checked them, so the run is not a pass.
    """

    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[Skipped] = field(default_factory=list)
    files: int = 0
    resources: int = 0
    base: Path = field(default_factory=Path.cwd)
    #: the file behind each shown name that is not the name itself (a name with bytes that are not UTF-8 is
    #: shown escaped): where snippets and patches read it back
    paths: dict[str, Path] = field(default_factory=dict)

    def path_of(self, shown: str) -> Path:
        """The file a finding's `file` names."""
        path = self.paths.get(shown) or Path(shown)
        return path if path.is_absolute() else self.base / path

    def summary(self) -> dict[str, object]:
        by_status = {s: 0 for s in ("fail", "pass", "unknown", "suppressed")}
        by_severity = {s: 0 for s in SEVERITY_ORDER}
        for f in self.findings:
            by_status[f.status] += 1
            if f.status == "fail":
                by_severity[f.severity] += 1
        return {"files": self.files, "resources": self.resources, "skipped": len(self.skipped),
                "errors": len(self.errors), **by_status, "failed_by_severity": by_severity}


def audit_resources(resources: list[Resource], catalog: Catalog | Knowledge) -> Iterator[Finding]:
    """Every finding for these resources (the catalog: `load_catalog()`, or a Knowledge's controls)."""
    catalog = catalog_of(catalog)
    for resource in resources:
        rules = rules_for(catalog, resource.kind).get(resource.type)
        if rules:
            yield from evaluate(resource, rules)


def audit_paths(paths: list[Path], catalog: Catalog | Knowledge, base: Path | None = None) -> AuditReport:
    """Audit every template, plan and request file under `paths`, one file at a time."""
    from advisor.audit.readers import (
        BadInput,
        Source,
        classify,
        cloudformation_stacks,
        discover,
        meant_as_input,
        read_source,
        read_text,
        syntax_error,
        terraform_configuration,
    )
    from advisor.errors import shown_name

    report = AuditReport(base=base or Path.cwd())
    catalog = catalog_of(catalog)
    terraform = Audited(rules_for(catalog, "terraform"), LINK_SOURCES | PIPELINES)
    modules: dict[Path, list[tuple[Source, list[Resource]]]] = {}
    items = list(discover(paths, report.base))  # names only: every file is still read one at a time below
    configuration = terraform_configuration([i for i in items if isinstance(i, Source)])
    stacks = cloudformation_stacks([i for i in items if isinstance(i, Source)])
    for item in items:
        if isinstance(item, Skipped):
            # a path named on the command line that is not there, a folder that cannot be listed: unread inputs
            (report.errors if item.error else report.skipped).append(item)
            continue
        assert isinstance(item, Source)
        if shown_name(name := item.path.as_posix()) != name:  # shown escaped: remember the file
            report.paths[item.shown] = item.path.resolve()
        try:
            text = read_text(item)
        except BadInput as exc:
            # too big, binary, not UTF-8, unreadable: an error when the file is meant as one of our inputs
            meant = meant_as_input(item)
            (report.errors if meant else report.skipped).append(Skipped(item.shown, exc.reason, exc.line, meant))
            continue
        kind = classify(item, text)
        if kind is None and item.named and (bad := syntax_error(item, text)) is not None:
            report.errors.append(Skipped(item.shown, bad.reason, bad.line, error=True))
            continue
        if kind is None:
            report.skipped.append(Skipped(item.shown, "not a CloudFormation/SAM template, Terraform file or plan, "
                                                      "or a request file keyed by operation"))
            continue
        try:
            resources = read_source(item, text, kind, terraform if kind in ("terraform", "plan") else None,
                                    configuration, stacks)
        except BadInput as exc:  # it is a template, plan or request file, and it cannot be read: not audited
            (report.errors if exc.meant else report.skipped).append(Skipped(item.shown, exc.reason, exc.line,
                                                                            exc.meant))
            continue
        # a pipeline's job steps, as the requests they are (a definition in a file: read inside item.within)
        resources = with_steps(resources, item.path.parent, item.within)
        report.files += 1
        report.resources += len(resources)
        if kind == "terraform":  # a module is its folder: its files are linked together once all are read
            modules.setdefault(item.path.parent, []).append((item, resources))
            continue
        _judge(report, item, link(resources), catalog)  # what one resource of the input says about another
    for files in modules.values():
        linked = iter(link([r for _item, resources in files for r in resources]))
        for item, resources in files:
            _judge(report, item, [next(linked) for _ in resources], catalog)
    return report


def _judge(report: AuditReport, item: Source, resources: list[Resource], catalog: Catalog) -> None:
    """The findings for one file's resources."""
    if item.path.name.lower().endswith(".tf.json"):  # its fixes in its own (JSON) syntax
        from advisor.audit.readers.tf_json import fix_in_json

        report.findings.extend(replace(f, fix=fix_in_json(f.fix)) for f in audit_resources(resources, catalog))
    else:
        report.findings.extend(audit_resources(resources, catalog))
