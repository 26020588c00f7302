"""A moto server on 127.0.0.1 for the tests that send real requests (tests/builders/test_moto.py, the live
audit): dummy credentials, us-east-1, reset before each test, with the roles, bucket and model the generated
requests expect. Nothing reaches beyond the loopback address. Registered as a plugin by tests/conftest.py.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
BUCKET = "advisor-test-bucket"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/advisor-test-role"
CURRENT_MODEL = "advisor-current-model"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    yield from moto_server()


def moto_server(**env: str) -> Iterator[str]:
    """A moto server on a free loopback port (its URL), stopped when the generator closes; `env` configures it
    (INITIAL_NO_AUTH_ACTION_COUNT=n: IAM policies are enforced after the first n requests)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **env})
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
    reset_moto(moto_url)
    session = boto3.session.Session(region_name=REGION)
    cache: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in cache:
            cache[service] = session.client(service, endpoint_url=moto_url)
        return cache[service]

    create_prerequisites(client)
    return client


def reset_moto(url: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=10).close()


def create_prerequisites(client: Any) -> None:
    """What the requests expect to exist already: the roles, the bucket and its code, the model serving today."""
    client("iam").create_role(RoleName="advisor-test-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lambda.amazonaws.com"}}]}))
    client("s3").create_bucket(Bucket=BUCKET)
    client("sagemaker").create_model(ModelName=CURRENT_MODEL, ExecutionRoleArn=ROLE_ARN, PrimaryContainer={
        "Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/current:1"})
