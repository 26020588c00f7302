"""Atomic file writes: a temporary file in the same folder, fsync, then rename over the target.

A reader (or a crash) sees the old file whole or the new file whole, never half of one: user data,
snapshots and caches are all written this way.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from advisor.errors import WriteError


def write_atomic(path: Path, data: bytes | str, *, encoding: str = "utf-8", mode: int | None = None,
                 durable: bool = True) -> None:
    """Replace `path` with `data` in one step; the folder is created if missing.

    `mode`: the file's permissions whatever the umask (the cache and the data folder use 0600); by default a
    replaced file keeps its permissions and a new one gets what open() would give it.
    `durable=False` skips the fsync, for files that may be lost in a crash (the signed cache: an entry a crash
    left empty or torn fails its signature and is computed again); a running reader still never sees half a file.
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
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


#: The errnos that say the environment failed (exit 1), not that the user named a wrong target (exit 2).
ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EROFS, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.ENOMEM})


def os_cause(exc: OSError, path: Path) -> str:
    """Why an operation on `path` failed, in plain words, where the system's own words mislead: "File exists"
    for a parent that is a file, "disk I/O error" or "Bad file descriptor" for a full disk."""
    if isinstance(exc, IsADirectoryError) or (exc.errno != errno.ENOENT and _is_dir(path)):
        return "it is a folder"
    if isinstance(exc, (NotADirectoryError, FileExistsError)) or exc.errno == errno.ENOTDIR:
        blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
        return f"{blocker} is a file, not a folder" if blocker is not None else "a part of its path is not a folder"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full" if exc.errno == errno.ENOSPC else "the disk quota is used up"
    if exc.errno == errno.EFBIG:
        return "the file is larger than this system allows (ulimit -f or the file system's limit)"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENOENT:
        return "no such file or folder"
    return exc.strerror or str(exc)


def _is_stream(path: Path) -> bool:
    """Whether `path` (through any symlink) exists and is neither a regular file nor a folder: a device or a pipe,
    which is written to, never replaced."""
    try:
        kind = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(kind) or stat.S_ISDIR(kind))


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def write_user_file(path: Path, data: bytes | str, *, encoding: str = "utf-8", mode: int | None = None,
                    hint: str | None = None) -> Path:
    """`write_atomic` for a file the user named: every OSError becomes a plain WriteError naming the path and
    the cause. A symlink is written through: its target is replaced and the link kept (atomic replacement of
    the link itself would silently turn it into a regular file). Returns the path written."""
    try:
        target = path.resolve() if path.is_symlink() else path
    except (RuntimeError, OSError):  # Python 3.11 says RuntimeError for a loop, later versions OSError
        raise WriteError(f"{path}: it is a symlink that loops back on itself") from None
    try:
        if _is_stream(path):  # /dev/null, /dev/stdout, a FIFO: renaming over it would put a file in its place
            with open(path, "wb") as handle:
                handle.write(data.encode(encoding) if isinstance(data, str) else data)
            return path
        write_atomic(target, data, encoding=encoding, mode=mode)
    except OSError as exc:
        raise WriteError(f"{path}: {os_cause(exc, target)}",  # under the title "Cannot write", said once
                         environment=exc.errno in ENVIRONMENT_ERRNOS, hint=hint) from None
    return target
