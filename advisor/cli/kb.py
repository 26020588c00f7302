"""`advisor kb ...`: check and browse the knowledge base."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from pathlib import Path
from typing import Any

from advisor.cli import CREATES_FOLDERS
from advisor.errors import UsageError
from advisor.render import FORMATS, Column, cell, emit, say
from advisor.resources import shipped_dir
from advisor.stages import INSTANCE_STAGES, instance_stage_of, stage_names


def register(sub: argparse._SubParsersAction) -> None:
    kb = sub.add_parser("kb", help="check and browse the knowledge base (rules/knowledge/*.yaml)")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)

    validate = kb_sub.add_parser("validate", help="validate a knowledge folder (exit 0, or 2 with located errors)")
    validate.add_argument("dir", nargs="?", type=Path, help="a folder laid out like rules/ (default: the shipped one)")
    validate.set_defaults(handler=cmd_validate)

    show = kb_sub.add_parser("show", help="print families, types, accelerators, controls, lambda limits, exams, "
                                          "algorithms, hosting options or LLM architectures")
    show.add_argument("what", choices=tuple(SHOW), metavar="TOPIC",  # the choices in the help: usage fits 80 columns
                      help=f"one of {', '.join(SHOW)}")
    show.add_argument("--format", choices=FORMATS, default="table")
    show.add_argument("--family", type=str.lower,  # G as in the chapter's "G = Graphics": the id is g
                      help="types: only this family (t, m, r, c, p, g, inf, trn, m-graviton, ...)")
    show.add_argument("--accelerator", metavar="WHAT",
                      help="types: only those with this accelerator: a model (H100, Inferentia2), a kind (gpu, "
                           "inferentia, trainium, gaudi), a vendor (nvidia, aws, intel), 'any' or 'none'")
    show.add_argument("--memory", metavar="RANGE", type=_range,
                      help="types: memory in GiB, e.g. 16-64, 128- (at least), -8 (at most) or 32 (exactly)")
    show.add_argument("--vcpu", metavar="RANGE", type=_range, help="types: vCPUs, as a range like --memory")
    show.add_argument("--stage", choices=tuple(dict.fromkeys((*stage_names(), *INSTANCE_STAGES))), metavar="STAGE",
                      help="types: only those that run in this stage (a workload stage such as realtime_inference, "
                           "or botocore's name such as hosting)")
    show.add_argument("--dir", type=Path, help="a folder laid out like rules/ (default: the shipped one)")
    show.set_defaults(handler=cmd_show)

    sync = kb_sub.add_parser("sync-botocore",
                             help="rewrite instance-type stages from the installed botocore's enums")
    sync.add_argument("dir", nargs="?", type=Path, help="a folder laid out like rules/ (default: the shipped one)")
    sync.add_argument("--check", action="store_true", help="only report differences; exit 1 if any")
    sync.add_argument("--write", action="store_true",
                      help="also append the types botocore has that the knowledge lacks, with their stages "
                           "(their specs are left for you to fill; `advisor kb validate` lists them)")
    sync.set_defaults(handler=cmd_sync_botocore)

    schemas = kb_sub.add_parser("schemas", help="write the JSON Schemas of every YAML format to schemas/")
    schemas.add_argument("--out", type=Path, metavar="DIR",
                         help=f"folder to write into (default: the project's schemas/); {CREATES_FOLDERS}")
    schemas.add_argument("--check", action="store_true", help="only report stale schemas; exit 1 if any")
    schemas.set_defaults(handler=cmd_schemas)


def cmd_validate(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.knowledge.loader import default_rules_dir, validate_knowledge

    rules_dir = args.dir or default_rules_dir()
    k = validate_knowledge(rules_dir)
    say(f"ok: {rules_dir}: {len(k.families)} families, {len(k.instance_types)} instance types, "
          f"{len(k.security_controls)} security controls, {len(k.lambda_limits)} Lambda limits, "
          f"{len(k.exams)} exams, {len(k.regions)} regions, {len(k.algorithms)} built-in algorithms, "
          f"{len(k.hosting_options)} inference options, {len(k.decisions)} decisions with "
          f"{sum(len(d.rules) for d in k.decisions)} rules")
    return 0


def _accelerator(row: dict[str, Any]) -> str:
    acc = row.get("accelerator")
    if not acc:
        return "-"
    return f"{acc['count']}x {acc['model']} {cell(acc['memory_gib_per_device'])} GiB"


def _accelerator_generation(row: dict[str, Any]) -> str:
    """CUDA compute capability, Neuron generation, or the architecture's name."""
    if row["cuda_compute_capability"]:
        return f"CC {row['cuda_compute_capability']}"
    if row["neuron_generation"]:
        return f"Neuron v{row['neuron_generation']}"
    return str(row["architecture"])


