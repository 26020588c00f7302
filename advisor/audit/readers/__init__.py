"""Readers, one per input kind: each turns one file (or an account) into resources, or says why it cannot.

Files are classified by name and a look at their first bytes, read one at a time (a repository of thousands of
templates streams through in constant memory), and refused before parsing when they are too big, binary, or
YAML that expands aliases without bound.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from advisor.atomic import os_cause
from advisor.audit.model import Audited, Kind, Resource, Skipped, Unknown
from advisor.documents import MAX_DEPTH, check_depth, yaml_complaint
from advisor.errors import AdvisorError, shown_name

if TYPE_CHECKING:
    from advisor.audit.readers.tf_values import Configuration

MAX_BYTES = 16 * 1024 * 1024
MAX_ALIASES = 200
SUFFIXES = {".yaml", ".yml", ".json", ".template", ".tf"}
_ALIAS = re.compile(rb"(?:^|[\s\[{,:-])\*[A-Za-z0-9_-]+")
_BRACKETS = re.compile(r"[\[\]{}()]")
#: An escape that JSON and YAML decode to half of a surrogate pair (`\\ud800`, YAML's `\\U0000dc00`): rare, so
#: only a file that has one is searched for a lone half after parsing.
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F][0-9a-fA-F]{2}")


class BadInput(Exception):
    """A file the audit cannot read; the message says why, `line` where. `meant` is False when reading showed
    the file is no input of ours after all (JSON that only mentions "Resources" somewhere inside): skipped
    quietly, not an error."""

    def __init__(self, reason: str, line: int | None = None, meant: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.meant = meant


@dataclass(frozen=True, slots=True)
class Source:
    path: Path
    shown: str  # repo-relative, forward slashes, bytes that are not UTF-8 escaped: what findings and SARIF name
    #: named on the command line (not found in a folder): the user meant it as an input
    named: bool = False
    #: the folder the user audits it in (the folder named, or a named file's own, resolved): a path the input
    #: names (file(), DefinitionUri) is read only inside it (local_files); None: nothing is
    within: Path | None = None


def discover(paths: list[Path], base: Path) -> Iterator[Source | Skipped]:
    """Every candidate file under `paths`, in a stable order, without following a symlink loop."""
    seen_dirs: set[tuple[int, int]] = set()
    base = _resolved(base)
    for root in paths:
        if root.is_dir():
            yield from _walk(root, base, seen_dirs, _resolved(root))
        elif root.exists():
            yield Source(root, _shown(root, base), named=True, within=_resolved(root.parent))
        else:
            yield Skipped(shown_name(str(root)), "no such file or folder", error=True)  # named, so meant


def _walk(folder: Path, base: Path, seen: set[tuple[int, int]], within: Path) -> Iterator[Source | Skipped]:
    try:
        stat = folder.stat()
    except OSError as exc:
        yield Skipped(_shown(folder, base), f"cannot read ({exc.strerror})", error=True)
        return
    key = (stat.st_dev, stat.st_ino)
    if key in seen:
        yield Skipped(_shown(folder, base), "symlink loop (folder already visited)")
        return
    seen.add(key)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Skipped(_shown(folder, base), f"cannot list ({exc.strerror})", error=True)  # may hold templates
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name in ("node_modules", "__pycache__"):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(path, base, seen, within)
        elif path.suffix.lower() in SUFFIXES and not entry.name.lower().endswith(".tfvars.json"):
            # (a .tfvars.json file holds variable values, read with its Terraform folder, as .tfvars is)
            if entry.is_symlink() and not path.exists():
                yield Skipped(_shown(path, base), "broken symlink")
                continue
            if not path.is_file():  # a pipe would wait for a writer forever, a device never end
                yield Skipped(_shown(path, base), "not a regular file (a pipe, a device or a socket)")
                continue
            yield Source(path, _shown(path, base), within=within)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path


def _shown(path: Path, base: Path) -> str:
    """`path` relative to `base` (resolved once by `discover`), or as given when it lies outside; a name that is
    not UTF-8 (`bad\\xff.tf`) is shown escaped, so every output format can write it."""
    try:
        return shown_name(path.resolve().relative_to(base).as_posix())
    except (ValueError, OSError, RuntimeError):
        return shown_name(path.as_posix())


def read_text(source: Source) -> str:
    """The file as text, or BadInput: too big, binary, not UTF-8, or a YAML alias bomb."""
    try:
        size = source.path.stat().st_size
        if size > MAX_BYTES:
            raise BadInput(f"file is {size // (1024 * 1024)} MiB, larger than the {MAX_BYTES // (1024 * 1024)} MiB "
                           "the audit reads")
        with source.path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)  # bounded: a file that grows, or /dev/zero, is not read forever
    except OSError as exc:
        raise BadInput(f"cannot read ({os_cause(exc, source.path)})") from None
    if len(raw) > MAX_BYTES:
        raise BadInput(f"larger than the {MAX_BYTES // (1024 * 1024)} MiB the audit reads; not read further")
    if b"\x00" in raw[:8192]:
        raise BadInput("binary file (NUL bytes), not a template")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput("not UTF-8 text", raw.count(b"\n", 0, exc.start) + 1) from None
    if source.path.suffix.lower() != ".tf" and b"*" in raw:
        aliases = len(_ALIAS.findall(raw))
        if aliases > MAX_ALIASES:
            raise BadInput(f"YAML with {aliases} aliases (more than {MAX_ALIASES}): refused as a possible alias bomb")
    _check_nesting(source, text)
    return text


def _check_nesting(source: Source, text: str) -> None:
    """Refuse nesting deeper than the documents' limit before a parser composes it: cfn-lint's YAML loader and
    python-hcl2's parser recurse, and 25,000 `[` overflow the C stack (the process dies without a word)."""
    if source.path.suffix.lower() == ".tf":  # not YAML: the bracket count alone (strings included) bounds it
        depth = deepest = 0
        for bracket in _BRACKETS.findall(text):
            depth = depth + 1 if bracket in "[{(" else max(depth - 1, 0)
            deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            raise BadInput(f"not a readable template: nested too deeply (more than {MAX_DEPTH} levels of brackets)")
        return
    try:
        check_depth(text, source.shown)
    except AdvisorError:
        raise BadInput(f"not a readable template: nested too deeply (more than {MAX_DEPTH} levels of lists or "
                       "mappings)") from None


