"""The jobs a SageMaker pipeline definition runs, judged as the requests they are.

A pipeline's steps carry, under `Arguments`, the very request SageMaker sends for them: a Training step's is a
CreateTrainingJob request, a Processing step's a CreateProcessingJob, a Transform step's a CreateTransformJob, a
Tuning step's a CreateHyperParameterTuningJob, a Model step's a CreateModel (the pipeline definition schema,
build-and-manage-steps.html). So a pipeline in a template, a Terraform file, a plan or a request file adds one
resource per such step, judged by the request rules of its operation: a training step without network
isolation fails SM-TR-01 as the same CreateTrainingJob would. A Condition step's branches are read too. A
pipeline value (`{"Get": "Parameters.X"}`, `{"Std:Join": ...}`) is known only when the execution starts: unknown.
A definition that is not JSON the audit can read (kept in S3, or built from values it cannot compute) adds
nothing.

A Step Functions state machine runs SageMaker jobs the same way: a Task state whose Resource is
`arn:aws:states:::sagemaker:createTrainingJob` (`.sync`, `.waitForTaskToken`) passes its Parameters (Arguments
in JSONata) as that API's request (connect-sagemaker.html), so each such state is judged as the request too,
named `StateMachine.State`, Parallel branches and Map iterations included; a field set from the execution's data
(`"Key.$": "$.path"`, a JSONata `{% %}` expression) is unknown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from advisor.audit.local_files import read_inside
from advisor.audit.model import Encoded, PathKey, Reference, Resource, Unknown, arn_form, stand_in

#: step type -> the request its Arguments are
STEP_REQUESTS = {"Training": "CreateTrainingJob", "Processing": "CreateProcessingJob",
                 "Transform": "CreateTransformJob", "Tuning": "CreateHyperParameterTuningJob", "Model": "CreateModel"}
#: the SageMaker API a Task state calls, as the optimized integration names it -> the request it is
_TASKS = {"createTrainingJob": "CreateTrainingJob", "createProcessingJob": "CreateProcessingJob",
          "createTransformJob": "CreateTransformJob", "createHyperParameterTuningJob": "CreateHyperParameterTuningJob",
          "createModel": "CreateModel", "createEndpointConfig": "CreateEndpointConfig"}
_TASK = re.compile(r"^arn:[^:]*:states:::sagemaker:([A-Za-z]+)(?:\.[A-Za-z]+)?$")
_Jobs = Callable[[dict[str, Any]], Iterator[tuple[str, str, Any]]]


def _pipeline_jobs(definition: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(name, request, Arguments) of each job step, those in a Condition step's branches included."""
    for step in _all_steps(definition.get("Steps")):
        operation = STEP_REQUESTS.get(str(step.get("Type")))
        if operation:
            yield str(step.get("Name", operation)), operation, step.get("Arguments")


