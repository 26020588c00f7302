"""build_requests: which operations a recommendation covers, and what each request carries."""

from __future__ import annotations

import json
from typing import Any

import pytest

from advisor.builders import STATE_MACHINE, build_requests
from advisor.builders.common import TOKEN, RequestOptions, jsonpath_problem, value_at
from advisor.builders.validate import state_machine_problems
from advisor.errors import UsageError
from advisor.recommend.models import SecuritySetting
from advisor.workload import load_workload
from tests.builders.conftest import EXAMPLE_NAMES, EXAMPLES, variant

#: What each stage calls for, written out here rather than read from the builders' own table.
STAGE_OPERATIONS = {
    "notebook": {"CreateNotebookInstance"},
    "processing": {"CreateProcessingJob"},
    "training": {"CreateTrainingJob"},
    "tuning": {"CreateHyperParameterTuningJob"},
    "realtime_inference": {"CreateModel", "CreateEndpointConfig", "CreateEndpoint"},
    "serverless_inference": {"CreateModel", "CreateEndpointConfig", "CreateEndpoint"},
    "async_inference": {"CreateModel", "CreateEndpointConfig", "CreateEndpoint", "RegisterScalableTarget",
                        "PutScalingPolicy"},
    "batch_inference": {"CreateModel", "CreateTransformJob"},
}
LAMBDA_OPERATIONS = {"CreateFunction", STATE_MACHINE, "CreateStateMachine"}


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_exactly_the_covered_operations(name: str, example: Any) -> None:
    rec, _, rs = example(name)
    expected = set().union(*(STAGE_OPERATIONS[s] for s in rec.instances))
    if rec.lambda_ is not None and rec.lambda_.verdict != "does_not_fit":
        expected |= LAMBDA_OPERATIONS
    assert set(rs.requests) == expected


def test_the_reference_workload_gets_every_operation(example: Any) -> None:
    _, _, rs = example("fraud-detector")
    assert list(rs.requests) == [
        "CreateNotebookInstance", "CreateProcessingJob", "CreateTrainingJob", "CreateHyperParameterTuningJob",
        "CreateModel", "CreateEndpointConfig", "CreateEndpoint", "CreateTransformJob", "CreateFunction",
        STATE_MACHINE, "CreateStateMachine"]
    assert "CreateFunction" not in example("llm-assistant")[2].requests  # Lambda does not fit a 7B LLM


def _shown(s: SecuritySetting) -> Any:
    return s.value if s.placeholder is None else f"<<{s.placeholder}>>"


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_security_setting_is_in_its_request_or_a_note(name: str, example: Any) -> None:
    """The recommendation's settings are the only source of security fields, and none is dropped silently."""
    rec, _, rs = example(name)
    notes = " ".join(rs.notes)
    checked = 0
    for s in rec.security:
        if s.api not in rs.requests:
            continue
        values = value_at(rs.requests[s.api], s.field)
        if s.status == "not_available":  # said in the recommendation, never written (serverless has no VPC)
            assert not values, (s.control, s.field)
            continue
        if not values:
            assert s.field in notes or s.field.split(".")[0] in notes, f"{s.control} {s.api}.{s.field} vanished"
            continue
        for v in values:
            wanted = _shown(s)
            if s.placeholder is not None:
                assert wanted == v or [wanted] == v or {wanted: wanted} == v or s.control in notes, (s, v)
            elif isinstance(wanted, int) and not isinstance(wanted, bool):
                assert v >= wanted  # a numeric control value is a floor
            else:
                assert v == wanted, (s.control, s.field, v)
        checked += 1
    assert checked or not any(s.api in rs.requests for s in rec.security)


def test_a_larger_count_beats_the_two_instance_floor(example: Any) -> None:
    rec, _, rs = example("builtin-image-classification")
    count = rec.instances["realtime_inference"].instance_count
    assert count > 2 and any(s.control == "SM-EC-04" for s in rec.security)
    assert value_at(rs.requests["CreateEndpointConfig"], "ProductionVariants[].InitialInstanceCount") == [count]