def terraform_configuration(sources: list[Source]) -> Configuration | None:
    """The Terraform folders among `sources` (None without a .tf file): what variables, locals and module calls
    the Terraform reader evaluates expressions with."""
    files = [s for s in sources if is_terraform(s.path)]
    if not files:
        return None
    from advisor.audit.readers.terraform import _parse_cached
    from advisor.audit.readers.tf_values import Configuration

    return Configuration([s.path for s in files], _parse_cached,
                         {s.path: s.within for s in files if s.within is not None})


class Stacks:
    """The run's CloudFormation files, scanned on first use for nested stacks that deploy one of them
    (cloudformation.nested_stacks): a child template is audited as its parents deploy it."""

    def __init__(self, sources: list[Source]) -> None:
        self._sources = sources
        self._children: dict[Path, list[Any]] | None = None

    def parents(self, path: Path) -> list[Any]:
        if self._children is None:
            from advisor.audit.readers.cloudformation import nested_stacks

            texts = []
            for source in self._sources:
                try:
                    texts.append((source.path, source.shown, read_text(source)))
                except BadInput:  # its own reading reports it
                    continue
            self._children = nested_stacks(texts)
        try:
            return self._children.get(path.resolve(), [])
        except (OSError, RuntimeError):
            return []


_TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
_MAX_BESIDE = 256  # files read beside the audited ones, looking for a parent stack: enough for any real folder


def cloudformation_stacks(sources: list[Source]) -> Stacks | None:
    """The CloudFormation-looking files among `sources` (YAML, JSON, `.template`; None without one), and the
    ones beside them: a hook passes only the changed child template, and its parent, unchanged, usually sits in
    the same folder (as a Terraform module's variables are read from the files beside the one audited). A
    file beside is only read for the values it passes, never audited."""
    candidates = [s for s in sources if s.path.suffix.lower() in _TEMPLATE_SUFFIXES and not is_terraform(s.path)]
    if not candidates:
        return None
    named = {_resolved(s.path) for s in candidates}
    beside: list[Source] = []
    for folder, shown in sorted({(s.path.parent, PurePosixPath(s.shown).parent) for s in candidates}, key=str):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            path = folder / name
            if len(beside) >= _MAX_BESIDE or not name.lower().endswith(_TEMPLATE_SUFFIXES) or name.startswith(".") \
                    or is_terraform(path) or _resolved(path) in named or not path.is_file():
                continue
            beside.append(Source(path, (shown / name).as_posix()))
    return Stacks(candidates + beside)


def is_terraform(path: Path) -> bool:
    """A Terraform configuration file: native syntax (`.tf`) or its JSON syntax (`.tf.json`, what CDKTF writes)."""
    name = path.name.lower()
    return name.endswith(".tf") or name.endswith(".tf.json")


def meant_as_input(source: Source) -> bool:
    """Whether a file that could not be read as text (too big, binary, not UTF-8, no permission) was meant as one
    of the audit's inputs: a Terraform or `.template` file by its name, else a file whose first 64 KiB look like
    a template, plan or request file. Such a file is an error, not a quiet skip: nobody checked it."""
    if is_terraform(source.path) or source.path.suffix.lower() == ".template":
        return True
    try:
        with source.path.open("rb") as handle:
            head = handle.read(65536)
    except OSError:
        return True  # it cannot be opened, so nothing says it is not a template: not passed silently
    if b"\x00" in head[:8192]:
        return False
    return classify(source, head.decode("utf-8", errors="replace")) is not None


