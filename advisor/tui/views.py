"""What the screens show, as rich Text built from the quiz core's state: formatting only, no decisions.

Question and option text goes in as plain Text (never markup), so a stem with [brackets] shows as written.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from advisor.quiz.bank import case_scenario
from advisor.quiz.session import LABELS, Session, Slot
from advisor.render import wrap_words

if TYPE_CHECKING:
    from advisor.quiz.scoring import ExamScore
    from advisor.quiz.stats import Stats, Tally

MODE_NAMES = {"practice": "Practice", "exam": "Exam", "review": "Review"}


def clock_text(left: dt.timedelta) -> str:
    seconds = int(left.total_seconds())
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def instruction(session: Session, slot: Slot) -> Text:
    """How to answer this question, with the progress of the answer (and, in an exam, an incomplete one marked:
    it counts as wrong unless completed)."""
    item = slot.item
    if item.type == "multiple":
        text = Text(f"Choose {item.picks}. ({slot.chosen} of {item.picks} chosen)")
    elif item.type == "ordering":
        text = Text(f"Press the steps' keys in order, first step first (again takes one out; ⌫ the last). "
                    f"({slot.chosen} of {item.picks} placed)")
    elif item.type == "matching":
        text = Text(f"1-{item.picks} chooses a prompt (▸), A-{LABELS[len(slot.choices) - 1]} gives it that choice; "
                    f"each choice fits once (⌫ clears). ({slot.chosen} of {item.picks} matched)")
    elif item.type == "true_false" and "true or false" not in item.stem.casefold():
        text = Text("True or false?")  # not under a stem that asks it ("... classification. True or false?")
    else:
        text = Text("Choose one.")
    if slot.answered and not slot.complete and session.mode == "exam" and not session.finished:
        text.append("  ◐ incomplete: it counts as wrong unless completed", style="bold")
    place = case_place(session, slot)
    if place is not None:
        text.append(f"  Case study, question {place[0]} of {place[1]} (same scenario, scored on its own)",
                    style="dim")
    return text


def case_place(session: Session, slot: Slot) -> tuple[int, int] | None:
    """Where a case study's question stands among the session's questions of the same scenario (1-based, count),
    or None: the learner knows the scenario repeats and which part this is."""
    scenario = slot.item.scenario
    if scenario is None:
        return None
    siblings = [s for s in session.slots if s.item.scenario == scenario]
    return (siblings.index(slot) + 1, len(siblings)) if len(siblings) > 1 else None


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
        # counted as the question list (✔ or ◐) and the finish dialog count them: "answered" is complete, the
        # incomplete beside it (the bar said "answered 2 · ◐ incomplete 1" where the dialog said "Answered 1")
        incomplete = sum(s.answered and not s.complete for s in session.slots)
        answered = sum(s.answered for s in session.slots) - incomplete
        flagged = sum(s.flagged for s in session.slots)
        text.append(f" · answered {answered}")
        if incomplete:
            text.append(f" · ◐ incomplete {incomplete}", style="bold")
        text.append(f" · flagged {flagged}")
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


def finish_question(session: Session) -> str:
    """The exam's finish dialog: what is answered, incomplete ("choose 2" with one pick), flagged and open."""
    slots = session.slots
    complete = sum(s.answered and s.complete for s in slots)
    incomplete = sum(s.answered and not s.complete for s in slots)
    flagged = sum(s.flagged for s in slots)
    unanswered = len(slots) - complete - incomplete
    parts = [f"Answered {complete} of {len(slots)}"]
    if incomplete:
        parts.append(f"{incomplete} incomplete (not every pick made)")
    parts.append(f"{flagged} flagged")
    wrong = " and the incomplete ones" if incomplete else ""
    return f"Finish the exam now?\n\n{'; '.join(parts)}. {unanswered} unanswered{wrong} count as wrong."


def options_table(session: Session, slot: Slot, palette: Palette, prompt: int = 0) -> Table:
    """The options as a grid (marker, text), with every explanation once the answer is revealed.

    One renderable rather than a widget per option: the question screen is the first thing drawn at start.
    """
    if slot.item.type == "ordering":
        return _ordering_table(session, slot, palette)
    if slot.item.type == "matching":
        return _matching_table(session, slot, palette, prompt)
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


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 < 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _ordering_table(session: Session, slot: Slot, palette: Palette) -> Table:
    """Each step under its key with the place the learner gave it; revealed, the right place and why."""
    reveal = reveals(session, slot)
    right = slot.item.correct_order
    grid = Table.grid(padding=(0, 1, 0, 0), expand=True)
    grid.add_column(width=9 if reveal else 7, no_wrap=True)
    grid.add_column(ratio=1)
    for position, key in enumerate(slot.order):
        option = slot.item.option(key)
        placed = slot.sequence.index(key) + 1 if key in slot.sequence else None
        marker = Text()
        if reveal:
            ok = placed == right.index(key) + 1
            marker.append("✔ " if ok else "✘ ", style=f"bold {palette.right if ok else palette.wrong}")
        marker.append(f"({placed}) " if placed else "( ) ", style="bold" if placed else "")
        marker.append(LABELS[position], style="bold" if placed else "")
        if reveal:
            if position:
                grid.add_row("", "")
            body = Text(option.text, style=palette.right if placed == right.index(key) + 1 else "")
            if placed != right.index(key) + 1:
                body.append(f"  (goes {_ordinal(right.index(key) + 1)})", style=f"bold {palette.wrong}")
            if option.explanation:
                body.append("\n" + option.explanation, style="dim")
        else:
            body = Text(option.text, style=f"bold {palette.chosen}" if placed else "")
        grid.add_row(marker, body)
    return grid


def _matching_table(session: Session, slot: Slot, palette: Palette, prompt: int) -> Table:
    """The prompts (1-9) with the choice each was given, then the right column's choices (A-I). Revealed: each
    prompt's verdict, the right match where it differs, and why."""
    reveal = reveals(session, slot)
    expected = slot.item.correct_pairs
    letter = {text: LABELS[i] for i, text in enumerate(slot.choices)}
    grid = Table.grid(padding=(0, 1, 0, 0), expand=True)
    grid.add_column(width=5, no_wrap=True)
    grid.add_column(ratio=3)
    grid.add_column(ratio=2)
    for position, key in enumerate(slot.order):
        option = slot.item.option(key)
        given = slot.pairs.get(key)
        marker = Text()
        if reveal:
            ok = given == expected[key]
            marker.append("✔ " if ok else "✘ ", style=f"bold {palette.right if ok else palette.wrong}")
        else:
            marker.append("▸ " if position == prompt else "  ", style=f"bold {palette.chosen}")
        marker.append(str(position + 1), style="bold")
        body = Text(option.text, style="bold" if position == prompt and not reveal else "")
        if reveal and option.explanation:
            body.append("\n" + option.explanation, style="dim")
        match = Text("→ ", style="dim")
        if given is None:
            match.append("?", style="dim")
        else:
            style = (palette.right if given == expected[key] else palette.wrong) if reveal else f"bold {palette.chosen}"
            match.append(f"{letter.get(given, '?')} {given}", style=style)
        if reveal and given != expected[key]:
            match.append(f"\nright: {letter.get(expected[key], '?')} {expected[key]}", style=f"bold {palette.right}")
        if reveal and position:
            grid.add_row("", "", "")
        grid.add_row(marker, body, match)
    grid.add_row("", "", "")
    grid.add_row("", Text("Choices", style="bold underline"), "")
    used = set(slot.pairs.values())
    for index, text in enumerate(slot.choices):
        style = "dim" if text in used and not reveal else ""
        grid.add_row(Text(f"  {LABELS[index]}", style="bold"), Text(text, style=style), "")
    return grid


def verdict(session: Session, slot: Slot) -> Text:
    if not reveals(session, slot):
        return Text("")
    verdict_mark = slot.mark
    if slot.item.type in ("ordering", "matching"):
        return _sequence_verdict(slot)
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


