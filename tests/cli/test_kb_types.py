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