def _task_jobs(definition: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(name, request, Parameters or JSONata Arguments) of each SageMaker Task state."""
    for name, state in _states(definition.get("States")):
        found = _TASK.match(_plain(state.get("Resource", "")))
        operation = _TASKS.get(found.group(1)) if found else None
        if operation:
            yield name, operation, state.get("Parameters", state.get("Arguments"))


#: type holding a definition -> (the paths that may hold it, first set wins; how its jobs are read). A pipeline's
#: definition is an object or a JSON text; a state machine's too.
_DEFINITIONS: dict[str, tuple[tuple[tuple[str, ...], ...], _Jobs]] = {
    "AWS::SageMaker::Pipeline": ((("PipelineDefinition", "PipelineDefinitionBody"),), _pipeline_jobs),
    "aws_sagemaker_pipeline": ((("pipeline_definition",),), _pipeline_jobs),
    "awscc_sagemaker_pipeline": ((("pipeline_definition", "pipeline_definition_body"),), _pipeline_jobs),
    "CreatePipeline": ((("PipelineDefinition",),), _pipeline_jobs),
    "AWS::StepFunctions::StateMachine": ((("Definition",), ("DefinitionString",), ("DefinitionS3Location",)),
                                         _task_jobs),
    "AWS::Serverless::StateMachine": ((("Definition",), ("DefinitionUri",)), _task_jobs),
    "aws_sfn_state_machine": ((("definition",),), _task_jobs),
    "awscc_stepfunctions_state_machine": ((("definition",), ("definition_string",)), _task_jobs),
    "CreateStateMachine": ((("definition",),), _task_jobs),
}
#: the types that hold a pipeline or state machine definition: a reader that skips the types nothing judges
#: keeps them
PIPELINES = frozenset(_DEFINITIONS)
_PLACE = re.compile(r"\$\{([^}!][^}]*)\}")
_UNKNOWN = "\x00unknown:"
_FORM = "\x00form:"
_SET = "\x00set:"  # a DefinitionSubstitutions variable whose value is certainly set (another resource's attribute)
_MARKED = re.compile("\x00(unknown|form|set):([^\x00]*)\x00")
#: type holding a state machine definition -> its DefinitionSubstitutions: the values put in for `${name}` in the
#: definition (aws-resource-stepfunctions-statemachine.html; SAM passes them on; the aws provider has none)
_SUBSTITUTIONS = {"AWS::StepFunctions::StateMachine": "DefinitionSubstitutions",
                  "AWS::Serverless::StateMachine": "DefinitionSubstitutions",
                  "awscc_stepfunctions_state_machine": "definition_substitutions"}
_VARIABLE = re.compile(r"\$\{([^}]+)\}")
_FUNCTIONS = ("Get", "Std:Join", "Std:JsonGet")


#: A tuning job launched with several training job definitions (TrainingJobDefinitions, one per algorithm) in place
#: of one (TrainingJobDefinition): the controls read the one, so it is judged once per definition, named
#: `Job.DefinitionName`, each as the tuning job with that definition.
_TUNING = "CreateHyperParameterTuningJob"


def with_steps(resources: list[Resource], folder: Path | None = None,
               within: Path | None = None) -> list[Resource]:
    """The resources, and after each pipeline or state machine one resource per job its definition runs; a
    tuning job with several training job definitions is one resource per definition. `folder`: the input's own,
    where a definition kept in a local file is read from; `within`: the audited folder, outside which nothing is
    read (local_files)."""
    if not any(r.type in PIPELINES or r.type == _TUNING for r in resources):
        return resources
    out: list[Resource] = []
    for resource in resources:
        for request in [resource, *(_jobs(resource, folder, within) if resource.type in _DEFINITIONS else ())]:
            out.extend(_per_definition(request) if request.type == _TUNING else [request])
    return out


def _per_definition(job: Resource) -> list[Resource]:
    """A tuning job as one request per training job definition, when it gives TrainingJobDefinitions alone (a
    value not known here is one request whose definition is unknown: every control on it is)."""
    props = job.properties
    if not isinstance(props, dict) or "TrainingJobDefinition" in props or "TrainingJobDefinitions" not in props:
        return [job]
    rest = {k: v for k, v in props.items() if k != "TrainingJobDefinitions"}
    definitions = props["TrainingJobDefinitions"]
    if not isinstance(definitions, list):
        return [replace(job, properties={**rest, "TrainingJobDefinition": definitions})]
    out = []
    for i, definition in enumerate(definitions):
        name = definition.get("DefinitionName") if isinstance(definition, dict) else None
        out.append(replace(job, name=f"{job.name}.{name if isinstance(name, str) and name else i}",
                           properties={**rest, "TrainingJobDefinition": definition},
                           line_of=_in_list(job.line_of, i)))
    return out


def _in_list(line_of: Callable[[PathKey], int | None], index: int) -> Callable[[PathKey], int | None]:
    """Lines of the definition at `index` of TrainingJobDefinitions, for paths read below TrainingJobDefinition."""
    def located(path: PathKey) -> int | None:
        if path[:1] == ("TrainingJobDefinition",):
            path = ("TrainingJobDefinitions", index, *path[1:])
        return line_of(path)
    return located


def _jobs(holder: Resource, folder: Path | None = None, within: Path | None = None) -> list[Resource]:
    """The requests a pipeline's job steps or a state machine's SageMaker Task states send, each named
    `Holder.Step` and found at the line of the definition."""
    paths, jobs = _DEFINITIONS[holder.type]
    for path in paths:
        node: Any = holder.properties
        for key in path:
            node = node[0] if isinstance(node, list) and node else node
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None:
            break
    if path[-1] in _LOCAL_FILES:
        node = _local_definition(node, folder, within)
    substitutions = holder.properties.get(_SUBSTITUTIONS.get(holder.type, ""))
    definition = _definition(node, substitutions if isinstance(substitutions, dict) else {})
    if not isinstance(definition, dict):
        return []
    line = holder.line_of(path) or holder.line
    return [replace(holder, kind="requests", type=operation, name=f"{holder.name}.{_written(name)}",
                    properties=_values(request), line=line, line_of=_at(line))
            for name, operation, request in jobs(definition) if isinstance(request, dict)]


def _states(states: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every state, those in Parallel branches and Map iterations included."""
    out: list[tuple[str, dict[str, Any]]] = []
    for name, state in (states.items() if isinstance(states, dict) else ()):
        if not isinstance(state, dict):
            continue
        out.append((str(name), state))
        inner = [b for b in state.get("Branches") or [] if isinstance(b, dict)]
        inner += [p for p in (state.get("ItemProcessor"), state.get("Iterator")) if isinstance(p, dict)]
        for machine in inner:
            out += _states(machine.get("States"))
    return out


def _at(line: int | None) -> Callable[[PathKey], int | None]:
    """Every field of a step is found at the line of the definition that holds it."""
    def line_of(_path: PathKey) -> int | None:
        return line
    return line_of


def _all_steps(steps: Any) -> list[dict[str, Any]]:
    """Every step, those in a Condition step's branches included."""
    out: list[dict[str, Any]] = []
    for step in steps if isinstance(steps, list) else []:
        if not isinstance(step, dict):
            continue
        out.append(step)
        arguments = step.get("Arguments")
        if step.get("Type") == "Condition" and isinstance(arguments, dict):
            out += _all_steps(arguments.get("IfSteps")) + _all_steps(arguments.get("ElseSteps"))
    return out


def _definition(value: Any, substitutions: dict[str, Any]) -> Any:
    """The definition as data: a JSON text, or a !Sub/jsonencode/heredoc text whose unresolved parts are of a
    known form (a pseudo parameter or the Terraform data source naming the same: certainly set, as `arn_form`
    reads them) or not, inside JSON strings (read as unknown); None when it cannot be read. Each `${name}` that
    `substitutions` names takes its value (a literal, another resource's attribute: set, or a value chosen at
    deploy time: unknown)."""
    if isinstance(value, Encoded):  # jsonencode around values known only once applied: the structure itself
        return _substituted(value.data, substitutions)
    if isinstance(value, dict):
        return _substituted(value, substitutions)
    if isinstance(value, Unknown):
        text = value.text.removeprefix("!Sub ")
        if text.startswith("jsonencode(") and text.endswith(")"):  # Terraform's, around a value it could not settle
            text = text[len("jsonencode("):-1]
    elif isinstance(value, str):
        text = value
    else:
        return None
    if substitutions:
        text = _VARIABLE.sub(lambda m: _put(m.group(1), substitutions, in_json=True), text)
    text = _PLACE.sub(lambda m: (_FORM if stand_in(m.group(1).strip()) else _UNKNOWN) + m.group(1).strip() + "\x00",
                      text)
    try:
        return json.loads(text, strict=False)  # (an unresolved part's marker is a control character)
    except (json.JSONDecodeError, RecursionError):
        return None


def _substituted(node: Any, substitutions: dict[str, Any]) -> Any:
    """A definition given as data with its substitution variables put in: a string that is one variable becomes
    its value (whatever it is), one that holds variables among other text is marked as `_definition`'s text is."""
    if not substitutions:
        return node
    if isinstance(node, dict):
        return {key: _substituted(value, substitutions) for key, value in node.items()}
    if isinstance(node, list):
        return [_substituted(value, substitutions) for value in node]
    if isinstance(node, str) and "${" in node:
        whole = _VARIABLE.fullmatch(node)
        if whole and whole.group(1) in substitutions:
            return substitutions[whole.group(1)]
        return _VARIABLE.sub(lambda m: _put(m.group(1), substitutions, in_json=False), node)
    return node


def _put(name: str, substitutions: dict[str, Any], *, in_json: bool) -> str:
    """What stands for `${name}` in a definition's text: the literal value (escaped in JSON text), or a marker
    that the part is set (another resource's attribute) or unknown (a value chosen at deploy time); a name the
    substitutions do not give stays as it was."""
    if name not in substitutions:
        return "${" + name + "}"
    value = substitutions[name]
    if isinstance(value, Reference):
        return _SET + name + "\x00"
    if isinstance(value, (Unknown, dict, list)):
        return _UNKNOWN + name + "\x00"
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return json.dumps(text)[1:-1] if in_json else text


#: where a state machine's definition may be a file beside the template, uploaded by `sam deploy` (DefinitionUri)
#: or `aws cloudformation package` (DefinitionS3Location) before CloudFormation reads it
_LOCAL_FILES = ("DefinitionUri", "DefinitionS3Location")


def _local_definition(value: Any, folder: Path | None, within: Path | None) -> Any:
    """The definition a local path names (JSON text, or YAML read as data), relative to the template's folder;
    None for an S3 location, or a file that is not there, not readable or outside the audited folder `within`
    (Step Functions takes a definition of at most 1 MB, the reader's bound)."""
    if not isinstance(value, str) or folder is None or "://" in value:
        return None
    path = folder / value
    text = read_inside(path, within)
    if text is None:
        return None
    if path.suffix.lower() not in (".yaml", ".yml"):
        return text
    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError):
        return None