def _sequence_verdict(slot: Slot) -> Text:
    """Ordering and matching: right or wrong as a whole (the exam's rule), and the share right for diagnosis."""
    item, verdict_mark = slot.item, slot.mark
    if item.type == "ordering":
        answer = "The right order is " + ", ".join(LABELS[slot.order.index(k)] for k in item.correct_order) + "."
        unit = "steps in their place"
    else:
        answer = "Each prompt's right match is shown beside it."
        unit = "pairs right"
    if verdict_mark.correct:
        return Text.assemble(("Correct. ", "bold green"), answer)
    text = Text.assemble(("Wrong. " if verdict_mark.answered else "Not answered. ", "bold red"), answer)
    if verdict_mark.answered:
        text.append(f" You had {verdict_mark.hits} of {item.picks} {unit} (partial credit is for diagnosis only: "
                    "the exam scores all or nothing).")
    return text


def source_line(slot: Slot) -> Text:
    return Text(f"{slot.item.id} · {slot.item.section} · source: {slot.item.source}", style="dim")


# ---- bar lists (exam domains, stats) ----------------------------------------------------------------------

BAR_LINE = 38  # columns of a bar line besides its name: indent, " 12/34 ", a 20-column bar, " 100%", a spare one


def name_width(names: list[str], width: int) -> int:
    """The names column of a bar list: the longest name when `width` has room for it (a wide terminal shows
    whole domain names), else what is left beside the figures and bar, never under 20 columns."""
    return max(20, min(max((len(name) for name in names), default=0), width - BAR_LINE))


def _name_rows(name: str, width: int) -> list[str]:
    """A name in its column, wrapped at spaces: the figures go beside the first row and the rest follow under it,
    so an 80-column screen shows "Deployment and Orchestration of ML Workflows" whole, never cut with an ellipsis."""
    return textwrap.wrap(name, width) or [""]


def _rest(rows: list[str]) -> str:
    """The rows of a wrapped name after its first, each indented as the first is."""
    return "".join(f"  {row}\n" for row in rows[1:])


# ---- results ---------------------------------------------------------------------------------------------

def exam_result(session: Session, score: ExamScore, now: dt.datetime, width: int = 78) -> Text:
    """The exam's score, pass or fail and its domains, the domain names as wide as `width` columns allow."""
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
    names = name_width([domain.name for domain in score.domains], width)
    for domain in score.domains:
        rows = _name_rows(domain.name, names)
        name = rows[0]
        if domain.total == 0:
            text.append(f"  {name:<{names}}  {'-':>7} none drawn from this bank\n{_rest(rows)}", style="dim")
            continue
        text.append(f"  {name:<{names}} {domain.correct:>3}/{domain.total:<3} ")
        text.append(bar(domain.correct / domain.total, 20))
        text.append(f" {domain.percent:4.0f}%\n{_rest(rows)}")
    text.append_text(drawn_note(score))
    text.append(f"\nEach question scores all or nothing, as in the real exam.\nPartial credit, for diagnosis only: "
                f"{score.partial:.0%} (a right pick counts, a wrong pick takes one back).", style="dim")
    return text


def drawn_note(score: ExamScore) -> Text:
    """What the draw could not take in the blueprint's weights, said under the domains (empty when it followed
    them): a domain the bank is short of gives its places to the others, and the score by domain shows it."""
    short = [d for d in score.domains if d.target and d.total < d.target]
    if not short:
        weighted = all(d.total == d.target for d in score.domains)
        return Text("\nDrawn in the blueprint's domain weights.\n" if weighted else "", style="dim")
    text = Text("\n", style="yellow")
    for domain in short:
        text.append(f"{domain.name}: {domain.total} of the {domain.target} questions its {domain.weight_percent:g}% "
                    "asks for (the bank has no more).\n")
    text.append("The other domains took their places, so this mix is not the blueprint's.\n")
    return text


