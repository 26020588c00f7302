"""`advisor audit --live`: today's configuration read from the account through boto3, read-only.

Only List*/Describe*/Get* calls, paginated, with the standard credential chain and the `standard` retry
mode. Describe responses use the same field names as the Create requests the catalog speaks of, so each
resource is judged as if it were the request that created it; the few renamed fields are mapped below.
The IAM permissions this needs are listed in LIVE_PERMISSIONS (and in the README).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from advisor.audit.links import link
from advisor.audit.model import Resource, Skipped
from advisor.audit.pipelines import with_steps
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
    #: arguments of the List call (ListModelPackages lists only unversioned packages unless told BOTH)
    list_args: tuple[tuple[str, str], ...] = ()
    #: further Describe arguments taken from the summary under the same name (a user profile's DomainId)
    describe_from_summary: tuple[str, ...] = ()
    #: the key the Describe answer wraps the resource in (DescribeWorkforce's Workforce), if any
    unwrap: str | None = None


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
    LiveType("CreateUserProfile", "list_user_profiles", "UserProfiles", "UserProfileName", "describe_user_profile",
             "UserProfileName", "UserProfileArn", describe_from_summary=("DomainId",)),
    LiveType("CreateCluster", "list_clusters", "ClusterSummaries", "ClusterName", "describe_cluster", "ClusterName",
             "ClusterArn"),
    LiveType("CreateModelCard", "list_model_cards", "ModelCardSummaries", "ModelCardName", "describe_model_card",
             "ModelCardName", "ModelCardArn"),
    LiveType("CreateModelPackage", "list_model_packages", "ModelPackageSummaryList", "ModelPackageArn",
             "describe_model_package", "ModelPackageName", "ModelPackageArn",
             list_args=(("ModelPackageType", "BOTH"),)),
    LiveType("CreateDeviceFleet", "list_device_fleets", "DeviceFleetSummaries", "DeviceFleetName",
             "describe_device_fleet", "DeviceFleetName", "DeviceFleetArn"),
    LiveType("CreateWorkforce", "list_workforces", "Workforces", "WorkforceName", "describe_workforce",
             "WorkforceName", "WorkforceArn", unwrap="Workforce"),
    LiveType("CreatePartnerApp", "list_partner_apps", "Summaries", "Arn", "describe_partner_app", "Arn", "Arn"),
    LiveType("CreateNotebookInstanceLifecycleConfig", "list_notebook_instance_lifecycle_configs",
             "NotebookInstanceLifecycleConfigs", "NotebookInstanceLifecycleConfigName",
             "describe_notebook_instance_lifecycle_config", "NotebookInstanceLifecycleConfigName",
             "NotebookInstanceLifecycleConfigArn"),
    # a pipeline's definition holds the job requests its steps send (advisor/audit/pipelines.py)
    LiveType("CreatePipeline", "list_pipelines", "PipelineSummaries", "PipelineName", "describe_pipeline",
             "PipelineName", "PipelineArn"),
)

#: What `--live` calls, for the IAM policy of whoever runs it (all read-only).
LIVE_PERMISSIONS = sorted(
    {"sagemaker:" + "".join(w.capitalize() for w in t.list_op.split("_")) for t in SAGEMAKER}
    | {"sagemaker:" + "".join(w.capitalize() for w in t.describe_op.split("_")) for t in SAGEMAKER}
    | {"sagemaker:ListTags", "lambda:ListFunctions", "lambda:GetPolicy", "lambda:GetFunctionConcurrency",
       "lambda:ListFunctionUrlConfigs", "lambda:ListFunctionEventInvokeConfigs", "lambda:ListTags",
       "lambda:ListCapacityProviders", "states:ListStateMachines", "states:DescribeStateMachine",
       "sts:GetCallerIdentity"})


def read_live(regions: list[str] | None, profile: str | None) -> Iterator[Resource | Skipped]:
    """Resources of every covered type in each region; AuditError (one line) without credentials or profile.

    Every AWS call that fails (access denied, throttled past the retries, a region where the account or the
    service cannot be reached) is an error located at its region and at the resource, or the List call of the
    resource type, it was about: what it would have read went unchecked, so the run is no pass. The rest of
    the account is still audited. A resource deleted between its List and its Describe is no error.
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
        # one region is one input: what one of its resources says of another (an invoke configuration of its
        # function, a pipeline's or state machine's job steps) is joined as in a template
        read: list[Resource] = []
        for item in _region(session, config, region):
            if isinstance(item, Skipped):
                yield item
            else:
                read.append(item)
        yield from link(with_steps(read))


