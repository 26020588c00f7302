"""SageMaker requests from a recommendation: one function per operation, each returning boto3 parameters.

The data flows through one bucket, every key under the workload's name: processing reads `raw/` and writes
`data/`, training and tuning read `data/train/` and `data/validation/`, training writes `output/`, and the
model serves `output/<training job>/output/model.tar.gz` (where SageMaker puts it) when training is in the
recommendation. Instance types and counts are the recommendation's; security fields come only from its
settings (`Context.secure`).
"""

from __future__ import annotations

import math
from typing import Any

from advisor.builders.common import Context, Operation, selects_by_name, token
from advisor.builders.tuning import BUILT_IN, STARTS, grid_size, parameter_ranges, start_for
from advisor.errors import UsageError
from advisor.knowledge.models import SPOT_WAIT_WITHOUT_CHECKPOINTS_SECONDS
from advisor.recommend.sizing import (
    MAX_INSTANCES_SETTING,
    MIN_INSTANCES_SETTING,
    PLACEMENT_SETTING,
    ZONE_BALANCE_SETTING,
)
from advisor.stages import StageSpec, endpoint_stages
from advisor.workload import PROCESSING_MAX_HOURS, TRAINING_MAX_HOURS

SERVICE = "sagemaker"
#: The longest a training or tuning job may run (StoppingCondition's 28-day limit, the one figure the workload's
#: training.max_hours is bounded by).
MAX_RUNTIME_SECONDS = TRAINING_MAX_HOURS * 3600
#: Managed spot training may wait for capacity up to this many times its run time (MaxWaitTimeInSeconds).
SPOT_WAIT_FACTOR = 2
CHECKPOINT_LOCAL_PATH = "/opt/ml/checkpoints"


def notebook_lifecycle_config(ctx: Context) -> dict[str, Any]:
    request = {"NotebookInstanceLifecycleConfigName": ctx.options.lifecycle_config,
               "OnStart": [{"Content": token("lifecycle_script_base64")}]}
    return ctx.secure(SERVICE, "CreateNotebookInstanceLifecycleConfig", request)


def notebook_instance(ctx: Context) -> dict[str, Any]:
    choice = ctx.choice("CreateNotebookInstance")
    request: dict[str, Any] = {
        "NotebookInstanceName": ctx.name("notebook"),
        "InstanceType": choice.instance_type,
        "RoleArn": token("notebook_role_arn"),
    }
    if ctx.options.lifecycle_config:
        request["LifecycleConfigName"] = ctx.options.lifecycle_config
    if ctx.options.git_repo:
        request["DefaultCodeRepository"] = ctx.options.git_repo
    return ctx.secure(SERVICE, "CreateNotebookInstance", request)


def processing_job(ctx: Context) -> dict[str, Any]:
    choice = ctx.choice("CreateProcessingJob")
    request = {
        "ProcessingJobName": ctx.name("processing"),
        "ProcessingResources": {"ClusterConfig": {
            "InstanceCount": choice.instance_count, "InstanceType": choice.instance_type,
            "VolumeSizeInGB": volume_gb(ctx)}},
        "AppSpecification": {"ImageUri": token("processing_image_uri")},
        "RoleArn": token("sagemaker_execution_role_arn"),
        "ProcessingInputs": [{"InputName": "raw", "S3Input": {
            "S3Uri": ctx.s3("raw"), "LocalPath": "/opt/ml/processing/input", "S3DataType": "S3Prefix",
            "S3InputMode": "File",
            # several instances each read a share of the input objects, as sizing assumed; one reads them all
            "S3DataDistributionType": "ShardedByS3Key" if choice.instance_count > 1 else "FullyReplicated"}}],
        "ProcessingOutputConfig": {"Outputs": [{"OutputName": "data", "S3Output": {
            "S3Uri": ctx.s3("data"), "LocalPath": "/opt/ml/processing/output", "S3UploadMode": "EndOfJob"}}]},
        "StoppingCondition": {"MaxRuntimeInSeconds": runtime_seconds(ctx.workload.processing.max_hours,
                                                                     PROCESSING_MAX_HOURS)},
    }
    return ctx.secure(SERVICE, "CreateProcessingJob", request)