def test_instances_are_the_recommendation(example: Any) -> None:
    rec, _, rs = example("fraud-detector")
    r = rs.requests
    pick = {s: (c.instance_type, c.instance_count) for s, c in rec.instances.items()}
    assert r["CreateNotebookInstance"]["InstanceType"] == pick["notebook"][0]
    resources = r["CreateTrainingJob"]["ResourceConfig"]
    assert (resources["InstanceType"], resources["InstanceCount"]) == pick["training"]
    resources = r["CreateHyperParameterTuningJob"]["TrainingJobDefinition"]["ResourceConfig"]
    assert (resources["InstanceType"], resources["InstanceCount"]) == pick["tuning"]
    cluster = r["CreateProcessingJob"]["ProcessingResources"]["ClusterConfig"]
    assert (cluster["InstanceType"], cluster["InstanceCount"]) == pick["processing"]
    [only] = r["CreateEndpointConfig"]["ProductionVariants"]
    assert (only["InstanceType"], only["InitialInstanceCount"], only["InitialVariantWeight"]) == (
        *pick["realtime_inference"], 1.0)
    resources = r["CreateTransformJob"]["TransformResources"]
    assert (resources["InstanceType"], resources["InstanceCount"]) == pick["batch_inference"]
    assert r["CreateEndpoint"]["EndpointConfigName"] == r["CreateEndpointConfig"]["EndpointConfigName"]
    assert r["CreateTransformJob"]["ModelName"] == r["CreateModel"]["ModelName"] == only["ModelName"]


def test_managed_spot_training_with_checkpoints_when_interruptible(example: Any) -> None:
    _, workload, rs = example("fraud-detector")
    assert workload.training.interruptible and workload.training.max_hours == 2
    tuning = rs.requests["CreateHyperParameterTuningJob"]["TrainingJobDefinition"]
    for job in (rs.requests["CreateTrainingJob"], tuning):
        assert job["EnableManagedSpotTraining"] is True
        assert job["CheckpointConfig"]["S3Uri"].startswith("s3://<<bucket>>/fraud-detector/checkpoints")
        stop = job["StoppingCondition"]
        assert stop["MaxRuntimeInSeconds"] == 7200 and stop["MaxWaitTimeInSeconds"] >= 7200


def test_no_spot_when_not_interruptible(example: Any) -> None:
    _, workload, rs = example("churn-quick-train")
    job = rs.requests["CreateTrainingJob"]
    assert not workload.training.interruptible
    assert "EnableManagedSpotTraining" not in job and "CheckpointConfig" not in job
    assert job["StoppingCondition"] == {"MaxRuntimeInSeconds": 900}  # 0.25 h


def test_a_built_in_that_does_not_checkpoint_waits_an_hour_at_most(custom: Any) -> None:
    """AWS: built-in algorithms that do not checkpoint are limited to a MaxWaitTimeInSeconds of 3600 seconds
    (model-managed-spot-training.html); Linear Learner writes no checkpoints, so no CheckpointConfig either."""
    _, _, rs = variant(custom, "spot-hour-no-checkpoints")
    tuning = rs.requests["CreateHyperParameterTuningJob"]["TrainingJobDefinition"]
    for job in (rs.requests["CreateTrainingJob"], tuning):
        assert job["EnableManagedSpotTraining"] is True and "CheckpointConfig" not in job
        assert job["StoppingCondition"] == {"MaxRuntimeInSeconds": 2700, "MaxWaitTimeInSeconds": 3600}


def test_xgboost_on_gpus_is_told_so_and_uses_every_gpu_through_dask(custom: Any) -> None:
    """AWS (xgboost.html): GPU training needs tree_method gpu_hist; several GPUs in the job are used only through
    Dask (use_dask_gpu_training "true", 1.5-1 and later), whose input is FullyReplicated, never sharded. A job on
    one GPU gets gpu_hist alone; one on CPUs neither."""
    rec, _, rs = variant(custom, "xgboost-gpu-dask")
    trial = rs.requests["CreateHyperParameterTuningJob"]["TrainingJobDefinition"]
    for job, params in ((rs.requests["CreateTrainingJob"], "HyperParameters"), (trial, "StaticHyperParameters")):
        assert job[params]["tree_method"] == "gpu_hist" and job[params]["use_dask_gpu_training"] == "true"
        assert {c["DataSource"]["S3DataSource"]["S3DataDistributionType"] for c in job["InputDataConfig"]} == \
            {"FullyReplicated"}
    assert any("use_dask_gpu_training" in r for r in rec.instances["training"].reasons)
    _, _, one = custom({"name": "xgb-one", "stages": ["training"], "data": {"size_gb": 4},
                        "training": {"gpu": "required"}})
    assert one.requests["CreateTrainingJob"]["HyperParameters"]["tree_method"] == "gpu_hist"
    assert "use_dask_gpu_training" not in one.requests["CreateTrainingJob"]["HyperParameters"]
    _, _, cpu = custom({"name": "xgb-cpu", "stages": ["training"], "data": {"size_gb": 4}})
    assert "tree_method" not in cpu.requests["CreateTrainingJob"]["HyperParameters"]


