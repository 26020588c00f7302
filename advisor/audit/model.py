"""What the audit reads and what it reports: resources from any input kind, and findings about them.

Plain frozen dataclasses (no pydantic): thousands of findings are built per run and written straight out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["cloudformation", "terraform", "plan", "requests", "live"]
Status = Literal["pass", "fail", "unknown", "suppressed"]
SEVERITY_ORDER = {"critical": 4, "high": 3, "medium": 2, "low": 1}


def unreadable(count: int) -> str:
    """How many inputs could not be read, in words ("1 input", never "1 inputs")."""
    return f"{count} input{'' if count == 1 else 's'} could not be read"


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value the input does not fix: an unresolved `!Ref`, a Terraform expression, a plan's known-after-apply.

    It is reported as unknown, never guessed into a pass.
    """

    text: str

    def __str__(self) -> str:
        return f"<unknown: {self.text}>"


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<absent>"


@dataclass(frozen=True, slots=True)
class Reference(Unknown):
    """A reference to another resource of the same template or configuration (`!GetAtt Key.Arn`,
    `aws_kms_key.k.arn`): its value is unknown, but the field is certainly set.

    `arn` is the form of the ARN it will hold, when that is known (`arn_form`): a condition that reads only the
    form (does this ARN name an account?) is decided by it."""

    arn: str | None = None

    def __str__(self) -> str:
        return f"<reference: {self.text}>"


#: An account id, a region and a partition where only their form matters (AWS's ARN formats:
#: arn:partition:service:region:account-id:resource; the IAM ARN of a role leaves the region empty).
ACCOUNT, REGION, PARTITION = "111122223333", "us-east-1", "aws"
#: CloudFormation's pseudo parameters whose value is unknown here but whose form is known: the stand-in for each.
PSEUDO = {"AWS::AccountId": ACCOUNT, "AWS::Region": REGION, "AWS::Partition": PARTITION,
          "AWS::URLSuffix": "amazonaws.com"}
#: The Terraform data sources that name the same as a pseudo parameter: the caller's account, region, partition.
_DATA_SOURCES = {"AWS::AccountId": r"data\.aws_caller_identity\.[\w-]+\.account_id",
                 "AWS::Region": r"data\.aws_region\.[\w-]+\.(?:name|region|id)",
                 "AWS::Partition": r"data\.aws_partition\.[\w-]+\.partition"}
#: Parts of a text (`${...}`) whose value is unknown here but whose form is, with the stand-in for each.
_FORMS = tuple((re.compile(r"\$\{(?:" + "|".join((re.escape(name), *filter(None, [_DATA_SOURCES.get(name)])))
                           + r")\}"), stand_in) for name, stand_in in PSEUDO.items())


def stand_in(part: str) -> str | None:
    """The stand-in for a text's `${part}` whose value is unknown here but whose form is known (a pseudo
    parameter, or the Terraform data source that names the same: `data.aws_caller_identity.x.account_id`), else
    None."""
    whole = "${" + part + "}"
    return next((value for pattern, value in _FORMS if pattern.fullmatch(whole)), None)


#: ARNs that name no account: an S3 bucket's (`arn:aws:s3:::bucket`) and a Route 53 hosted zone's.
NO_ACCOUNT_ARN = {"s3": "arn:aws:s3:::resource", "route53": "arn:aws:route53:::resource"}


def arn_of(service: str) -> str:
    """The form of an ARN of `service` (an S3 bucket's names no account; every other ARN does)."""
    return NO_ACCOUNT_ARN.get(service, f"arn:{PARTITION}:{service}:{REGION}:{ACCOUNT}:resource")


def arn_form(text: str) -> str | None:
    """The form of the ARN `text` makes (its first five fields, then `resource`), when what is unresolved in it
    (`${...}`) is a pseudo parameter or data source of known form, or sits in the resource part; else None.

    `arn:aws:s3:::${Bucket}` is `arn:aws:s3:::resource` whatever the bucket; `arn:aws:sns:${AWS::Region}:
    ${AWS::AccountId}:t` names an account; `arn:aws:sns:us-east-1:${var.account}:t` may or may not."""
    for pattern, stand_in in _FORMS:
        text = pattern.sub(stand_in, text)
    head = text.split(":", 5)
    if len(head) < 6 or head[0] != "arn" or any("${" in part for part in head[:5]):
        return None
    return ":".join(head[:5]) + ":resource"


class Given(str):
    """A text the input sets indirectly (a parameter's Default, a variable's default or tfvars value, a module
    call's argument): judged as the text itself, shown with where it comes from."""

    origin: str

    def __new__(cls, text: str, origin: str) -> Given:
        made = super().__new__(cls, text)
        made.origin = origin
        return made

    def __repr__(self) -> str:
        return f"{str.__repr__(self)} ({self.origin})"


