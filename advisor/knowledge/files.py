"""The root model of each knowledge file (rules/knowledge/<stem>.yaml): what the loader validates a file with and
what `advisor kb schemas` writes a JSON Schema for.

Apart from the records they hold (advisor.knowledge.models) because only reading the YAML needs them: a start
that finds the validated knowledge in its cache never creates these classes.
"""

from __future__ import annotations

from pydantic import Field

from advisor.base import Frozen, Sourced, Text
from advisor.knowledge.models import (
    AcceleratorSpec,
    Algorithm,
    ExamBlueprint,
    Family,
    Framework,
    GuardRail,
    HostingOption,
    InstanceType,
    LambdaExecutionMode,
    LambdaFeature,
    LambdaLimit,
    LlmArchitecture,
    Region,
    Retrier,
    SamCannotSet,
    SecurityControl,
)


class FamiliesFile(Frozen):
    families: tuple[Family, ...] = Field(min_length=1)


class InstanceTypesFile(Frozen):
    botocore_version: str | None = Field(
        default=None, description="The botocore release whose enums the stages were last synced from."
    )
    instance_types: tuple[InstanceType, ...] = Field(min_length=1)


class SecurityControlsFile(Frozen):
    security_controls: tuple[SecurityControl, ...] = Field(min_length=1)
    guard_rails: tuple[GuardRail, ...] = ()
    sam_cannot_set: tuple[SamCannotSet, ...] = ()


class LambdaLimitsFile(Frozen):
    execution_modes: tuple[LambdaExecutionMode, ...] = ()
    lambda_limits: tuple[LambdaLimit, ...] = Field(min_length=1)
    features: tuple[LambdaFeature, ...] = ()
    step_functions_retriers: tuple[Retrier, ...] = Field(default=(), description=(
        "The Retry entries of the Step Functions Task that invokes the function, in order (States.ALL only in "
        "the last)."))


class ExamsFile(Frozen):
    exams: tuple[ExamBlueprint, ...] = Field(min_length=1)


class RegionsFile(Sourced):
    botocore_version: str
    regions: tuple[Region, ...] = Field(min_length=1)


class AcceleratorsFile(Frozen):
    cpu_vcpu_tflops: float = Field(gt=0, description="The assumed peak of one vCPU, to rank CPUs on the same scale.")
    cpu_source: Text
    accelerators: tuple[AcceleratorSpec, ...] = Field(min_length=1)


class AlgorithmsFile(Frozen):
    algorithms: tuple[Algorithm, ...] = Field(min_length=1)
    frameworks: tuple[Framework, ...] = Field(min_length=1)


class HostingOptionsFile(Frozen):
    hosting_options: tuple[HostingOption, ...] = Field(min_length=1)


class LlmArchitecturesFile(Frozen):
    llm_architectures: tuple[LlmArchitecture, ...] = Field(min_length=1)


#: The knowledge files and the root model of each, in load order. The file stem is also the schema name.
KNOWLEDGE_FILES: dict[str, type[Frozen]] = {
    "families": FamiliesFile,
    "instance_types": InstanceTypesFile,
    "security_controls": SecurityControlsFile,
    "lambda_limits": LambdaLimitsFile,
    "exams": ExamsFile,
    "regions": RegionsFile,
    "accelerators": AcceleratorsFile,
    "algorithms": AlgorithmsFile,
    "hosting_options": HostingOptionsFile,
    "llm_architectures": LlmArchitecturesFile,
}