def test_no_spot_for_a_built_in_that_cannot_finish_within_its_spot_wait(custom: Any) -> None:
    rec, _, rs = variant(custom, "spot-refused-no-checkpoints")
    job = rs.requests["CreateTrainingJob"]
    assert "EnableManagedSpotTraining" not in job and "CheckpointConfig" not in job
    assert job["StoppingCondition"] == {"MaxRuntimeInSeconds": 6 * 3600}
    assert any("does not checkpoint" in w for w in rec.warnings)


def test_spot_wait_never_exceeds_the_28_day_limit(custom: Any) -> None:
    _, _, rs = variant(custom, "long-spot")
    assert rs.requests["CreateTrainingJob"]["StoppingCondition"] == {
        "MaxRuntimeInSeconds": 28 * 24 * 3600, "MaxWaitTimeInSeconds": 28 * 24 * 3600}


def test_the_chapters_tuning_job_config(example: Any) -> None:
    _, workload, rs = example("fraud-detector")
    config = rs.requests["CreateHyperParameterTuningJob"]["HyperParameterTuningJobConfig"]
    assert config["Strategy"] == "Bayesian"
    assert config["HyperParameterTuningJobObjective"] == {"Type": "Maximize", "MetricName": "validation:auc"}
    assert config["ResourceLimits"] == {"MaxNumberOfTrainingJobs": workload.tuning.max_jobs,
                                        "MaxParallelTrainingJobs": workload.tuning.max_parallel_jobs}
    ranges = config["ParameterRanges"]
    assert {"Name": "max_depth", "MinValue": "1", "MaxValue": "10", "ScalingType": "Auto"} in ranges[
        "IntegerParameterRanges"]
    assert {r["Name"] for r in ranges["ContinuousParameterRanges"]} >= {"eta", "alpha", "min_child_weight"}
    definition = rs.requests["CreateHyperParameterTuningJob"]["TrainingJobDefinition"]
    tuned = {r["Name"] for kind in ranges.values() for r in kind}
    assert not tuned & set(definition["StaticHyperParameters"])  # a tuned value is never also fixed
    assert len(rs.requests["CreateHyperParameterTuningJob"]["HyperParameterTuningJobName"]) <= 32


def test_grid_searches_categorical_values_without_a_job_budget(custom: Any) -> None:
    _, _, rs = variant(custom, "grid-xgboost")
    config = rs.requests["CreateHyperParameterTuningJob"]["HyperParameterTuningJobConfig"]
    assert set(config["ParameterRanges"]) == {"CategoricalParameterRanges"}
    assert "MaxNumberOfTrainingJobs" not in config["ResourceLimits"]
    assert any("Grid" in n and "12 training jobs" in n for n in rs.notes)


def test_linear_learner_and_generic_starting_points(custom: Any) -> None:
    _, _, rs = variant(custom, "random-linear")
    config = rs.requests["CreateHyperParameterTuningJob"]["HyperParameterTuningJobConfig"]
    assert config["HyperParameterTuningJobObjective"]["MetricName"] == "validation:objective_loss"
    assert all(r["ScalingType"] == "Logarithmic" for r in config["ParameterRanges"]["ContinuousParameterRanges"])
    _, _, rs = variant(custom, "hyperband-pytorch")
    job = rs.requests["CreateHyperParameterTuningJob"]
    metric = job["HyperParameterTuningJobConfig"]["HyperParameterTuningJobObjective"]["MetricName"]
    assert job["TrainingJobDefinition"]["AlgorithmSpecification"]["MetricDefinitions"][0]["Name"] == metric
    assert not [n for n in rs.notes if "Tuning" in n]  # a script in framework mode is what the generic start is for
    _, _, rs = variant(custom, "knn-tuning")
    assert any("no built-in starting point for knn" in n for n in rs.notes)


def test_canary_split(custom: Any, example: Any) -> None:
    _, _, rs = variant(custom, "canary")
    current, canary = rs.requests["CreateEndpointConfig"]["ProductionVariants"]
    assert (current["InitialVariantWeight"], canary["InitialVariantWeight"]) == (0.8, 0.2)
    assert current["ModelName"] == "<<current_model_name>>" and canary["ModelName"] == "canary-model"
    with pytest.raises(UsageError, match="between 1 and 99"):
        example("fraud-detector", canary_percent=100)


def test_transform_filters_only_when_asked(custom: Any, example: Any) -> None:
    _, _, rs = variant(custom, "batch-filters")
    assert rs.requests["CreateTransformJob"]["DataProcessing"] == {
        "InputFilter": "$[1:]", "JoinSource": "Input", "OutputFilter": "$[0,-1]"}
    assert rs.requests["CreateTransformJob"]["TransformJobName"] == "batch-filters-transform"
    assert "DataProcessing" not in example("fraud-detector")[2].requests["CreateTransformJob"]
    with pytest.raises(UsageError, match="JSONPath"):
        example("fraud-detector", input_filter="[1:]")


