"""`advisor kb` on instance types and accelerators: validation and browsing of the larger knowledge."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import replace_in


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a child process, as a user's shell would run it."""
    return subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True, text=True,
                          env=os.environ.copy(), timeout=120)


def test_validate_refuses_an_accelerator_without_memory(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "accelerators.yaml"
    replace_in(path, "    memory_gib_per_device: [22.35]\n", "", count=1)
    result = run("kb", "validate", str(rules_copy))
    assert result.returncode == 2
    assert "knowledge/accelerators.yaml:" in result.stderr and "memory_gib_per_device" in result.stderr
    assert "Traceback" not in result.stderr


def _drop_type(path: Path, name: str) -> None:
    """Remove one type's row (from its `- name:` line to the next one)."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - name: {name}\n")
    end = text.index("  - name: ", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")


def test_sync_reports_types_botocore_has_that_we_lack_and_write_adds_their_stages(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "instance_types.yaml"
    _drop_type(path, "ml.g6e.2xlarge")
    check = run("kb", "sync-botocore", "--check", str(rules_copy))
    assert check.returncode == 1
    assert "1 types in botocore 1.44.5 that the knowledge lacks: ml.g6e.2xlarge" in check.stdout
    write = run("kb", "sync-botocore", "--write", str(rules_copy))
    assert write.returncode == 0 and "appended them" in write.stdout
    assert "  - name: ml.g6e.2xlarge\n    generation: g6e\n    size: 2xlarge\n" \
           "    stages: [notebook, training, hosting, batch_transform, processing]\n" in path.read_text()
    validate = run("kb", "validate", str(rules_copy))  # the specs are left to fill, and validation says which
    assert validate.returncode == 2
    for field in ("family", "vcpu", "memory_gib", "instance_storage_gb"):
        assert f".{field}: " in validate.stderr, field


def test_sync_reports_types_botocore_dropped(rules_copy: Path) -> None:
    path = rules_copy / "knowledge" / "instance_types.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - name: ml.t2.medium\n    family: t\n    generation: t2\n    size: medium\n",
                                 "  - name: ml.t2.small\n    family: t\n    generation: t2\n    size: small\n", 1),
                    encoding="utf-8")
    result = run("kb", "sync-botocore", "--check", str(rules_copy))
    assert result.returncode == 2
    assert "in no botocore 1.44.5 enum, remove them from the knowledge: ml.t2.small" in result.stderr
    assert "that the knowledge lacks: ml.t2.medium" in result.stdout


def _show(*args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "advisor", "kb", "show", "types", *args], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": str(columns)}, timeout=120)


def _json(*args: str) -> list[dict]:  # type: ignore[type-arg]
    import json

    result = _show(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_filters_by_accelerator_memory_and_vcpu() -> None:
    h100 = _json("--accelerator", "h100")
    assert {r["name"] for r in h100} == {"ml.p5.4xlarge", "ml.p5.48xlarge"}
    neuron = _json("--accelerator", "aws", "--stage", "training")
    assert neuron and all(r["accelerator"]["vendor"] == "aws" and "training" in r["stages"] for r in neuron)
    assert not any(r["accelerator"]["model"] == "Inferentia" for r in neuron)  # Inf1 never trains
    big_cpu = _json("--accelerator", "none", "--memory", "1024-", "--vcpu", "-128")
    assert big_cpu and all(not r["accelerator"] and r["memory_gib"] >= 1024 and r["vcpu"] <= 128 for r in big_cpu)
    assert {r["vcpu"] for r in _json("--family", "g", "--vcpu", "4")} == {4}
    assert _json("--family", "G") == _json("--family", "g")  # the chapter writes G; an accelerator matched in any case


def test_filters_that_match_nothing_say_so() -> None:
    """An empty table's headings were all `--memory 1000000-` printed: no word of why."""
    result = _show("--memory", "1000000-", "--vcpu", "-4")
    assert result.returncode == 0 and "no instance type matches --memory and --vcpu together" in result.stdout
    assert "┏" not in result.stdout


def test_bad_filters_are_usage_errors() -> None:
    for args, message in ((("--accelerator", "tpu"), "unknown accelerator 'tpu'"),
                          (("--memory", "lots"), "is not a range"), (("--vcpu", "8-4"), "low end is above"),
                          # a huge number is inf and nan matches nothing: both gave an empty table and exit 0
                          (("--memory=1e999-",), "each end is a finite number"), (("--vcpu", "nan"), "finite")):
        result = _show(*args)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    other = subprocess.run([sys.executable, "-m", "advisor", "kb", "show", "families", "--vcpu", "4"],
                           capture_output=True, text=True, timeout=120)
    assert other.returncode == 2 and "apply to `advisor kb show types` only" in other.stderr


def test_types_table_fits_80_columns_without_splitting_a_type_name() -> None:
    result = _show()
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    shown = {word for line in lines for word in line.replace("│", " ").split()}
    assert {r["name"] for r in _json()} <= shown  # every type name whole, on one line
    assert {"batch_transform", "processing"} <= {w.strip(",") for w in shown}  # stage names never split


def test_a_narrow_table_keeps_its_rules() -> None:
    result = _show("--family", "p-grace")
    assert result.returncode == 0 and "┃ type" in result.stdout and "ml.p6e-gb200.36xlarge" in result.stdout


def test_show_accelerators_lists_every_model_the_types_use() -> None:
    import json

    result = subprocess.run([sys.executable, "-m", "advisor", "kb", "show", "accelerators", "--format", "json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    models = {a["model"]: a for a in json.loads(result.stdout)}
    assert {r["accelerator"]["model"] for r in _json("--accelerator", "any")} <= set(models)
    assert models["Inferentia"]["decoder_llms"] is False and models["Trainium2"]["needs_compilation"] is True
    table = subprocess.run([sys.executable, "-m", "advisor", "kb", "show", "accelerators"], capture_output=True,
                           text=True, env={**os.environ, "COLUMNS": "80"}, timeout=120)
    assert table.returncode == 0 and max(map(len, table.stdout.splitlines())) <= 80
    assert "Inferentia2" in table.stdout.split()
