"""The questionnaire's state without a screen: the answers, their problems, the step, whether anything is
unsaved, and what Next, Back and Submit do. The TUI only draws this and forwards key presses to it, so every
rule of the wizard is tested without Textual.

Rules kept here:
- a bad answer blocks Next from its own step only; Back always works;
- a step whose questions all do not apply (no training stage: no training step) is skipped;
- a problem, once shown, keeps its question on screen even when the stages change, so it can be fixed;
- the summary (and Submit) is reached only without problems: otherwise the first bad answer's step opens;
- a questionnaire opened from a file that does not validate starts at its first bad field, until the user
  moves or answers;
- an answer the user has not given follows those given, as in a workload file (model.kind chosen alone picks
  its usual model.algorithm, and the reverse): a default nobody chose never contradicts a choice;
- a required answer not given yet (the stages, on a blank questionnaire) is something still to do, not a
  mistake: it blocks Next like a bad answer, but is marked wrong (✘) only once the user has tried to go on
  without it, or when a file left it out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.recommend.questions import BY_PATH, STEPS, SUMMARY, Answers, Draft, Question, Step

if TYPE_CHECKING:
    from advisor.knowledge.models import Knowledge

ORDER = (*(s.id for s in STEPS), SUMMARY)


@dataclass(frozen=True)
class Move:
    """Where a key press leads: a step (and the question to focus there, if one must be), or a submit."""

    step: str
    focus: str | None = None
    submit: bool = False
    blocked: bool = False  # Next refused: the step has a bad answer (focus names it)


@dataclass
class QuestionnaireState:
    answers: Answers = field(default_factory=Answers)
    source: Path | None = None
    out: Path | None = None
    step: str = STEPS[0].id
    dirty: bool = False  # answers changed since the start, the draft or the last save
    written: Path | None = None  # the file the answers were last saved to
    knowledge: Knowledge | None = None  # with it, problems also cover what only the knowledge knows
    problems: dict[str, str] = field(default_factory=dict)
    kept: set[str] = field(default_factory=set)  # shown once for a bad answer: stays, even when it is fixed
    open_at_problem: bool = False
    insisted: set[str] = field(default_factory=set)  # unanswered questions the user was told to answer
    followed: list[str] = field(default_factory=list)  # answers the last answer (or the knowledge) changed too

    def __post_init__(self) -> None:
        self.open_at_problem = self.source is not None
        if self.knowledge is not None:
            self.followed = self.answers.follow(self.knowledge)
        self.revalidate()
        if self.source is not None:  # a file that leaves out a required answer is wrong as it stands
            self.insisted |= set(self.problems)

    # ---- answers ------------------------------------------------------------------------------------------

    def revalidate(self) -> dict[str, str]:
        """Recompute every problem (with the knowledge once it is loaded)."""
        self.problems = self.answers.problems(self.knowledge)
        self.kept |= set(self.problems)
        return self.problems

    def pending(self, path: str) -> bool:
        """True when `path`'s problem is only that it has no answer yet, and nobody has asked for one: a blank
        questionnaire is not wrong before the user has done anything."""
        return path in self.problems and path not in self.insisted and _unanswered(self.answers.values.get(path))

    def shown_problems(self) -> dict[str, str]:
        """The problems to mark wrong (✘): every one but those still pending."""
        return {path: message for path, message in self.problems.items() if not self.pending(path)}

    def set_knowledge(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.followed = self.answers.follow(knowledge)
        self.revalidate()

    def answer(self, path: str, value: Any) -> bool:
        """Record an answer; True when it changed anything (then the problems are recomputed, and `followed`
        names the other answers that changed with it)."""
        self.followed = []
        if path not in BY_PATH or not self.answers.set(path, value):
            return False
        if self.knowledge is not None:
            self.followed = self.answers.follow(self.knowledge)
        self.dirty = True
        self.open_at_problem = False
        self.revalidate()
        return True

    def resume(self, draft: Draft) -> None:
        """Continue a draft: its answers, files and step; unsaved until the answers are saved."""
        self.answers = Answers(draft.answers, draft.stated)
        self.kept = set()
        if self.knowledge is not None:
            self.followed = self.answers.follow(self.knowledge)
        self.revalidate()
        self.source = Path(draft.source) if draft.source else None
        self.out = Path(draft.out) if draft.out else None
        self.step = draft.step if draft.step in ORDER else STEPS[0].id
        self.open_at_problem = False
        self.dirty = True

    def draft(self, now: dt.datetime) -> Draft:
        return Draft(saved_at=now, step=self.step, answers=dict(self.answers.values),
                     stated=sorted(self.answers.stated),
                     source=str(self.source) if self.source else None, out=str(self.out) if self.out else None)

    def saved(self, path: Path) -> None:
        self.written = self.out = path
        self.dirty = False

    # ---- steps --------------------------------------------------------------------------------------------

    def step_ids(self) -> list[str]:
        """The steps that apply now, then the summary."""
        return [s.id for s in self.answers.steps(self.kept)] + [SUMMARY]

    def shown(self, step_id: str) -> list[Question]:
        """The questions a step shows now (none for the summary)."""
        return [] if step_id == SUMMARY else self.answers.shown(_step(step_id), self.kept)

    def title(self, step_id: str) -> str:
        return "Summary" if step_id == SUMMARY else self.answers.title(_step(step_id), self.kept)

    def step_has_problem(self, step_id: str) -> bool:
        """Whether the step is marked wrong (✘): an answer still pending does not mark it."""
        return step_id != SUMMARY and any(BY_PATH[p].section in _step(step_id).sections
                                          for p in self.shown_problems())

    def step_problems(self) -> list[str]:
        """The bad answers of the current step (on the summary: every bad answer)."""
        if self.step == SUMMARY:
            return list(self.problems)
        return [q.path for q in self.shown(self.step) if q.path in self.problems]

    def first_problem(self) -> Move:
        found = self.answers.first_problem(self.problems)
        return Move(found[0].id, found[1].path) if found else Move(STEPS[0].id)

    def neighbour(self, direction: int) -> str | None:
        """The step before or after the current one, among those that apply now (the current one may not)."""
        here = ORDER.index(self.step)
        candidates = [s for s in self.step_ids() if (ORDER.index(s) - here) * direction > 0]
        if not candidates:
            return None
        return candidates[0] if direction > 0 else candidates[-1]

    # ---- moves --------------------------------------------------------------------------------------------

    def start(self) -> Move:
        """Where the questionnaire opens: the first bad field of a file that does not validate, else its step."""
        if self.open_at_problem and self.problems:
            return self.go(self.first_problem())
        return self.go(Move(self.step if self.step in self.step_ids() else STEPS[0].id))

    def go(self, move: Move) -> Move:
        """Make `move` the current step; the summary is only reached without problems (asked for, the missing
        answers are then marked wrong)."""
        if move.step == SUMMARY and self.problems:
            self.insisted |= set(self.problems)
            move = self.first_problem()
        self.step = move.step
        return move

    def next(self) -> Move:
        """Next step; refused (blocked, focus on the first bad answer) while the step has one; on the summary,
        a submit."""
        self.open_at_problem = False
        if self.step == SUMMARY:
            return self.submit()
        bad = self.step_problems()
        if bad:
            self.insisted |= set(bad)
            return Move(self.step, bad[0], blocked=True)
        return self.go(Move(self.neighbour(+1) or SUMMARY))

    def back(self) -> Move | None:
        """The previous step that applies; None on the first."""
        self.open_at_problem = False
        previous = self.neighbour(-1)
        return self.go(Move(previous)) if previous is not None else None

    def submit(self) -> Move:
        """Submit from anywhere: to the summary first; on it, a submit when nothing is wrong."""
        if self.step != SUMMARY or self.problems:
            return self.go(Move(SUMMARY))
        return Move(SUMMARY, submit=True)


def _unanswered(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, (list, tuple)) and not value)


def _step(step_id: str) -> Step:
    return next(s for s in STEPS if s.id == step_id)