def test_notebook_lifecycle_config_and_git_repository_only_when_asked(custom: Any, example: Any) -> None:
    _, _, rs = variant(custom, "notebook-extras")
    notebook = rs.requests["CreateNotebookInstance"]
    assert notebook["NotebookInstanceName"] == "nb-extras-notebook"
    assert notebook["LifecycleConfigName"] == "nb-setup"
    assert notebook["DefaultCodeRepository"] == "https://github.com/example/project.git"
    config = rs.requests["CreateNotebookInstanceLifecycleConfig"]
    assert config["NotebookInstanceLifecycleConfigName"] == "nb-setup"
    assert config["OnStart"] == [{"Content": "<<lifecycle_script_base64>>"}]
    plain = example("fraud-detector")[2].requests["CreateNotebookInstance"]
    assert "LifecycleConfigName" not in plain and "DefaultCodeRepository" not in plain
    with pytest.raises(UsageError, match="not valid"):
        example("fraud-detector", lifecycle_config="has spaces")


def test_options_without_their_stage_say_so(example: Any) -> None:
    _, _, rs = example("churn-quick-train", canary_percent=20, git_repo="https://example.com/r.git")
    assert "--canary has no effect: the recommendation has no realtime_inference or async_inference stage" in rs.notes
    assert "--git-repo has no effect: the recommendation has no notebook stage" in rs.notes


def test_lambda_function_from_the_fit(example: Any) -> None:
    rec, _, rs = example("fraud-detector")  # a 300 MB package: a container image
    fn = rs.requests["CreateFunction"]
    settings = rec.lambda_.settings
    assert (fn["MemorySize"], fn["Timeout"], fn["EphemeralStorage"]["Size"], fn["PackageType"]) == (
        settings["MemorySize"], settings["Timeout"], settings["EphemeralStorage.Size"], "Image")
    assert fn["Code"] == {"ImageUri": "<<lambda_image_uri>>"} and "Handler" not in fn
    assert "Runtime" not in fn and any("Runtime" in n and "PackageType Image" in n for n in rs.notes)
    assert fn["KMSKeyArn"] == "<<kms_key_arn>>" and fn["VpcConfig"]["SecurityGroupIds"] == ["<<security_group_ids>>"]

    rec, _, rs = example("sporadic-scoring")  # small: a .zip
    fn = rs.requests["CreateFunction"]
    assert fn["PackageType"] == "Zip" and fn["Handler"] == "<<lambda_handler>>"
    assert fn["Runtime"] == "python3.13"  # LM-11's supported runtime
    assert fn["Code"] == {"S3Bucket": "<<bucket>>", "S3Key": "sporadic-scoring/lambda/function.zip"}
    assert "CapacityProviderConfig" not in fn and "AcceleratorConfig" not in fn  # standard Lambda

    rec, _, rs = example("embeddings-lambda-gpu")  # a GPU, 16 GB, 20-minute runs: Lambda Managed Instances
    fn = rs.requests["CreateFunction"]
    assert rec.lambda_ is not None and rec.lambda_.mode == "managed_instances"
    assert fn["CapacityProviderConfig"] == {"LambdaManagedInstancesCapacityProviderConfig": {
        "CapacityProviderArn": "<<capacity_provider_arn>>"}}
    assert (fn["AcceleratorConfig"], fn["PackageType"], fn["Architectures"]) == (
        {"AcceleratorMemorySize": 3}, "Image", ["x86_64"])
    assert fn["MemorySize"] == 16384 and 1200 < fn["Timeout"] <= 5400


def test_the_state_machine_invokes_the_function_with_the_chapters_retry(example: Any) -> None:
    _, _, rs = example("fraud-detector")
    asl = rs.requests[STATE_MACHINE]
    task = asl["States"][asl["StartAt"]]
    assert task["Resource"] == "arn:aws:states:::lambda:invoke"
    assert task["Parameters"]["FunctionName"] == rs.requests["CreateFunction"]["FunctionName"]
    first, chapter = task["Retry"]  # AWS's retrier for Lambda's transient service errors, then the chapter's
    assert "Lambda.ServiceException" in first["ErrorEquals"] and "States.ALL" not in first["ErrorEquals"]
    assert (first["IntervalSeconds"], first["MaxAttempts"]) == (2, 6)
    assert chapter == {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 60, "MaxAttempts": 5, "BackoffRate": 2.0}
    assert json.loads(rs.requests["CreateStateMachine"]["definition"]) == asl