def _written(text: str) -> str:
    """A definition's text as the input writes it: each marked part is `${...}` again (a step's name, a value)."""
    return _MARKED.sub(lambda m: "${" + m.group(2) + "}", text)


def _plain(value: Any) -> str:
    """A definition's text as it reads where only its form matters (which API a Task state's Resource calls): a
    part of known form is its stand-in (`arn:${AWS::Partition}:states:::...` is `arn:aws:states:::...`), any other
    unresolved part is written back as it was."""
    return _MARKED.sub(lambda m: (stand_in(m.group(2)) if m.group(1) == "form" else None) or "${" + m.group(2) + "}",
                       str(value))


def _values(node: Any) -> Any:
    """Arguments as the audit holds values: a pipeline function, a field a state sets from the execution's data
    (`Key.$`, a JSONata `{% %}` expression) or an unresolved part is unknown."""
    if isinstance(node, dict):
        if len(node) == 1 and next(iter(node)) in _FUNCTIONS:
            name, arg = next(iter(node.items()))
            return Unknown(f"pipeline {name} {arg}" if isinstance(arg, str) else f"pipeline {name}")
        out = {}
        for key, value in node.items():
            if isinstance(key, str) and key.endswith(".$"):
                out[key[:-2]] = Unknown(f"the execution's {value}")
            else:
                out[key] = _values(value)
        return out
    if isinstance(node, list):
        return [_values(v) for v in node]
    if isinstance(node, str) and (_UNKNOWN in node or _FORM in node or _SET in node):
        text = _written(node)
        # only parts of known form (the account, the region) or set from another resource: certainly set
        return Unknown(text) if _UNKNOWN in node else Reference(text, arn=arn_form(text))
    if isinstance(node, str) and node.startswith("{%") and node.endswith("%}"):
        return Unknown(f"JSONata {node}")
    return node
