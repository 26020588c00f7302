"""Keep the instance types equal to botocore's SageMaker instance-type enums, both ways.

The advisor reads stages from YAML at run time (fast, offline, reviewable); botocore's service model is the
authority they are synced from. The diff goes both ways: a type botocore lists that the knowledge lacks is
reported (and `--write` appends it with its stages, its specs left for a person to fill from EC2's figures, so
`kb validate` then names each missing field), a type the knowledge has that botocore dropped is reported for
removal, and a known type's stages are rewritten. Rewrites keep every comment and the rest of the file as
written (ruamel.yaml round-trip).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from advisor.atomic import write_user_file
from advisor.knowledge.botocore_fields import service_model
from advisor.knowledge.models import STAGES, Stage
from advisor.stages import INSTANCE_STAGES

#: Our stage name -> the botocore shape whose enum lists the ml.* types allowed there (from the stage registry).
ENUM_SHAPES: dict[str, str] = {s.id: s.enum_shape for s in INSTANCE_STAGES.values()}


def botocore_version() -> str:
    import botocore  # deferred: botocore's service models load only when a request is validated

    return botocore.__version__


def botocore_stages() -> dict[str, tuple[Stage, ...]]:
    """ml.* type -> the stages botocore allows it in, in STAGES order."""
    model = service_model("sagemaker")
    allowed = {stage: set(model.shape_for(shape).enum) for stage, shape in ENUM_SHAPES.items()}
    names = set().union(*allowed.values())
    return {name: tuple(s for s in STAGES if name in allowed[s]) for name in names}


@dataclass(frozen=True)
class StageChange:
    instance_type: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.instance_type}: {', '.join(self.before) or '-'} -> {', '.join(self.after) or '(in no enum)'}"


def stage_differences(types: dict[str, tuple[str, ...]]) -> list[StageChange]:
    """Where the YAML's stages differ from botocore's (a type in no enum comes back with after=())."""
    truth = botocore_stages()
    return [StageChange(name, tuple(stages), truth.get(name, ()))
            for name, stages in types.items() if tuple(stages) != truth.get(name, ())]


def missing_types(known: Iterable[str]) -> list[str]:
    """ml.* types botocore lists that the knowledge lacks, sorted."""
    return sorted(set(botocore_stages()) - set(known))


def append_missing(path: Path, names: Iterable[str], as_of: str) -> list[str]:
    """Append a row per missing type with its generation, size and botocore stages; the specs are left out.

    The rows are incomplete on purpose: validation then names every field a person must fill from EC2's specs
    (vCPU, memory, accelerator, storage, network, family), each at its file and line.
    """
    truth = botocore_stages()
    names = sorted(names)
    if not names:
        return []
    version = botocore_version()
    rows = []
    for name in names:
        _, generation, size = name.split(".")
        rows.append(f"  - name: {name}\n    generation: {generation}\n    size: {size}\n"
                    f"    stages: [{', '.join(truth[name])}]\n"
                    f"    source: \"stages from botocore {version}; specs to fill from EC2 DescribeInstanceTypes\"\n"
                    f"    as_of: {as_of}\n")
    text = path.read_text(encoding="utf-8")
    write_user_file(path, text + ("" if text.endswith("\n") else "\n") + "".join(rows))
    return names


def sync_file(path: Path) -> list[StageChange]:
    """Rewrite `stages` (and `botocore_version`) in an instance_types.yaml in place; returns what changed."""
    from ruamel.yaml import YAML  # deferred: ruamel.yaml loads only when a knowledge file is rewritten

    yaml = YAML()  # round-trip: comments, order and quoting survive
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(  # keep `accelerator: null` explicit, as authors write it
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null"))
    doc = yaml.load(path.read_text(encoding="utf-8"))
    entries = doc["instance_types"]
    changes = stage_differences({e["name"]: tuple(e["stages"]) for e in entries})
    by_name = {c.instance_type: c for c in changes}
    for entry in entries:
        change = by_name.get(entry["name"])
        if change and change.after:
            flow = entry["stages"]
            flow.clear()
            flow.extend(change.after)
    version = botocore_version()
    if changes or doc.get("botocore_version") != version:
        if "botocore_version" in doc:
            doc["botocore_version"] = version
        else:
            doc.insert(0, "botocore_version", version)
        out = StringIO()
        yaml.dump(doc, out)
        write_user_file(path, out.getvalue())
    return changes