def test_the_state_machine_retries_as_the_knowledge_says(advisor: Any) -> None:
    """The retriers are knowledge (lambda_limits.yaml step_functions_retriers), written in their order; the Fail
    state counts the last one's attempts; a knowledge without retriers writes no Retry, and the definition is
    still sound."""
    workload = load_workload(EXAMPLES[EXAMPLE_NAMES.index("fraud-detector")], advisor.knowledge)
    rec = advisor.recommend(workload)
    retriers = advisor.knowledge.step_functions_retriers

    def machine(knowledge: Any) -> dict[str, Any]:
        return build_requests(rec, workload, STATE_MACHINE, knowledge=knowledge).requests[STATE_MACHINE]

    shipped = machine(advisor.knowledge)
    assert shipped["States"]["Invoke function"]["Retry"] == [r.retry for r in retriers]
    chapter_only = machine(advisor.knowledge._replace(step_functions_retriers=retriers[-1:]))
    assert chapter_only["States"]["Invoke function"]["Retry"] == [retriers[-1].retry]
    assert chapter_only["States"]["Invocation failed"]["Cause"].endswith(
        f"failed after {retriers[-1].max_attempts} retries")
    bare = machine(advisor.knowledge._replace(step_functions_retriers=()))
    assert "Retry" not in bare["States"]["Invoke function"]
    assert state_machine_problems(bare) == []
    # the Comment says what the Retry holds, not what the shipped knowledge happens to hold
    assert all(e in shipped["Comment"] for r in retriers for e in r.errors)
    assert "retrying States.ALL," in chapter_only["Comment"] and "Lambda." not in chapter_only["Comment"]
    assert "without retries" in bare["Comment"] and "retrying" not in bare["Comment"]


def test_model_serves_the_training_output_or_asks_for_it(example: Any) -> None:
    _, _, rs = example("fraud-detector")
    training = rs.requests["CreateTrainingJob"]
    url = rs.requests["CreateModel"]["PrimaryContainer"]["ModelDataUrl"]
    assert url == (f"{training['OutputDataConfig']['S3OutputPath']}{training['TrainingJobName']}"
                   "/output/model.tar.gz")
    _, _, rs = example("sporadic-scoring")  # no training stage
    assert rs.requests["CreateModel"]["PrimaryContainer"]["ModelDataUrl"] == "<<model_data_url>>"


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_placeholders_are_exactly_those_in_the_requests(name: str, example: Any) -> None:
    _, _, rs = example(name)
    text = json.dumps(rs.requests)
    assert {p.name for p in rs.placeholders} == set(TOKEN.findall(text))
    assert "<<" not in TOKEN.sub("", text)  # one notation only
    for p in rs.placeholders:
        assert p.description and p.used_in
        for where in p.used_in:
            operation, _, path = where.partition(".")
            assert any(f"<<{p.name}>>" in json.dumps(v) for v in value_at(rs.requests[operation], path)), where


def test_only_one_operation(example: Any) -> None:
    _, _, rs = example("fraud-detector", only="CreateEndpointConfig")
    assert list(rs.requests) == ["CreateEndpointConfig"]
    assert [p.name for p in rs.placeholders] == ["kms_key_arn"]
    assert rs.placeholders[0].used_in == ("CreateEndpointConfig.KmsKeyId",)


