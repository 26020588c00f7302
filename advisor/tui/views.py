"""What the screens show, as rich Text built from the quiz core's state: formatting only, no decisions.

Question and option text goes in as plain Text (never markup), so a stem with [brackets] shows as written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from advisor.quiz.session import LABELS, Session, Slot

if TYPE_CHECKING:
    from advisor.quiz.scoring import ExamScore
    from advisor.quiz.stats import Stats, Tally

MODE_NAMES = {"practice": "Practice", "exam": "Exam", "review": "Review"}


def clock_text(left: dt.timedelta) -> str:
    seconds = int(left.total_seconds())
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def instruction(slot: Slot) -> str:
    item = slot.item
    if item.type == "multiple":
        return f"Choose {item.picks}. ({len(slot.response)} of {item.picks} chosen)"
    if item.type == "true_false":
        return "True or false?"
    return "Choose one."


def reveals(session: Session, slot: Slot) -> bool:
    """Whether right and wrong are shown: after a practice answer, or once an exam is over."""
    return slot.submitted or (session.mode == "exam" and session.finished)


def status_line(session: Session) -> Text:
    slot = session.current
    text = Text()
    name = f"{session.exam_code} exam" if session.mode == "exam" else MODE_NAMES[session.mode]
    if session.finished:
        name += " (review)"
    text.append(f" {name} ", style="bold reverse")
    text.append(f"  {session.index + 1}/{len(session.slots)}")
    if session.mode == "exam" and not session.finished:
        answered = sum(s.answered for s in session.slots)
        flagged = sum(s.flagged for s in session.slots)
        text.append(f" · answered {answered} · flagged {flagged}")
    else:
        right = sum(s.mark.correct for s in session.slots if s.submitted or session.finished)
        done = sum(1 for s in session.slots if s.submitted or session.finished)
        text.append(f" · {right} of {done} right")
    if slot.flagged:
        text.append("  ⚑ flagged", style="bold yellow")
    return text


def timer_text(session: Session) -> Text:
    left = session.remaining()
    if left is None or session.finished:
        return Text("")
    style = "bold red" if left < dt.timedelta(minutes=5) else "bold"
    return Text(f"{clock_text(left)} left ", style=style)


@dataclass(frozen=True)
class Palette:
    """The theme's colours for right, wrong and chosen options (rich styles; follow the dark or light theme)."""

    right: str = "green"
    wrong: str = "red"
    chosen: str = "yellow"


def _marker(session: Session, slot: Slot, position: int, palette: Palette) -> Text:
    key = slot.order[position]
    chosen = key in slot.response
    box = ("(•)" if chosen else "( )") if slot.item.picks == 1 else ("[x]" if chosen else "[ ]")
    text = Text()
    if reveals(session, slot):
        correct = slot.item.option(key).correct
        text.append("✔ " if correct else ("✘ " if chosen else "  "),
                    style=f"bold {palette.right}" if correct else f"bold {palette.wrong}")
    text.append(f"{box} {LABELS[position]}", style="bold" if chosen else "")
    return text


def options_table(session: Session, slot: Slot, palette: Palette) -> Table:
    """The options as a two-column grid (marker, text), with every explanation once the answer is revealed.

    One renderable rather than a widget per option: the question screen is the first thing drawn at start.
    """
    reveal = reveals(session, slot)
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=7 if reveal else 5, no_wrap=True)
    grid.add_column(ratio=1)
    for position, key in enumerate(slot.order):
        option = slot.item.option(key)
        chosen = key in slot.response
        style = f"bold {palette.chosen}" if chosen and not reveal else ""
        if reveal:
            style = palette.right if option.correct else (palette.wrong if chosen else "")
            if position:
                grid.add_row("", "")  # a blank line between explained options
            body = Text.assemble((option.text, style), "\n", (option.explanation, "dim"))
        else:
            body = Text(option.text, style=style)
        grid.add_row(_marker(session, slot, position, palette), body)
    return grid


def verdict(session: Session, slot: Slot) -> Text:
    if not reveals(session, slot):
        return Text("")
    verdict_mark = slot.mark
    answer = ", ".join(slot.labels(slot.item.correct_keys))
    if verdict_mark.correct:
        return Text.assemble(("Correct. ", "bold green"), f"The answer is {answer}.")
    text = Text.assemble(("Wrong. " if verdict_mark.answered else "Not answered. ", "bold red"),
                         f"The answer is {answer}.")
    if slot.item.picks > 1 and verdict_mark.answered:
        text.append(f" You found {verdict_mark.hits} of {slot.item.picks}"
                    f"{f' and picked {verdict_mark.wrong_picks} wrong' if verdict_mark.wrong_picks else ''}"
                    " (partial credit is for diagnosis only: the exam scores all or nothing).")
    return text


