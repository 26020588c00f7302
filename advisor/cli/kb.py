"""`advisor kb ...`: check and browse the knowledge base."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from advisor.render import FORMATS, Column, cell, emit
from advisor.stages import INSTANCE_STAGES, instance_stage_of, stage_names


def register(sub: argparse._SubParsersAction) -> None:
    kb = sub.add_parser("kb", help="check and browse the knowledge base (rules/knowledge/*.yaml)")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)

    validate = kb_sub.add_parser("validate", help="validate a knowledge folder (exit 0, or 2 with located errors)")
    validate.add_argument("dir", nargs="?", type=Path, help="a folder laid out like rules/ (default: the shipped one)")
    validate.set_defaults(handler=cmd_validate)

    show = kb_sub.add_parser("show", help="print families, types, controls, lambda limits or exams")
    show.add_argument("what", choices=tuple(SHOW))
    show.add_argument("--format", choices=FORMATS, default="table")
    show.add_argument("--family", help="types: only this family (t, m, r, c, p, g, inf, trn)")
    show.add_argument("--stage", choices=tuple(dict.fromkeys((*stage_names(), *INSTANCE_STAGES))), metavar="STAGE",
                      help="types: only those that run in this stage (a workload stage such as realtime_inference, "
                           "or botocore's name such as hosting)")
    show.add_argument("--dir", type=Path, help="a folder laid out like rules/ (default: the shipped one)")
    show.set_defaults(handler=cmd_show)

    sync = kb_sub.add_parser("sync-botocore",
                             help="rewrite instance-type stages from the installed botocore's enums")
    sync.add_argument("dir", nargs="?", type=Path, help="a folder laid out like rules/ (default: the shipped one)")
    sync.add_argument("--check", action="store_true", help="only report differences; exit 1 if any")
    sync.set_defaults(handler=cmd_sync_botocore)

    schemas = kb_sub.add_parser("schemas", help="write the JSON Schemas of every YAML format to schemas/")
    schemas.add_argument("--out", type=Path, help="folder to write into (default: the project's schemas/)")
    schemas.add_argument("--check", action="store_true", help="only report stale schemas; exit 1 if any")
    schemas.set_defaults(handler=cmd_schemas)


def cmd_validate(args: argparse.Namespace) -> int:
    from advisor.knowledge.loader import default_rules_dir, validate_knowledge

    rules_dir = args.dir or default_rules_dir()
    k = validate_knowledge(rules_dir)
    print(f"ok: {rules_dir}: {len(k.families)} families, {len(k.instance_types)} instance types, "
          f"{len(k.security_controls)} security controls, {len(k.lambda_limits)} Lambda limits, "
          f"{len(k.exams)} exams, {len(k.regions)} regions, {len(k.decisions)} decisions with "
          f"{sum(len(d.rules) for d in k.decisions)} rules")
    return 0


def _accelerator(row: dict[str, Any]) -> str:
    acc = row.get("accelerator")
    if not acc:
        return "-"
    return f"{acc['count']}x {acc['model']} ({cell(acc['memory_gib'])} GiB)"


def _limit(value: dict[str, Any] | None) -> str:
    if not value:
        return "-"
    if value.get("text"):
        return value["text"]
    parts = []
    if value.get("min") is not None:
        parts.append(f"min {cell(value['min'])}")
    if value.get("max") is not None:
        parts.append(f"max {cell(value['max'])}")
    if value.get("default") is not None:
        parts.append(f"default {cell(value['default'])}")
    return ", ".join(parts)


def _settings(row: dict[str, Any]) -> str:
    out = []
    for s in row["settings"]:
        value = f"<{s['placeholder']}>" if s.get("placeholder") else repr(s["value"])
        out.append(f"{s['operation']}.{s['field']} = {value}")
    return "\n".join(out)


#: what -> (knowledge section, table title, columns)
SHOW: dict[str, tuple[str, str, tuple[Column, ...]]] = {
    "families": ("families", "Instance families", (
        ("id", lambda r: r["id"]), ("name", lambda r: r["name"]), ("chapter", lambda r: r["chapter_name"]),
        ("processor", lambda r: r["processor"]), ("status", lambda r: r["status"]),
        ("best for", lambda r: r["best_for"]), ("generations", lambda r: r["generations"]),
    )),
    "types": ("instance_types", "Instance types", (
        ("type", lambda r: r["name"]), ("family", lambda r: r["family"]), ("vCPU", lambda r: r["vcpu"]),
        ("GiB", lambda r: r["memory_gib"]), ("accelerator", _accelerator), ("stages", lambda r: r["stages"]),
    )),
    "controls": ("security_controls", "Security controls", (
        ("id", lambda r: r["id"]), ("severity", lambda r: r["severity"]), ("resource", lambda r: r["resource"]),
        ("setting", _settings), ("topic", lambda r: r["chapter_topic"]),
    )),
    "lambda": ("lambda_limits", "AWS Lambda limits (chapter vs today)", (
        ("limit", lambda r: r["name"]), ("unit", lambda r: r["unit"]), ("chapter", lambda r: _limit(r["chapter"])),
        ("today", lambda r: _limit(r["today"])), ("changed", lambda r: r["changed"]),
    )),
    "exams": ("exams", "Exam blueprints", (
        ("code", lambda r: r["code"]), ("name", lambda r: r["name"]), ("status", lambda r: r["status"]),
        ("questions", lambda r: r["questions"]), ("minutes", lambda r: r["minutes"]),
        ("pass", lambda r: f"{r['pass_mark']}/{r['scale_max']}"),
        ("domains", lambda r: [f"{d['name']} {cell(d['weight_percent'])}%" for d in r["domains"]]),
    )),
}


def cmd_show(args: argparse.Namespace) -> int:
    from advisor.errors import UsageError
    from advisor.knowledge.loader import knowledge_data

    data = knowledge_data(args.dir)
    section, title, columns = SHOW[args.what]
    rows = data[section]
    if (args.family or args.stage) and args.what != "types":
        raise UsageError("--family and --stage apply to `advisor kb show types` only")
    if args.family:
        known = sorted({r["family"] for r in rows})
        if args.family not in known:
            raise UsageError(f"unknown family {args.family!r}", hint=f"one of {', '.join(known)}")
        rows = [r for r in rows if r["family"] == args.family]
    if args.stage:
        where = instance_stage_of(args.stage)
        rows = [r for r in rows if where in r["stages"]]
    emit(rows, args.format, title=title, columns=columns)
    return 0


def cmd_sync_botocore(args: argparse.Namespace) -> int:
    from advisor.knowledge.botocore_sync import botocore_version, stage_differences, sync_file
    from advisor.knowledge.loader import default_rules_dir, knowledge_paths, validate_knowledge

    rules_dir = args.dir or default_rules_dir()
    knowledge = validate_knowledge(rules_dir)  # never rewrite a file we cannot read
    if args.check:
        changes = stage_differences({t.name: t.stages for t in knowledge.instance_types})
    else:
        changes = sync_file(knowledge_paths(rules_dir)["instance_types"])
    for change in changes:
        print(f"  {change}")
    orphans = [c.instance_type for c in changes if not c.after]
    verb = "differ from" if args.check else "updated from"
    print(f"{len(changes)} instance types {verb} botocore {botocore_version()}")
    if orphans:
        print(f"error: in no botocore enum, remove them from the knowledge: {', '.join(orphans)}", file=sys.stderr)
        return 2
    return 1 if (args.check and changes) else 0


def cmd_schemas(args: argparse.Namespace) -> int:
    from advisor.resources import shipped_dir
    from advisor.schemas import stale_schemas, write_schemas

    out = args.out or shipped_dir("schemas")
    if args.check:
        stale = stale_schemas(out)
        for stem in stale:
            print(f"stale: {out / (stem + '.schema.json')}")
        return 1 if stale else 0
    for path in write_schemas(out):
        print(f"wrote {path}")
    return 0
