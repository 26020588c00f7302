"""boto3 requests keyed by operation (`{"CreateNotebookInstance": {...}}`), JSON or YAML, as `advisor requests`
prints them. A `<<placeholder>>` counts as set (you will fill it) but cannot satisfy a literal value."""

from __future__ import annotations

from collections.abc import Callable

from advisor.audit.model import PathKey, Resource
from advisor.audit.readers import BadInput
from advisor.documents import Document, parse_yaml
from advisor.errors import AuditError


def read_requests(shown: str, text: str) -> list[Resource]:
    try:
        doc = parse_yaml(text, shown, AuditError)
    except AuditError as exc:
        first = exc.problems[0] if exc.problems else None
        raise BadInput(first.message if first else exc.message, first.line if first else None) from None
    if not isinstance(doc.data, dict):
        raise BadInput("expected a mapping of operation name to request parameters")
    out = []
    for operation, params in doc.data.items():
        if not isinstance(params, dict) or not str(operation)[:1].isupper() or ":" in str(operation):
            continue
        name = str(params.get(_NAME_FIELDS.get(str(operation), ""), operation))
        out.append(Resource(kind="requests", type=str(operation),
                            name=f"{operation}:{name}" if name != operation else str(operation), properties=params,
                            file=shown, line=doc.line_of((operation,)), line_of=_locator(doc, str(operation))))
    return out


def _locator(doc: Document, operation: str) -> Callable[[PathKey], int | None]:
    def line_of(path: PathKey) -> int | None:
        return doc.line_of((operation, *path))
    return line_of


_NAME_FIELDS = {
    "CreateNotebookInstance": "NotebookInstanceName", "CreateTrainingJob": "TrainingJobName",
    "CreateHyperParameterTuningJob": "HyperParameterTuningJobName", "CreateModel": "ModelName",
    "CreateEndpointConfig": "EndpointConfigName", "CreateTransformJob": "TransformJobName",
    "CreateProcessingJob": "ProcessingJobName", "CreateFunction": "FunctionName", "CreateDomain": "DomainName",
    "CreateFeatureGroup": "FeatureGroupName", "AddPermission": "StatementId",
    "CreateNotebookInstanceLifecycleConfig": "NotebookInstanceLifecycleConfigName",
}
