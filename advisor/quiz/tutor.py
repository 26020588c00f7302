"""The quiz as the front doors use it: start a session, take answers, finish an exam, read progress.

It joins the pure pieces (bank, session, scoring, scheduler) to the store, so the CLI, the TUI and a script all
record progress the same way: every answer is written the moment it is given (practice and review: the
attempt and the question's new schedule; exam: the response as it stands, scored when the exam finishes).
The clock and the seed are injected; without a seed, one is taken from the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.errors import QuizError
from advisor.knowledge.loader import load_knowledge
from advisor.quiz import MAX_EXAM_MINUTES
from advisor.quiz.bank import Bank, Item, bank_file, choose_bank, exams_to_sit_first, gather_banks, require_banks
from advisor.quiz.scheduler import Queue, Scheduler
from advisor.quiz.scoring import ExamScore, Mark, score_exam
from advisor.quiz.session import (
    Clock,
    Session,
    Slot,
    exam_count,
    exam_items,
    exam_minutes,
    exam_pool,
    make_slot,
    new_session,
    practice_items,
    system_clock,
)
from advisor.quiz.stats import Stats, compute_stats
from advisor.quiz.store import CardRow, Store

if TYPE_CHECKING:
    from advisor.knowledge.models import ExamBlueprint

DEFAULT_EXAM = "MLA-C01"
PRACTICE_ROUND = 10
EXAM_DATE_KEY = "exam_date"


#: The folder of the user's own banks (imported ones land here), under the data folder.
USER_BANKS = "banks"


class Tutor:
    """The quiz's front-door object.

    Banks come from three places: the bank folder (the shipped quizzes/ unless --banks names another), the
    user's banks folder in the data folder (where `advisor quiz import` writes), and generated banks (the
    knowledge drills) that the caller supplies as functions, so the quiz never depends on what generates them.
    """

    def __init__(self, store: Store, *, clock: Clock = system_clock, banks_dir: Path | None = None,
                 user_banks_dir: Path | None = None, generated: Sequence[Callable[[], Bank]] = ()) -> None:
        self.store = store
        self.clock = clock
        self.banks_dir = banks_dir if banks_dir is None else require_banks(banks_dir)  # refused at once, not later
        self.user_banks_dir = user_banks_dir
        self._generated = generated

    @classmethod
    def open(cls, data_dir: Path, *, clock: Clock = system_clock, banks_dir: Path | None = None,
             generated: Sequence[Callable[[], Bank]] = (), reading: bool = False) -> Tutor:
        """`reading`: the caller only reads progress (stats), so an unwritable data folder is read, not refused."""
        return cls(Store.open(data_dir, now=clock(), reading=reading), clock=clock, banks_dir=banks_dir,
                   user_banks_dir=data_dir / USER_BANKS if banks_dir is None else None, generated=generated)

    def close(self) -> None:
        self.store.close()

    # ---- banks, blueprints, settings ----------------------------------------------------------------------

    def banks(self) -> list[Bank]:
        return gather_banks(self.banks_dir, self.user_banks_dir, self._generated)

    def first_bank(self) -> Bank | None:
        """The first of `banks()`, what a session opens on when no bank is named. Bank files come before
        generated banks, so the generated ones are built only when there is no file: the first question does
        not wait for the knowledge drills (a tenth of a second from their cache), which the home screen lists
        when it is first shown."""
        return next(iter(gather_banks(self.banks_dir, self.user_banks_dir) or self.banks()), None)

    def bank(self, bank_id: str) -> Bank:
        """A bank by id, or by the path of a bank file (`--bank my-bank.yaml`)."""
        named = bank_file(bank_id)
        if named is not None:
            return named
        on_disk = gather_banks(self.banks_dir, self.user_banks_dir)
        if any(b.id == bank_id for b in on_disk):  # generated banks are built only when asked for
            return choose_bank(bank_id, on_disk)
        return choose_bank(bank_id, self.banks())

    @staticmethod
    def blueprints() -> tuple[ExamBlueprint, ...]:
        """The blueprints in the order the stats list the exams (exams_to_sit_first): the setup offers them so."""
        known = {b.code: b for b in load_knowledge().exams}
        return tuple(known[exam["code"]] for exam in exams_to_sit_first())

    def blueprint(self, code: str) -> ExamBlueprint:
        known = {b.code: b for b in self.blueprints()}
        found = known.get(code) or next((b for c, b in known.items() if c.casefold() == code.casefold()), None)
        if found is None:  # AWS writes the codes in capitals; `mla-c01` is the same exam
            raise QuizError(f"unknown exam {code!r}", hint=f"one of {', '.join(known)}")
        return found

    @property
    def exam_date(self) -> dt.date | None:
        value = self.store.setting(EXAM_DATE_KEY)
        try:
            return dt.date.fromisoformat(value) if value else None
        except (TypeError, ValueError):  # a setting edited by hand or damaged: as if none were set
            return None

    def set_exam_date(self, date: dt.date | None) -> None:
        """Set (or clear, None) the exam date. A day already gone is refused: it would bring nothing forward
        (Scheduler.effective_due ignores a date that has passed), and it is most likely a mistyped year."""
        today = self.clock().date()
        if date is not None and date < today:
            raise QuizError(f"the exam date {date.isoformat()} is in the past (today is {today.isoformat()})",
                            hint="give the day of your exam to come, or --clear to forget it")
        self.store.set_setting(EXAM_DATE_KEY, date.isoformat() if date else None)

    @property
    def scheduler(self) -> Scheduler:
        return Scheduler(self.exam_date)

    def _seed(self, seed: int | None) -> int:
        return seed if seed is not None else int(self.clock().timestamp() * 1000) % 2**31

    # ---- starting sessions --------------------------------------------------------------------------------

    def _open(self, bank: Bank, mode: str, items: Sequence[Item], seed: int, minutes: float | None = None,
              exam_code: str | None = None) -> Session:
        session = new_session(bank, mode, items, seed=seed, clock=self.clock, minutes=minutes,  # type: ignore[arg-type]
                              exam_code=exam_code)
        session.id = self.store.start_session(bank.id, mode, seed, [s.item.id for s in session.slots],
                                              session.started_at, session.deadline, exam_code)
        return session

    def practice(self, bank: Bank, *, count: int | None = PRACTICE_ROUND, seed: int | None = None) -> Session:
        seed = self._seed(seed)
        seen = {a.question_id for a in self.store.attempts(bank.id)}
        return self._open(bank, "practice", practice_items(bank, count, seed, seen), seed)

    def exam(self, bank: Bank, *, exam_code: str = DEFAULT_EXAM, count: int | None = None,
             minutes: float | None = None, seed: int | None = None) -> Session:
        """A timed exam on a blueprint; `count` and `minutes` override its size and time (a shorter drill)."""
        blueprint = self.blueprint(exam_code)
        seed = self._seed(seed)
        count = count or exam_count(blueprint, len(exam_pool(bank, blueprint)))
        if minutes is None:
            minutes = exam_minutes(blueprint, count)
        if not 1 <= minutes <= MAX_EXAM_MINUTES:
            raise QuizError(f"an exam's time limit is 1 to {MAX_EXAM_MINUTES} minutes (a week), not {minutes}")
        return self._open(bank, "exam", exam_items(bank, blueprint, count, seed), seed, minutes, blueprint.code)

    def review(self, bank: Bank, *, seed: int | None = None) -> Session:
        """Due questions first (soonest first), then the ones last answered wrong."""
        queue = self.queue(bank)
        items = [bank.by_id[q] for q in queue.ids]
        return self._open(bank, "review", items, self._seed(seed))

    def queue(self, bank: Bank) -> Queue:
        now = self.clock()
        scheduler = self.scheduler
        cards = {q: c for q, c in self.store.cards(bank.id).items() if q in bank.by_id}
        due = sorted((scheduler.effective_due(c.due, c.last_review, now), q) for q, c in cards.items())
        outcomes = self.store.last_outcomes(bank.id)
        wrong = tuple(q for q in bank.by_id if outcomes.get(q) is False)
        unseen = sum(1 for q in bank.by_id if q not in outcomes)
        return Queue(tuple(q for when, q in due if when <= now), wrong, unseen)

    # ---- answering ----------------------------------------------------------------------------------------

    def submit(self, session: Session) -> Mark:
        """Practice and review: make the current answer final, schedule the question, commit both."""
        verdict = session.submit()
        try:
            self._record(session, session.current, verdict)
        except BaseException:
            session.current.submitted = False  # not saved, so not final: the learner can submit again
            raise
        return verdict

    def _record(self, session: Session, slot: Slot, verdict: Mark) -> None:
        now = self.clock()
        previous = self.store.cards(session.bank.id).get(slot.item.id)
        state = self.scheduler.review(slot.item.id, previous.card if previous else None, verdict.correct, now)
        self.store.record_attempt(session.id or 0, session.bank.id, slot.item.id, session.mode, slot.answer,
                                  verdict.correct, verdict.partial, now,
                                  CardRow(state.card, state.due, state.last_review))

    def save(self, session: Session, slot: Slot | None = None) -> None:
        """Exam: commit a question's response and flag as they stand now."""
        slot = slot or session.current
        self.store.save_exam_response(session.id or 0, slot.item.id, slot.answer, slot.flagged, self.clock())

    def finish(self, session: Session) -> ExamScore | None:
        """End a session. An exam is scored (all-or-nothing per question), recorded and its answered questions
        scheduled, all in one transaction; practice and review only close."""
        if session.mode != "exam":
            session.finished = True
            self.store.finish_session(session.id or 0, self.clock())
            return None
        score = self.score(session)
        with self.store.transaction():
            for slot in session.slots:
                if slot.answered:
                    self._record(session, slot, slot.mark)
            self.store.record_exam_result(
                session.id or 0, session.bank.id, score.exam_code, score.total, score.correct, score.scaled,
                score.pass_mark, score.partial,
                [{"id": d.id, "name": d.name, "correct": d.correct, "total": d.total} for d in score.domains],
                self.clock())
            self.store.finish_session(session.id or 0, self.clock())
        session.finished = True
        return score

    def score(self, session: Session) -> ExamScore:
        if session.exam_code is None:
            raise QuizError("only an exam has a scaled score")
        return score_exam(self.blueprint(session.exam_code), [s.item for s in session.slots],
                          [s.mark for s in session.slots])

    # ---- resuming -----------------------------------------------------------------------------------------

    def unfinished_exam(self, bank: Bank) -> Session | None:
        """The exam of this bank that was left unfinished (a crash, a closed terminal), rebuilt exactly."""
        row = self.store.unfinished_exam(bank.id)
        if row is None:
            return None
        if any(q not in bank.by_id for q in row.question_ids):
            return None  # the bank lost a question since: this exam cannot be rebuilt
        responses = self.store.exam_responses(row.id)
        slots = []
        for qid in row.question_ids:
            item = bank.by_id[qid]
            response, flagged = responses.get(qid, ((), False))
            slot = make_slot(item, row.seed)
            slot.restore(response)
            slot.flagged = flagged
            slots.append(slot)
        session = Session(bank, "exam", row.seed, slots, row.started_at, self.clock, row.deadline, row.exam_code,
                          row.id)
        # where the candidate was is not stored: the first question not yet answered is where work goes on (an
        # exam answered to the end starts at its first question, to review before finishing)
        session.goto(next((i for i, slot in enumerate(slots) if not slot.answered), 0))
        return session

    def abandon(self, session: Session) -> None:
        """Close an unfinished session without scoring it (a new exam was started in its place): its saved
        answers stay in the store, but it is no longer offered for resuming."""
        self.store.finish_session(session.id or 0, self.clock())
        session.finished = True

    # ---- stats --------------------------------------------------------------------------------------------

    def stats(self, banks: Sequence[Bank] | None = None) -> Stats:
        banks = list(banks) if banks is not None else self.banks()
        return compute_stats(banks, self.store, {b.id: self.queue(b) for b in banks}, self.exam_date, self.clock())
