"""advisor.records: records validated by pydantic from YAML, rebuilt from plain data without it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal, NamedTuple

import pytest
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError

from advisor.records import ShapeError, UnknownDeclaration, adapter, build, fields_of, record, to_plain


@record
class Leaf(NamedTuple):
    """A test on one field."""

    field: str
    value: bool | int | float | str | tuple[int | float | str, ...] | None = None

    def _check(self, context: dict[str, Any] | None) -> None:
        if context is not None and self.field not in context["fields"]:
            raise ValueError(f"unknown field {self.field!r}")


@record
class All(NamedTuple):
    all: Annotated[tuple[Condition, ...], Field(min_length=1)]


@record
class Not(NamedTuple):
    not_: Annotated[Condition, Field(alias="not")]


def _kind(raw: Any) -> str:
    if isinstance(raw, dict):
        return "all" if "all" in raw else "not" if "not" in raw else "leaf"
    return {All: "all", Not: "not"}.get(type(raw), "leaf")


Condition = Annotated[Annotated[Leaf, Tag("leaf")] | Annotated[All, Tag("all")] | Annotated[Not, Tag("not")],
                      Discriminator(_kind)]


@record
class Part(NamedTuple):
    kind: Literal["gpu", "cpu"]
    count: Annotated[int, Field(ge=1)]
    memory: Annotated[float, Field(gt=0)] = 1.0


@record
class Thing(NamedTuple):
    """A thing with one of everything."""

    id: Annotated[str, Field(description="its id")]
    as_of: dt.date
    part: Part | None = None
    main: Annotated[Part, Field(description="a record under Annotated")] = Part("cpu", 1)
    parts: tuple[Part, ...] = ()
    when: Condition | None = None
    paths: dict[str, str] = {}
    examples: tuple[dict[str, Any], ...] = ()
    location: tuple[Annotated[float, Field(ge=-90, le=90)], float] = (0.0, 0.0)


class ThingsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    things: tuple[Thing, ...]


THINGS = [
    {"id": "a", "as_of": "2026-01-02", "part": {"kind": "gpu", "count": 2, "memory": 16},
     "parts": [{"kind": "cpu", "count": 1}], "main": {"kind": "gpu", "count": 8}, "paths": {"x": "y"},
     "examples": [{"data": {"size_gb": 3}}],
     "location": [50, 8.5],
     "when": {"all": [{"field": "f", "value": 3}, {"not": {"field": "g", "value": ["a", 2, 2.5]}},
                      {"field": "h", "value": True}, {"field": "i"}]}},
    {"id": "b", "as_of": "2025-12-31"},
]


def test_records_built_from_plain_data_equal_the_validated_ones() -> None:
    validated = ThingsFile.model_validate({"things": THINGS}).things
    rebuilt = build(tuple[Thing, ...], json.loads(json.dumps(to_plain(validated))))
    assert rebuilt == validated
    assert [type(x) for x in rebuilt] == [Thing, Thing]
    assert rebuilt[0].when.all[1].not_.value == ("a", 2, 2.5)  # type: ignore[union-attr]
    assert isinstance(rebuilt[0].part.memory, float) and rebuilt[0].as_of == dt.date(2026, 1, 2)  # type: ignore[union-attr]
    assert rebuilt[1].parts == () and rebuilt[1].when is None


@pytest.mark.parametrize("data", [
    [{"id": "a"}],                                                      # a required field missing
    [{"id": "a", "as_of": "2026-01-01", "colour": "red"}],              # an unknown key
    {"id": "a", "as_of": "2026-01-01"},                                 # a mapping where a list is due
    [["a", "2026-01-01"]],                                              # a list where a record is due
    [{"id": "a", "as_of": "2026-01-01", "part": {"kind": "gpu"}}],     # a nested record's field missing
    [{"id": "a", "as_of": "2026-01-01", "parts": "ab"}],                # text where a tuple is due
    [{"id": "a", "as_of": "2026-01-01", "when": {"all": {"field": "f"}}}],         # a mapping where a list is due
    [{"id": "a", "as_of": "2026-01-01", "when": {"field": "f", "bogus": 1}}],      # keys fitting no member
    [{"id": "a", "as_of": "2026-01-01", "location": [1.0]}],            # a fixed tuple of the wrong length
    [{"id": "a", "as_of": "yesterday"}],                                # not a date
])
def test_data_of_another_shape_is_refused(data: Any) -> None:
    with pytest.raises(ShapeError):
        build(tuple[Thing, ...], data)


def test_the_adapter_validates_as_a_model_would() -> None:
    things = adapter(tuple[Thing, ...])
    assert things.validate_python(THINGS) == ThingsFile.model_validate({"things": THINGS}).things
    cases = [
        ({"id": "a", "as_of": "2026-01-01", "colour": "red"}, "extra_forbidden", (0, "colour")),
        (["a", "2026-01-01"], "model_type", (0,)),
        ({"id": "a", "as_of": "2026-01-01", "parts": [{"kind": "gpu", "count": 0}]}, "greater_than_equal",
         (0, "parts", 0, "count")),
        ({"id": "a", "as_of": "2026-01-01", "part": {"kind": "gpu", "count": 1, "memory": float("inf")}},
         "finite_number", (0, "part", "memory")),
    ]
    for data, kind, loc in cases:
        with pytest.raises(ValidationError) as caught:
            things.validate_python([data])
        assert (kind, loc) in {(e["type"], e["loc"]) for e in caught.value.errors()}


def test_a_records_check_runs_after_its_fields_with_the_context() -> None:
    conditions = adapter(Condition)
    data = {"all": [{"field": "f", "value": 1}, {"not": {"field": "zz"}}]}
    assert conditions.validate_python(data, context=None) == All((Leaf("f", 1), Not(Leaf("zz"))))
    with pytest.raises(ValidationError, match="unknown field 'zz'"):
        conditions.validate_python(data, context={"fields": {"f"}})
    with pytest.raises(ValidationError, match="unknown field 'zz'"):  # inside a model too
        ThingsFile.model_validate({"things": [{"id": "a", "as_of": "2026-01-01", "when": {"field": "zz"}}]},
                                  context={"fields": {"f"}})


def test_a_built_record_is_kept_as_it_is() -> None:
    leaf = Leaf("f", 1)
    assert adapter(Condition).validate_python(leaf) is leaf


def test_json_schema_describes_the_mapping_yaml_writes() -> None:
    schema = ThingsFile.model_json_schema()
    thing = schema["$defs"]["Thing"]
    assert thing["type"] == "object" and thing["additionalProperties"] is False
    assert thing["required"] == ["id", "as_of"] and thing["description"] == "A thing with one of everything."
    assert thing["properties"]["id"]["description"] == "its id"
    assert schema["$defs"]["Not"]["required"] == ["not"]
    assert "description" not in schema["$defs"]["Part"]  # NamedTuple's generated "Part(kind, ...)" is not kept


def test_fields_of_names_keys_as_yaml_writes_them() -> None:
    assert list(fields_of(Not)) == ["not"]
    assert list(fields_of(Part)) == ["kind", "count", "memory"]
    assert list(fields_of(ThingsFile)) == ["things"]


def test_a_type_the_builder_does_not_know_is_a_bug_not_a_miss() -> None:
    @record
    class Odd(NamedTuple):
        when: set[str]

    with pytest.raises(UnknownDeclaration):
        build(Odd, {"when": ["a"]})