def training_job(ctx: Context) -> dict[str, Any]:
    choice = ctx.choice("CreateTrainingJob")
    start = start_for(ctx.workload.model.algorithm)
    request = {
        "TrainingJobName": ctx.name("training"),
        "AlgorithmSpecification": {"TrainingImage": token("training_image_uri"), "TrainingInputMode": "File"},
        "HyperParameters": {**_required(ctx, choice), **dict(start.static + start.training_only),
                            **choice.extra.get("hyperparameters", {})},
        "RoleArn": token("sagemaker_execution_role_arn"),
        **_job_body(ctx, choice, "output"),
    }
    if not request["HyperParameters"]:
        del request["HyperParameters"]
    return ctx.secure(SERVICE, "CreateTrainingJob", request)


def _required(ctx: Context, choice: Any) -> dict[str, str]:
    """The built-in algorithm's Required training hyperparameters (knowledge: required_hyperparameters, carried in
    the stage's extra): a value the workload states (its model.mode, under the algorithm's mode_hyperparameter:
    the stage's extra stated_hyperparameters), else a placeholder `<<hp_NAME>>` described as what only the user
    knows. The starting point's own values win over these."""
    required = choice.extra.get("required_hyperparameters", ())
    if not required:
        return {}
    algorithm = ctx.workload.model.algorithm
    stated = choice.extra.get("stated_hyperparameters", {})
    out: dict[str, str] = {}
    for name in required:
        if name in stated:
            out[name] = stated[name]
            continue
        placeholder = f"hp_{name}"
        ctx.described.setdefault(placeholder, (
            f"value of {algorithm}'s {name} hyperparameter: Required (a training job without it fails), and only "
            f"your data decides it (AWS: the {algorithm} Hyperparameters page)", []))
        out[name] = token(placeholder)
    return out


def tuning_job(ctx: Context) -> dict[str, Any]:
    choice = ctx.choice("CreateHyperParameterTuningJob")
    tuning = ctx.workload.tuning
    algorithm = ctx.workload.model.algorithm
    start = start_for(algorithm)
    kind, metric = start.objective
    limits = {"MaxNumberOfTrainingJobs": tuning.max_jobs, "MaxParallelTrainingJobs": tuning.max_parallel_jobs}
    if tuning.strategy == "Grid":  # Grid runs every combination of its categorical values: no job budget
        del limits["MaxNumberOfTrainingJobs"]
        ctx.notes.append(f"CreateHyperParameterTuningJob: the Grid strategy runs every combination of its "
                         f"categorical values ({grid_size(start)} training jobs), not tuning.max_jobs "
                         f"({tuning.max_jobs})")
    spec: dict[str, Any] = {"TrainingImage": token("training_image_uri"), "TrainingInputMode": "File"}
    if start.metric_regex:
        spec["MetricDefinitions"] = [{"Name": metric, "Regex": start.metric_regex}]
    if algorithm not in STARTS and algorithm in BUILT_IN:
        ctx.notes.append(f"CreateHyperParameterTuningJob: no built-in starting point for {algorithm}; the generic "
                         f"one (learning_rate, batch_size, objective {metric} read from the logs) is for a training "
                         f"script. Use {algorithm}'s own tunable hyperparameters and metrics instead")
    definition: dict[str, Any] = {
        "AlgorithmSpecification": spec,
        "RoleArn": token("sagemaker_execution_role_arn"),
        **_job_body(ctx, choice, "tuning-output"),
    }
    ranges = parameter_ranges(start, tuning.strategy)
    tuned = {r["Name"] for kind in ranges.values() for r in kind}
    static = {**{k: v for k, v in _required(ctx, choice).items() if k not in tuned}, **dict(start.static),
              **choice.extra.get("hyperparameters", {})}  # a GPU trial's own (tree_method) last
    if static:
        definition["StaticHyperParameters"] = static
    request = {
        "HyperParameterTuningJobName": ctx.name("tuning", limit=32),
        "HyperParameterTuningJobConfig": {
            "Strategy": tuning.strategy,
            "HyperParameterTuningJobObjective": {"Type": kind, "MetricName": metric},
            "ResourceLimits": limits,
            "ParameterRanges": ranges,
        },
        "TrainingJobDefinition": definition,
    }
    return ctx.secure(SERVICE, "CreateHyperParameterTuningJob", request)