def syntax_error(source: Source, text: str) -> BadInput | None:
    """Why a YAML or JSON file does not parse, at its line; None when it does (or is neither). Asked of a file
    the user named that is none of our inputs by its content: a typo that breaks the YAML of a template hides
    what it is, and "not a template" would send them looking in the wrong place."""
    import yaml

    if source.path.suffix.lower() not in _TEMPLATE_SUFFIXES:
        return None
    if text.lstrip().startswith(("{", "[")):
        try:
            parse_json(text)
        except BadInput as exc:
            return exc
        return None
    try:
        for _ in yaml.compose_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            pass  # composed, not constructed: any tag (CloudFormation's !Ref, a manifest's own) is syntax here
    except yaml.MarkedYAMLError as exc:
        reason, line = yaml_complaint(exc)
        return BadInput(f"malformed YAML: {reason}", line)
    except (yaml.YAMLError, RecursionError) as exc:
        return BadInput(f"malformed YAML: {type(exc).__name__}")
    return None


def classify(source: Source, text: str) -> Kind | None:
    """Which reader a file needs, or None when it is none of ours (skipped with a reason)."""
    if is_terraform(source.path):
        return "terraform"
    head = text.lstrip()[:4096]
    if head.startswith("{"):
        if '"format_version"' in head and ('"planned_values"' in text or '"resource_changes"' in text
                                             or '"terraform_version"' in head):
            return "plan"
        if '"Resources"' in text or '"AWSTemplateFormatVersion"' in head:
            return "cloudformation"
        if re.search(r'"(Create|Update|Add|Put)[A-Z][A-Za-z]+"\s*:', text[:65536]):
            return "requests"
        return None
    if re.search(r"(?m)^(Resources|AWSTemplateFormatVersion)\s*:", text):
        return "cloudformation"
    if re.search(r"(?m)^(Create|Update|Add|Put)[A-Z][A-Za-z]+\s*:", text):
        return "requests"
    return None


def read_source(source: Source, text: str, kind: Kind, audited: Audited | None = None,
                configuration: Configuration | None = None, stacks: Stacks | None = None) -> list[Resource]:
    """The resources of one file; `audited` (the types the catalog reads) lets a reader skip what nothing reads;
    `configuration` (Terraform's folders in this run) gives expressions their variables, locals and modules;
    `stacks` (the run's CloudFormation files) gives a nested stack's template its parents' parameter values."""
    resources = _read(source, text, kind, audited, configuration, stacks)
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(text, resources)
    return resources


def _read(source: Source, text: str, kind: Kind, audited: Audited | None,
          configuration: Configuration | None, stacks: Stacks | None = None) -> list[Resource]:
    if kind == "cloudformation":
        from advisor.audit.readers.cloudformation import read_template

        return read_template(source.shown, text, stacks.parents(source.path) if stacks else ())
    if kind == "terraform" and source.path.name.lower().endswith(".json"):
        from advisor.audit.readers.terraform import read_tf_json

        return read_tf_json(source.shown, text, audited, configuration, source.path)
    if kind == "terraform":
        from advisor.audit.readers.terraform import read_tf

        return read_tf(source.shown, text, audited, configuration, source.path)
    if kind == "plan":
        from advisor.audit.readers.terraform import read_plan

        return read_plan(source.shown, parse_json(text), audited)
    from advisor.audit.readers.requests import read_requests

    return read_requests(source.shown, text)


def _refuse_lone_surrogates(text: str, resources: list[Resource]) -> None:
    """BadInput at its line when an escape decoded to half of a surrogate pair (`"\\ud800"` in JSON or a YAML
    double-quoted string) reached a resource: that is no character, and no output format could write it. A
    complete pair (`\\ud83d\\ude00`) is one character and passes; so does the same text where it is no escape
    (a YAML plain scalar, a Terraform string)."""
    for resource in resources:
        bad = _lone_surrogate((resource.name, resource.type, resource.properties, resource.suppressions))
        if bad is not None:
            half = next(c for c in bad if "\ud800" <= c <= "\udfff")
            escape = re.search(rf"\\(?:u|U0000){ord(half):04x}", text, re.IGNORECASE)
            line = text.count("\n", 0, escape.start()) + 1 if escape else None
            raise BadInput(f"the escape \\u{ord(half):04x} is half of a surrogate pair, not a character", line)


def _lone_surrogate(value: object) -> str | None:
    """The first text in `value` (keys, values, unknowns) that holds a lone surrogate, or None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value
        return None
    if isinstance(value, Unknown):
        return _lone_surrogate(value.text)
    if isinstance(value, dict):
        return next((bad for item in value.items() if (bad := _lone_surrogate(item)) is not None), None)
    if isinstance(value, (list, tuple)):
        return next((bad for item in value if (bad := _lone_surrogate(item)) is not None), None)
    return None


def parse_json(text: str) -> Any:
    """JSON text as data, or BadInput saying why not at its line: the one place the audit words broken JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"malformed JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:  # json's decoder stops at Python's recursion limit, cleanly
        raise BadInput("malformed JSON: nested too deeply") from None