def round_result(session: Session, width: int) -> Text:
    """The tally, then a row per answered question (right or wrong, its stem cut to `width`): a round of 10
    fits an 80x24 screen whole, so a learner sees at once which ones to review."""
    done = [s for s in session.slots if s.submitted]
    right = sum(s.mark.correct for s in done)
    text = Text()
    text.append(f"{MODE_NAMES[session.mode]} round: ", style="bold")
    text.append(f"{right} of {len(done)} right", style="bold green" if done and right == len(done) else "bold")
    if len(done) < len(session.slots):
        text.append(f" ({len(session.slots) - len(done)} not answered)")
    text.append("\n\n")
    for slot in done:
        ok = slot.mark.correct
        row = Text("✔ " if ok else "✘ ", style="bold green" if ok else "bold red")
        row.append(stem_line(slot.item.stem))
        row.truncate(width, overflow="ellipsis")
        text.append_text(row)
        text.append("\n")
    return text


def stem_line(stem: str) -> str:
    """A stem as one line of a list: its words on one line; a case study's question after the words "Case
    study", since the scenario it opens with is the same for each of its questions."""
    scenario = case_scenario(stem)
    if scenario is not None:
        stem = "Case study · " + stem[len(scenario):].strip()
    return " ".join(stem.split())


# ---- stats -----------------------------------------------------------------------------------------------

def _tally_line(tally: Tally, names: int) -> Text:
    from advisor.quiz.stats import bar

    rows = _name_rows(tally.label or tally.name, names)
    line = Text(f"  {rows[0]:<{names}} {tally.correct:>3}/{tally.attempts:<3} ")
    line.append(bar(tally.accuracy, 20), style="green" if (tally.accuracy or 0) >= 0.75 else "yellow")
    line.append(f" {tally.accuracy:4.0%}\n" if tally.accuracy is not None else "    -\n")
    line.append(_rest(rows))
    return line


def _labelled(text: Text, label: str, body: str, width: int) -> None:
    """`label` in bold, then `body` wrapped at spaces under itself: a long weakest-topics line went on back at
    the left edge, under the labels."""
    text.append(label, style="bold")
    text.append(("\n" + " " * len(label)).join(wrap_words(body, width - len(label))) + "\n")


def stats_view(stats: Stats, width: int = 78) -> Text:
    """The stats screen's text; the topic and domain names as wide as `width` columns allow."""
    from advisor.quiz.stats import NO_WEAK_TOPIC, WEAKEST_RULE, sparkline

    every = [*stats.topics, *(tally for domain in stats.domains.values() for tally in domain)]
    names = name_width([tally.label or tally.name for tally in every], width)

    text = Text()
    accuracy = f"{stats.accuracy:.0%}" if stats.accuracy is not None else "-"
    _labelled(text, "Progress  ", f"{stats.attempts} answers, {accuracy} right; {stats.seen} of {stats.questions} "
                                  "questions seen", width)
    due = f"{stats.due_now} now · {stats.wrong} last answered wrong · {stats.unseen} never seen"
    if stats.exam_date:
        days = (stats.exam_date - stats.as_of.date()).days
        due += f" · exam {stats.exam_date} ({days} days)"
    _labelled(text, "Due       ", due, width)
    if stats.exams:
        text.append("Exams     ", style="bold")
        text.append(sparkline([r.scaled for r in stats.exams], 100, 1000), style="cyan")
        text.append("  " + "  ".join(f"{r.exam_code} {r.scaled}{'✔' if r.passed else '✘'}"
                                     for r in stats.exams[-4:]) + "\n")
    if stats.weakest:
        _labelled(text, "Weakest   ", ", ".join(f"{t.name} {t.accuracy:.0%}" + (
            f" (of {t.attempts}, few answers)" if t.few_answers else "") for t in stats.weakest), width)
        text.append(f"Weakest topics are {WEAKEST_RULE}.\n", style="dim")
    elif stats.attempts:
        _labelled(text, "Weakest   ", NO_WEAK_TOPIC, width)
    text.append("\nAccuracy per topic\n", style="bold")
    for tally in stats.topics:
        text.append_text(_tally_line(tally, names))
    if not stats.topics:
        text.append("  no answers yet\n", style="dim")
    for code, tallies in stats.domains.items():
        text.append(f"\nAccuracy per {code} domain\n", style="bold")
        for tally in tallies:
            text.append_text(_tally_line(tally, names))
    return text