_MODULES = re.compile(r"^(?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*")


def module_path(address: str) -> str:
    """The Terraform module instance an address is inside, where its references resolve: `module.a["k"].module.b.`
    for `module.a["k"].module.b.aws_x.y` (empty at the root)."""
    found = _MODULES.match(address)
    return found.group(0) if found else ""


@dataclass(frozen=True, slots=True)
class Audited:
    """What a Terraform reader needs of the catalog: `rules` (resource type -> the rules that judge it; their
    paths name the nested blocks a JSON object stands for) and `kept`, the types nothing judges that are still
    read because they say something of one that is judged (an invoke configuration of its function, what
    serves a model, a pipeline's or state machine's job steps). A file declaring neither is not parsed."""

    rules: Mapping[str, tuple[Any, ...]]
    kept: frozenset[str] = frozenset()

    def __contains__(self, resource_type: object) -> bool:
        return resource_type in self.rules or resource_type in self.kept

    def rules_of(self, resource_type: str) -> tuple[Any, ...] | None:
        """The rules that judge the type: none for a kept type, None for a type nothing reads."""
        return self.rules.get(resource_type, () if resource_type in self.kept else None)


class Encoded(str):
    """A JSON text the input builds from values some of which are unknown (Terraform's `jsonencode` of an object
    holding another resource's attribute): read where it matters (a pipeline definition) as the structure it
    encodes, `data`, each unknown part kept as it is; elsewhere it is the text, unknown parts shown as `${...}`."""

    data: Any

    def __new__(cls, text: str, data: Any) -> Encoded:
        made = super().__new__(cls, text)
        made.data = data
        return made


MISSING: Any = _Missing()
"""The field is not in the input: the check takes AWS's default."""

PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Resource:
    """One configured resource as an input kind spells it.

    `type` is the input's own type name (AWS::SageMaker::Model, aws_sagemaker_model, or the Create* operation for
    requests and live); `name` the logical id, Terraform address, operation or ARN. `line_of` maps a property
    path (as the input nests it) to its line, for findings and patches.
    """

    kind: Kind
    type: str
    name: str
    properties: Any
    file: str | None = None
    line: int | None = None
    end_line: int | None = None
    line_of: Callable[[PathKey], int | None] = field(default=lambda _path: None, compare=False, repr=False)
    suppressions: tuple[tuple[str, str], ...] = ()  # (control id, reason) from the source


@dataclass(frozen=True, slots=True)
class Finding:
    control: str
    status: Status
    severity: str
    resource: str
    resource_type: str
    field: str
    expected: str
    actual: str
    message: str
    anchors: Mapping[str, str]  # the control's own (shared by its findings: read, never change)
    kind: Kind
    file: str | None = None
    line: int | None = None
    end_line: int | None = None
    resource_line: int | None = None
    fix: str | None = None
    justification: str | None = None  # why it is suppressed
    title: str = ""
    path: str = ""  # the catalog path the rule read (for patches)
    want: Any = None  # the literal that passes, when there is one (for patches)
    #: the type to declare the resource as, where its own type cannot carry the field (a SAM type whose transform
    #: has no such property): the fix is that, and no patch can make it
    declare_as: str | None = None

    @property
    def fingerprint(self) -> str:
        """Stable across runs and line moves: the control, the file, the resource and the field."""
        key = "\x1f".join((self.control, self.file or "", self.resource, self.field))
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    def as_data(self) -> dict[str, Any]:
        return {
            "control": self.control, "status": self.status, "severity": self.severity, "file": self.file,
            "line": self.line, "resource": self.resource, "resource_type": self.resource_type, "field": self.field,
            "expected": self.expected, "actual": self.actual, "message": self.message, "anchors": self.anchors,
            "fix": self.fix, "justification": self.justification, "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input the audit did not read, and why (bad input is reported, never a traceback). `error` when it was
    meant as an input (a template, Terraform file, plan or request file, or a path named on the command line) and
    could not be read: the run then fails (exit 2), since nobody checked it."""

    file: str
    reason: str
    line: int | None = None
    error: bool = False
    #: `--live`: the region and the resource (an ARN, a name, or the List call of a resource type) a failed AWS
    #: call was about, where a file's error has its file and line; `file` is then "live"
    region: str | None = None
    resource: str | None = None

    @property
    def where(self) -> str:
        """The place as a person reads it: `file:line`, `live us-east-1 arn:...`, or nothing for the whole run."""
        if self.region or self.resource:
            return " ".join(p for p in (self.file, self.region, self.resource) if p)
        return f"{self.file}{f':{self.line}' if self.line else ''}"

    def as_data(self) -> dict[str, object]:
        data: dict[str, object] = {"file": self.file or None, "line": self.line, "reason": self.reason}
        if self.region or self.resource:
            data.update(region=self.region, resource=self.resource)
        return data

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason
