"""The generated requests as AWS would receive them: sent with boto3 to a moto server this test starts on
127.0.0.1, with dummy credentials, in us-east-1. Nothing here reaches beyond the loopback address.

moto's instance-type lists for notebooks and endpoint variants are old (moto 5 refuses ml.m6i.xlarge and
ml.c6i.large, which the advisor picks today). Where moto refuses a type for that reason, THE TEST ONLY swaps it
for ml.m5.xlarge, which moto knows, and records the swap; the requests the product prints are never changed.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from advisor.builders import STATE_MACHINE, RequestSet
from advisor.builders.common import TOKEN
from advisor.builders.script import constant, method, to_script
from tests.builders.conftest import EXAMPLE_NAMES, VARIANT_NAMES, variant
from tests.support.moto_server import ACCOUNT, BUCKET, CURRENT_MODEL, REGION, ROLE_ARN, create_prerequisites, reset_moto

pytestmark = pytest.mark.slow

MOTO_KNOWN_TYPE = "ml.m5.xlarge"
REFUSED_TYPE = re.compile(r"Value '(ml\.[a-z0-9.-]+)' at 'instanceType' failed to satisfy constraint")


def sample(name: str) -> str:
    """A made-up value for a placeholder, shaped as AWS expects it."""
    if name.endswith("_role_arn"):
        return ROLE_ARN
    if name.startswith("hp_"):  # a built-in's Required hyperparameter: any value the API takes (a string)
        return "8"
    if name.endswith("_image_uri"):
        return f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/advisor-test:1"
    fixed = {
        "bucket": BUCKET,
        "kms_key_arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "private_subnet_id": "subnet-0123456789abcdef0",
        "private_subnet_ids": "subnet-0123456789abcdef1",
        "private_subnet_ids_two_azs": "subnet-0123456789abcdef2",
        "security_group_ids": "sg-0123456789abcdef0",
        "model_data_url": f"s3://{BUCKET}/model.tar.gz",
        "current_model_name": CURRENT_MODEL,
        "lambda_handler": "app.handler",
        "lambda_runtime": "python3.13",
        "dead_letter_queue_arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:advisor-dlq",
        "success_topic_arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:advisor-async-success",
        "error_topic_arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:advisor-async-error",
        "capacity_provider_arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:capacity-provider:advisor-test",
        "lifecycle_script_base64": base64.b64encode(b"#!/bin/bash\necho started\n").decode(),
        "environment_without_secrets": "STAGE",
    }
    if name not in fixed:
        pytest.fail(f"no sample value for <<{name}>>: add one to this test")
    return fixed[name]


def fill(value: Any) -> Any:
    """The request with every placeholder filled, as a user would fill it."""
    if isinstance(value, dict):
        if len(value) == 1 and TOKEN.fullmatch(next(iter(value))):  # a map placeholder
            return {sample(TOKEN.fullmatch(next(iter(value))).group(1)): "test"}  # type: ignore[union-attr]
        return {k: fill(v) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v) for v in value]
    if isinstance(value, str):
        return TOKEN.sub(lambda m: sample(m.group(1)), value)
    return value


def send(client: Any, service: str, operation: str, params: dict[str, Any], swaps: dict[str, str]) -> Any:
    """Send one request; where moto refuses only an instance type it does not know, swap it and resend."""
    from botocore.exceptions import ClientError

    call = getattr(client(service), method(operation))
    try:
        return call(**params)
    except ClientError as exc:
        refused = REFUSED_TYPE.search(str(exc))
        if not refused:
            raise
        swaps[refused.group(1)] = MOTO_KNOWN_TYPE
        return send(client, service, operation, json.loads(json.dumps(params).replace(
            f'"{refused.group(1)}"', f'"{MOTO_KNOWN_TYPE}"')), swaps)


def botocore_instance_types() -> set[str]:
    """The notebook and endpoint instance types the installed botocore (AWS's own model) accepts."""
    from advisor.knowledge.botocore_fields import service_model

    model = service_model("sagemaker")
    return set(model.shape_for("InstanceType").enum) | set(model.shape_for("ProductionVariantInstanceType").enum)


def send_all(client: Any, rs: RequestSet) -> dict[str, str]:
    swaps: dict[str, str] = {}
    for operation, params in rs.requests.items():
        service = rs.service_of(operation)
        if service is None:
            continue
        params = fill(params)
        if "S3Key" in params.get("Code", {}):  # the user uploads the function's .zip before creating it
            archive = io.BytesIO()
            with zipfile.ZipFile(archive, "w") as z:
                z.writestr("app.py", "def handler(event, context):\n    return event\n")
            client("s3").put_object(Bucket=BUCKET, Key=params["Code"]["S3Key"], Body=archive.getvalue())
        send(client, service, operation, params, swaps)
    return swaps


#: Variants whose requests moto cannot take: moto 5.2.5 implements no CreateInferenceComponent and wants a ModelName
#: in every production variant, which an endpoint for inference components has not. botocore still validates them
#: (test_validate.py), and test_an_endpoint_for_components_is_all_moto_lacks shows nothing else is refused.
MOTO_LACKS_COMPONENTS = ("llm-components", "cpu-components")


@pytest.mark.parametrize("name", EXAMPLE_NAMES + [v for v in VARIANT_NAMES if v not in MOTO_LACKS_COMPONENTS])
def test_moto_accepts_every_request(name: str, aws: Any, example: Any, custom: Any) -> None:
    _, _, rs = example(name) if name in EXAMPLE_NAMES else variant(custom, name)
    swaps = send_all(aws, rs)
    assert set(swaps) <= botocore_instance_types(), swaps  # moto's list is stale, not our type wrong
    r = rs.requests
    sm = aws("sagemaker")
    if "CreateTrainingJob" in r:
        job = sm.describe_training_job(TrainingJobName=r["CreateTrainingJob"]["TrainingJobName"])
        assert job["ResourceConfig"]["InstanceType"] == r["CreateTrainingJob"]["ResourceConfig"]["InstanceType"]
        assert job["RoleArn"] == ROLE_ARN
    if "CreateEndpoint" in r:
        endpoint = sm.describe_endpoint(EndpointName=r["CreateEndpoint"]["EndpointName"])
        assert endpoint["EndpointStatus"] == "InService"
    if "CreateHyperParameterTuningJob" in r:
        sent = r["CreateHyperParameterTuningJob"]
        got = sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=sent["HyperParameterTuningJobName"])
        assert got["HyperParameterTuningJobConfig"]["Strategy"] == sent["HyperParameterTuningJobConfig"]["Strategy"]
    if "CreateFunction" in r:
        fn = aws("lambda").get_function(FunctionName=r["CreateFunction"]["FunctionName"])["Configuration"]
        assert fn["MemorySize"] == r["CreateFunction"]["MemorySize"]
        assert fn["PackageType"] == r["CreateFunction"]["PackageType"]
    if "CreateStateMachine" in r:
        machines = aws("stepfunctions").list_state_machines()["stateMachines"]
        [machine] = [m for m in machines if m["name"] == r["CreateStateMachine"]["name"]]
        described = aws("stepfunctions").describe_state_machine(stateMachineArn=machine["stateMachineArn"])
        assert json.loads(described["definition"]) == r[STATE_MACHINE]


