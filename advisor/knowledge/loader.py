"""Load rules/knowledge/*.yaml into a validated, cross-checked `Knowledge`, cached by content.

Validation is the slow part of a start (pydantic builds its validators on first use), so the validated result
is kept as plain data in the user's cache, keyed by the version of every knowledge file and by the code that
validates them, and rebuilt into the same records without pydantic (advisor.records). A start with unchanged
YAML reads one signed JSON file (advisor.cache); any change to a file, or to the models, is a new key and a
fresh validation. A cache that cannot be read is ignored and rebuilt; one that cannot be written is skipped:
the cache never decides whether the knowledge is valid.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor import cache
from advisor.__about__ import __version__
from advisor.documents import display_path, parse_yaml, read_bytes, validate_document
from advisor.errors import KnowledgeError, Problem
from advisor.records import ShapeError, build, to_plain
from advisor.resources import cache_dir, shipped_dir

if TYPE_CHECKING:
    from advisor.knowledge.models import Knowledge

#: Knowledge file stems, in load order (kept here too so the cached path needs no pydantic import).
FILES = ("families", "instance_types", "security_controls", "lambda_limits", "exams", "regions", "accelerators",
         "algorithms", "hosting_options", "llm_architectures")
_CACHE_FORMAT = 1
_PACKAGE = Path(__file__).resolve().parents[1]
#: The code that decides what valid knowledge is: an edit to any of them must not be served an old cache.
_CODE_FILES = ("base.py", "records.py", "knowledge/models.py", "knowledge/files.py", "knowledge/loader.py",
               "knowledge/checks.py", "engine/conditions.py", "engine/decisions.py", "workload.py")


def default_rules_dir() -> Path:
    return shipped_dir("rules")


def knowledge_paths(rules_dir: Path) -> dict[str, Path]:
    return {stem: rules_dir / "knowledge" / f"{stem}.yaml" for stem in FILES}


def decision_paths(rules_dir: Path) -> list[Path]:
    """The decision files (rules/decisions/*.yaml), in name order so evaluation order is stable."""
    return sorted((rules_dir / "decisions").glob("*.yaml"))


def load_knowledge(rules_dir: Path | None = None, *, use_cache: bool = True) -> Knowledge:
    """The validated knowledge as records (what the engine and the quiz use).

    Cached as plain JSON (signed, see advisor.cache: only this user's advisor wrote it, after validating the
    YAML) and rebuilt into records by advisor.records.build, which checks its shape; a cache of another shape
    is a miss and the YAML is validated again.
    """
    rules_dir = rules_dir or default_rules_dir()
    if not use_cache:
        return validate_knowledge(rules_dir)
    key = _cache_key(_versions(rules_dir))
    path = cache_dir() / f"knowledge-models-{key[:32]}.json"
    cached = read_cache(path, key)
    if cached is not None:
        from advisor.knowledge.models import Knowledge  # deferred: the records, which a command may not need

        try:
            return build(Knowledge, cached)  # the records again, without building a validator
        except ShapeError:
            pass  # written by other code: validate the YAML again
    knowledge = validate_knowledge(rules_dir)
    write_cache(path, key, to_plain(knowledge))
    return knowledge


def knowledge_key(rules_dir: Path | None = None) -> str:
    """The cache key of the knowledge as it is on disk: what anything derived from the knowledge is keyed by."""
    return _cache_key(_versions(rules_dir or default_rules_dir()))


def knowledge_data(rules_dir: Path | None = None) -> dict[str, Any]:
    """The validated knowledge as plain JSON-ready data, from the cache when the YAML is unchanged."""
    rules_dir = rules_dir or default_rules_dir()
    key = _cache_key(_versions(rules_dir))
    path = cache_dir() / f"knowledge-data-{key[:32]}.json"
    cached = read_cache(path, key)
    if cached is not None:
        return cached
    plain = to_plain(validate_knowledge(rules_dir))
    write_cache(path, key, plain)
    return plain


def validate_knowledge(rules_dir: Path, raw: dict[str, bytes] | None = None) -> Knowledge:
    """Parse and validate every knowledge file, then cross-check them; all problems are reported at once."""
    # deferred: brings pydantic, which this path avoids until needed
    from advisor.engine.decisions import Decision
    from advisor.knowledge.checks import check_references, cross_check
    from advisor.knowledge.files import KNOWLEDGE_FILES
    from advisor.knowledge.models import Knowledge
    from advisor.workload import condition_fields

    raw = raw if raw is not None else _read_all(rules_dir)
    parsed: dict[str, Any] = {}
    docs = {}
    problems: list[Problem] = []
    for stem, model in KNOWLEDGE_FILES.items():
        display = display_path(knowledge_paths(rules_dir)[stem], rules_dir.parent)
        try:
            doc = parse_yaml(raw[stem], display)
            docs[stem] = doc
            parsed[stem] = validate_document(model, doc)
        except KnowledgeError as exc:
            problems.extend(exc.problems or [Problem(exc.message, display)])
    decisions = []
    fields = {"fields": condition_fields()}
    for path in decision_paths(rules_dir):
        display = display_path(path, rules_dir.parent)
        try:
            doc = parse_yaml(raw[f"decisions/{path.name}"], display)
            docs[f"decisions/{path.name}"] = doc
            decisions.append(validate_document(Decision, doc, context=fields))
        except KnowledgeError as exc:
            problems.extend(exc.problems or [Problem(exc.message, display)])
    if problems:
        raise KnowledgeError(_summary(problems), problems=problems)
    knowledge = Knowledge(
        decisions=tuple(decisions),
        families=parsed["families"].families,
        instance_types=parsed["instance_types"].instance_types,
        botocore_version=parsed["instance_types"].botocore_version,
        security_controls=parsed["security_controls"].security_controls,
        guard_rails=parsed["security_controls"].guard_rails,
        sam_cannot_set=parsed["security_controls"].sam_cannot_set,
        lambda_limits=parsed["lambda_limits"].lambda_limits,
        exams=parsed["exams"].exams,
        regions=parsed["regions"].regions,
        accelerators=parsed["accelerators"].accelerators,
        cpu_vcpu_tflops=parsed["accelerators"].cpu_vcpu_tflops,
        lambda_modes=parsed["lambda_limits"].execution_modes,
        lambda_features=parsed["lambda_limits"].features,
        step_functions_retriers=parsed["lambda_limits"].step_functions_retriers,
        algorithms=parsed["algorithms"].algorithms,
        frameworks=parsed["algorithms"].frameworks,
        hosting_options=parsed["hosting_options"].hosting_options,
        llm_architectures=parsed["llm_architectures"].llm_architectures,
    )
    problems = cross_check(knowledge, docs) + check_references(knowledge, docs)
    if problems:
        raise KnowledgeError(_summary(problems), problems=problems)
    return knowledge


def _summary(problems: list[Problem]) -> str:
    files = sorted({p.file for p in problems if p.file})
    noun = "problem" if len(problems) == 1 else "problems"
    return f"{len(problems)} {noun} in {', '.join(files) if files else 'the knowledge'}"


def _read_all(rules_dir: Path) -> dict[str, bytes]:
    layout = "give a folder laid out like rules/ (with a knowledge/ folder inside)"
    if not rules_dir.is_dir():
        raise KnowledgeError(f"{rules_dir}: {'is a file, not a folder' if rules_dir.exists() else 'no such folder'}",
                             hint=layout)
    if not (rules_dir / "knowledge").is_dir():  # not ten "file is missing" lines, each path in the title too
        raise KnowledgeError(f"{rules_dir}: has no knowledge/ folder", hint=layout)
    out: dict[str, bytes] = {}
    missing = []
    for stem, path in knowledge_paths(rules_dir).items():
        if not path.exists() and not path.is_symlink():
            missing.append(Problem("file is missing", str(path)))
        elif (raw := _read(path, missing)) is not None:
            out[stem] = raw
    for path in decision_paths(rules_dir):
        if (raw := _read(path, missing)) is not None:
            out[f"decisions/{path.name}"] = raw
    if missing:
        raise KnowledgeError(_summary(missing), problems=missing)
    return out


def _versions(rules_dir: Path) -> dict[str, bytes]:
    """Which version of each knowledge and decision file is on disk (inode, modification time, size), by the names
    `_read_all` uses: what the cache is keyed by, so a start that finds the knowledge cached neither reads nor
    hashes the YAML (~450 KB). A rewrite changes the time or size, a replacement (an atomic write) the inode. The
    versions are taken before a miss reads the files, so a file edited meanwhile is cached under a version no
    later start has. A folder or file that cannot be looked at is reported as reading it would report it."""
    try:
        paths = dict(knowledge_paths(rules_dir))
        paths.update({f"decisions/{path.name}": path for path in decision_paths(rules_dir)})
        return {name: file_version(path) for name, path in paths.items()}
    except OSError:
        return _read_all(rules_dir)  # raises the located problem (missing folder or file, unreadable file)


def _read(path: Path, problems: list[Problem]) -> bytes | None:
    """A rules file's bytes, read no further than the size limit (a link to /dev/zero is refused, not read
    forever); a file that cannot be read becomes a located problem."""
    try:
        return read_bytes(path, str(path))
    except KnowledgeError as exc:
        problems.append(Problem(exc.message.removeprefix(f"{path}: "), str(path)))
        return None


def _cache_key(inputs: dict[str, bytes]) -> str:
    return cache_key(inputs, _CODE_FILES)  # knowledge files and every decision file, by name


def cache_key(inputs: Mapping[str, bytes], code_files: Iterable[str]) -> str:
    """The key of a validated result: the bytes of every input (by name) and the code that validates them.

    `code_files` are paths under the package (`pricing/models.py`); their versions (`file_version`) stand in for
    their bytes, so that editing a model or a check is a new key without hashing the sources on every start.
    """
    digest = hashlib.sha256(f"{_CACHE_FORMAT}:{__version__}".encode())
    for name in code_files:
        digest.update(name.encode() + b":" + file_version(_PACKAGE / name))
    for name in sorted(inputs):
        # surrogatepass: a file name that is not UTF-8 arrives with its bytes escaped, and is still a name
        digest.update(name.encode("utf-8", "surrogatepass") + b"\0" + hashlib.sha256(inputs[name]).digest())
    return digest.hexdigest()


def file_version(path: Path) -> bytes:
    """Which version of a file this is, for a cache key that must not read it: a rewrite changes its size or
    modification time, a replacement (an atomic write, as `pricing refresh` makes) its inode."""
    info = path.stat()
    return f"{info.st_ino}:{info.st_mtime_ns}:{info.st_size}".encode()


def read_cache(path: Path, key: str) -> dict[str, Any] | None:
    """Plain data stored under `key` in the signed JSON cache (advisor.cache), or None for a miss."""
    stored = cache.read(path.name, path.parent)
    if isinstance(stored, dict) and stored.get("key") == key and isinstance(stored.get("data"), dict):
        return stored["data"]
    return None


def write_cache(path: Path, key: str, plain: dict[str, Any]) -> None:
    """Store plain data under `key`; a cache that cannot be written only costs speed."""
    cache.write(path.name, {"key": key, "data": plain}, path.parent)


def write_cache_json(path: Path, key: str, data: bytes) -> None:
    """`write_cache` for data serialised already (a pydantic model's `model_dump_json`), read back by
    `read_cache` as the same plain data."""
    cache.write_json(path.name, b'{"key":' + json.dumps(key).encode() + b',"data":' + data + b"}", path.parent)
