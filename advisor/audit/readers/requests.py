"""boto3 requests keyed by operation (`{"CreateNotebookInstance": {...}}`), JSON or YAML, as `advisor requests`
prints them. A `<<placeholder>>` counts as set (you will fill it) but cannot satisfy a literal value.

Lower-case top-level keys are the file's own notes, not requests (`placeholders`, `notes`); `advisor` holds
suppressions, since a request's own mapping is sent to AWS as it is and cannot carry them:

    advisor:
      skip:
        - id: SM-NB-04                      # the control
          reason: the notebook only sees public data
          request: CreateNotebookInstance   # optional: without it, every request in the file

In YAML, `# advisor:skip=SM-NB-04 reason` on or above an operation's key, or inside its block, works as well.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from advisor.audit.model import PathKey, Resource
from advisor.audit.readers import BadInput
from advisor.audit.readers.cloudformation import comment_skips
from advisor.documents import Document, parse_yaml
from advisor.errors import AuditError

#: The top-level key of a request file that holds the audit's own settings (suppressions).
SETTINGS_KEY = "advisor"


def read_requests(shown: str, text: str) -> list[Resource]:
    try:
        doc = parse_yaml(text, shown, AuditError)
    except AuditError as exc:
        first = exc.problems[0] if exc.problems else None
        raise BadInput(first.message if first else exc.message, first.line if first else None) from None
    if not isinstance(doc.data, dict):
        raise BadInput("expected a mapping of operation name to request parameters")
    for key, value in doc.data.items():
        if _names_operation(key) and not isinstance(value, dict):
            raise BadInput(f"{key}: a request's parameters are a mapping of field to value, not "
                           f"{type(value).__name__ if value is not None else 'nothing'}", doc.line_of((key,)))
    operations = [str(k) for k, v in doc.data.items() if _is_request(k, v)]
    skips = _file_skips(doc, frozenset(operations))
    lines = text.splitlines()
    commented = not text.lstrip().startswith(("{", "["))  # JSON has no comments: a value is never one
    starts = sorted(line for key in doc.data if (line := doc.line_of((key,))))
    out = []
    for operation, params in doc.data.items():
        if not _is_request(operation, params):
            continue
        operation = str(operation)
        name = str(next((params[f] for f in _name_fields(operation) if f in params), operation))
        start = doc.line_of((operation,))
        end = next((line - 1 for line in starts if start and line > start), len(lines)) if start else None
        suppressions = skips.get(None, []) + skips.get(operation, []) + \
            (comment_skips(lines, start, end) if commented else [])
        out.append(Resource(kind="requests", type=operation,
                            name=f"{operation}:{name}" if name != operation else operation, properties=params,
                            file=shown, line=start, end_line=end, line_of=_locator(doc, operation),
                            suppressions=tuple(suppressions)))
    return out


def _names_operation(key: Any) -> bool:
    """An operation (CreateModel), not one of the file's notes (placeholders, states:StateMachine)."""
    return str(key)[:1].isupper() and ":" not in str(key)


def _is_request(key: Any, value: Any) -> bool:
    return isinstance(value, dict) and _names_operation(key)


def _file_skips(doc: Document, operations: frozenset[str]) -> dict[str | None, list[tuple[str, str]]]:
    """`advisor: {skip: [{id, reason, request?}]}` by operation (None: every request); a malformed entry is a
    located error, so a suppression never silently fails to apply."""
    settings = doc.data.get(SETTINGS_KEY)
    if settings is None:
        return {}
    if not isinstance(settings, dict) or not isinstance(settings.get("skip", []), list) \
            or set(settings) - {"skip"}:
        raise BadInput(f"`{SETTINGS_KEY}` takes one key, skip: a list of {{id, reason, request}}",
                       doc.line_of((SETTINGS_KEY,)))
    out: dict[str | None, list[tuple[str, str]]] = {}
    for i, item in enumerate(settings.get("skip", [])):
        where = doc.line_of((SETTINGS_KEY, "skip", i))
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or set(item) - {"id", "reason", "request"}:
            raise BadInput(f"{SETTINGS_KEY}.skip[{i}]: give id (a control such as SM-NB-04), reason and, "
                           "optionally, request (an operation of this file)", where)
        request = item.get("request")
        if request is not None and request not in operations:
            raise BadInput(f"{SETTINGS_KEY}.skip[{i}].request: {request!r} is not a request of this file "
                           f"(it has {', '.join(sorted(operations)) or 'none'})", where)
        reason = str(item.get("reason") or "suppressed in the request file")
        out.setdefault(request, []).append((item["id"], reason))
    return out


def _locator(doc: Document, operation: str) -> Callable[[PathKey], int | None]:
    def line_of(path: PathKey) -> int | None:
        return doc.line_of((operation, *path))
    return line_of


def _name_fields(operation: str) -> tuple[str, ...]:
    """Where a request names its resource: the table's field, else what AWS's Create requests call it
    (CreateCluster's ClusterName, CreateCapacityProvider's CapacityProviderName), else Name (CreatePartnerApp)."""
    noun = operation.removeprefix("Create")
    return tuple(dict.fromkeys(f for f in (_NAME_FIELDS.get(operation), f"{noun}Name", "Name") if f))


_NAME_FIELDS = {
    "CreateNotebookInstance": "NotebookInstanceName", "CreateTrainingJob": "TrainingJobName",
    "CreateHyperParameterTuningJob": "HyperParameterTuningJobName", "CreateModel": "ModelName",
    "CreateEndpointConfig": "EndpointConfigName", "CreateTransformJob": "TransformJobName",
    "CreateProcessingJob": "ProcessingJobName", "CreateFunction": "FunctionName", "CreateDomain": "DomainName",
    "CreateFeatureGroup": "FeatureGroupName", "AddPermission": "StatementId",
    "CreateNotebookInstanceLifecycleConfig": "NotebookInstanceLifecycleConfigName",
    "UpdateNotebookInstance": "NotebookInstanceName", "CreateMonitoringSchedule": "MonitoringScheduleName",
    "CreateDataQualityJobDefinition": "JobDefinitionName", "CreateModelBiasJobDefinition": "JobDefinitionName",
    "CreateModelQualityJobDefinition": "JobDefinitionName",
    "CreateModelExplainabilityJobDefinition": "JobDefinitionName", "CreateInferenceExperiment": "Name",
    "CreateFlowDefinition": "FlowDefinitionName", "CreateImage": "ImageName",
    "CreateAppImageConfig": "AppImageConfigName", "CreateFunctionUrlConfig": "FunctionName",
    "PutFunctionConcurrency": "FunctionName",
}
