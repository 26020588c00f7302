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