def _stages(row: dict[str, Any]) -> str:
    """botocore's stage names, or `all` when a type runs in every one (keeps the table short)."""
    stages = row["stages"]
    return "all" if len(stages) == len(INSTANCE_STAGES) else ", ".join(stages)


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
    """Each request field as its path, one segment a line (`CreateNotebookInstance` / `.KmsKeyId = ...`): a
    path such as InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion is wider than the
    column at 80 columns, and a table must break it at its dots, never inside a name."""
    out = []
    for s in row["settings"]:
        value = f"<<{s['placeholder']}>>" if s.get("placeholder") else repr(s["value"])
        path = f"{s['operation']}.{s['field']}".replace(".", "\n.")
        out.append(f"{path} = {value}")
    return "\n".join(out)


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


def _stage_row(algorithm: dict[str, Any], stage: str, spec: dict[str, Any]) -> dict[str, Any]:
    processors = "/".join(spec["processors"])
    if spec.get("preferred") and len(spec["processors"]) > 1:
        processors = " or ".join(sorted(spec["processors"], key=lambda p: p != spec["preferred"])) + " (first)"
    gpus, nodes = spec.get("multi_gpu"), spec.get("multi_instance")
    scale = ["" if gpus is None else ("n GPUs" if gpus else "1 GPU"),
             "" if nodes is None else ("n nodes" if nodes else "1 node")]
    where = [f.upper() for f in spec.get("families", ())] + list(spec.get("generations", ()))
    return {"algorithm": algorithm["id"], "stage": stage, "processors": processors,
            "scale": ", ".join(x for x in scale if x) or "-",
            "aws_names": " ".join(dict.fromkeys(where)) or "-",
            "incremental": _yes_no(algorithm["incremental_training"]) if stage == "train" else ""}


