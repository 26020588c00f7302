"""JSON Schemas for every YAML format we read, generated from the pydantic models and records into schemas/.

Editors validate YAML as it is typed through each file's `# yaml-language-server: $schema=...` line; a test
regenerates the schemas and fails when the checked-in copies drift from the models.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from advisor.atomic import write_user_file
from advisor.records import adapter

#: schema file stem -> "module:Model". A new YAML format adds one line here.
SCHEMA_MODELS: dict[str, str] = {
    "families": "advisor.knowledge.files:FamiliesFile",
    "instance_types": "advisor.knowledge.files:InstanceTypesFile",
    "security_controls": "advisor.knowledge.files:SecurityControlsFile",
    "lambda_limits": "advisor.knowledge.files:LambdaLimitsFile",
    "exams": "advisor.knowledge.files:ExamsFile",
    "regions": "advisor.knowledge.files:RegionsFile",
    "accelerators": "advisor.knowledge.files:AcceleratorsFile",
    "algorithms": "advisor.knowledge.files:AlgorithmsFile",
    "hosting_options": "advisor.knowledge.files:HostingOptionsFile",
    "llm_architectures": "advisor.knowledge.files:LlmArchitecturesFile",
    "decision": "advisor.engine.decisions:Decision",
    "workload": "advisor.workload:Workload",
    "price_snapshot": "advisor.pricing.models:PriceSnapshot",
    "quiz_bank": "advisor.quiz.models:QuizBank",
    "questionnaire_draft": "advisor.recommend.questions:Draft",
}


def render_schema(stem: str) -> str:
    module, _, name = SCHEMA_MODELS[stem].partition(":")
    model = getattr(importlib.import_module(module), name)
    schema = model.model_json_schema() if hasattr(model, "model_json_schema") else adapter(model).json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{stem}.schema.json", **schema}
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    """Write every schema; returns the files that changed."""
    changed = []
    for stem in SCHEMA_MODELS:
        path = out_dir / f"{stem}.schema.json"
        text = render_schema(stem)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_user_file(path, text)  # a folder or an unwritable path there: a plain error naming it
            changed.append(path)
    return changed


def stale_schemas(out_dir: Path) -> list[str]:
    """Schema stems whose checked-in file differs from what the models generate now."""
    stale = []
    for stem in SCHEMA_MODELS:
        path = out_dir / f"{stem}.schema.json"
        if not path.exists() or path.read_text(encoding="utf-8") != render_schema(stem):
            stale.append(stem)
    return stale