def source_line(slot: Slot) -> Text:
    return Text(f"{slot.item.id} · {slot.item.section} · source: {slot.item.source}", style="dim")


# ---- results ---------------------------------------------------------------------------------------------

def exam_result(session: Session, score: ExamScore, now: dt.datetime) -> Text:
    from advisor.quiz.stats import bar

    text = Text()
    verdict_style = "bold green" if score.passed else "bold red"
    text.append(f"{score.exam_code} exam simulation: ", style="bold")
    text.append("PASS" if score.passed else "FAIL", style=verdict_style)
    text.append(f"\n\nScaled score {score.scaled} of {score.scale_max} (pass mark {score.pass_mark})\n")
    text.append(bar((score.scaled - score.scale_min) / (score.scale_max - score.scale_min), 40), style=verdict_style)
    used = min(now, session.deadline or now) - session.started_at
    text.append(f"\nRight {score.correct} of {score.total} ({score.percent:.0f}%) · answered {score.answered} · "
                f"time used {clock_text(used)}\n\n")
    text.append("By domain\n", style="bold")
    for domain in score.domains:
        name = domain.name if len(domain.name) <= 34 else domain.name[:33] + "…"
        if domain.total == 0:
            text.append(f"  {name:<34}  {'-':>7} none drawn from this bank\n", style="dim")
            continue
        text.append(f"  {name:<34} {domain.correct:>3}/{domain.total:<3} ")
        text.append(bar(domain.correct / domain.total, 20))
        text.append(f" {domain.percent:4.0f}%\n")
    text.append(f"\nEach question scores all or nothing, as in the real exam.\nPartial credit, for diagnosis only: "
                f"{score.partial:.0%} (a right pick counts, a wrong pick takes one back).", style="dim")
    return text


def round_result(session: Session) -> Text:
    done = [s for s in session.slots if s.submitted]
    right = sum(s.mark.correct for s in done)
    text = Text()
    text.append(f"{MODE_NAMES[session.mode]} round: ", style="bold")
    text.append(f"{right} of {len(done)} right", style="bold green" if done and right == len(done) else "bold")
    if len(done) < len(session.slots):
        text.append(f" ({len(session.slots) - len(done)} not answered)")
    text.append("\n\n")
    for slot in session.slots:
        if not slot.submitted:
            continue
        ok = slot.mark.correct
        text.append("✔ " if ok else "✘ ", style="bold green" if ok else "bold red")
        stem = slot.item.stem if len(slot.item.stem) <= 66 else slot.item.stem[:65] + "…"
        text.append(stem + "\n")
    return text


# ---- stats -----------------------------------------------------------------------------------------------

def _tally_line(tally: Tally, width: int = 30) -> Text:
    from advisor.quiz.stats import bar

    name = tally.label or tally.name
    name = name if len(name) <= width else name[:width - 1] + "…"
    line = Text(f"  {name:<{width}} {tally.correct:>3}/{tally.attempts:<3} ")
    line.append(bar(tally.accuracy, 20), style="green" if (tally.accuracy or 0) >= 0.75 else "yellow")
    line.append(f" {tally.accuracy:4.0%}\n" if tally.accuracy is not None else "    -\n")
    return line


def stats_view(stats: Stats) -> Text:
    from advisor.quiz.stats import sparkline

    text = Text()
    accuracy = f"{stats.accuracy:.0%}" if stats.accuracy is not None else "-"
    text.append("Progress  ", style="bold")
    text.append(f"{stats.attempts} answers, {accuracy} right; {stats.seen} of {stats.questions} questions seen\n")
    text.append("Due       ", style="bold")
    text.append(f"{stats.due_now} now · {stats.wrong} last answered wrong · {stats.unseen} never seen")
    if stats.exam_date:
        days = (stats.exam_date - stats.as_of.date()).days
        text.append(f" · exam {stats.exam_date} ({days} days)")
    text.append("\n")
    if stats.exams:
        text.append("Exams     ", style="bold")
        text.append(sparkline([r.scaled for r in stats.exams], 100, 1000), style="cyan")
        text.append("  " + "  ".join(f"{r.exam_code} {r.scaled}{'✔' if r.passed else '✘'}"
                                     for r in stats.exams[-4:]) + "\n")
    if stats.weakest:
        text.append("Weakest   ", style="bold")
        text.append(", ".join(f"{t.name} {t.accuracy:.0%}" for t in stats.weakest) + "\n")
    text.append("\nAccuracy per topic\n", style="bold")
    for tally in stats.topics:
        text.append_text(_tally_line(tally))
    if not stats.topics:
        text.append("  no answers yet\n", style="dim")
    for code, tallies in stats.domains.items():
        text.append(f"\nAccuracy per {code} domain\n", style="bold")
        for tally in tallies:
            text.append_text(_tally_line(tally))
    return text
