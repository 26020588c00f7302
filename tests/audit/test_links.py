"""What one resource of an input says about another (advisor/audit/links.py): an on-failure destination named
by an event invoke configuration meets LM-09 on its function, and a model that only serverless endpoints serve
is not asked for what serverless endpoints do not support (SM-MD-01..04)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.audit import audit_paths
from advisor.knowledge.loader import load_knowledge

K = load_knowledge()
CFN = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Queue: {Type: AWS::SQS::Queue}
  Kept:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.13, Handler: a.h, Role: r, Code: {ZipFile: x}}
  KeptConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref Kept
      Qualifier: $LATEST
      DestinationConfig: {OnFailure: {Destination: !GetAtt Queue.Arn}}
  RetriesOnly:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.13, Handler: a.h, Role: r, Code: {ZipFile: x}}
  RetriesOnlyConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref RetriesOnly
      Qualifier: $LATEST
      MaximumRetryAttempts: 0
      DestinationConfig: {OnSuccess: {Destination: !GetAtt Queue.Arn}}
  Lone:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.13, Handler: a.h, Role: r, Code: {ZipFile: x}}
  ServerlessModel:
    Type: AWS::SageMaker::Model
    Properties: {ExecutionRoleArn: r, PrimaryContainer: {Image: i}}
  SharedModel:
    Type: AWS::SageMaker::Model
    Properties: {ExecutionRoleArn: r, PrimaryContainer: {Image: i}}
  ServerlessConfig:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - VariantName: a
          ModelName: !GetAtt ServerlessModel.ModelName
          ServerlessConfig: {MaxConcurrency: 2, MemorySizeInMB: 2048}
        - VariantName: b
          ModelName: !GetAtt SharedModel.ModelName
          ServerlessConfig: {MaxConcurrency: 2, MemorySizeInMB: 2048}
  InstanceConfig:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - {VariantName: a, ModelName: !GetAtt SharedModel.ModelName, InstanceType: ml.m5.large, InitialInstanceCount: 2}
"""


def _verdicts(folder: Path) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for f in audit_paths([folder], K, folder).findings:
        out.setdefault((f.resource, f.control), set()).add(f.status)
    return out


def test_an_on_failure_destination_meets_the_dead_letter_control_and_serverless_models_skip_vpc(
        tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(CFN)
    got = _verdicts(tmp_path)
    assert got[("Kept", "LM-09")] == {"pass"}
    assert got[("RetriesOnly", "LM-09")] == {"fail"}  # only an on-success destination: failures are lost
    assert got[("Lone", "LM-09")] == {"fail"}
    for control in ("SM-MD-01", "SM-MD-02", "SM-MD-03"):
        assert ("ServerlessModel", control) not in got  # serverless endpoints support none of them
        assert got[("SharedModel", control)] == {"fail"}  # also served on instances: asked


def test_terraform_requests_and_plans_link_by_reference_or_name(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("""
resource "aws_lambda_function" "scorer" {
  function_name = "scorer"
  runtime       = "python3.13"
}
resource "aws_lambda_function_event_invoke_config" "scorer" {
  function_name = aws_lambda_function.scorer.function_name
  destination_config {
    on_failure {
      destination = aws_sqs_queue.failed.arn
    }
  }
}
resource "aws_sagemaker_model" "m" {
  name = "m"
  primary_container { image = "i" }
}
resource "aws_sagemaker_endpoint_configuration" "e" {
  production_variants {
    model_name = aws_sagemaker_model.m.name
    serverless_config {
      max_concurrency   = 2
      memory_size_in_mb = 2048
    }
  }
}
""")
    (tmp_path / "requests.json").write_text(json.dumps({
        "CreateFunction": {"FunctionName": "ingest", "Runtime": "python3.13"},
        "PutFunctionEventInvokeConfig": {
            "FunctionName": "arn:aws:lambda:us-east-1:111122223333:function:ingest:live",
            "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:111122223333:dlq"}}}}))
    got = _verdicts(tmp_path)
    assert got[("aws_lambda_function.scorer", "LM-09")] == {"pass"}
    assert not any(r == "aws_sagemaker_model.m" and c.startswith("SM-MD-0") for r, c in got)
    assert got[("CreateFunction:ingest", "LM-09")] == {"pass"}  # named by its ARN and an alias


@pytest.mark.parametrize(("tags", "status"), [
    ({"lambda:createdBy": "SAM", "aws:cloudformation:stack-name": "s"}, "fail"),  # SAM's and AWS's own
    ({"lambda:createdBy": "SAM", "team": "ml"}, "pass"),
])
def test_tags_a_deployment_tool_adds_by_itself_do_not_tag_a_function(tmp_path: Path, tags: dict[str, str],
                                                                      status: str) -> None:
    """The same function read back from the account (ListTags) after SAM deployed it."""
    (tmp_path / "requests.json").write_text(json.dumps({"CreateFunction": {"FunctionName": "f", "Tags": tags}}))
    assert _verdicts(tmp_path)[("CreateFunction:f", "LM-15")] == {status}


def test_a_terraform_module_is_linked_across_its_files(tmp_path: Path) -> None:
    """An expert keeps the function in lambda.tf and its asynchronous settings in async.tf: one module."""
    (tmp_path / "lambda.tf").write_text('resource "aws_lambda_function" "f" {\n  function_name = "f"\n'
                                        '  runtime = "python3.13"\n}\n')
    (tmp_path / "async.tf").write_text(
        'resource "aws_lambda_function_event_invoke_config" "f" {\n  function_name = aws_lambda_function.f.arn\n'
        '  destination_config {\n    on_failure {\n      destination = "arn:aws:sqs:us-east-1:111122223333:q"\n'
        '    }\n  }\n}\n')
    assert _verdicts(tmp_path)[("aws_lambda_function.f", "LM-09")] == {"pass"}