def _region(session: Any, config: Any, region: str) -> Iterator[Resource | Skipped]:
    """Every resource of one region, and an error for each call that failed."""
    import botocore.exceptions as bx

    try:
        session.client("sts", region_name=region, config=config).get_caller_identity()
    except bx.NoCredentialsError:
        raise AuditError("--live: no AWS credentials found (environment, profile, SSO or instance role)") from None
    except (bx.ClientError, bx.BotoCoreError) as exc:
        # this region cannot be read (not enabled for the account, unreachable): the others still can
        yield _failed(region, "sts:GetCallerIdentity", _reason(exc, unreachable=f"cannot reach AWS in {region}"))
        return
    sm = session.client("sagemaker", region_name=region, config=config)
    for live_type in SAGEMAKER:
        try:
            yield from _sagemaker(sm, live_type, region)
        except _Unreachable as exc:  # no SageMaker endpoint here: one error, not one per resource type
            yield _failed(region, "sagemaker", str(exc))
            break
    try:
        lambda_client = session.client("lambda", region_name=region, config=config)
        yield from _lambda(lambda_client, region)
        yield from _capacity_providers(lambda_client, region)
    except _Unreachable as exc:
        yield _failed(region, "lambda", str(exc))
    try:
        yield from _state_machines(session.client("stepfunctions", region_name=region, config=config), region)
    except _Unreachable as exc:
        yield _failed(region, "states", str(exc))


def _failed(region: str, resource: str, reason: str) -> Skipped:
    return Skipped("live", reason, error=True, region=region, resource=resource)


class _Refused(Exception):
    """AWS refused one read (access denied, throttled past the retries, an error of the service)."""


class _Unreachable(Exception):
    """The service's endpoint cannot be reached in the region (not offered there, no network)."""


def _reason(exc: Exception, unreachable: str = "") -> str:
    import botocore.exceptions as bx

    if isinstance(exc, bx.ClientError):
        error = exc.response.get("Error", {})
        code, message = str(error.get("Code") or "error"), str(error.get("Message") or "")
        # an error body botocore could not parse (XML where the service speaks JSON, a proxy's page): its
        # Code is the HTTP status; the body may still name the error
        inner = re.search(r"<Code>([^<]+)</Code>(?:.*?<Message>([^<]*)</Message>)?", message, re.S)
        title = re.search(r"<title>([^<]+)</title>", message)
        if inner:
            code, message = f"{inner.group(1)} (HTTP {code})" if code.isdigit() else inner.group(1), \
                inner.group(2) or ""
        elif code.isdigit():
            code, message = f"HTTP {code}", title.group(1) if title else ""
        message = message.splitlines()[0][:200] if message.strip() and "<" not in message else ""
        return f"{code}{': ' + message if message else ''}"
    if isinstance(exc, (bx.EndpointConnectionError, bx.ConnectTimeoutError)) and unreachable:
        return f"{unreachable} ({type(exc).__name__})"
    return type(exc).__name__


