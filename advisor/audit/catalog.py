"""The control catalog as the audit reads it: plain frozen records built from the validated knowledge's data.

An audit run needs the controls and nothing else of the knowledge (not the 385 instance types, nor the
decisions), and it needs them as data to read, not as models to validate. So a run reads the validated
knowledge's cached plain data (`knowledge_data`, the same cache `kb show` reads) and never imports pydantic;
a caller holding a `Knowledge` (the tests, the Python API) passes it and gets the same records from its
controls. The records carry exactly the fields of `SecurityControl`, `Setting` and `Condition` the checks read,
under the same names.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from advisor.records import to_plain

if TYPE_CHECKING:
    from advisor.knowledge.models import Knowledge

Scalar = str | int | float | bool


@dataclass(frozen=True, slots=True)
class Condition:
    """When a setting applies, or what meets it another way: another field of the same resource (see
    knowledge.models.Condition)."""

    check: str
    field: str | None = None
    value: Scalar | None = None
    aws_default: Scalar | None = None
    cfn: Mapping[str, str] = dataclasses.field(default_factory=dict)
    tf: Mapping[str, str] = dataclasses.field(default_factory=dict)
    says: str | None = None


@dataclass(frozen=True, slots=True)
class Setting:
    """One field a control judges and how (see knowledge.models.Setting)."""

    operation: str
    field: str
    judged_by: str
    value: Scalar | None = None
    values: tuple[Scalar, ...] = ()
    placeholder: str | None = None
    aws_default: Scalar | None = None
    when: tuple[Condition, ...] = ()
    satisfied_by: tuple[Condition, ...] = ()
    cfn: Mapping[str, str] = dataclasses.field(default_factory=dict)
    tf: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: AWS refuses the field for instance types with local NVMe storage (their volumes are encrypted by the
    #: instance's hardware): it does not apply to a resource that runs on one
    requires_ebs: bool = False
    #: with requires_ebs: one instance type keeping its volumes on EBS is enough (AWS accepts the field beside
    #: local storage and encrypts only the EBS volumes), where otherwise every type must
    ebs_any: bool = False


@dataclass(frozen=True, slots=True)
class Control:
    """A security control, as findings and SARIF rules name and explain it (see knowledge.models.SecurityControl)."""

    id: str
    title: str
    severity: str
    why: str
    pass_condition: str
    tradeoff: str
    chapter_topic: str
    anchors: Mapping[str, str]
    settings: tuple[Setting, ...]


@dataclass(frozen=True, slots=True)
class Catalog:
    controls: tuple[Control, ...]
    #: the ml.* instance types with local NVMe instance storage (instance_types.yaml, instance_storage_gb > 0)
    local_storage: frozenset[str] = frozenset()
    #: (SAM type, property) -> the type SAM generates, which has the property SAM cannot carry (see
    #: knowledge.models.SamCannotSet)
    sam_cannot_set: Mapping[tuple[str, str], str] = dataclasses.field(default_factory=dict)

    def by_id(self) -> dict[str, Control]:
        return {c.id: c for c in self.controls}


def judged_by(check: str | None, value: Any) -> str:
    """The check a setting gets: its own, else equals when it names a value, else present.

    The same rule as knowledge.models.Setting.judged_by (a test holds the two together for every setting)."""
    return check or ("equals" if value is not None else "present")


def _condition(data: Mapping[str, Any]) -> Condition:
    return Condition(check=data["check"], field=data.get("field"), value=data.get("value"),
                     aws_default=data.get("aws_default"), cfn=data.get("cfn") or {}, tf=data.get("tf") or {},
                     says=data.get("says"))


def _setting(data: Mapping[str, Any]) -> Setting:
    return Setting(operation=data["operation"], field=data["field"],
                   judged_by=judged_by(data.get("check"), data.get("value")), value=data.get("value"),
                   values=tuple(data.get("values") or ()), placeholder=data.get("placeholder"),
                   aws_default=data.get("aws_default"), when=tuple(_condition(c) for c in data.get("when") or ()),
                   satisfied_by=tuple(_condition(c) for c in data.get("satisfied_by") or ()),
                   cfn=data.get("cfn") or {}, tf=data.get("tf") or {}, requires_ebs=bool(data.get("requires_ebs")),
                   ebs_any=bool(data.get("ebs_any")))


def _control(data: Mapping[str, Any]) -> Control:
    return Control(id=data["id"], title=data["title"], severity=data["severity"], why=data["why"],
                   pass_condition=data["pass_condition"], tradeoff=data.get("tradeoff") or "",
                   chapter_topic=data["chapter_topic"],
                   anchors={k: v for k, v in (data.get("anchors") or {}).items() if v},
                   settings=tuple(_setting(s) for s in data["settings"]))


def catalog_from_data(controls: list[Mapping[str, Any]], instance_types: Sequence[Mapping[str, Any]] = (),
                      sam_cannot_set: Sequence[Mapping[str, Any]] = ()) -> Catalog:
    """From the validated knowledge's plain data (`knowledge_data()["security_controls"]`, its `instance_types`
    for the types with local storage and its `sam_cannot_set`)."""
    return Catalog(tuple(_control(c) for c in controls), _local_storage(instance_types),
                   {(row["sam_type"], row["property"]): row["generated"] for row in sam_cannot_set})


def _local_storage(instance_types: Sequence[Mapping[str, Any]]) -> frozenset[str]:
    return frozenset(str(row["name"]) for row in instance_types if row.get("instance_storage_gb"))


@functools.cache
def load_catalog() -> Catalog:
    """The shipped catalog, from the validated knowledge's plain-data cache (validated first if it is cold)."""
    from advisor.knowledge.loader import knowledge_data

    data = knowledge_data()
    return catalog_from_data(data["security_controls"], data.get("instance_types") or (),
                             data.get("sam_cannot_set") or ())


_FROM_KNOWLEDGE: dict[int, tuple[Knowledge, Catalog]] = {}


def catalog_of(source: Catalog | Knowledge) -> Catalog:
    """The catalog itself, or the records of a `Knowledge`'s controls (built once per Knowledge object)."""
    if isinstance(source, Catalog):
        return source
    held = _FROM_KNOWLEDGE.get(id(source))
    if held is None or held[0] is not source:
        held = _FROM_KNOWLEDGE[id(source)] = (
            source, catalog_from_data(to_plain(source.security_controls), to_plain(source.instance_types),
                                      to_plain(source.sam_cannot_set)))
    return held[1]
