"""Content-keyed cache of `advisor recommend` / `advisor explain` output, read before pydantic is imported.

A recommendation is a pure function of the workload's bytes, the command's options, the knowledge files, the
price snapshots, the code and today's date (staleness warnings depend on it). When none of them changed, the
output a user saw last time is the answer, and printing it costs a hash instead of building ~60 validators.
Anything the key does not cover is not cached: table output (it depends on the terminal) and errors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from advisor import cache
from advisor.__about__ import __version__
from advisor.resources import data_dir, shipped_dir

_FORMAT = 1


def _files_digest(digest: hashlib._Hash, base: Path, paths: Iterable[Path], *, contents: bool) -> None:
    for path in sorted(paths):
        try:
            stat = path.stat()
        except OSError:
            continue
        # relative: a moved checkout is the same input; surrogatepass: a name that is not UTF-8 is a name too
        digest.update(str(path.relative_to(base)).encode("utf-8", "surrogatepass"))
        if contents:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        else:
            digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())


def key_for(workload: bytes, options: Iterable[str], today: dt.date | None = None) -> str:
    """The cache key: every input the output depends on."""
    digest = hashlib.sha256(f"{_FORMAT}:{__version__}:{(today or dt.date.today()).isoformat()}".encode())
    digest.update(b"\0".join(o.encode() for o in options) + b"\0")
    digest.update(hashlib.sha256(workload).digest())
    for name in ("ADVISOR_DATA_DIR",):
        digest.update(f"{name}={os.environ.get(name, '')}".encode())
    package = Path(__file__).resolve().parents[1]
    _files_digest(digest, package, package.rglob("*.py"), contents=False)  # the code: an edit is a new key
    rules = shipped_dir("rules")
    _files_digest(digest, rules, rules.rglob("*.yaml"), contents=True)
    for label, folder in (("shipped", shipped_dir("pricing_data")), ("user", data_dir() / "pricing_data")):
        digest.update(label.encode())
        _files_digest(digest, folder, folder.glob("*.yaml"), contents=True)
    return digest.hexdigest()


def _name(key: str) -> str:
    return f"result-{key[:40]}.json"


def get(key: str) -> bytes | None:
    """The output stored under `key`, or None: a damaged or planted entry fails its signature (advisor.cache)."""
    stored = cache.read(_name(key))
    if isinstance(stored, dict) and stored.get("key") == key and isinstance(stored.get("output"), str):
        return stored["output"].encode("utf-8", "surrogateescape")
    return None


def put(key: str, output: bytes) -> None:
    cache.write(_name(key), {"key": key, "output": output.decode("utf-8", "surrogateescape")})
