"""Checked-in JSON Schemas match the models, and every YAML file points its editor at one."""

from __future__ import annotations

from pathlib import Path

from advisor.resources import shipped_dir
from advisor.schemas import SCHEMA_MODELS, stale_schemas

ROOT = Path(__file__).resolve().parents[1]


def test_schemas_are_not_stale() -> None:
    assert stale_schemas(shipped_dir("schemas")) == [], "run `advisor kb schemas`"


def test_every_yaml_file_names_an_existing_schema() -> None:
    files = [p for folder in ("rules", "quizzes", "pricing_data") for p in (ROOT / folder).rglob("*.yaml")]
    assert files
    for path in files:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1].strip()).resolve()
        assert target.is_file(), f"{path}: {target} does not exist"
        assert target.name.removesuffix(".schema.json") in SCHEMA_MODELS