@pytest.mark.parametrize(("name", "only", "message"), [
    ("churn-quick-train", "CreateEndpointConfig",
     "the recommendation has no realtime_inference or serverless_inference or async_inference stage, so there "
         "is no CreateEndpointConfig"),
    ("notebook-explore", "CreateModel",
     "the recommendation has no realtime_inference or serverless_inference or async_inference or "
         "batch_inference stage, so there is no CreateModel"),
    ("llm-assistant", "CreateFunction", "the Lambda verdict is does_not_fit"),
    ("fraud-detector", "CreateNotebookInstanceLifecycleConfig", "only when you ask for it (--lifecycle-config"),
])
def test_an_operation_the_recommendation_does_not_cover_says_so(name: str, only: str, message: str,
                                                                example: Any) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(")) as info:
        example(name, only=only)
    assert info.value.exit_code == 2


def test_an_unknown_operation_lists_the_available_ones(example: Any) -> None:
    with pytest.raises(UsageError) as info:
        example("churn-quick-train", only="CreateTrainingJobs")
    assert "did you mean 'CreateTrainingJob'" in info.value.message
    assert info.value.hint == "this recommendation covers CreateTrainingJob"  # no unit of work for Lambda


def test_a_setting_inside_an_unused_feature_is_left_out_and_noted(example: Any) -> None:
    """Data capture needs a destination and a sampling rate; its KMS key alone would make a broken request."""
    rec, workload, _ = example("fraud-detector")
    capture = SecuritySetting(control="SM-EC-02", title="Encrypt captured data", resource="EndpointConfig",
                              service="sagemaker", api="CreateEndpointConfig", field="DataCaptureConfig.KmsKeyId",
                              value=None, placeholder="kms_key_arn", aws_default=None, requires_ebs=False,
                              severity="medium", why="test", tradeoff=None, rule="test")
    rs = build_requests(rec._replace(security=(*rec.security, capture)), workload)
    assert "DataCaptureConfig" not in rs.requests["CreateEndpointConfig"]
    assert any("DataCaptureConfig.KmsKeyId (SM-EC-02) is not set" in n for n in rs.notes)
    assert "SM-EC-02" not in next(p for p in rs.placeholders if p.name == "kms_key_arn").controls


def test_two_controls_on_one_field_share_one_placeholder(example: Any) -> None:
    """LM-05 (in a VPC) and LM-06 (two Availability Zones) both speak of the function's subnets: one value."""
    rec, _, rs = example("fraud-detector")
    fields = sorted(s.control for s in rec.security if s.api == "CreateFunction" and s.field == "VpcConfig.SubnetIds")
    assert fields == ["LM-05", "LM-06"]
    vpc = rs.requests["CreateFunction"]["VpcConfig"]
    assert vpc == {"SubnetIds": ["<<private_subnet_ids>>"], "SecurityGroupIds": ["<<security_group_ids>>"]}
    assert not any("CreateFunction.VpcConfig.SubnetIds" in n for n in rs.notes)


def test_resource_names_are_valid_for_any_workload_name(custom: Any) -> None:
    _, _, rs = custom({"name": "A_very.long_workload-name-that-goes-on-and-on-for-ever-and-ever",
                       "stages": ["tuning", "training"]})
    import re

    for params in rs.requests.values():
        for key in ("TrainingJobName", "HyperParameterTuningJobName", "FunctionName"):
            if key in params:
                assert re.fullmatch(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}", params[key]), params[key]
    assert len(rs.requests["CreateHyperParameterTuningJob"]["HyperParameterTuningJobName"]) <= 32


def test_lambda_goes_into_a_vpc_only_for_private_data(example: Any) -> None:
    """Without private sources no control asks for a VPC, so the function gets no VpcConfig at all."""
    rec, _, rs = example("sporadic-scoring")
    assert not {s.field for s in rec.security if s.api == "CreateFunction"} & {"VpcConfig.SubnetIds",
                                                                              "VpcConfig.SecurityGroupIds"}
    assert "VpcConfig" not in rs.requests["CreateFunction"]


def test_importing_the_builders_loads_no_aws_sdk() -> None:
    """botocore loads only when a request is built with a placeholder setting or validated."""
    import subprocess
    import sys

    code = ("import sys, advisor.builders, advisor.builders.script, advisor.cli.requests\n"
            "print(','.join(m for m in ('boto3', 'botocore', 'textual') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_an_asynchronous_stage_that_does_not_fit_is_refused_in_words(advisor: Any) -> None:
    """Its nearest type is shown, never configured: no settings, so its endpoint and scaling requests are refused
    (they were an internal KeyError, exit 70), while the model it would serve is still built."""
    from advisor.workload import Workload

    workload = Workload(stages=["async_inference"], inference={"gpu": "required"},
                        model={"kind": "llm", "algorithm": "huggingface", "parameters_millions": 1_500_000})
    rec = advisor.recommend(workload)
    assert not rec.instances["async_inference"].fits and not rec.instances["async_inference"].settings
    for only in (None, "CreateEndpointConfig", "RegisterScalableTarget", "PutScalingPolicy"):
        with pytest.raises(UsageError, match="async_inference does not fit this workload, so there are no settings"):
            build_requests(rec, workload, only)
    assert set(build_requests(rec, workload, "CreateModel").requests) == {"CreateModel"}
    fitting = Workload(stages=["async_inference"], inference={"traffic": "sporadic"})
    requests = build_requests(advisor.recommend(fitting), fitting).requests
    assert "AsyncInferenceConfig" in requests["CreateEndpointConfig"]


def test_records_past_the_transform_defaults_set_what_lets_them_through(custom: Any, example: Any) -> None:
    """CreateTransformJob sends 6 MB a mini-batch and waits 600 s an invocation unless told otherwise; MaxPayloadInMB
    must be at least one record and MaxConcurrentTransforms x MaxPayloadInMB at most 100 (botocore 1.44.5)."""
    rec, _, rs = variant(custom, "batch-big-records")
    job = rs.requests["CreateTransformJob"]
    assert job["BatchStrategy"] == "SingleRecord" and job["MaxPayloadInMB"] == 40
    assert job["MaxConcurrentTransforms"] >= 1 and job["MaxConcurrentTransforms"] * job["MaxPayloadInMB"] <= 100
    assert 900 < job["ModelClientConfig"]["InvocationsTimeoutInSeconds"] <= 3600
    assert any("MaxPayloadInMB 40" in r for r in rec.instances["batch_inference"].reasons)
    plain = example("fraud-detector")[2].requests["CreateTransformJob"]  # small, quick records: the defaults
    assert plain["BatchStrategy"] == "MultiRecord"
    assert not {"MaxPayloadInMB", "MaxConcurrentTransforms", "ModelClientConfig"} & set(plain)


@pytest.mark.parametrize(("stage", "accelerator", "volume"), [
    ("realtime_inference", "Inferentia2", True),  # inf2 has no local disk: the volume must hold the model
    ("async_inference", "Inferentia2", True),
    ("realtime_inference", "A100", False),  # p4d has local NVMe: no VolumeSizeInGB
])
def test_a_large_model_gets_the_variant_fields_aws_asks_for(custom: Any, stage: str, accelerator: str,
                                                            volume: bool) -> None:
    """AWS (large-model-inference-hosting.html): over 30 GB on an instance without a local disk, VolumeSizeInGB
    slightly larger than the model; over 40 GB, longer download and start-up health-check timeouts."""
    rec, _, rs = custom({"name": "big", "stages": [stage], "model": {
        "algorithm": "vllm", "kind": "llm", "architecture": "llama-3.1-70b"}, "inference": {
        "accelerator": accelerator, "seconds_per_request": 8, "payload_mb": 0.1, "latency_ms_p99": 60000}})
    [variant] = rs.requests["CreateEndpointConfig"]["ProductionVariants"]
    timeouts = (variant["ModelDataDownloadTimeoutInSeconds"], variant["ContainerStartupHealthCheckTimeoutInSeconds"])
    assert timeouts == (3600, 3600)
    assert ("VolumeSizeInGB" in variant) == volume
    if volume:
        assert 141 < variant["VolumeSizeInGB"] <= 512  # 70.6B x 2 bytes = 141 GB, with room
    assert any("the production variant sets" in r for r in rec.instances[stage].reasons)


def test_a_model_of_ordinary_size_keeps_the_variant_defaults(example: Any) -> None:
    [variant] = example("fraud-detector")[2].requests["CreateEndpointConfig"]["ProductionVariants"]
    assert not {"VolumeSizeInGB", "ModelDataDownloadTimeoutInSeconds",
                "ContainerStartupHealthCheckTimeoutInSeconds"} & set(variant)


def test_a_built_ins_required_hyperparameters_are_written_or_asked_for(custom: Any) -> None:
    """Each algorithm's Hyperparameters page marks some Required (k-means: feature_dim and k; BlazingText: mode):
    a job without them fails, so the training job and every tuning trial carry them, the workload's own value
    where it states one (model.mode) and a described placeholder otherwise; a tuned one is not also static."""
    km_rec, _, km = custom({"name": "km", "stages": ["training", "tuning"], "model": {"algorithm": "kmeans"}})
    assert km.requests["CreateTrainingJob"]["HyperParameters"] == {"feature_dim": "<<hp_feature_dim>>",
                                                                   "k": "<<hp_k>>"}
    static = km.requests["CreateHyperParameterTuningJob"]["TrainingJobDefinition"]["StaticHyperParameters"]
    assert static["k"] == "<<hp_k>>"
    assert {"hp_feature_dim", "hp_k"} <= {p.name for p in km.placeholders}
    bt_rec, _, bt = custom({"name": "bt", "stages": ["training"], "data": {"kind": "text"},
                       "model": {"algorithm": "blazingtext", "mode": "supervised"}})
    assert bt.requests["CreateTrainingJob"]["HyperParameters"]["mode"] == "supervised"
    # the recommendation carries the stated value to the builder, as it carries the names (no knowledge lookup)
    assert bt_rec.instances["training"].extra["stated_hyperparameters"] == {"mode": "supervised"}
    assert "stated_hyperparameters" not in km_rec.instances["training"].extra  # k-means has no mode to state
    _, _, unsaid = custom({"name": "bt", "stages": ["training"], "data": {"kind": "text"},
                           "model": {"algorithm": "blazingtext"}})  # no model.mode: asked for, as the others
    assert unsaid.requests["CreateTrainingJob"]["HyperParameters"]["mode"] == "<<hp_mode>>"
    _, _, xgb = custom({"name": "xgb", "stages": ["training", "tuning"]})
    assert xgb.requests["CreateTrainingJob"]["HyperParameters"]["num_round"] == "100"  # the start's value wins
    trial = xgb.requests["CreateHyperParameterTuningJob"]["TrainingJobDefinition"]
    assert "num_round" not in trial.get("StaticHyperParameters", {})  # tuned, so not static


# AWS's "Supported JSONPath Operators" (batch-transform-data-processing.html): its examples and the API
# reference's (DataProcessing) are accepted; anything outside the table, or past botocore's 63 characters, is not.
@pytest.mark.parametrize("path", ["$", "$[1:]", "$[0,-1]", "$[0,5:]", "$[2:5]", "$[:5]", "$[1]", "$[1,3,5]",
                                  "$.features", "$.id.*", "$['id','SageMakerOutput']",
                                  "$.field1.['child1','child2']", "$[*]", "$.*", "$" + "[0]" * 20])
def test_jsonpaths_sagemaker_supports_are_accepted(path: str) -> None:
    assert jsonpath_problem(path) is None


@pytest.mark.parametrize(("path", "said"), [
    ("$[1:", "opens a [ at character 2 that is never closed"),
    ("$['id'", "opens a [ at character 2 that is never closed"),
    ("[1:]", "does not start with $"),
    ("", "does not start with $"),
    ("$..name", "not a JSONPath SageMaker supports from character 2"),
    ("$[?(@.price > 10)]", "not a JSONPath SageMaker supports from character 2"),
    ("$.", "not a JSONPath SageMaker supports from character 2"),
    ("$[]", "not a JSONPath SageMaker supports from character 2"),
    ("$[a]", "not a JSONPath SageMaker supports from character 2"),
    ("$.features]", "not a JSONPath SageMaker supports from character 11"),
    ("$.field1.['child1','child2.grandchild']", "'child2.grandchild' inside brackets, a nested child"),
    ("$" + "[0]" * 21, "is 64 characters long; SageMaker takes at most 63"),
])
def test_jsonpaths_sagemaker_refuses_are_refused_before_the_job_runs(path: str, said: str) -> None:
    problem = jsonpath_problem(path)
    assert problem is not None and said in problem
    with pytest.raises(UsageError, match="--output-filter") as caught:
        RequestOptions(output_filter=path).check()
    assert said in str(caught.value) and "$['id','SageMakerOutput']" in str(caught.value)  # the hint


def test_a_csv_transform_takes_only_index_filters(custom: Any, example: Any) -> None:
    """AWS reads a CSV row as a JSON array, "so only index based JSONPaths can be applied": a name on XGBoost's
    text/csv input is refused; a container whose input the advisor does not fix may be JSON, and keeps it."""
    with pytest.raises(UsageError, match=r"--input-filter '\$\.features' selects a field by name.*text/csv"):
        example("fraud-detector", input_filter="$.features")
    with pytest.raises(UsageError, match="--output-filter"):
        example("fraud-detector", output_filter="$['id','SageMakerOutput']")
    assert example("fraud-detector", input_filter="$[1:]", output_filter="$[0,-1]")[2].requests[
        "CreateTransformJob"]["DataProcessing"] == {"InputFilter": "$[1:]", "OutputFilter": "$[0,-1]"}
    _, _, rs = custom({"name": "json-batch", "stages": ["batch_inference"], "model": {"algorithm": "pytorch"}},
                      input_filter="$.features", join_source="Input", output_filter="$['id','SageMakerOutput']")
    assert "ContentType" not in rs.requests["CreateTransformJob"]["TransformInput"]
    assert rs.requests["CreateTransformJob"]["DataProcessing"]["InputFilter"] == "$.features"


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_placeholder_says_what_to_fill_in(name: str, example: Any) -> None:
    """A placeholder described by its control's title ("Keep secrets out of environment variables") told a user
    what to do, not what to write in its place: each says what the value is."""
    from advisor.knowledge.loader import load_knowledge

    titles = {c.title for c in load_knowledge().security_controls}
    for placeholder in example(name)[2].placeholders:
        assert not any(placeholder.description.startswith(title) for title in titles), placeholder.name


def test_a_job_runtime_is_capped_by_its_own_stage_limit() -> None:
    """A processing job stops at most after 777,600 s (botocore ProcessingStoppingCondition.MaxRuntimeInSeconds
    max), a training job after 28 days (StoppingCondition): each request is held to its own stage's cap."""
    from advisor.builders.sagemaker import runtime_seconds
    from advisor.workload import PROCESSING_MAX_HOURS, TRAINING_MAX_HOURS

    assert runtime_seconds(300, PROCESSING_MAX_HOURS) == 777_600
    assert runtime_seconds(300, TRAINING_MAX_HOURS) == 300 * 3600  # training's cap is not reached
    assert runtime_seconds(1000, TRAINING_MAX_HOURS) == 28 * 24 * 3600
    assert runtime_seconds(0.0001, PROCESSING_MAX_HOURS) == 1
