"""Atomic file writes: a temporary file in the same folder, fsync, then rename over the target.

A reader (or a crash) sees the old file whole or the new file whole, never half of one: user data,
snapshots and caches are all written this way.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from advisor.errors import WriteError


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


_ENVIRONMENT = {errno.ENOSPC, errno.EROFS, errno.EIO, errno.EDQUOT}


def write_user_file(path: Path, data: bytes | str, *, encoding: str = "utf-8") -> Path:
    """`write_atomic` for a file the user named: every OSError becomes a plain WriteError naming the path and
    the cause. A symlink is written through: its target is replaced and the link kept (atomic replacement of
    the link itself would silently turn it into a regular file). Returns the path written."""
    target = path.resolve() if path.is_symlink() else path
    try:
        write_atomic(target, data, encoding=encoding)
    except OSError as exc:
        cause = exc.strerror or str(exc)
        if isinstance(exc, IsADirectoryError) or (target.exists() and target.is_dir()):
            cause = "it is a folder"
        elif isinstance(exc, (NotADirectoryError, FileExistsError)):
            cause = "a part of its folder path is a file, not a folder"
        elif exc.errno == errno.ENOSPC:
            cause = "the disk is full"
        raise WriteError(f"{path}: cannot write ({cause})", environment=exc.errno in _ENVIRONMENT) from None
    return target