def _algorithm_rows(algorithms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per algorithm and stage (and per training mode where AWS's guidance differs by mode)."""
    rows = []
    for a in algorithms:
        rows.append(_stage_row(a, "train", a["training"]))
        rows += [_stage_row(a, f"train {m['id']}", m["training"]) for m in a["modes"]]
        rows.append(_stage_row(a, "infer", a["inference"]))
    return rows


def _option_limits(option: dict[str, Any]) -> str:
    return "\n".join(f"{x['name']}: {_short(x['value'])} {x['unit']}" for x in option["limits"])


def _capabilities(option: dict[str, Any]) -> str:
    """Every capability the option's row states (one AWS leaves unsaid is left out), in the knowledge's words."""
    # deferred: the knowledge models load pydantic, and this module loads at every start
    from advisor.knowledge.models import CAPABILITY_WORDS

    caps = option["capabilities"]
    return ", ".join(words.cell(caps[name]) for name, words in CAPABILITY_WORDS.items()
                     if caps.get(name) is not None)


def _num(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None and float(value).is_integer() else cell(value)


def _short(value: dict[str, Any] | None) -> str:
    """A limit in numbers where it has them (the side-by-side table is narrow); its text otherwise."""
    if not value:
        return "-"
    low, high, default = value.get("min"), value.get("max"), value.get("default")
    if high is None and low is None and default is None:
        return str(value.get("text") or "-")
    if high is None and low is None:
        return f"{_num(default)}"
    text = f"{_num(low)}-{_num(high)}" if low is not None and high is not None else (
        f"up to {_num(high)}" if high is not None else f"at least {_num(low)}")
    if high == 0:
        text = "none"
    return f"{text} (default {_num(default)})" if default is not None else text


def _mode_limit(row: dict[str, Any], mode: str) -> str:
    value = row.get(mode)
    return _short(value) if value else "as standard"


#: what -> rows to print as a table, when they are not the knowledge records themselves
TABLE_ROWS = {"algorithms": _algorithm_rows}

#: what -> (knowledge section, table title, columns)
SHOW: dict[str, tuple[str, str, tuple[Column, ...]]] = {
    "families": ("families", "Instance families", (
        ("id", lambda r: r["id"]), ("name", lambda r: r["name"]), ("chapter", lambda r: r["chapter_name"]),
        ("processor", lambda r: r["processor"]), ("status", lambda r: r["status"]),
        ("best for", lambda r: r["best_for"]), ("generations", lambda r: r["generations"]),
    )),
    "types": ("instance_types", "Instance types", (
        ("type", lambda r: r["name"]), ("family", lambda r: r["family"]), ("vCPU", lambda r: r["vcpu"]),
        ("GiB", lambda r: r["memory_gib"]), ("accelerator", _accelerator), ("stages", _stages),
    )),
    "controls": ("security_controls", "Security controls", (
        ("id", lambda r: r["id"]), ("severity", lambda r: r["severity"]), ("setting", _settings),
        ("topic", lambda r: r["chapter_topic"]),
    )),
    "lambda": ("lambda_limits", "AWS Lambda limits: the chapter's figure and today's, per execution mode", (
        ("limit", lambda r: f"{r['name']} ({r['unit']})"), ("chapter", lambda r: _short(r["chapter"])),
        ("standard", lambda r: _short(r["today"])),
        ("managed instances", lambda r: _mode_limit(r, "managed_instances")),
        ("durable", lambda r: _mode_limit(r, "durable")), ("changed", lambda r: r["changed"]),
    )),
    "algorithms": ("algorithms", "SageMaker built-in algorithms: AWS's instance guidance", (
        ("algorithm", lambda r: r["algorithm"]), ("stage", lambda r: r["stage"]),
        ("runs on", lambda r: r["processors"]), ("scales to", lambda r: r["scale"]),
        ("AWS names", lambda r: r["aws_names"]), ("incr.", lambda r: r["incremental"]),
    )),
    "hosting": ("hosting_options", "SageMaker inference options and their limits", (
        ("option", lambda r: r["name"]), ("can", _capabilities), ("limits", _option_limits),
    )),
    "accelerators": ("accelerators", "Accelerators: what each can run (peak: dense FP16/BF16 TFLOPS per device)", (
        ("model", lambda r: r["model"]), ("vendor", lambda r: r["vendor"]),
        ("generation", _accelerator_generation),
        ("GiB", lambda r: r["memory_gib_per_device"]),
        ("bf16/fp8", lambda r: f"{cell(r['bf16'])}/{cell(r['fp8'])}"),
        ("decoder LLMs", lambda r: r["decoder_llms"]),
        ("stock containers", lambda r: "yes" if r["stock_containers"] else (
            "no, compile" if r["needs_compilation"] else "no")),
        ("peak", lambda r: f"{cell(r['fp16_tflops'])}{' (est.)' if r['estimate'] else ''}"),
    )),
    "architectures": ("llm_architectures", "LLM architectures: published decoder shapes the KV cache is sized from", (
        ("id", lambda r: r["id"]), ("parameters (M)", lambda r: cell(r["parameters_millions"])),
        ("layers", lambda r: r["layers"]), ("KV heads", lambda r: r["kv_heads"]),
        ("head size", lambda r: r["head_dim"]), ("attention", lambda r: r["attention"]),
    )),
    "exams": ("exams", "Exam blueprints", (
        ("code", lambda r: r["code"]), ("name", lambda r: r["name"]), ("status", lambda r: r["status"]),
        ("questions", lambda r: r["questions"]), ("minutes", lambda r: r["minutes"]),
        ("pass", lambda r: f"{r['pass_mark']}/{r['scale_max']}"),
        ("domains", lambda r: [f"{d['name']} {cell(d['weight_percent'])}%" for d in r["domains"]]),
    )),
}


def _range(text: str) -> tuple[float, float]:
    """`16-64`, `128-` (at least), `-8` (at most) or `32` (exactly) as (low, high), both ends included."""
    low, sep, high = text.strip().partition("-")
    try:
        lo = float(low) if low else 0.0
        hi = float(high) if high else (float("inf") if sep else lo)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a range like 16-64, 128-, -8 or 32") from None
    if any(end and not math.isfinite(float(end)) for end in (low, high)):  # 1e999 is inf, nan matches nothing
        raise argparse.ArgumentTypeError(f"{text!r}: each end is a finite number (leave one out for no bound)")
    if lo > hi:
        raise argparse.ArgumentTypeError(f"{text!r}: the low end is above the high end")
    return lo, hi


def _with_accelerator(rows: list[dict[str, Any]], what: str) -> list[dict[str, Any]]:
    """Rows whose accelerator matches a model, kind or vendor name (any case), or 'any' / 'none'."""
    want = what.strip().lower()
    if want == "none":
        return [r for r in rows if not r["accelerator"]]
    accelerated = [r for r in rows if r["accelerator"]]
    if want == "any":
        return accelerated
    names = {str(r["accelerator"][key]).lower() for r in accelerated for key in ("model", "kind", "vendor")}
    if want not in names:
        raise UsageError(f"unknown accelerator {what!r}", hint="one of any, none, " + ", ".join(sorted(names)))
    return [r for r in accelerated if want in {str(r["accelerator"][k]).lower() for k in ("model", "kind", "vendor")}]


def cmd_show(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.knowledge.loader import knowledge_data

    data = knowledge_data(args.dir)
    section, title, columns = SHOW[args.what]
    rows = data[section]
    type_filters = ("family", "stage", "accelerator", "memory", "vcpu")
    if args.what != "types" and any(getattr(args, f) is not None for f in type_filters):
        raise UsageError(f"{', '.join('--' + f for f in type_filters)} apply to `advisor kb show types` only")
    if args.family:
        known = sorted({r["family"] for r in rows})
        if args.family not in known:
            raise UsageError(f"unknown family {args.family!r}", hint=f"one of {', '.join(known)}")
        rows = [r for r in rows if r["family"] == args.family]
    if args.stage:
        where = instance_stage_of(args.stage)
        if where is None:
            raise UsageError(f"{args.stage} runs on no instance type: SageMaker picks its compute from the memory "
                             "size", hint="`advisor kb show hosting` shows what bounds it")
        rows = [r for r in rows if where in r["stages"]]
    if args.accelerator:
        rows = _with_accelerator(rows, args.accelerator)
    if args.memory:
        rows = [r for r in rows if args.memory[0] <= r["memory_gib"] <= args.memory[1]]
    if args.vcpu:
        rows = [r for r in rows if args.vcpu[0] <= r["vcpu"] <= args.vcpu[1]]
    if args.format == "table" and args.what in TABLE_ROWS:
        rows = TABLE_ROWS[args.what](rows)
    if not rows and args.format == "table":  # an empty table's headings said nothing of why
        given = [f"--{f}" for f in type_filters if getattr(args, f) is not None]
        say(f"no {'instance type' if given else title.lower()} matches {' and '.join(given) or 'anything'}"
            f"{' together' if len(given) > 1 else ''}")
        return 0
    emit(rows, args.format, title=title, columns=columns)
    if args.format == "table" and args.what == "hosting":  # why one serves a single model, in AWS's terms
        for option in rows:
            if option.get("serves_one_model"):
                say(f"{option['name']}: {option['serves_one_model']}")
    if args.format == "table" and args.what == "lambda":
        for mode in data.get("lambda_modes", ()):
            say(f"{mode['name']}: {mode['fits']} Cannot: {mode['cannot']}")
    return 0


def cmd_sync_botocore(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.knowledge.botocore_sync import (
        append_missing,
        botocore_version,
        missing_types,
        stage_differences,
        sync_file,
    )

    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.knowledge.loader import default_rules_dir, knowledge_paths, validate_knowledge

    if args.check and args.write:
        raise UsageError("--check only reports; --write changes the file: give one of them")
    rules_dir = args.dir or default_rules_dir()
    knowledge = validate_knowledge(rules_dir)  # never rewrite a file we cannot read
    path = knowledge_paths(rules_dir)["instance_types"]
    changes = (stage_differences({t.name: t.stages for t in knowledge.instance_types}) if args.check
               else sync_file(path))
    for change in changes:
        print(f"  {change}")
    orphans = [c.instance_type for c in changes if not c.after]
    missing = missing_types(t.name for t in knowledge.instance_types)
    verb = "differ from" if args.check else "updated from"
    version = botocore_version()
    print(f"{len(changes) - len(orphans)} instance types' stages {verb} botocore {version}")
    if missing:
        print(f"{len(missing)} types in botocore {version} that the knowledge lacks: {', '.join(missing)}")
        if args.write:
            append_missing(path, missing, dt.date.today().isoformat())
            print(f"appended them to {path} with their stages; fill in their specs (`advisor kb validate` lists "
                  "the fields)")
        elif not args.check:
            print("add them with `advisor kb sync-botocore --write`")
    if orphans:
        print(f"error: in no botocore {version} enum, remove them from the knowledge: {', '.join(orphans)}",
              file=sys.stderr)
        return 2
    return 1 if (args.check and (changes or missing)) else 0


def cmd_schemas(args: argparse.Namespace) -> int:
    # deferred: every command module loads at start; its stack loads when the command runs
    from advisor.schemas import stale_schemas, write_schemas

    out = args.out or shipped_dir("schemas")
    if args.check:
        stale = stale_schemas(out)
        for stem in stale:
            print(f"stale: {out / (stem + '.schema.json')}")
        return 1 if stale else 0
    written = write_schemas(out)
    for path in written:
        print(f"wrote {path}")
    if not written:  # a run that changed nothing printed nothing, which read as if it had not run
        print(f"{out}: every schema is up to date")
    return 0
