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
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from advisor.builders import STATE_MACHINE, RequestSet
from advisor.builders.common import TOKEN
from advisor.builders.script import constant, method, to_script
from tests.builders.conftest import EXAMPLE_NAMES, VARIANT_NAMES, variant

pytestmark = pytest.mark.slow

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
BUCKET = "advisor-test-bucket"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/advisor-test-role"
CURRENT_MODEL = "advisor-current-model"
MOTO_KNOWN_TYPE = "ml.m5.xlarge"
REFUSED_TYPE = re.compile(r"Value '(ml\.[a-z0-9.-]+)' at 'instanceType' failed to satisfy constraint")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto server did not start on {url}")
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """clients(service) against a freshly reset moto, with dummy credentials."""
    import boto3

    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)  # no profile can point anywhere else
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    _reset(moto_url)
    session = boto3.session.Session(region_name=REGION)
    cache: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in cache:
            cache[service] = session.client(service, endpoint_url=moto_url)
        return cache[service]

    _prerequisites(client)
    return client


def _reset(url: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=10).close()


def _prerequisites(client: Any) -> None:
    """What the requests expect to exist already: the roles, the bucket and its code, the model serving today."""
    client("iam").create_role(RoleName="advisor-test-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lambda.amazonaws.com"}}]}))
    client("s3").create_bucket(Bucket=BUCKET)
    client("sagemaker").create_model(ModelName=CURRENT_MODEL, ExecutionRoleArn=ROLE_ARN, PrimaryContainer={
        "Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/current:1"})


def sample(name: str) -> str:
    """A made-up value for a placeholder, shaped as AWS expects it."""
    if name.endswith("_role_arn"):
        return ROLE_ARN
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


@pytest.mark.parametrize("name", EXAMPLE_NAMES + VARIANT_NAMES)
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
    _reset(moto_url)
    _prerequisites(aws)
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
