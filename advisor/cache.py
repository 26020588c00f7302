"""The user's cache: plain JSON, signed, in a folder only the user can write. Nothing read back can run code.

What a cache file is: one line with an HMAC-SHA256 of the rest, then JSON. The HMAC key is 32 random bytes in
`<cache>/.key`, made on first use with mode 0600, so a file planted by another user, or a truncated or
bit-flipped one, fails the check and is a miss: the caller computes the value again (a miss is always safe).
The value read back is plain data that the caller validates as it would fresh input, so a cache hit gives the
same bytes the computation gives.

The folder is created 0700 and files 0600 whatever the umask. A folder (or key) not owned by this user, or one
others may write to, is not used at all: a one-line note says so on stderr, once, and every lookup misses.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
from pathlib import Path
from typing import Any

import orjson

from advisor.atomic import write_atomic
from advisor.resources import cache_dir

_KEY_FILE = ".key"
_noted: set[str] = set()


def _note(message: str) -> None:
    if message not in _noted:
        _noted.add(message)
        print(f"advisor: note: {message}", file=sys.stderr)


def private_folder(path: Path, what: str) -> Path | None:
    """`path`, created 0700 if missing; None (with a note) when it is not safely ours to read and write.

    Safe means: a folder, owned by this user, and not writable by group or others (anyone who can write
    there can plant or swap files).
    """
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.lstat()
    except FileExistsError:  # mkdir's word for "a file has that name": said as such
        _note(f"{what} {path} is a file, not a folder; going without it")
        return None
    except OSError as exc:
        _note(f"{what} {path} cannot be used ({exc.strerror or exc}); going without it")
        return None
    if not stat.S_ISDIR(info.st_mode):
        _note(f"{what} {path} is not a folder; going without it")
        return None
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        _note(f"{what} {path} belongs to another user; going without it")
        return None
    if info.st_mode & 0o022:
        _note(f"{what} {path} is writable by other users; going without it (chmod go-w to use it)")
        return None
    return path


def _key(folder: Path) -> bytes | None:
    path = folder / _KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except FileExistsError:
        pass
    except OSError:
        return None
    else:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if (hasattr(os, "geteuid") and info.st_uid != os.geteuid()) or info.st_mode & 0o077:
            _note(f"cache key {path} is readable or writable by others; the cache is not used")
            return None
        key = handle.read(64)
    return key if len(key) == 32 else None


def _sign(key: bytes, name: str, body: bytes) -> str:
    return hmac.new(key, name.encode() + b"\0" + body, hashlib.sha256).hexdigest()


def read(name: str, folder: Path | None = None) -> Any | None:
    """The plain data stored under `name`, or None for a miss (absent, damaged, planted or unusable cache)."""
    root = private_folder(folder or cache_dir(), "cache folder")
    key = _key(root) if root is not None else None
    if key is None or root is None:
        return None
    blob = _read_entry(root / name)
    if blob is None:
        return None
    signature, _, body = blob.partition(b"\n")
    if not hmac.compare_digest(signature, _sign(key, name, body).encode()):
        return None
    try:
        # orjson: the same plain data as json.loads, in half the work (a knowledge entry is ~450 KB, read per start)
        return orjson.loads(body)
    except ValueError:  # orjson.JSONDecodeError is one
        return None


def _read_entry(path: Path) -> bytes | None:
    """An entry's bytes if it is a regular file of ours that others cannot write, else None (a miss): a planted
    symlink to /dev/zero was read until memory ran out, and a FIFO would have waited forever."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if (not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022
                or (hasattr(os, "geteuid") and info.st_uid != os.geteuid())):
            return None
        try:
            return handle.read(info.st_size)
        except OSError:
            return None


def write(name: str, data: Any, folder: Path | None = None) -> None:
    """Store plain JSON-ready `data` under `name`; a cache that cannot be written only costs speed."""
    try:
        # ASCII out (json's default, non-ASCII written as \u escapes that read back as the same text): the
        # encoder's fast path, twice as fast as ensure_ascii=False on a big bank with a few accented words
        body = json.dumps(data, separators=(",", ":"), allow_nan=False).encode("ascii")
    except ValueError:
        return
    write_json(name, body, folder)


def write_json(name: str, body: bytes, folder: Path | None = None) -> None:
    """Store `body`, JSON text already (as a pydantic model serialises itself), under `name`: a big validated
    model is written without a plain copy made only to be encoded."""
    root = private_folder(folder or cache_dir(), "cache folder")
    key = _key(root) if root is not None else None
    if key is None or root is None:
        return
    try:
        # no fsync: a crash may lose an entry or leave it torn, which its signature turns into a miss
        write_atomic(root / name, _sign(key, name, body).encode() + b"\n" + body, mode=0o600, durable=False)
    except OSError:
        pass  # a full or read-only cache folder only costs speed
