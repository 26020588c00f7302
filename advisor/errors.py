"""One error hierarchy for everything a user can get wrong.

Every error the product raises on purpose is an `AdvisorError`: the CLI and the TUI print its title, its
message and its located problems and exit with its code, never a traceback. Anything else escaping is a bug.

    AdvisorError                  exit 2 unless noted
     ├── KnowledgeError           rules/, quizzes/, pricing_data/ files that do not load or validate
     ├── WorkloadError            a workload file or answer that does not validate
     ├── QuizError                unknown bank, bad session request
     ├── StoreError               progress database unusable (not writable, future schema)
     ├── PricingError             price snapshots and the live refresh (exit 1 for AWS-side failures)
     ├── UsageError               a command line that asks for something that does not exist
     └── AuditError               `advisor audit`: nothing could be audited, or --live cannot reach AWS
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True, slots=True)
class Problem:
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


class AdvisorError(Exception):
    """Base of every error meant for a user; carries a title, a message and located problems."""

    title = "Error"
    exit_code = 2

    def __init__(self, message: str, *, problems: Sequence[Problem] = (), hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.hint = hint

    def render(self) -> str:
        """The text the CLI prints: title and message, then one line per problem."""
        lines = [f"{self.title}: {self.message}"]
        lines += [f"  {p}" for p in self.problems]
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


class KnowledgeError(AdvisorError):
    title = "Invalid knowledge"


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