def model(ctx: Context) -> dict[str, Any]:
    """The model the endpoint or transform job serves. Several models behind a real-time endpoint (decision
    realtime.hosting, carried in its settings): a multi-model endpoint's one container in Mode MultiModel with
    ModelDataUrl the S3 prefix of every model's artifact; a multi-container endpoint's Containers (each with its
    ContainerHostname) and InferenceExecutionConfig.Mode Direct or Serial; inference components: this model is
    the first component's, one CreateModel per model."""
    if ctx.carries("CreateTrainingJob"):  # the model the training job in this set writes
        data_url = f"{ctx.s3('output')}{ctx.name('training')}/output/model.tar.gz"
    else:
        data_url = token("model_data_url")
    choice = ctx.choice("CreateModel")
    settings = choice.settings
    request: dict[str, Any] = {
        "ModelName": ctx.name("model"),
        "PrimaryContainer": {"Image": token("inference_image_uri"), "ModelDataUrl": data_url},
        "ExecutionRoleArn": token("sagemaker_execution_role_arn"),
    }
    if settings.get("PrimaryContainer.Mode") == "MultiModel":
        request["PrimaryContainer"] = {"Image": token("inference_image_uri"), "Mode": "MultiModel",
                                       "ModelDataUrl": ctx.s3("models")}
        if "MultiModelConfig.ModelCacheSetting" in settings:  # models invoked once or rarely (multi-model-caching)
            request["PrimaryContainer"]["MultiModelConfig"] = {
                "ModelCacheSetting": settings["MultiModelConfig.ModelCacheSetting"]}
        ctx.notes.append(f"CreateModel: a multi-model endpoint loads each model from a .tar.gz under ModelDataUrl "
                         f"({ctx.s3('models')}); InvokeEndpoint names one in TargetModel (its key under that prefix), "
                         "and a model is added by copying its artifact there, with no new request")
    elif "InferenceExecutionConfig.Mode" in settings:
        count = int(settings["Containers"])
        del request["PrimaryContainer"]
        request["Containers"] = [{"ContainerHostname": f"container-{i}", "Image": token(f"container_{i}_image_uri"),
                                  "ModelDataUrl": f"{ctx.s3('models', f'container-{i}')}model.tar.gz"}
                                 for i in range(1, count + 1)]
        request["InferenceExecutionConfig"] = {"Mode": settings["InferenceExecutionConfig.Mode"]}
        for i in range(1, count + 1):
            ctx.described.setdefault(f"container_{i}_image_uri", (
                f"ECR URI of container {i}'s inference image (its own framework) in {ctx.rec.region}", []))
        if settings["InferenceExecutionConfig.Mode"] == "Direct":
            ctx.notes.append("CreateModel: with InferenceExecutionConfig.Mode Direct each InvokeEndpoint call names "
                             "its container in TargetContainerHostname (container-1, ...); the IAM condition key "
                             "sagemaker:TargetContainerHostname limits who may call which")
    elif "CopyCount" in settings:
        ctx.notes.append(f"CreateModel: inference components: one CreateModel and one CreateInferenceComponent per "
                         f"model ({choice.extra.get('models', 1)} models); this "
                         "pair is the first's")
    return ctx.secure(SERVICE, "CreateModel", request)  # serverless: its security rows leave out VpcConfig


#: The stages that create an endpoint, in the registry's order.
ENDPOINT_STAGES = endpoint_stages()


def _without_instances(spec: StageSpec) -> bool:
    """An endpoint that draws no instance type (serverless): its variant carries ServerlessConfig, and it takes
    one production variant only (AWS: serverless-endpoints.html, feature exclusions)."""
    return spec.instance_stage is None


