"""`advisor audit --live`: today's configuration read from the account through boto3, read-only.

Only List*/Describe*/Get* calls, paginated, with the standard credential chain and the `standard` retry
mode. Describe responses use the same field names as the Create requests the catalog speaks of, so each
resource is judged as if it were the request that created it; the few renamed fields are mapped below.
The IAM permissions this needs are listed in LIVE_PERMISSIONS (and in the README).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from advisor.audit.model import Resource, Skipped
from advisor.errors import AuditError


@dataclass(frozen=True)
class LiveType:
    operation: str  # the Create* operation the catalog names
    list_op: str
    list_key: str
    name_key: str
    describe_op: str
    describe_arg: str
    arn_key: str
    renames: tuple[tuple[str, str], ...] = ()


SAGEMAKER = (
    LiveType("CreateNotebookInstance", "list_notebook_instances", "NotebookInstances", "NotebookInstanceName",
             "describe_notebook_instance", "NotebookInstanceName", "NotebookInstanceArn",
             (("SecurityGroups", "SecurityGroupIds"),)),
    LiveType("CreateModel", "list_models", "Models", "ModelName", "describe_model", "ModelName", "ModelArn"),
    LiveType("CreateEndpointConfig", "list_endpoint_configs", "EndpointConfigs", "EndpointConfigName",
             "describe_endpoint_config", "EndpointConfigName", "EndpointConfigArn"),
    LiveType("CreateTrainingJob", "list_training_jobs", "TrainingJobSummaries", "TrainingJobName",
             "describe_training_job", "TrainingJobName", "TrainingJobArn"),
    LiveType("CreateHyperParameterTuningJob", "list_hyper_parameter_tuning_jobs", "HyperParameterTuningJobSummaries",
             "HyperParameterTuningJobName", "describe_hyper_parameter_tuning_job", "HyperParameterTuningJobName",
             "HyperParameterTuningJobArn"),
    LiveType("CreateProcessingJob", "list_processing_jobs", "ProcessingJobSummaries", "ProcessingJobName",
             "describe_processing_job", "ProcessingJobName", "ProcessingJobArn"),
    LiveType("CreateTransformJob", "list_transform_jobs", "TransformJobSummaries", "TransformJobName",
             "describe_transform_job", "TransformJobName", "TransformJobArn"),
    LiveType("CreateDomain", "list_domains", "Domains", "DomainId", "describe_domain", "DomainId", "DomainArn"),
    LiveType("CreateFeatureGroup", "list_feature_groups", "FeatureGroupSummaries", "FeatureGroupName",
             "describe_feature_group", "FeatureGroupName", "FeatureGroupArn"),
    LiveType("CreateMonitoringSchedule", "list_monitoring_schedules", "MonitoringScheduleSummaries",
             "MonitoringScheduleName", "describe_monitoring_schedule", "MonitoringScheduleName",
             "MonitoringScheduleArn"),
    LiveType("CreateDataQualityJobDefinition", "list_data_quality_job_definitions", "JobDefinitionSummaries",
             "MonitoringJobDefinitionName", "describe_data_quality_job_definition", "JobDefinitionName",
             "JobDefinitionArn"),
    LiveType("CreateModelQualityJobDefinition", "list_model_quality_job_definitions", "JobDefinitionSummaries",
             "MonitoringJobDefinitionName", "describe_model_quality_job_definition", "JobDefinitionName",
             "JobDefinitionArn"),
    LiveType("CreateModelBiasJobDefinition", "list_model_bias_job_definitions", "JobDefinitionSummaries",
             "MonitoringJobDefinitionName", "describe_model_bias_job_definition", "JobDefinitionName",
             "JobDefinitionArn"),
    LiveType("CreateModelExplainabilityJobDefinition", "list_model_explainability_job_definitions",
             "JobDefinitionSummaries", "MonitoringJobDefinitionName", "describe_model_explainability_job_definition",
             "JobDefinitionName", "JobDefinitionArn"),
    LiveType("CreateInferenceExperiment", "list_inference_experiments", "InferenceExperiments", "Name",
             "describe_inference_experiment", "Name", "Arn"),
    LiveType("CreateNotebookInstanceLifecycleConfig", "list_notebook_instance_lifecycle_configs",
             "NotebookInstanceLifecycleConfigs", "NotebookInstanceLifecycleConfigName",
             "describe_notebook_instance_lifecycle_config", "NotebookInstanceLifecycleConfigName",
             "NotebookInstanceLifecycleConfigArn"),
)

#: What `--live` calls, for the IAM policy of whoever runs it (all read-only).
LIVE_PERMISSIONS = sorted(
    {"sagemaker:" + "".join(w.capitalize() for w in t.list_op.split("_")) for t in SAGEMAKER}
    | {"sagemaker:" + "".join(w.capitalize() for w in t.describe_op.split("_")) for t in SAGEMAKER}
    | {"sagemaker:ListTags", "lambda:ListFunctions", "lambda:GetPolicy", "lambda:GetFunctionConcurrency",
       "lambda:ListFunctionUrlConfigs", "lambda:ListTags", "sts:GetCallerIdentity"})


def read_live(regions: list[str] | None, profile: str | None) -> Iterator[Resource | Skipped]:
    """Resources of every covered type in each region; AuditError (one line) without credentials or network.

    A call refused for one resource type (access denied, not offered in the region) skips that type with the
    reason; the rest of the account is still audited.
    """
    import boto3
    import botocore.exceptions as bx
    from botocore.config import Config

    try:
        session = boto3.Session(profile_name=profile)
    except bx.ProfileNotFound as exc:
        raise AuditError(f"--live: {exc}") from None
    config = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=20)
    for region in regions or [session.region_name or "us-east-1"]:
        try:
            session.client("sts", region_name=region, config=config).get_caller_identity()
        except bx.NoCredentialsError:
            raise AuditError("--live: no AWS credentials found (environment, profile, SSO or instance role)") from None
        except (bx.EndpointConnectionError, bx.ConnectTimeoutError, bx.ReadTimeoutError) as exc:
            raise AuditError(f"--live: cannot reach AWS in {region} ({type(exc).__name__})") from None
        except bx.ClientError as exc:
            raise AuditError(f"--live: {exc.response.get('Error', {}).get('Code', 'error')}: "
                             f"{exc.response.get('Error', {}).get('Message', '')}") from None
        except bx.BotoCoreError as exc:
            raise AuditError(f"--live: {exc}") from None
        sm = session.client("sagemaker", region_name=region, config=config)
        for live_type in SAGEMAKER:
            try:
                yield from list(_sagemaker(sm, live_type, region))
            except _Refused as exc:
                yield Skipped(f"live:{region}:{live_type.operation.removeprefix('Create')}", str(exc))
        try:
            yield from list(_lambda(session.client("lambda", region_name=region, config=config), region))
        except _Refused as exc:
            yield Skipped(f"live:{region}:lambda", str(exc))


class _Refused(Exception):
    """AWS refused a read for one resource type."""


def _pages(client: Any, op: str, key: str) -> Iterator[dict[str, Any]]:
    if client.can_paginate(op):
        for page in client.get_paginator(op).paginate():
            yield from page.get(key, [])
    else:
        yield from getattr(client, op)().get(key, [])


def _listed(client: Any, op: str, key: str) -> list[dict[str, Any]]:
    return list(_pages(client, op, key))


def _safely(what: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    import botocore.exceptions as bx

    try:
        return call(*args, **kwargs)
    except bx.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("ResourceNotFoundException", "ValidationException", "ResourceNotFound"):
            return None
        message = str(exc.response.get("Error", {}).get("Message", "")).splitlines()[0][:200] if \
            exc.response.get("Error", {}).get("Message") else ""
        raise _Refused(f"{what}: {code or 'error'}{': ' + message if message and '<' not in message else ''}") \
            from None
    except bx.BotoCoreError as exc:
        raise _Refused(f"{what}: {type(exc).__name__}") from None


def _sagemaker(client: Any, t: LiveType, region: str) -> Iterator[Resource]:
    summaries = _safely(t.list_op, _listed, client, t.list_op, t.list_key)
    for summary in summaries or []:
        name = summary.get(t.name_key)
        if not name:
            continue
        described = _safely(t.describe_op, getattr(client, t.describe_op), **{t.describe_arg: name})
        if not described:
            continue
        described.pop("ResponseMetadata", None)
        for old, new in t.renames:
            if old in described:
                described[new] = described.pop(old)
        arn = str(described.get(t.arn_key) or f"{t.operation}:{name}")
        if arn and ("Tags" not in described) and described.get(t.arn_key):
            tags = _safely("list_tags", client.list_tags, ResourceArn=arn)
            if tags is not None:
                described["Tags"] = tags.get("Tags", [])
        yield Resource(kind="live", type=t.operation, name=arn, properties=described, file=None)


def _lambda(client: Any, region: str) -> Iterator[Resource]:
    for fn in _safely("list_functions", _listed, client, "list_functions", "Functions") or []:
        arn = fn["FunctionArn"]
        props = dict(fn)
        concurrency = _safely("get_function_concurrency", client.get_function_concurrency, FunctionName=arn)
        if concurrency and "ReservedConcurrentExecutions" in concurrency:
            props["ReservedConcurrentExecutions"] = concurrency["ReservedConcurrentExecutions"]
        tags = _safely("list_tags", client.list_tags, Resource=arn)
        props["Tags"] = (tags or {}).get("Tags", {})
        props["Layers"] = [layer.get("Arn") for layer in fn.get("Layers", []) or []]
        yield Resource(kind="live", type="CreateFunction", name=arn, properties=props)
        yield Resource(kind="live", type="PutFunctionConcurrency", name=arn, properties=props)
        policy = _safely("get_policy", client.get_policy, FunctionName=arn)
        if policy and policy.get("Policy"):
            for statement in json.loads(policy["Policy"]).get("Statement", []):
                yield Resource(kind="live", type="AddPermission", name=f"{arn}#{statement.get('Sid', '')}",
                               properties=_permission(statement))
        urls = _safely("list_function_url_configs", client.list_function_url_configs, FunctionName=arn)
        for url in (urls or {}).get("FunctionUrlConfigs", []):
            yield Resource(kind="live", type="CreateFunctionUrlConfig", name=url.get("FunctionUrl", arn),
                           properties=url)


def _permission(statement: dict[str, Any]) -> dict[str, Any]:
    """A policy statement as the AddPermission request that would have written it."""
    principal = statement.get("Principal")
    if isinstance(principal, dict):
        principal = principal.get("Service") or principal.get("AWS") or "*"
    conditions = statement.get("Condition", {}) or {}
    source_arn = (conditions.get("ArnLike", {}) or {}).get("AWS:SourceArn")
    source_account = (conditions.get("StringEquals", {}) or {}).get("AWS:SourceAccount")
    props: dict[str, Any] = {"Principal": principal, "Action": statement.get("Action")}
    if source_arn:
        props["SourceArn"] = source_arn
    if source_account:
        props["SourceAccount"] = source_account
    return props