def test_moto_accepts_the_canary_split(aws: Any, example: Any) -> None:
    _, _, rs = example("fraud-detector", canary_percent=20)
    send_all(aws, rs)
    config = aws("sagemaker").describe_endpoint_config(EndpointConfigName="fraud-detector-endpoint-config")
    weights = {v["VariantName"]: v["InitialVariantWeight"] for v in config["ProductionVariants"]}
    assert weights == {"current": 0.8, "canary": 0.2}


def test_the_python_script_runs_against_moto(aws: Any, moto_url: str, example: Any, tmp_path: Path) -> None:
    """The runnable script, placeholders filled as a user would, run as a user would (python script.py)."""
    _, _, rs = example("fraud-detector", canary_percent=20, lifecycle_config="fraud-setup")
    swaps = send_all(aws, rs)  # a first pass learns which instance types moto refuses
    reset_moto(moto_url)
    create_prerequisites(aws)
    source = to_script(rs)
    unfilled: dict[str, Any] = {"__name__": "generated"}
    exec(compile(source, "generated.py", "exec"), unfilled)
    for p in rs.placeholders:
        value = fill(unfilled[constant(p.name)])
        source, count = re.subn(rf"^{constant(p.name)} = .*$", f"{constant(p.name)} = {value!r}", source,
                                flags=re.M)
        assert count == 1, p.name
    for old, new in swaps.items():  # the test-only swap described at the top of this file
        source = source.replace(f'"{old}"', f'"{new}"')
    script = tmp_path / "fraud_detector_requests.py"
    script.write_text(source, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=os.environ.copy(),
                          timeout=300)
    assert done.returncode == 0, done.stderr
    sent = [line.split(":")[0] for line in done.stdout.splitlines() if not line.startswith("waiting")]
    assert sent == [op for op in rs.requests if op != STATE_MACHINE]
    assert aws("sagemaker").describe_notebook_instance(
        NotebookInstanceName="fraud-detector-notebook")["NotebookInstanceLifecycleConfigName"] == "fraud-setup"


@pytest.mark.parametrize("name", MOTO_LACKS_COMPONENTS)
def test_an_endpoint_for_components_is_all_moto_lacks(name: str, aws: Any, custom: Any) -> None:
    """The inference-components variants' other requests go through moto; only the two it cannot model are left."""
    _, _, rs = variant(custom, name)
    assert {"CreateEndpointConfig", "CreateInferenceComponent"} <= set(rs.requests)
    rest = rs.model_copy(update={"requests": {k: v for k, v in rs.requests.items()
                                              if k not in ("CreateEndpointConfig", "CreateEndpoint",
                                                           "CreateInferenceComponent")}})
    send_all(aws, rest)
