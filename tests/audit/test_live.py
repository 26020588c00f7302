"""`advisor audit --live` against a moto server on 127.0.0.1 (dummy credentials, nothing leaves the machine),
and the one-line refusals without credentials or network."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from advisor.cli import main
from tests.support.moto_server import ACCOUNT, REGION, ROLE_ARN

pytestmark = pytest.mark.slow


def _audit(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    code = main(["audit", "--live", "--region", REGION, "--format", "json", *argv])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {}, err


def test_live_account_is_audited_read_only(aws: Any, capsys: pytest.CaptureFixture[str]) -> None:
    sm = aws("sagemaker")
    sm.create_notebook_instance(NotebookInstanceName="open", InstanceType="ml.t3.medium", RoleArn=ROLE_ARN)
    sm.create_notebook_instance(NotebookInstanceName="closed", InstanceType="ml.t3.medium", RoleArn=ROLE_ARN,
                                DirectInternetAccess="Disabled", RootAccess="Disabled",
                                SubnetId="subnet-0123456789abcdef0", SecurityGroupIds=["sg-0123456789abcdef0"],
                                KmsKeyId=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234")
    # (moto 5.2 drops CreateModel.EnableNetworkIsolation, so a passing model cannot be staged here)
    sm.create_endpoint_config(EndpointConfigName="two", KmsKeyId=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234",
                              ProductionVariants=[{"VariantName": "a", "ModelName": "advisor-current-model",
                                                   "InitialInstanceCount": 2, "InstanceType": "ml.m5.xlarge"}])
    code, data, err = _audit(capsys)
    assert code == 1, err
    verdict = {(f["resource"].rsplit("/", 1)[-1], f["control"], f["field"]): f["status"] for f in data["findings"]}
    assert verdict[("open", "SM-NB-02", "DirectInternetAccess")] == "fail"  # absent at create: AWS's Enabled
    assert verdict[("closed", "SM-NB-02", "DirectInternetAccess")] == "pass"
    assert verdict[("closed", "SM-NB-04", "SecurityGroupIds")] == "pass"  # Describe's SecurityGroups, mapped
    assert verdict[("two", "SM-EC-04", "ProductionVariants[0].InitialInstanceCount")] == "pass"
    assert verdict[("two", "SM-EC-01", "KmsKeyId")] == "pass"
    assert verdict[("advisor-current-model", "SM-MD-01", "EnableNetworkIsolation")] == "fail"
    assert all(f["file"] is None and f["resource"].startswith("arn:aws:") for f in data["findings"])


def _bare_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true",
               ADVISOR_CACHE_DIR=os.environ.get("ADVISOR_CACHE_DIR", "/tmp/advisor-cache-test"), **extra)
    return env


@pytest.mark.parametrize(("extra", "says"), [
    ({}, "--live: no AWS credentials found"),
    ({"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y", "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
      "AWS_MAX_ATTEMPTS": "1"}, "--live: cannot reach AWS in us-east-1"),
])
def test_live_without_credentials_or_network_says_so_in_one_line(extra: dict[str, str], says: str,
                                                                 tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "advisor", "audit", "--live", "--region", "us-east-1"],
                         capture_output=True, text=True, env=_bare_env(**extra), cwd=tmp_path, timeout=120)
    assert run.returncode == 2
    assert run.stdout == "" and len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert says in run.stderr
    assert list(tmp_path.iterdir()) == []  # writes nothing
