"""Lambda today has three execution modes; the limits table holds each beside the chapter's figure."""

from __future__ import annotations

import botocore.session

from advisor.knowledge.loader import load_knowledge

K = load_knowledge()
CREATE = botocore.session.get_session().get_service_model("lambda").operation_model("CreateFunction").input_shape


def test_modes_are_listed_and_sourced() -> None:
    assert [m.id for m in K.lambda_modes] == ["standard", "managed_instances", "durable"]
    assert all(m.source and m.as_of for m in K.lambda_modes)


def test_managed_instances_figures_are_botocores() -> None:
    memory, timeout, tmp = (K.lambda_limit(i) for i in ("memory", "timeout", "ephemeral_storage"))
    assert memory.today.max == 10240 and memory.managed_instances and memory.managed_instances.max == \
        CREATE.members["MemorySize"].metadata["max"] == 32768
    assert timeout.today.max == 900 and timeout.managed_instances and timeout.managed_instances.max == \
        CREATE.members["Timeout"].metadata["max"] == 5400
    assert tmp.managed_instances and tmp.managed_instances.max == \
        CREATE.members["EphemeralStorage"].members["Size"].metadata["max"] == 32768
    durable = CREATE.members["DurableConfig"].members["ExecutionTimeout"].metadata["max"]
    assert timeout.durable and timeout.durable.max == durable == 31622400


def test_gpu_row_is_corrected() -> None:
    gpu, memory = K.lambda_limit("gpu"), K.lambda_limit("gpu_memory")
    assert gpu.today.max == 0 and gpu.changed and gpu.managed_instances is not None
    assert "AcceleratorConfig" in CREATE.members and gpu.api_field == "CreateFunction.AcceleratorConfig"
    assert memory.managed_instances and (memory.managed_instances.min, memory.managed_instances.max) == (3, 48)
    assert "no accelerator parameter" not in (gpu.today.text or "")


def test_step_functions_retry_lambdas_transient_errors_as_aws_advises_then_the_chapters_way() -> None:
    """bp-lambda-serviceexception.html: Lambda's transient service errors (a 500 from the service), retried every
    2 s, 6 times, doubling; then the chapter's catch-all (States.ALL, 60 s, 5 times, x2.0), last, because the
    States Language tries retriers in order and a retrier after the catch-all could never match."""
    service, chapter = K.step_functions_retriers
    assert service.retry == {"ErrorEquals": ["Lambda.ClientExecutionTimeoutException", "Lambda.ServiceException",
                                             "Lambda.AWSLambdaException", "Lambda.SdkClientException"],
                             "IntervalSeconds": 2, "MaxAttempts": 6, "BackoffRate": 2.0}
    assert chapter.retry == {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 60, "MaxAttempts": 5,
                             "BackoffRate": 2.0}
    assert all(r.source and r.as_of and r.why for r in K.step_functions_retriers)
    assert "bp-lambda-serviceexception.html" in service.source and "chapter 9" in chapter.source


def test_accelerator_memory_sizes_are_the_values_aws_lists() -> None:
    """API_AcceleratorConfig: AcceleratorMemorySize takes 3, 6, 12, 16, 24 or 48 (GB a device), which botocore's
    integer shape does not enumerate, so the knowledge holds them and the Lambda fit picks the smallest that holds
    the model (test_lambda_fit); standard Lambda has no GPU."""
    gpu_memory = K.lambda_limit("gpu_memory")
    assert gpu_memory.managed_instances is not None
    assert gpu_memory.managed_instances.values == (3, 6, 12, 16, 24, 48)
    assert "valid values 3, 6, 12, 16, 24, 48" in gpu_memory.source
    assert CREATE.members["AcceleratorConfig"].members["AcceleratorMemorySize"].type_name == "integer"
    assert gpu_memory.today.max == 0 and not gpu_memory.today.values
