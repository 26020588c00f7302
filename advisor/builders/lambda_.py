"""Lambda CreateFunction from the recommendation's Lambda fit: memory, timeout, /tmp and package type as the
fit computed them, then the security settings (VPC, KMS key for the environment, tracing, dead-letter queue)."""

from __future__ import annotations

from typing import Any

from advisor.builders.common import Context, Operation, set_path, token

SERVICE = "lambda"


def function_name(ctx: Context) -> str:
    return ctx.name("function", limit=64)


def create_function(ctx: Context) -> dict[str, Any]:
    assert ctx.rec.lambda_ is not None  # request_set builds it only when Lambda was checked and fits
    settings = ctx.rec.lambda_.settings
    image = settings.get("PackageType") == "Image"
    request: dict[str, Any] = {
        "FunctionName": function_name(ctx),
        "Role": token("lambda_execution_role_arn"),
        "Code": {"ImageUri": token("lambda_image_uri")} if image else {
            "S3Bucket": token("bucket"), "S3Key": f"{ctx.base}/lambda/function.zip"},
        "Description": f"{ctx.workload.name}: one unit of work, sized by sagemaker-advisor",
    }
    if not image:
        request["Handler"] = token("lambda_handler")
    for path, value in settings.items():  # a list setting (Architectures) is frozen as a tuple in the fit
        set_path(request, path, list(value) if isinstance(value, tuple) else value)
    ctx.secure(SERVICE, "CreateFunction", request)
    if image and "Runtime" in request:
        # AWS: "Specifying a runtime results in an error if you're deploying a function using a container image."
        runtime = request.pop("Runtime")
        ctx.notes.append(f"CreateFunction.Runtime ({runtime!r}) is left out: a container image brings its own "
                         "runtime, and AWS refuses Runtime with PackageType Image")
    vpc = request.get("VpcConfig", {})
    if bool(vpc.get("SubnetIds")) != bool(vpc.get("SecurityGroupIds")):
        # AWS: "SubnetIds and SecurityIds must coexist or be both empty list." Subnets alone come from a control
        # about functions already in a VPC (two Availability Zones); without the VPC control this one is not.
        request.pop("VpcConfig")
        ctx.notes.append("CreateFunction.VpcConfig is left out: the recommendation gives the function subnets but no "
                         "security groups, so it does not put it in a VPC, and AWS refuses one without the other "
                         "(\"SubnetIds and SecurityIds must coexist\"); the advice on subnets applies once you "
                         "attach the function to a VPC")
    if not image and "Runtime" not in request:
        request["Runtime"] = token("lambda_runtime")
    return request


OPERATIONS: tuple[Operation, ...] = (Operation("CreateFunction", SERVICE, create_function, needs_lambda=True),)