def variant_name(ctx: Context) -> str:
    """The production variant serving the new model (the one an asynchronous endpoint's scaling targets)."""
    spec, _ = ctx.carrier("CreateEndpointConfig")
    return "canary" if ctx.options.canary_percent and not _without_instances(spec) else "AllTraffic"


#: ProductionVariant fields sizing raises for a large model (sizing.large_model_settings).
LARGE_MODEL_FIELDS = ("VolumeSizeInGB", "ModelDataDownloadTimeoutInSeconds",
                      "ContainerStartupHealthCheckTimeoutInSeconds")


def endpoint_config(ctx: Context) -> dict[str, Any]:
    """One production variant; with a canary share, the model serving today keeps the rest (the chapter's
    80/20 split is `canary_percent=20`). Weights can later move with UpdateEndpointWeightsAndCapacities.

    A serverless endpoint's variant carries ServerlessConfig instead of instances (and takes one variant only);
    an asynchronous endpoint adds AsyncInferenceConfig: where results and failures land in S3, the SNS topics
    told of each, and how many invocations each instance takes at once."""
    spec, choice = ctx.carrier("CreateEndpointConfig")

    def variant(name: str, model_name: str, weight: float) -> dict[str, Any]:
        if _without_instances(spec):
            return {"VariantName": name, "ModelName": model_name, "ServerlessConfig": {
                key: choice.settings[key] for key in ("MemorySizeInMB", "MaxConcurrency", "ProvisionedConcurrency")
                if key in choice.settings}}
        large = {key: choice.settings[key] for key in LARGE_MODEL_FIELDS if key in choice.settings}
        return {"VariantName": name, "ModelName": model_name, "InstanceType": choice.instance_type,
                "InitialInstanceCount": choice.instance_count, "InitialVariantWeight": weight, **large}

    components = "CopyCount" in choice.settings
    canary = ctx.options.canary_percent
    if components:  # the models are inference components: the variant names no model, the endpoint holds the
        # execution role and the network settings the models would (AWS: API_CreateEndpointConfig, ExecutionRoleArn)
        if canary:
            ctx.notes.append("--canary has no effect: the models are inference components, each shifted on its own "
                             "(UpdateInferenceComponent)")
        config: dict[str, Any] = {
            "EndpointConfigName": ctx.name("endpoint-config"),
            "ExecutionRoleArn": token("sagemaker_execution_role_arn"),
            "ProductionVariants": [{"VariantName": "AllTraffic", "InstanceType": choice.instance_type,
                                    "InitialInstanceCount": choice.instance_count,
                                    "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"}}]}
        low = choice.settings.get(MIN_INSTANCES_SETTING)
        if low is not None:  # SageMaker adds and removes instances as the components' copies need them
            config["ProductionVariants"][0]["ManagedInstanceScaling"] = {
                "Status": "ENABLED", "MinInstanceCount": low,
                "MaxInstanceCount": choice.settings[MAX_INSTANCES_SETTING]}
            if low == 0:
                ctx.notes.append(f"CreateEndpointConfig: {MIN_INSTANCES_SETTING} 0 lets the endpoint "
                                 "keep no instance once every component's copies are at 0: register each component "
                                 "(RegisterScalableTarget, sagemaker:inference-component:DesiredCopyCount, "
                                 "MinCapacity 0) and add the step scaling policy on its NoCapacityInvocationFailures "
                                 "alarm that starts a copy when a request arrives "
                                 "(endpoint-auto-scaling-zero-instances.html); that start takes minutes")
        model_level = ctx.secure(SERVICE, "CreateModel", {})
        config.update({key: model_level[key] for key in ("VpcConfig", "EnableNetworkIsolation") if key in model_level})
        return ctx.secure(SERVICE, "CreateEndpointConfig", config)
    if canary and _without_instances(spec):
        ctx.notes.append("--canary has no effect: a serverless endpoint takes one production variant (AWS: "
                         "serverless-endpoints.html, feature exclusions)")
    if variant_name(ctx) == "canary":
        variants = [variant("current", token("current_model_name"), round((100 - canary) / 100, 4)),  # type: ignore[operator]
                    variant("canary", ctx.name("model"), round(canary / 100, 4))]  # type: ignore[operator]
    else:
        variants = [variant("AllTraffic", ctx.name("model"), 1.0)]
    request: dict[str, Any] = {"EndpointConfigName": ctx.name("endpoint-config"), "ProductionVariants": variants}
    if spec.hosting_option == "async":
        _settings_of(ctx, "CreateEndpointConfig")
        request["AsyncInferenceConfig"] = {
            "OutputConfig": {"S3OutputPath": ctx.s3("async-output"), "S3FailurePath": ctx.s3("async-failures"),
                             "NotificationConfig": {"SuccessTopic": token("success_topic_arn"),
                                                    "ErrorTopic": token("error_topic_arn")}},
            "ClientConfig": {"MaxConcurrentInvocationsPerInstance":
                             choice.settings["MaxConcurrentInvocationsPerInstance"]}}
    return ctx.secure(SERVICE, "CreateEndpointConfig", request)


