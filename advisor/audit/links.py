"""What one resource of an input says about another: a control on a resource sometimes depends on a resource
that names it, and the audit judges one resource at a time. So before the checks, the resources of one input
(a template, a Terraform file, a plan, a request file) that configure another get their word onto it, under a
property the catalog's paths read:

- a Lambda function named by an event invoke configuration (AWS::Lambda::EventInvokeConfig,
  aws_lambda_function_event_invoke_config, PutFunctionEventInvokeConfig) carries its settings as
  `EventInvokeConfig` (Terraform: `event_invoke_config`), the name and shape SAM gives the same settings on
  AWS::Serverless::Function: an on-failure destination keeps failed asynchronous events as a dead-letter queue
  does (LM-09);
- a SageMaker model that endpoint configurations, inference components or transform jobs of the same input
  serve carries how: `HostedOn` (`hosted_on`) is `serverless` when every variant that serves it is a
  serverless one, else `instances`. AWS's serverless endpoints support neither VPC configuration nor network
  isolation nor private registries (serverless-endpoints.html, "Feature exclusions"), so the model controls
  that ask for them do not apply to a model only a serverless endpoint serves (SM-MD-01..04).

A reference is matched by what it names (`!Ref Fn`, `!GetAtt Model.ModelName`, `aws_lambda_function.f.arn`)
or by the name itself (a plan's or a request file's literal `FunctionName`, a function ARN).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from advisor.audit.model import Resource, Unknown, module_path

#: function type -> (its name field, the property the invoke configuration's settings go to)
_FUNCTIONS = {
    "AWS::Lambda::Function": ("FunctionName", "EventInvokeConfig"),
    "AWS::Serverless::Function": ("FunctionName", "EventInvokeConfig"),
    "aws_lambda_function": ("function_name", "event_invoke_config"),
    "awscc_lambda_function": ("function_name", "event_invoke_config"),
    "CreateFunction": ("FunctionName", "EventInvokeConfig"),
}
#: invoke configuration type -> the field that names its function
_INVOKE_CONFIGS = {
    "AWS::Lambda::EventInvokeConfig": "FunctionName",
    "aws_lambda_function_event_invoke_config": "function_name",
    "awscc_lambda_event_invoke_config": "function_name",
    "PutFunctionEventInvokeConfig": "FunctionName",
}
#: model type -> (its name field, the property how it is hosted goes to)
_MODELS = {
    "AWS::SageMaker::Model": ("ModelName", "HostedOn"),
    "aws_sagemaker_model": ("name", "hosted_on"),
    "awscc_sagemaker_model": ("model_name", "hosted_on"),
    "CreateModel": ("ModelName", "HostedOn"),
}
#: what serves a model -> (lists of variants, or "" for the resource itself; the model's name in one; the field
#: a serverless variant has, or None when it always runs on instances)
_SERVERS: dict[str, tuple[tuple[str, ...], str, str | None]] = {
    "AWS::SageMaker::EndpointConfig": (("ProductionVariants", "ShadowProductionVariants"), "ModelName",
                                       "ServerlessConfig"),
    "aws_sagemaker_endpoint_configuration": (("production_variants", "shadow_production_variants"), "model_name",
                                             "serverless_config"),
    "awscc_sagemaker_endpoint_config": (("production_variants", "shadow_production_variants"), "model_name",
                                        "serverless_config"),
    "CreateEndpointConfig": (("ProductionVariants", "ShadowProductionVariants"), "ModelName", "ServerlessConfig"),
    "AWS::SageMaker::InferenceComponent": (("Specification",), "ModelName", None),
    "awscc_sagemaker_inference_component": (("specification",), "model_name", None),
    "CreateInferenceComponent": (("Specification",), "ModelName", None),
    "CreateTransformJob": (("",), "ModelName", None),
}
#: The types that say something of another resource: a reader that skips the types nothing judges keeps them.
LINK_SOURCES = frozenset(_INVOKE_CONFIGS) | frozenset(_SERVERS)
#: The properties this module puts on a resource (they are in no schema of its type): (type or operation,
#: property) -> where the rest of a path below it is defined, a CloudFormation type or a (service, operation) of
#: botocore, or None for a value computed here (`HostedOn`: serverless or instances). The catalog tests resolve
#: a condition's path through it.
LINKED: dict[tuple[str, str], str | tuple[str, str] | None] = {
    ("AWS::Lambda::Function", "EventInvokeConfig"): "AWS::Lambda::EventInvokeConfig",
    ("CreateFunction", "EventInvokeConfig"): ("lambda", "PutFunctionEventInvokeConfig"),
    ("AWS::SageMaker::Model", "HostedOn"): None,
    ("CreateModel", "HostedOn"): None,
}
_CFN_NAMED = re.compile(r"^!(?:Ref|GetAtt|Sub) \$?\{?([A-Za-z0-9]+)")
_TF_NAMED = re.compile(r"((?:aws|awscc)_[a-z0-9_]+\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?)")
_ADDRESS = re.compile(r"(?:aws|awscc)_[a-z0-9_]+\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?$")


def link(resources: list[Resource]) -> list[Resource]:
    """The resources of one input, each carrying what the others of that input say about it."""
    types = {r.type for r in resources}
    if not (types & _INVOKE_CONFIGS.keys() and types & _FUNCTIONS.keys()) \
            and not (types & _SERVERS.keys() and types & _MODELS.keys()):
        return resources
    out = list(resources)
    modules = [_module(r) for r in resources]  # where each one's references resolve
    by_module: dict[str, list[Resource]] = {}
    for r, module in zip(resources, modules):
        by_module.setdefault(module, []).append(r)
    for i, resource in enumerate(out):
        beside = by_module[modules[i]]
        if resource.type in _FUNCTIONS and isinstance(resource.properties, dict):
            field, key = _FUNCTIONS[resource.type]
            configs = [r.properties for r in beside if r.type in _INVOKE_CONFIGS and isinstance(r.properties, dict)
                       and _names(r.properties.get(_INVOKE_CONFIGS[r.type]), resource, field)]
            if configs and key not in resource.properties:
                # an on-failure destination on any qualifier keeps what fails there: the first that has one
                chosen = next((c for c in configs if _on_failure(c)), configs[0])
                out[i] = replace(resource, properties={**resource.properties, key: _without_name(chosen)})
        elif resource.type in _MODELS and isinstance(resource.properties, dict):
            field, key = _MODELS[resource.type]
            serverless = [s for server in beside for s in _serving(server, resource, field)]
            if serverless and key not in resource.properties:
                hosted = "serverless" if all(serverless) else "instances"
                out[i] = replace(resource, properties={**resource.properties, key: hosted})
    return out


def _module(resource: Resource) -> str:
    """The Terraform module instance a resource belongs to (`module.a["k"].`), where its references resolve:
    one call's resources never name another call's."""
    return module_path(resource.name) if resource.kind in ("terraform", "plan") else ""


def _serving(server: Resource, model: Resource, field: str) -> Iterator[bool]:
    """For each variant of `server` that serves `model`: whether it is a serverless one."""
    if server.type not in _SERVERS or not isinstance(server.properties, dict):
        return
    lists, name_field, serverless_field = _SERVERS[server.type]
    for list_name in lists:
        variants = [server.properties] if not list_name else server.properties.get(list_name)
        for variant in variants if isinstance(variants, list) else [variants]:
            if isinstance(variant, dict) and _names(variant.get(name_field), model, field):
                config = variant.get(serverless_field) if serverless_field else None
                yield bool(config) and config != [{}]


def _names(value: Any, target: Resource, field: str) -> bool:
    """Whether `value` (a reference or a literal name or ARN) names `target`."""
    if isinstance(value, Unknown):
        text = value.text
        if target.kind == "cloudformation":
            logical = _CFN_NAMED.match(text)
            return logical is not None and logical.group(1) == target.name
        found = _TF_NAMED.search(text)
        if not found:
            return False
        own = _ADDRESS.search(target.name)  # module.a.aws_x.y["k"] -> the address in its module
        if not own:
            return False
        address = own.group(0).replace('"', "")
        named = found.group(1).replace('"', "")
        return named == address or (named == address.split("[", 1)[0] and "[" not in named)
    if not isinstance(value, str) or not value:
        return False
    name = target.properties.get(field) if isinstance(target.properties, dict) else None
    if not isinstance(name, str) or not name:
        return False
    # a function may be named by its ARN, with a version or alias after it
    return value == name or re.search(rf":function:{re.escape(name)}(?::[^:]+)?$", value) is not None


def _on_failure(config: dict[str, Any]) -> bool:
    for key in ("DestinationConfig", "destination_config"):
        destination = config.get(key)
        if isinstance(destination, list):
            destination = destination[0] if destination else None
        if isinstance(destination, dict) and (destination.get("OnFailure") or destination.get("on_failure")):
            return True
    return False


def _without_name(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k not in ("FunctionName", "function_name")}
