"""One error hierarchy: everything a user can get wrong, and the advisor's own mistakes it catches itself.

Every error the product raises on purpose is a `Reported` error: the CLI prints its title, its message and its
located problems and exits with its code, never a traceback. An `AdvisorError` is the user's to fix (the TUI
shows it as a notice); an `AdvisorBug` is ours (the advisor caught its own mistake before showing a wrong
answer; exit 70, like any other bug). Anything else escaping is a bug too.

    Reported
     ├── AdvisorBug                exit 70
     │    └── InvalidGeneratedRequest   a request the builders made that botocore rejects
     └── AdvisorError              exit 2 unless noted
          ├── KnowledgeError       rules/, quizzes/, pricing_data/ files that do not load or validate
          │    └── BankError       a question bank that does not load (titled "Invalid question bank")
          ├── WorkloadError        a workload file, answer or Python value (`Workload(...)`) that does not validate
          ├── QuizError            unknown bank, bad session request
          ├── StoreError           progress database unusable (not writable, future schema)
          ├── PricingError         price snapshots and the live refresh (exit 1 for AWS-side failures)
          ├── WriteError           a file the user asked for cannot be written (exit 2 bad target, 1 environment)
          ├── UsageError           a command line that asks for something that does not exist
          └── AuditError           `advisor audit --live`: no credentials, an unknown profile

A Python caller catches `AdvisorError` for everything that is the user's to fix (each carries `problems`, located
`Problem`s, and a `hint`), or `Reported` for the advisor's own caught mistakes too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` safe for a terminal: control characters (ESC, OSC, BEL...), bidirectional overrides, U+2028/9
    and lone surrogates are shown escaped (`\\x1b`, `\\u202e`), so text from a file can neither drive the
    terminal nor fail to print. Tabs and newlines stay. The CLI's messages and the TUI's texts go through it.

    Most texts are printable as they stand: `str.isprintable` says so in one C pass (every character the pattern
    escapes is one it calls unprintable), and a big bank's load runs this on every stem, option and explanation."""
    if text.isprintable():
        return text
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                       text)


def shown_name(name: str) -> str:
    """A file name as text that can always be written (UTF-8 output, JSON, XML): bytes of the name that are
    not UTF-8, which Python carries as surrogate escapes, are shown as `\\xff`, and any other lone surrogate as
    `\\ud800`. A name that needed none of that comes back unchanged."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate that no byte of a name became
            return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return name


class Problem(NamedTuple):
    """One located complaint: where (file, line, field path) and what, in plain words."""

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "") + ": "
        elif self.line:
            where = f"line {self.line}: "
        text = where + (f"{self.field}: " if self.field else "") + self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


def _located(message: str, problems: Sequence[Problem]) -> str:
    """The title names the file its problems are in (and the line, for one problem), so the first line of an
    error says where to look: "malformed YAML" alone left a user of several files guessing which one. A title
    that already names the file, or problems in several files or in none, are left as they are."""
    files = {p.file for p in problems}
    if len(files) != 1:
        return message
    file = files.pop()
    if not file or file in message:
        return message
    line = problems[0].line if len(problems) == 1 else None
    return f"{file}:{line}: {message}" if line else f"{file}: {message}"


class Reported(Exception):
    """An error the product raises on purpose; carries a title, a message and located problems."""

    title = "Error"
    exit_code = 2

    def __init__(self, message: str, *, problems: Sequence[Problem] = (), hint: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        message = _located(message, self.problems)
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        """The text the CLI prints: title and message, then one line per problem."""
        return f"{self.title}: {self.body()}"

    def body(self) -> str:
        """The message, then one line per problem and the hint: what a notice under the title shows (the TUI's
        read "Cannot write / Cannot write: x: it is a folder")."""
        lines = [printable(self.message)]
        lines += [f"  {printable(str(p))}" for p in self.problems]
        if self.hint:
            lines.append(f"  hint: {printable(self.hint)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


class AdvisorError(Reported):
    """An error the user can act on: a file, an answer or a command line to fix."""


class AdvisorBug(Reported):
    """The advisor's own mistake, caught before it could show a wrong answer: not the user's to fix."""

    title = "Internal error"
    exit_code = 70


class InvalidGeneratedRequest(AdvisorBug):
    """A request the builders made fails botocore's validation."""


class KnowledgeError(AdvisorError):
    title = "Invalid knowledge"


class BankError(KnowledgeError):
    """A question bank that does not load: authored content like the knowledge (so caught with it), titled for
    what the user was loading."""

    title = "Invalid question bank"


class WorkloadError(AdvisorError):
    title = "Invalid workload"


class QuizError(AdvisorError):
    title = "Quiz error"


class StoreError(AdvisorError):
    title = "Progress store error"


class PricingError(AdvisorError):
    title = "Pricing error"


class UsageError(AdvisorError):
    title = "Usage error"


class AuditError(AdvisorError):
    title = "Audit error"


class WriteError(AdvisorError):
    """A user's file could not be written. Exit 2 when the target is wrong (a folder, a missing or non-folder
    parent, no permission), 1 when the environment failed (disk full, read-only file system, I/O error)."""

    title = "Cannot write"

    def __init__(self, message: str, *, environment: bool = False, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.exit_code = 1 if environment else 2