def _pages(client: Any, op: str, key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    if client.can_paginate(op):
        for page in client.get_paginator(op).paginate(**kwargs):
            yield from page.get(key, [])
    else:
        yield from getattr(client, op)(**kwargs).get(key, [])


def _listed(client: Any, op: str, key: str, **kwargs: Any) -> list[dict[str, Any]]:
    return list(_pages(client, op, key, **kwargs))


#: What a Describe or Get answers for a resource that is not there (deleted since it was listed, or a function
#: without a resource policy): nothing to audit, no failure.
_ABSENT = frozenset({"ResourceNotFoundException", "ResourceNotFound", "ValidationException",
                     "StateMachineDoesNotExist"})


def _safely(what: str, call: Callable[..., Any], *args: Any, absent_ok: bool = True, **kwargs: Any) -> Any:
    """The call's answer; None for a resource that is not there (when `absent_ok`); _Refused with the reason
    for any other failure, _Unreachable when the endpoint cannot be reached."""
    import botocore.exceptions as bx

    try:
        return call(*args, **kwargs)
    except bx.ClientError as exc:
        if absent_ok and exc.response.get("Error", {}).get("Code", "") in _ABSENT:
            return None
        raise _Refused(f"{what}: {_reason(exc)}") from None
    except (bx.EndpointConnectionError, bx.ConnectTimeoutError) as exc:
        service = what.split(":", 1)[0]
        raise _Unreachable(f"{service} cannot be reached in this region ({type(exc).__name__}): not offered "
                           "there, or no network") from None
    except bx.BotoCoreError as exc:
        raise _Refused(f"{what}: {type(exc).__name__}") from None


def _call_name(service: str, op: str) -> str:
    return f"{service}:" + "".join(w.capitalize() for w in op.split("_"))


def _sagemaker(client: Any, t: LiveType, region: str) -> Iterator[Resource | Skipped]:
    listing = _call_name("sagemaker", t.list_op)
    try:
        summaries = _safely(listing, _listed, client, t.list_op, t.list_key, absent_ok=False,
                            **dict(t.list_args))
    except _Refused as exc:
        yield _failed(region, listing, str(exc).removeprefix(f"{listing}: "))  # the whole type went unread
        return
    for summary in summaries or []:
        name = summary.get(t.name_key)
        if not name:
            continue
        shown = str(summary.get(t.arn_key) or name)
        try:
            described = _safely(_call_name("sagemaker", t.describe_op), getattr(client, t.describe_op),
                                **{t.describe_arg: name, **{k: summary[k] for k in t.describe_from_summary}})
        except _Refused as exc:
            yield _failed(region, shown, str(exc))
            continue
        if not described:
            continue
        described.pop("ResponseMetadata", None)
        if t.unwrap:
            described = described.get(t.unwrap) or {}
        for old, new in t.renames:
            if old in described:
                described[new] = described.pop(old)
        arn = str(described.get(t.arn_key) or f"{t.operation}:{name}")
        if ("Tags" not in described) and described.get(t.arn_key):
            try:
                tags = _safely("sagemaker:ListTags", client.list_tags, ResourceArn=arn)
            except _Refused as exc:  # the resource is judged; what its tags would have told is not
                yield _failed(region, arn, str(exc))
                tags = None
            if tags is not None:
                described["Tags"] = tags.get("Tags", [])
        yield Resource(kind="live", type=t.operation, name=arn, properties=described, file=None)


def _lambda(client: Any, region: str) -> Iterator[Resource | Skipped]:
    try:
        functions = _safely("lambda:ListFunctions", _listed, client, "list_functions", "Functions", absent_ok=False)
    except _Refused as exc:
        yield _failed(region, "lambda:ListFunctions", str(exc).removeprefix("lambda:ListFunctions: "))
        return
    for fn in functions or []:
        arn = fn["FunctionArn"]
        props = dict(fn)
        props["Layers"] = [layer.get("Arn") for layer in fn.get("Layers", []) or []]
        reads: dict[str, Any] = {}
        for what, call in (("lambda:GetFunctionConcurrency", client.get_function_concurrency),
                           ("lambda:ListTags", client.list_tags), ("lambda:GetPolicy", client.get_policy),
                           ("lambda:ListFunctionUrlConfigs", client.list_function_url_configs),
                           ("lambda:ListFunctionEventInvokeConfigs", client.list_function_event_invoke_configs)):
            try:
                reads[what] = _safely(what, call, **({"Resource": arn} if what == "lambda:ListTags"
                                                     else {"FunctionName": arn}))
            except _Refused as exc:
                yield _failed(region, arn, str(exc))
        concurrency = reads.get("lambda:GetFunctionConcurrency")
        if concurrency and "ReservedConcurrentExecutions" in concurrency:
            props["ReservedConcurrentExecutions"] = concurrency["ReservedConcurrentExecutions"]
        props["Tags"] = (reads.get("lambda:ListTags") or {}).get("Tags", {})
        yield Resource(kind="live", type="CreateFunction", name=arn, properties=props)
        # asynchronous invocation settings per version or alias, each as the request that wrote it: links.py
        # carries them onto the function as it does a template's (LM-09 reads an on-failure destination)
        for invoke in (reads.get("lambda:ListFunctionEventInvokeConfigs") or {}).get("FunctionEventInvokeConfigs", []):
            yield Resource(kind="live", type="PutFunctionEventInvokeConfig",
                           name=str(invoke.get("FunctionArn") or arn) + "#event-invoke-config",
                           properties={"FunctionName": invoke.get("FunctionArn") or arn, **invoke})
        # judged only when read (else its error says so), and not for a function on Lambda Managed Instances:
        # its scale is set by PutFunctionScalingConfig on its capacity provider, not by reserved concurrency
        if "lambda:GetFunctionConcurrency" in reads and not props.get("CapacityProviderConfig"):
            yield Resource(kind="live", type="PutFunctionConcurrency", name=arn, properties=props)
        policy = reads.get("lambda:GetPolicy")
        if policy and policy.get("Policy"):
            for statement in json.loads(policy["Policy"]).get("Statement", []):
                yield Resource(kind="live", type="AddPermission", name=f"{arn}#{statement.get('Sid', '')}",
                               properties=_permission(statement))
        for url in (reads.get("lambda:ListFunctionUrlConfigs") or {}).get("FunctionUrlConfigs", []):
            yield Resource(kind="live", type="CreateFunctionUrlConfig", name=url.get("FunctionUrl", arn),
                           properties=url)


def _capacity_providers(client: Any, region: str) -> Iterator[Resource | Skipped]:
    """Lambda Managed Instances' capacity providers: ListCapacityProviders answers each one whole (its VpcConfig,
    KmsKeyArn), with the fields CreateCapacityProvider named."""
    try:
        providers = _safely("lambda:ListCapacityProviders", _listed, client, "list_capacity_providers",
                            "CapacityProviders", absent_ok=False)
    except _Refused as exc:
        yield _failed(region, "lambda:ListCapacityProviders",
                      str(exc).removeprefix("lambda:ListCapacityProviders: "))
        return
    for provider in providers or []:
        yield Resource(kind="live", type="CreateCapacityProvider", name=str(provider.get("CapacityProviderArn")),
                       properties=dict(provider))


def _state_machines(client: Any, region: str) -> Iterator[Resource | Skipped]:
    """Step Functions state machines: DescribeStateMachine answers the fields CreateStateMachine named
    (loggingConfiguration, tracingConfiguration, encryptionConfiguration, the definition its Task states run)."""
    try:
        machines = _safely("states:ListStateMachines", _listed, client, "list_state_machines", "stateMachines",
                           absent_ok=False)
    except _Refused as exc:
        yield _failed(region, "states:ListStateMachines", str(exc).removeprefix("states:ListStateMachines: "))
        return
    for machine in machines or []:
        arn = str(machine.get("stateMachineArn") or "")
        if not arn:
            continue
        try:
            described = _safely("states:DescribeStateMachine", client.describe_state_machine, stateMachineArn=arn)
        except _Refused as exc:
            yield _failed(region, arn, str(exc))
            continue
        if described:
            described.pop("ResponseMetadata", None)
            yield Resource(kind="live", type="CreateStateMachine", name=arn, properties=described)


def _permission(statement: dict[str, Any]) -> dict[str, Any]:
    """A policy statement as the AddPermission request that would have written it."""
    principal = statement.get("Principal")
    if isinstance(principal, dict):
        principal = principal.get("Service") or principal.get("AWS") or "*"
    conditions = statement.get("Condition", {}) or {}
    source_arn = (conditions.get("ArnLike", {}) or {}).get("AWS:SourceArn")
    equals = conditions.get("StringEquals", {}) or {}
    source_account = equals.get("AWS:SourceAccount")
    org = equals.get("aws:PrincipalOrgID") or equals.get("AWS:PrincipalOrgID")
    props: dict[str, Any] = {"Principal": principal, "Action": statement.get("Action")}
    if source_arn:
        props["SourceArn"] = source_arn
    if source_account:
        props["SourceAccount"] = source_account
    if org:
        props["PrincipalOrgID"] = org
    return props
