"""Resolve `Operation.Field.Sub[].Leaf` paths in botocore's own service models (no network, no boto3 client).

The security catalog names exact request fields; this is how a test (and `advisor kb validate --botocore`)
proves each one exists in the API as shipped, rather than trusting our spelling.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def service_model(service: str) -> Any:
    import botocore.session  # deferred: botocore's service models load only when a request is validated

    return botocore.session.get_session().get_service_model(service)


def resolve_field(service: str, operation: str, field: str) -> Any:
    """The botocore shape at `field` in `operation`'s input; raises LookupError naming the first bad part."""
    model = service_model(service)
    try:
        shape = model.operation_model(operation).input_shape
    except Exception as exc:  # botocore raises OperationNotFoundError
        raise LookupError(f"{service} has no operation {operation!r}") from exc
    walked = operation
    for part in field.split("."):
        is_list = part.endswith("[]")
        name = part[:-2] if is_list else part
        members = getattr(shape, "members", None)
        if members is None or name not in members:
            raise LookupError(f"{walked} has no member {name!r}")
        shape = members[name]
        walked += f".{name}"
        if is_list:
            if shape.type_name != "list":
                raise LookupError(f"{walked} is a {shape.type_name}, not a list")
            shape = shape.member
            walked += "[]"
    return shape
