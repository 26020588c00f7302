"""Files an input names by path: Terraform's file(), filebase64() and templatefile(), a state machine's
DefinitionUri or DefinitionS3Location. Both readers share this one.

A template is someone else's text, and what it reads ends up in the report: `root_access =
file("/proc/self/environ")` printed the auditing process's environment, secrets included. So a path is resolved
(`..` and symlinks followed) and read only when it lies inside the folder the user audits (the folder named, or a
named file's own folder); and only a regular file (a device or a FIFO reports size 0 and never ends) of at most
1 MiB of UTF-8 text. Anything else is None: a value the audit cannot read, judged unknown."""

from __future__ import annotations

from pathlib import Path

MAX_BYTES = 1024 * 1024


def read_inside(path: Path, root: Path | None) -> str | None:
    """The text of `path` when it resolves inside `root` (None: nothing may be read), else None."""
    if root is None:
        return None
    try:
        resolved = path.resolve(strict=True)
        if not resolved.is_relative_to(root.resolve()):
            return None
    except (OSError, RuntimeError):  # not there, a symlink loop
        return None
    return read_bounded(resolved)


def read_bounded(path: Path) -> str | None:
    """A regular file's UTF-8 text, at most MAX_BYTES; anything else None."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        return None if len(data) > MAX_BYTES else data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
