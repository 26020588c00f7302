"""The python format: a script that compiles, carries exactly the requests, and sends nothing unfilled."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from advisor.builders.script import constant, to_script
from tests.builders.conftest import EXAMPLE_NAMES, VARIANT_NAMES, variant


def _namespace(source: str) -> dict[str, Any]:
    """The script's module globals, without running main()."""
    namespace: dict[str, Any] = {"__name__": "generated"}
    exec(compile(source, "generated.py", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("name", EXAMPLE_NAMES + VARIANT_NAMES)
def test_the_script_carries_exactly_the_requests(name: str, example: Any, custom: Any) -> None:
    """Unfilled, each constant holds its <<name>>, so the rendered requests must equal the built ones."""
    _, _, rs = example(name) if name in EXAMPLE_NAMES else variant(custom, name)
    namespace = _namespace(to_script(rs))
    for operation, params in rs.requests.items():
        assert namespace[constant(operation)] == params, operation
    assert set(namespace["PLACEHOLDERS"]) == {constant(p.name) for p in rs.placeholders}
    assert namespace["unfilled"]() == list(namespace["PLACEHOLDERS"])  # every one still holds its <<name>>


def test_placeholders_sit_at_the_top_and_fill_every_use(example: Any) -> None:
    _, _, rs = example("fraud-detector", canary_percent=20)
    source = to_script(rs)
    top = source.index("# ---- placeholders")
    assert top < source.index("# ---- the requests")
    assert 'BUCKET = "<<bucket>>"' in source and 'SECURITY_GROUP_IDS = ["<<security_group_ids>>"]' in source
    assert 'f"s3://{BUCKET}/fraud-detector/output/"' in source
    filled = source.replace('BUCKET = "<<bucket>>"', 'BUCKET = "my-bucket"').replace(
        'SECURITY_GROUP_IDS = ["<<security_group_ids>>"]', 'SECURITY_GROUP_IDS = ["sg-1", "sg-2"]')
    namespace = _namespace(filled)
    training = namespace["CREATE_TRAINING_JOB"]
    assert training["OutputDataConfig"]["S3OutputPath"] == "s3://my-bucket/fraud-detector/output/"
    assert training["VpcConfig"]["SecurityGroupIds"] == ["sg-1", "sg-2"]
    assert "BUCKET" not in namespace["unfilled"]()
    assert namespace["CREATE_STATE_MACHINE"]["definition"] == rs.requests["CreateStateMachine"]["definition"]


def test_it_waits_only_for_output_a_later_request_reads(example: Any) -> None:
    source = to_script(example("fraud-detector")[2])
    body = source[source.index("def main"):]
    order = [body.index(s) for s in ("send(\"CreateProcessingJob\"", "wait_for(sagemaker, \"processing_job",
                                     "send(\"CreateTrainingJob\"", "send(\"CreateHyperParameterTuningJob\"",
                                     "wait_for(sagemaker, \"training_job", "send(\"CreateModel\"")]
    assert order == sorted(order)
    assert "wait_for(sagemaker" not in to_script(example("churn-quick-train")[2]).split("def main")[1]


def test_unfilled_it_refuses_to_send(example: Any, tmp_path: Path) -> None:
    script = tmp_path / "requests.py"
    script.write_text(to_script(example("churn-quick-train")[2]), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9"  # discard port: anything sent would fail loudly
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    assert "fill in these placeholders at the top of this script first: " in done.stderr
    assert "BUCKET" in done.stderr and "Traceback" not in done.stderr
