"""Atomic file writes: a temporary file in the same folder, fsync, then rename over the target.

A reader (or a crash) sees the old file whole or the new file whole, never half of one: user data,
snapshots and caches are all written this way.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | str, *, encoding: str = "utf-8", mode: int | None = None) -> None:
    """Replace `path` with `data` in one step; the folder is created if missing.

    `mode`: the file's permissions whatever the umask (the cache and the data folder use 0600); by default a
    replaced file keeps its permissions and a new one gets what open() would give it.
    """
    payload = data.encode(encoding) if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
