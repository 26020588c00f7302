"""What every request builder shares: resource names, placeholders, and applying the security settings.

A placeholder stands for what only the user knows (a role ARN, a bucket, subnet ids, a KMS key, an image URI).
It is written into the request as `<<name>>`, the chapter's own notation (`"RoleArn": <<your_role_name>>`), in
the shape the field takes (a list field gets `["<<name>>"]`, a map `{"<<name>>": "<<name>>"}`), so an unfilled
request still passes botocore's validation (the doubled brackets also keep the shortest name, `notebook_role_arn`,
above an ARN's 20-character minimum) and a filled one needs no restructuring. The list of placeholders is found
by scanning the finished requests, so it cannot drift from them.

The recommendation's security settings are the only source of security fields: `apply_security` writes every
setting whose `api` is the operation being built, by its path (`A.B[].C` = field C of every item of list B).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from advisor import stages as stage_registry
from advisor.builders.validate import shape_problems
from advisor.errors import UsageError
from advisor.knowledge.botocore_fields import resolve_field

#: The key of the state machine definition (a dict, not an API request) in a RequestSet.
STATE_MACHINE = "states:StateMachine"

if TYPE_CHECKING:
    from advisor.knowledge.models import Knowledge
    from advisor.recommend.models import Recommendation, SecuritySetting, StageChoice
    from advisor.workload import Workload

TOKEN = re.compile(r"<<([a-z][a-z0-9_]*)>>")

#: Descriptions of the placeholders the builders write themselves, and of the security settings' names that many
#: controls share (any other name a setting brings is described by its control's title).
#: `{algorithm}`, `{region}` and `{workload}` are filled from the workload.
DESCRIPTIONS: dict[str, str] = {
    "kms_key_arn": "ARN of your customer managed KMS key (volumes, outputs and environment variables are "
                   "encrypted with it; the roles need kms:Decrypt and kms:GenerateDataKey on it)",
    "private_subnet_ids": "ids of private subnets in your VPC (no route to an internet gateway), in two or more "
                          "Availability Zones",
    "private_subnet_id": "id of one private subnet in your VPC (no route to an internet gateway)",
    "security_group_ids": "ids of the security groups that allow only the traffic the resource needs",
    "bucket": "S3 bucket for the data, model artifacts, checkpoints and outputs (one bucket; every key starts "
              "with the workload name)",
    "sagemaker_execution_role_arn": "IAM role SageMaker assumes for the jobs and the model: read and write the "
                                    "bucket, write CloudWatch logs, use the KMS key when one is set",
    "notebook_role_arn": "IAM role the notebook instance assumes (least privilege: the bucket prefixes it needs)",
    "training_image_uri": "ECR URI of the {algorithm} training image in {region} (for a built-in algorithm: "
                          "sagemaker.image_uris.retrieve(framework, region, version))",
    "inference_image_uri": "ECR URI of the {algorithm} inference image in {region}",
    "processing_image_uri": "ECR URI of the processing image (e.g. the SageMaker scikit-learn image in {region})",
    "model_data_url": "S3 URI of the model artifact (model.tar.gz) to serve",
    "current_model_name": "name of the SageMaker model serving today; it keeps the rest of the traffic while the "
                          "canary variant takes its share",
    "lambda_execution_role_arn": "IAM role the Lambda function assumes (logs, X-Ray, the VPC network interfaces "
                                 "when in a VPC, and whatever the function reads)",
    "capacity_provider_arn": "ARN of the Lambda Managed Instances capacity provider the function runs on "
                             "(CreateCapacityProvider: private subnets in several Availability Zones, security "
                             "groups, the allowed instance types; lambda:PassCapacityProvider gates who may use it)",
    "lambda_image_uri": "ECR URI of the function's container image (PackageType Image)",
    "lambda_handler": "module.function that Lambda calls in the .zip package, e.g. app.handler",
    "lambda_runtime": "Lambda runtime identifier of the .zip package, e.g. python3.13",
    "states_execution_role_arn": "IAM role Step Functions assumes: lambda:InvokeFunction on the function",
    "success_topic_arn": "ARN of the SNS topic told when an asynchronous request succeeds (encrypt it with your "
                         "KMS key when the results are sensitive; the execution role needs sns:Publish on it)",
    "error_topic_arn": "ARN of the SNS topic told when an asynchronous request fails (encrypt it with your KMS "
                       "key when the results are sensitive; the execution role needs sns:Publish on it)",
    "lifecycle_script_base64": "the lifecycle script, base64-encoded (no secrets in it: anyone who can describe "
                               "the configuration reads it)",
    "dead_letter_queue_arn": "ARN of the Amazon SQS queue or Amazon SNS topic that keeps the events of asynchronous "
                             "invocations that failed every retry (the function's role needs sqs:SendMessage or "
                             "sns:Publish on it)",
    "environment_without_secrets": "the function's environment variables, each name and its value: configuration "
                                   "only, with secrets read at run time from Secrets Manager or Parameter Store "
                                   "(leave Environment out when the function needs none)",
}


def token(name: str) -> str:
    return f"<<{name}>>"


def placeholder_value(name: str, shape_type: str) -> Any:
    """`<<name>>` in the shape of the field it stands in (botocore's shape type name)."""
    if shape_type == "string":
        return token(name)
    if shape_type == "list":
        return [token(name)]
    if shape_type == "map":
        return {token(name): token(name)}
    raise ValueError(f"a placeholder cannot stand for a {shape_type} field ({name})")


def placeholders_in(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(placeholder name, field path) for every `<<name>>` in a request, keys of maps included."""
    if isinstance(value, dict):
        for key, item in value.items():
            names = TOKEN.findall(str(key))
            for name in names:
                yield name, path
            yield from placeholders_in(item, path if names else f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        whole = TOKEN.fullmatch(value[0]) if len(value) == 1 and isinstance(value[0], str) else None
        if whole:  # ["<<name>>"]: the placeholder stands for the whole list
            yield whole.group(1), path
            return
        for item in value:
            yield from placeholders_in(item, f"{path}[]")
    elif isinstance(value, str):
        for name in TOKEN.findall(value):
            yield name, path


@dataclass(frozen=True)
class Operation:
    """One request a recommendation may carry, and what in the recommendation calls for it."""

    name: str
    service: str | None  # the botocore service; None for the state machine definition
    build: Callable[[Context], dict[str, Any]]
    needs_lambda: bool = False  # built when Lambda was checked and fits
    option: str | None = None  # built only when this RequestOptions field is set
    flag: str = ""  # the CLI flag that sets `option`
    setting: str | None = None  # built only when its stage's choice carries this setting (inference components)

    @property
    def stages(self) -> tuple[str, ...]:
        """Built when any of these stages is recommended: those whose `operations` list it in the registry."""
        return tuple(s.id for s in stage_registry.stages() if self.name in s.operations)


# ---- options and context -------------------------------------------------------------------------------------

_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
#: A JSONPath step SageMaker's batch transform takes after the root `$` ("Supported JSONPath Operators",
#: docs.aws.amazon.com/sagemaker/latest/dg/batch-transform-data-processing.html): `.name`, the wildcard `*`, one
#: or more bracketed names (`['id','SageMakerOutput']`, never a nested `'child.grandchild'`), indexes (negative
#: too) and slices with either end left out, an index and a slice together as in AWS's `$[0,5:]`.
_INDEX_OR_SLICE = r"(?:-?\d*:-?\d*|-?\d+)"
_JSONPATH_STEP = re.compile(rf"""
    \.(?:\*|[^.\[\]\s'"*]+)
  | \.?\[\s*(?:\*
        | '[^'.]*'(?:\s*,\s*'[^'.]*')*
        | {_INDEX_OR_SLICE}(?:\s*,\s*{_INDEX_OR_SLICE})*
      )\s*\]""", re.VERBOSE)
_BY_NAME = re.compile(r"\.(?!\*)[^.\[]|\['")
JSONPATH_MAX = 63
"""DataProcessing.InputFilter and OutputFilter: at most 63 characters (botocore's sagemaker model, JsonPath)."""
JSONPATH_HINT = ("SageMaker takes $ then .name, .*, ['name','name'], [index,index] (negative from the end), "
                 "[start:end] (either end may be left out), e.g. $[1:], $.features, $['id','SageMakerOutput']")


def jsonpath_problem(path: str) -> str | None:
    """Why SageMaker's batch transform would refuse `path` as an InputFilter or OutputFilter (a JSONPath of the
    subset its page lists, at most 63 characters), or None: `$[1:` passed a check for a leading `$` and failed
    only when the job ran."""
    if len(path) > JSONPATH_MAX:
        return f"is {len(path)} characters long; SageMaker takes at most {JSONPATH_MAX}"
    if not path.startswith("$"):
        return "does not start with $, the root every SageMaker JSONPath begins with"
    at = 1
    while at < len(path):
        step = _JSONPATH_STEP.match(path, at)
        if step is None:
            rest = path[at:]
            if rest.count("[") > rest.count("]"):
                return f"opens a [ at character {at + 1 + rest.index('[')} that is never closed"
            nested = re.search(r"'[^']*\.[^']*'", rest)
            if nested:
                return (f"names {nested.group()} inside brackets, a nested child, which SageMaker does not support "
                        "(its page: $.field1.['child1','child2'] is supported, 'child2.grandchild' is not)")
            return f"is not a JSONPath SageMaker supports from character {at + 1} ({rest!r})"
        at = step.end()
    return None


def selects_by_name(path: str) -> bool:
    """Whether a supported JSONPath picks a field by name (`.features`, `['id']`), which a CSV row has not: AWS
    reads each CSV row as a JSON array, "so only index based JSONPaths can be applied"."""
    return _BY_NAME.search(path) is not None


@dataclass(frozen=True)
class RequestOptions:
    """What a user asks for beyond the recommendation (each maps to a CLI flag of `advisor requests`)."""

    lifecycle_config: str | None = None  # --lifecycle-config NAME: notebook lifecycle configuration
    git_repo: str | None = None  # --git-repo URL: the notebook's default code repository
    canary_percent: int | None = None  # --canary N: N% of the endpoint's traffic to the new model
    input_filter: str | None = None  # --input-filter JSONPATH (batch transform)
    join_source: str | None = None  # --join-source Input|None (batch transform)
    output_filter: str | None = None  # --output-filter JSONPATH (batch transform)

    def check(self) -> None:
        """Refuse, in plain words, what AWS would refuse later."""
        if self.lifecycle_config is not None and not _NAME.match(self.lifecycle_config):
            raise UsageError(f"lifecycle configuration name {self.lifecycle_config!r} is not valid",
                             hint="1-63 letters, digits and hyphens, starting with a letter or digit")
        if self.git_repo is not None and not (self.git_repo.startswith("https://") or _NAME.match(self.git_repo)):
            raise UsageError(f"git repository {self.git_repo!r} is neither an https:// URL nor a repository name",
                             hint="e.g. https://github.com/me/project.git, or the name of a SageMaker code "
                                  "repository")
        if self.canary_percent is not None and not 1 <= self.canary_percent <= 99:
            raise UsageError(f"canary share {self.canary_percent}% is not between 1 and 99",
                             hint="the chapter's example: --canary 20 sends 20% to the new model, 80% to the old")
        for flag, value in (("--input-filter", self.input_filter), ("--output-filter", self.output_filter)):
            problem = None if value is None else jsonpath_problem(value)
            if problem:
                raise UsageError(f"{flag} {value!r} {problem}", hint=JSONPATH_HINT)
        if self.join_source not in (None, "Input", "None"):
            raise UsageError(f"join source {self.join_source!r} is not Input or None")


@dataclass
class Context:
    """One build: the recommendation, the workload, the options, and what the builders note along the way."""

    rec: Recommendation
    workload: Workload
    options: RequestOptions
    notes: list[str] = field(default_factory=list)
    described: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # name -> (description, controls)
    given_knowledge: Knowledge | None = None  # the caller's, so a command loads it once

    @property
    def knowledge(self) -> Knowledge:
        """What the builders read beside the recommendation (the Step Functions retriers): the caller's
        knowledge, else the shipped one, loaded on first use."""
        if self.given_knowledge is None:
            # deferred: most request sets never read it
            from advisor.knowledge.loader import load_knowledge

            self.given_knowledge = load_knowledge()
        return self.given_knowledge

    @property
    def base(self) -> str:
        """The workload's name as a SageMaker resource name (letters, digits, hyphens)."""
        cleaned = re.sub(r"-+", "-", re.sub(r"[^A-Za-z0-9]", "-", self.workload.name)).strip("-")
        return cleaned or "workload"

    def name(self, suffix: str, limit: int = 63) -> str:
        """`<workload>-<suffix>`, the workload part shortened so the whole fits `limit` characters."""
        room = limit - len(suffix) - 1
        return f"{self.base[:room].rstrip('-')}-{suffix}"

    def s3(self, *parts: str) -> str:
        return f"s3://{token('bucket')}/{self.base}/" + "".join(f"{p}/" for p in parts)

    def carrier(self, operation: str) -> tuple[stage_registry.StageSpec, StageChoice]:
        """The recommended stage this operation's request carries out, and its choice: the first, in registry
        order, whose `operations` list it. A builder finds its stage this way, never by a stage id, so a new stage
        that lists an existing operation gets that request with its own instances and settings."""
        spec = self._carrying(operation)
        if spec is None:
            raise KeyError(f"no recommended stage carries {operation}")  # request_set builds only covered ones
        return spec, self.rec.instances[spec.id]

    def choice(self, operation: str) -> StageChoice:
        """The StageChoice of the stage that `operation` carries out (see `carrier`)."""
        return self.carrier(operation)[1]

    def carries(self, operation: str) -> bool:
        """Whether a recommended stage lists `operation` (e.g. a training job whose model an endpoint serves)."""
        return self._carrying(operation) is not None

    def _carrying(self, operation: str) -> stage_registry.StageSpec | None:
        return next((spec for spec in stage_registry.stages()
                     if operation in spec.operations and spec.id in self.rec.instances), None)

    def describe(self, name: str) -> tuple[str, tuple[str, ...]]:
        """A placeholder's description and the controls that ask for it."""
        own = DESCRIPTIONS.get(name)
        text, controls = self.described.get(name, ("", []))
        if own is not None:
            text = own.format(algorithm=self.workload.model.algorithm, region=self.rec.region,
                              workload=self.workload.name)
        if not text:
            raise KeyError(f"placeholder {token(name)} has no description")  # a builder bug: caught by the tests
        return text, tuple(controls)

    # ---- security settings ---------------------------------------------------------------------------------

    def secure(self, service: str, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        """Write every security setting of `operation` into `request`; returns the request."""
        set_by: dict[str, SecuritySetting] = {}
        created: list[tuple[str, SecuritySetting]] = []
        for s in (s for s in self.rec.security if s.api == operation and s.status == "set"):
            earlier = set_by.get(s.field)
            if earlier is not None and (earlier.value, earlier.placeholder) != (s.value, s.placeholder):
                self.notes.append(f"{operation}.{s.field}: {s.control} asks for {_shown(s)}; kept {_shown(earlier)} "
                                  f"from {earlier.control}, which covers it")
                continue
            value = s.value
            if s.placeholder is not None:
                value = placeholder_value(s.placeholder, resolve_field(service, operation, s.field).type_name)
            targets, made = _targets(request, s.field, create=True)
            for container, key in targets:
                container[key] = _merged(container.get(key), value)
            set_by[s.field] = s
            if made is not None:
                created.append((made, s))
        for path, s in created:
            self._drop_if_incomplete(service, operation, request, path, s)
        for s in set_by.values():
            if s.placeholder is not None and value_at(request, s.field):  # still there: credit its control
                _, controls = self.described.setdefault(s.placeholder, (f"{s.title} ({s.control})", []))
                if s.control not in controls:
                    controls.append(s.control)
        return request

    def _drop_if_incomplete(self, service: str, operation: str, request: dict[str, Any], path: str,
                            s: SecuritySetting) -> None:
        """A setting inside an optional feature the request does not use (data capture, async inference)
        would leave that feature half-made: it is left out, and the note says why."""
        targets, _ = _targets(request, path, create=False)
        shape = resolve_field(service, operation, path)
        if not any(shape_problems(container[key], shape) for container, key in targets if key in container):
            return
        for container, key in targets:
            container.pop(key, None)
        self.notes.append(f"{operation}.{s.field} ({s.control}) is not set: this request does not use "
                          f"{path.removesuffix('[]')}; set it when you turn that on")


def _shown(s: SecuritySetting) -> str:
    return token(s.placeholder) if s.placeholder is not None else repr(s.value)


def _merged(existing: Any, value: Any) -> Any:
    """The value to write over what a builder put there. A numeric control value is a floor ("at least two
    instances"), so a larger number the recommendation sized is kept."""
    numbers = (int, float)
    if (isinstance(existing, numbers) and isinstance(value, numbers) and not isinstance(existing, bool)
            and not isinstance(value, bool) and existing > value):
        return existing
    return value


def _targets(root: dict[str, Any], path: str, *, create: bool) -> tuple[list[tuple[dict[str, Any], str]], str | None]:
    """The (container, key) pairs `path` names, one per list item on a `[]` part, and the outermost part
    created on the way (None when everything existed). A missing list is created with one item."""
    nodes = [root]
    parts = path.split(".")
    made: str | None = None
    for i, part in enumerate(parts):
        name = part.removesuffix("[]")
        if i == len(parts) - 1:
            if made is None and create and any(name not in n for n in nodes):
                made = ".".join([*parts[:i], name])
            return [(n, name) for n in nodes], made
        following: list[dict[str, Any]] = []
        for node in nodes:
            if name not in node:
                if not create:
                    continue
                node[name] = [{}] if part.endswith("[]") else {}
                made = made or ".".join([*parts[:i], name])
            child = node[name]
            following.extend(child if part.endswith("[]") else [child])
        nodes = following
    return [], made


def set_path(request: dict[str, Any], path: str, value: Any) -> None:
    """Write `value` at a dotted path (e.g. the Lambda settings' "EphemeralStorage.Size")."""
    targets, _ = _targets(request, path, create=True)
    for container, key in targets:
        container[key] = value


def value_at(request: dict[str, Any], path: str) -> list[Any]:
    """Every value at `path` (one per list item on a `[]` part); empty when the path is absent."""
    targets, _ = _targets(request, path, create=False)
    return [container[key] for container, key in targets if key in container]