#: Application Auto Scaling's names for an endpoint variant's instance count.
SCALABLE_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
#: Starting cool-downs of an asynchronous endpoint's backlog policy, in seconds (our judgement, to tune): scale in
#: slowly (10 minutes) so a queue that empties between bursts does not drop the instance working on the last
#: requests, scale out sooner (5 minutes).
SCALE_IN_COOLDOWN_S, SCALE_OUT_COOLDOWN_S = 600, 300


def _settings_of(ctx: Context, operation: str) -> Any:
    """The option settings sizing gave the stage `operation` carries; a stage that does not fit has none (its
    nearest type is shown, never configured), so its requests are refused in words instead of half-written."""
    spec, choice = ctx.carrier(operation)
    if not choice.settings:
        raise UsageError(f"{spec.id} does not fit this workload, so there are no settings to write {operation} "
                         "with", hint="`advisor recommend` says why and what would have to change; or ask for "
                                      "another stage")
    return choice.settings


def _scaling_resource(ctx: Context) -> dict[str, str]:
    return {"ServiceNamespace": "sagemaker",
            "ResourceId": f"endpoint/{ctx.name('endpoint')}/variant/{variant_name(ctx)}",
            "ScalableDimension": SCALABLE_DIMENSION}


def scalable_target(ctx: Context) -> dict[str, Any]:
    """The asynchronous endpoint's instance count between MinCapacity (0 when traffic has idle periods: it
    scales to zero) and the peak count sizing found."""
    settings = _settings_of(ctx, "RegisterScalableTarget")
    return {**_scaling_resource(ctx), "MinCapacity": settings["MinCapacity"], "MaxCapacity": settings["MaxCapacity"]}


def backlog_scaling_policy(ctx: Context) -> dict[str, Any]:
    """Target tracking on the queue: ApproximateBacklogSizePerInstance at the invocations one instance takes at
    once (AWS: async-inference-autoscale.html). From zero instances it scales out once the backlog passes the
    target; AWS's optional step policy on HasBacklogWithoutCapacity starts the first instance sooner."""
    settings = _settings_of(ctx, "PutScalingPolicy")
    if settings["MinCapacity"] == 0:
        ctx.notes.append("PutScalingPolicy: with MinCapacity 0 the endpoint scales out from zero once the backlog "
                         "passes the target; add AWS's step scaling policy on HasBacklogWithoutCapacity to start "
                         "the first instance as soon as a request waits (async-inference-autoscale.html)")
    return {"PolicyName": ctx.name("backlog-scaling", limit=256), **_scaling_resource(ctx),
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {
                "TargetValue": float(settings["TargetBacklogPerInstance"]),
                "CustomizedMetricSpecification": {
                    "MetricName": "ApproximateBacklogSizePerInstance", "Namespace": "AWS/SageMaker",
                    "Dimensions": [{"Name": "EndpointName", "Value": ctx.name("endpoint")}], "Statistic": "Average"},
                "ScaleInCooldown": SCALE_IN_COOLDOWN_S, "ScaleOutCooldown": SCALE_OUT_COOLDOWN_S}}


def inference_component(ctx: Context) -> dict[str, Any]:
    """The first model's inference component: its compute reservation (NumberOfAcceleratorDevicesRequired or
    NumberOfCpuCoresRequired, MinMemoryRequiredInMb) and its starting copy count, as sizing found them; each
    other model gets one like it, naming its own model."""
    choice = ctx.choice("CreateInferenceComponent")
    settings = choice.settings
    requirements = {key: settings[key] for key in ("NumberOfCpuCoresRequired", "NumberOfAcceleratorDevicesRequired",
                                                   "MinMemoryRequiredInMb") if key in settings}
    models = choice.extra.get("models", 1)
    ctx.notes.append(f"CreateInferenceComponent: one per model ({models}), each naming its own model; scale a "
                     "component's copies with Application Auto Scaling on sagemaker:inference-component:"
                     "DesiredCopyCount (down to 0 with the endpoint's ManagedInstanceScaling)")
    specification: dict[str, Any] = {"ModelName": ctx.name("model"), "ComputeResourceRequirements": requirements}
    placement = settings.get(PLACEMENT_SETTING)
    if placement is not None:  # a production endpoint's copies spread over instances and Availability Zones
        specification["SchedulingConfig"] = {"PlacementStrategy": placement, "AvailabilityZoneBalance": {
            "EnforcementMode": settings[ZONE_BALANCE_SETTING]}}
    return {"InferenceComponentName": ctx.name("component-1"), "EndpointName": ctx.name("endpoint"),
            "VariantName": "AllTraffic", "Specification": specification,
            "RuntimeConfig": {"CopyCount": settings["CopyCount"]}}


def endpoint(ctx: Context) -> dict[str, Any]:
    request = {"EndpointName": ctx.name("endpoint"), "EndpointConfigName": ctx.name("endpoint-config")}
    return ctx.secure(SERVICE, "CreateEndpoint", request)


def transform_job(ctx: Context) -> dict[str, Any]:
    choice = ctx.choice("CreateTransformJob")
    options = ctx.options
    content_type = start_for(ctx.workload.model.algorithm).content_type
    transform_input: dict[str, Any] = {
        "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": ctx.s3("batch-input")}},
        "SplitType": "Line",
    }
    if content_type:
        transform_input["ContentType"] = content_type
    request: dict[str, Any] = {
        "TransformJobName": ctx.name("transform"),
        "ModelName": ctx.name("model"),
        "BatchStrategy": "MultiRecord",
        "TransformInput": transform_input,
        "TransformOutput": {"S3OutputPath": ctx.s3("batch-output"), "AssembleWith": "Line"},
        "TransformResources": {"InstanceType": choice.instance_type, "InstanceCount": choice.instance_count},
    }
    # records too large or too slow for the defaults: the fields sizing worked out (BatchSizer.settings)
    for key in ("BatchStrategy", "MaxPayloadInMB", "MaxConcurrentTransforms"):
        if key in choice.settings:
            request[key] = choice.settings[key]
    if "InvocationsTimeoutInSeconds" in choice.settings:
        request["ModelClientConfig"] = {"InvocationsTimeoutInSeconds": choice.settings["InvocationsTimeoutInSeconds"]}
    if content_type == "text/csv":  # AWS: a CSV row is read as a JSON array, "so only index based JSONPaths"
        for flag, path in (("--input-filter", options.input_filter), ("--output-filter", options.output_filter)):
            if path is not None and selects_by_name(path):
                raise UsageError(f"{flag} {path!r} selects a field by name, but this transform job's input is "
                                 "text/csv, whose rows SageMaker reads as JSON arrays: only indexes apply",
                                 hint="e.g. $[1:] (every column but the first) or $[0,-1] (the first and the last)")
    processing = {key: value for key, value in (("InputFilter", options.input_filter),
                                                ("JoinSource", options.join_source),
                                                ("OutputFilter", options.output_filter)) if value is not None}
    if processing:
        request["DataProcessing"] = processing
    return ctx.secure(SERVICE, "CreateTransformJob", request)


#: The SageMaker requests (and the asynchronous endpoint's Application Auto Scaling ones), in the order they are
#: sent; a stage names the ones that carry it out in its registry row (StageSpec.operations).
OPERATIONS: tuple[Operation, ...] = (
    Operation("CreateNotebookInstanceLifecycleConfig", SERVICE, notebook_lifecycle_config,
              option="lifecycle_config", flag="--lifecycle-config NAME"),
    Operation("CreateNotebookInstance", SERVICE, notebook_instance),
    Operation("CreateProcessingJob", SERVICE, processing_job),
    Operation("CreateTrainingJob", SERVICE, training_job),
    Operation("CreateHyperParameterTuningJob", SERVICE, tuning_job),
    Operation("CreateModel", SERVICE, model),
    Operation("CreateEndpointConfig", SERVICE, endpoint_config),
    Operation("CreateEndpoint", SERVICE, endpoint),
    Operation("CreateInferenceComponent", SERVICE, inference_component, setting="CopyCount"),
    Operation("RegisterScalableTarget", "application-autoscaling", scalable_target),
    Operation("PutScalingPolicy", "application-autoscaling", backlog_scaling_policy),
    Operation("CreateTransformJob", SERVICE, transform_job),
)


# ---- shared pieces ---------------------------------------------------------------------------------------------

def runtime_seconds(hours: float, cap_hours: float) -> int:
    """MaxRuntimeInSeconds for `hours`, within the stage's own limit: a processing job's is 777,600 s
    (ProcessingStoppingCondition), a training job's 28 days (StoppingCondition)."""
    return int(min(cap_hours * 3600, max(1, math.ceil(hours * 3600))))


def volume_gb(ctx: Context) -> int:
    """Room for the data set copied in File mode plus a quarter for outputs; 30 GB at least."""
    return max(30, math.ceil(ctx.workload.data.size_gb * 1.25))


def _job_body(ctx: Context, choice: Any, output: str) -> dict[str, Any]:
    """Channels, output, resources and stopping condition shared by a training job and every tuning trial;
    managed spot training with checkpoints when the workload is interruptible."""
    w = ctx.workload
    start = start_for(w.model.algorithm)
    distribution = choice.extra.get("input_distribution") or (  # Dask on GPUs reads the whole input on each
        "ShardedByS3Key" if w.training.distributed and choice.instance_count > 1 else "FullyReplicated")

    def channel(name: str) -> dict[str, Any]:
        out: dict[str, Any] = {"ChannelName": name, "CompressionType": "None", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": ctx.s3("data", name), "S3DataDistributionType": distribution}}}
        if start.content_type:
            out["ContentType"] = start.content_type
        return out

    runtime = runtime_seconds(w.training.max_hours, TRAINING_MAX_HOURS)
    body: dict[str, Any] = {
        "InputDataConfig": [channel("train"), channel("validation")],
        "OutputDataConfig": {"S3OutputPath": ctx.s3(output)},
        "ResourceConfig": {"InstanceType": choice.instance_type, "InstanceCount": choice.instance_count,
                           "VolumeSizeInGB": volume_gb(ctx)},
        "StoppingCondition": {"MaxRuntimeInSeconds": runtime},
    }
    if choice.extra.get("managed_spot", w.training.interruptible):  # the advisor priced it as spot
        checkpoints = choice.extra.get("spot_checkpoints", True)
        body["EnableManagedSpotTraining"] = True
        if checkpoints:  # a built-in that does not checkpoint would write nothing there
            body["CheckpointConfig"] = {"S3Uri": ctx.s3("checkpoints"), "LocalPath": CHECKPOINT_LOCAL_PATH}
        cap = MAX_RUNTIME_SECONDS if checkpoints else SPOT_WAIT_WITHOUT_CHECKPOINTS_SECONDS
        body["StoppingCondition"]["MaxWaitTimeInSeconds"] = max(runtime, min(SPOT_WAIT_FACTOR * runtime, cap))
    return body
