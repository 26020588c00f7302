"""rules/knowledge/hosting_options.yaml: every number with an api_field is the installed botocore's shape bound."""

from __future__ import annotations

import botocore.session
import pytest

from advisor.knowledge.loader import load_knowledge

K = load_knowledge()
_SESSION = botocore.session.get_session()


def _shape(api_field: str):
    service, _, path = api_field.partition(":")
    operation, *members = path.split(".")
    shape = _SESSION.get_service_model(service).operation_model(operation).input_shape
    for name in members:
        shape = shape.members[name]
        while shape.type_name == "list" and name != members[-1]:
            shape = shape.member
    return shape


LIMITS = [(o.id, x) for o in K.hosting_options for x in o.limits if x.api_field]


@pytest.mark.parametrize("option,limit", LIMITS, ids=[f"{o}.{x.id}" for o, x in LIMITS])
def test_limits_match_botocore(option: str, limit) -> None:
    shape = _shape(limit.api_field)
    scale = 2**20 if (shape.type_name == "blob" and limit.unit == "MB") else 1
    bounds = shape.metadata
    if limit.value.max is not None and "max" in bounds:
        assert limit.value.max * scale == bounds["max"], (option, limit.id, bounds)
    if limit.value.min is not None and "min" in bounds:
        assert limit.value.min * scale == bounds["min"], (option, limit.id, bounds)
    assert "max" in bounds or "min" in bounds or limit.note, f"{option}.{limit.id}: say where the bound is documented"


def test_the_options_and_what_bounds_them() -> None:
    ids = [o.id for o in K.hosting_options]
    assert ids == ["realtime", "serverless", "async", "batch_transform", "multi_model", "multi_container",
                   "inference_components"]
    realtime, serverless, async_ = (K.hosting_option(i) for i in ("realtime", "serverless", "async"))
    assert (realtime.limit("payload_mb").value.max, realtime.limit("timeout_s").value.max) == (6, 60)
    assert (serverless.limit("payload_mb").value.max, serverless.limit("timeout_s").value.max) == (4, 60)
    assert (serverless.limit("memory_mb").value.min, serverless.limit("memory_mb").value.max) == (1024, 6144)
    caps = serverless.capabilities
    assert not caps.gpu and not caps.vpc and not caps.network_isolation and caps.scale_to_zero
    assert (async_.limit("payload_mb").value.max, async_.limit("timeout_s").value.max) == (1024, 3600)
    assert K.hosting_option("batch_transform").limit("payload_mb").value.max == 100
    assert all(o.page.startswith("https://docs.aws.amazon.com/") and o.source and o.as_of for o in K.hosting_options)


def test_a_limit_the_code_asks_for_and_the_knowledge_lacks_is_named() -> None:
    """A limit id the code reads that hosting_options.yaml does not give is a KeyError naming option, limit and
    file, not a bare StopIteration from deep in a recommendation."""
    with pytest.raises(KeyError, match="'serverless' has no limit 'min_instances' in rules/knowledge/hosting"):
        K.hosting_option("serverless").limit("min_instances")
    assert K.hosting_option("inference_components").limit("min_instances").value.min == 0


def test_which_options_serve_several_models() -> None:
    """AWS: multi-model and multi-container endpoints and inference components are real-time options
    (deploy-model-advanced.html); serverless has neither multi-model endpoints nor inference pipelines (feature
    exclusions); InvokeEndpointAsync names no model (botocore), though a pipeline is one model to its caller; a
    transform job runs one model (CreateTransformJob.ModelName), which may be a pipeline (inference-pipeline-batch).
    Whether a multi-model endpoint runs in a pipeline AWS's pages do not say (its own example puts one MultiModel
    container in a pipeline), so the knowledge leaves it unsaid and nothing is drilled on it."""
    several = {o.id: (o.capabilities.several_models, o.capabilities.serial_pipeline) for o in K.hosting_options}
    assert several == {"realtime": (True, True), "serverless": (False, False), "async": (False, True),
                       "batch_transform": (False, True), "multi_model": (True, None),
                       "multi_container": (True, True), "inference_components": (True, False)}
    assert all(o.serves_one_model for o in K.hosting_options if o.capabilities.several_models is False)
    assert [o.id for o in K.hosting_options if o.always_on] == ["realtime", "multi_model", "multi_container"]
    assert K.hosting_option("async").hosts_models(serial=True) and not K.hosting_option("async").hosts_models(False)
    assert [s for s, _ in K.inference_stages()] == ["realtime_inference", "serverless_inference", "async_inference",
                                                    "batch_inference"]
    assert [s for s, _ in K.inference_stages(["training", "batch_inference"])] == ["batch_inference"]


def test_botocore_has_no_model_to_name_on_an_asynchronous_request() -> None:
    runtime = botocore.session.get_session().get_service_model("sagemaker-runtime")
    sync = set(runtime.operation_model("InvokeEndpoint").input_shape.members)
    queued = set(runtime.operation_model("InvokeEndpointAsync").input_shape.members)
    naming = {"TargetModel", "TargetContainerHostname", "InferenceComponentName"}
    assert naming <= sync and not naming & queued


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("hosting_options.yaml", "  - id: async\n", "  - id: serverless\n",
     "hosting_options[2]: duplicate option id 'serverless' (first at item 1)"),
    ("hosting_options.yaml", "      - id: disk_gb\n", "      - id: memory_mb\n",
     "hosting_options[1].limits[5]: duplicate limit id 'memory_mb'"),
    ("hosting_options.yaml", "capabilities: {gpu: false, vpc: false,", "capabilities: {gpu: maybe, vpc: false,",
     "hosting_options[1].capabilities.gpu: must be true or false"),
    ("hosting_options.yaml", "    serves_one_model: a serverless endpoint hosts one model (no multi-model endpoints or "
     "inference pipelines)\n", "", "hosting_options[1]: capabilities.several_models is false but serves_one_model"),
    ("lambda_limits.yaml", "  - id: durable\n", "  - id: standard\n",
     "execution_modes[2]: duplicate execution mode 'standard'"),
    ("lambda_limits.yaml", "  - id: durable\n", "  - id: eternal\n", "execution_modes[2].id:"),
])
def test_malformed_options_and_modes_are_located(rules_copy, file: str, old: str, new: str,  # type: ignore[no-untyped-def]
                                                 expected: str) -> None:
    from advisor.errors import KnowledgeError
    from advisor.knowledge.loader import validate_knowledge
    from tests.conftest import replace_in

    replace_in(rules_copy / "knowledge" / file, old, new)
    with pytest.raises(KnowledgeError) as info:
        validate_knowledge(rules_copy)
    messages = [str(p) for p in info.value.problems]
    assert any(m.startswith(f"rules/knowledge/{file}:") and expected in m for m in messages), messages
