"""The workload questionnaire: the Workload's fields as a wizard in steps, then the recommendation.

Keys: Tab and Shift+Tab move between questions; Enter in a text box goes to the next question (from the last
one, to the next step); Ctrl+N or PgDn next step, Ctrl+P or PgUp back; on the summary, Enter saves the
workload and shows its recommendation; Esc leaves (the answers stay as a draft).

What the steps hold, which apply, and what is wrong with an answer all come from advisor.recommend.questions;
this screen only draws them. Every change of field or step saves the draft (atomically) in the data folder,
so a quit or a crash loses at most the text box being typed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Checkbox, ContentSwitcher, Footer, Input, Label, Select, SelectionList, Static, Switch

from advisor.errors import AdvisorError, Problem, WorkloadError, printable
from advisor.recommend.questionnaire_state import Move, QuestionnaireState
from advisor.recommend.questions import (
    BY_PATH,
    STEPS,
    SUMMARY,
    Answers,
    Draft,
    DraftStore,
    Question,
    as_text,
    save_workload,
    section_help,
    workload_yaml,
)
from advisor.tui import advice_views
from advisor.tui.base import BaseScreen, ReadyForKeys, report
from advisor.tui.dialogs import ConfirmScreen, KeepOrDropScreen
from advisor.tui.recommendation import RecommendationScreen

if TYPE_CHECKING:
    from advisor.recommend.advisor import Advisor
    from advisor.recommend.models import Recommendation
    from advisor.workload import Workload

KEY_HINTS = {"bool": " Space switches it.", "choice": " Enter opens the list.", "choices": " Space ticks one."}
SHORT_TITLES = {"stages": "Stages", "data": "Data", "model": "Model", "training": "Training",
                "inference": "Inference", "lambda": "Lambda", "network": "Network", SUMMARY: "Summary"}


@dataclass
class QuestionnaireStart:
    """How a questionnaire opens: its data folder (for the draft), and the answers of a --from file."""

    data_dir: Path
    answers: Answers = field(default_factory=Answers)
    source: Path | None = None
    out: Path | None = None
    left_out: tuple[Problem, ...] = ()  # what the --from file holds that no question can show


def control_id(path: str) -> str:
    return "q-" + path.replace(".", "-")


_BY_CONTROL = {control_id(path): path for path in BY_PATH}


class TickList(SelectionList[str]):
    """A list of choices ticked with Space whose box shows an X only when ticked: Textual draws the X in every box
    and tells ticked from not by colour alone, which a monochrome terminal, a screen reader or a copied screen
    cannot see."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        index = self.scroll_offset.y + y
        if index >= self.option_count or self.get_option_at_index(index).value in self.selected:
            return strip
        segments = list(strip)
        if len(segments) > 1 and segments[1].text == Checkbox.BUTTON_INNER:
            segments[1] = Segment(" " * len(Checkbox.BUTTON_INNER), segments[1].style)
        return Strip(segments, strip.cell_length)


def control_for(question: Question, value: Any) -> Widget:
    """The control that asks `question`, showing `value` (however wrong: a file may hold anything)."""
    cid = control_id(question.path)
    if question.kind == "bool":
        return Switch(value=value if isinstance(value, bool) else False, id=cid, animate=False)
    if question.kind == "choice":
        known = value in question.choices
        # a Select's prompt is markup: a file's `[/x]` would stop the app, its ESC reach the terminal
        prompt = "(not set)" if value is None else escape(printable(f"{value!s} (not a choice)"))
        return Select([(c, c) for c in question.choices], value=value if known else Select.NULL,
                      allow_blank=not known, compact=True, id=cid, prompt=prompt)
    if question.kind == "choices":
        chosen = value if isinstance(value, (list, tuple)) else ()
        return TickList(*[(c, c, c in chosen) for c in question.choices], id=cid, compact=True)
    text = as_text(value) if not isinstance(value, (list, dict)) else str(value)
    return Input(value=printable(text), id=cid, compact=True)  # control characters shown escaped, never sent


def _control_value(control: Widget) -> Any:
    """What a question's control holds now, as `_answer` takes it; None: nothing chosen (a blank Select)."""
    if isinstance(control, Select):
        return None if control.value is Select.NULL else control.value
    if isinstance(control, SelectionList):
        chosen = set(control.selected)
        return [c for c in BY_PATH["stages"].choices if c in chosen]
    if isinstance(control, (Switch, Input)):
        return control.value
    return None


class MoveWanted(Message):
    """Next, Back or Submit, sent through the focused control so that it comes after what that control's queue
    holds (QuestionnaireScreen._after_typed_keys)."""

    def __init__(self, move: Callable[[], None]) -> None:
        super().__init__()
        self.move = move


class QuestionRow(Vertical):
    """A question: its name and control on one line, its help (with the default) below, then its problem."""

    def __init__(self, question: Question, value: Any) -> None:
        super().__init__(classes="question", id="row-" + question.path.replace(".", "-"))
        self.question = question
        self.value = value
        self.problem: str | None = None

    def compose(self) -> ComposeResult:
        q = self.question
        with Horizontal(classes="q-line"):
            yield Label(q.name, classes="q-name")
            yield control_for(q, self.value)
            if q.kind == "bool":  # a switch's colour alone is not enough to read it by
                yield Label("yes" if self.value is True else "no", classes="q-state")
        default = f" Default: {q.default_text}." if q.default_text else ""
        yield Static(Text(f"{q.help}{default}{KEY_HINTS.get(q.kind, '')}", style="dim"), classes="q-help")
        yield Static("", classes="q-problem")

    def on_switch_changed(self, event: Switch.Changed) -> None:
        self.query_one(".q-state", Label).update("yes" if event.value else "no")

    def show_problem(self, message: str | None) -> None:
        if message == self.problem:
            return  # every key press revalidates every question: redraw only what changed
        self.problem = message
        problem = self.query_one(".q-problem", Static)
        problem.display = bool(message)
        problem.update(Text(f"✘ {printable(message)}", style="bold red") if message else "")


class QuestionnaireScreen(BaseScreen[None]):
    """The wizard: draws a QuestionnaireState and forwards key presses to it. When the user leaves it posts
    `Closed` (the app decides what comes next: the quiz home, or the end of `advisor questionnaire`)."""

    BINDINGS = [
        # not priority bindings: they must come after the keys typed before them (_after_typed_keys)
        Binding("ctrl+n", "next", "Next", key_display="^n"),
        Binding("pagedown", "next", show=False, priority=True),
        Binding("ctrl+p", "back", "Back", key_display="^p"),
        Binding("pageup", "back", show=False, priority=True),
        # one key, named for what it does here (check_action picks): on a step it goes to the summary, on the
        # summary it saves and recommends ("^s Recommend" on every step promised what only the summary does)
        Binding("ctrl+s", "summary", "Summary", key_display="^s"),
        Binding("ctrl+s", "submit", "Recommend", key_display="^s"),
        Binding("escape", "leave", "Leave", key_display="esc"),
        # Ctrl+C is what a terminal user presses to get out: the same question as Esc (the answers kept as a
        # draft), where Textual's own "press ctrl+q to quit" named a key the footer never shows
        Binding("ctrl+c", "leave", show=False),
    ]

    class Closed(Message):
        """The user left the questionnaire (its answers saved, or kept as a draft)."""

    def __init__(self, start: QuestionnaireStart, clock: Callable[[], dt.datetime]) -> None:
        super().__init__()
        self.start = start
        self.clock = clock
        self.state = QuestionnaireState(start.answers, source=start.source, out=start.out)
        self.drafts = DraftStore(start.data_dir)
        self.advisor: Advisor | None = None
        self.built = False
        self.save_default = ""
        self.intros: dict[str, str] = {}
        self.takes_keys = False  # until the fields are built and the first has the focus (_build)

    @property
    def step(self) -> str:
        return self.state.step

    @property
    def answers(self) -> Answers:
        return self.state.answers

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield Static(id="q-steps")
        yield ContentSwitcher(id="q-pages")
        yield Static(id="q-message")
        yield Footer(show_command_palette=False, compact=True)

    # ---- starting: the knowledge in the background, a draft offered, then the pages ---------------------

    def on_mount(self) -> None:
        self.query_one("#q-message", Static).update(Text("Loading the knowledge base…", style="dim"))
        self.make_advisor()
        draft = self.drafts.load()
        if self.drafts.notice:
            self.notify(self.drafts.notice, title="Questionnaire draft", severity="warning", timeout=20)
        if draft is not None:  # offered even beside a --from file: it is never replaced without asking
            name = draft.answers.get("name") or "workload"
            where = SHORT_TITLES.get(draft.step, draft.step)
            origin = f" (from {draft.source})" if draft.source else ""
            instead = f"opens {self.state.source}" if self.state.source else "starts afresh"
            when = draft.saved_at.astimezone() if draft.saved_at.tzinfo else draft.saved_at  # the user's time
            question = (f"Continue the questionnaire you left on {when:%Y-%m-%d %H:%M}?\n\n"
                        f"Workload {name!s}{origin}, at the {where} step.\n"
                        f"y continues it; n {instead} and deletes the draft.")
            self.app.push_screen(KeepOrDropScreen(question), lambda yes: self._draft_answered(draft, yes))
        else:
            self.call_later(self._build)

    @work(thread=True, exclusive=True, group="advisor", exit_on_error=False)
    def make_advisor(self) -> None:
        # deferred: the knowledge loads in this worker, after the first step is on screen
        from advisor.recommend.advisor import Advisor

        clock = self.clock
        self.deliver(self._advisor_ready, Advisor(clock=lambda: clock().date()))

    def _draft_answered(self, draft: Draft, resume: bool | None) -> None:
        if resume is None:  # Esc or Ctrl+C: gone without a choice; the draft is offered again next time
            self.post_message(self.Closed())
            return
        if resume:
            self.state.resume(draft)
            if self.advisor is not None:
                self.state.set_knowledge(self.advisor.knowledge)
        else:
            self.drafts.discard()
        self.call_later(self._build)

    async def _build(self) -> None:
        pages = self.query_one("#q-pages", ContentSwitcher)
        for step in STEPS:
            page = VerticalScroll(id=f"page-{step.id}", classes="q-page")
            page.display = False  # the switcher shows one page at a time
            page.can_focus = False  # Tab goes from question to question; the page scrolls to the focused one
            await pages.mount(page)
            await page.mount(Static(id=f"intro-{step.id}", classes="q-intro"))
            await page.mount_all([QuestionRow(q, self.answers.values.get(q.path))
                                  for q in BY_PATH.values() if q.section in step.sections])
        summary = VerticalScroll(id=f"page-{SUMMARY}", classes="q-page")
        summary.display = False  # focusable, unlike the question pages: arrows scroll a long summary
        await pages.mount(summary)
        await summary.mount_all([
            Horizontal(Label("Save to", classes="q-name"), Input(id="save-path", compact=True), classes="q-line"),
            Static(Text("Enter (or Ctrl+S) saves the file and shows the recommendation; Ctrl+P goes back.\n",
                        style="dim")),
            Static(Text("Your answers, as the workload file they make:", style="bold")),
            Static(id="summary-yaml"),
        ])
        self.built = True
        self._redraw()
        if self.start.left_out:
            self.notify("\n".join(str(p) for p in self.start.left_out), title="Left out of the answers",
                        severity="warning", timeout=30)
        self._show(self.state.start())
        self.app.post_message(ReadyForKeys(self))  # the keys typed meanwhile reach the focused field

    def _advisor_ready(self, advisor: Advisor) -> None:
        self.advisor = advisor
        self.state.set_knowledge(advisor.knowledge)
        if not self.built:
            return
        self._show_values(self.state.followed)
        self._redraw()
        if self.state.open_at_problem and self.state.problems:
            self._show(self.state.start())  # an unknown region, a GPU nothing has: seen only now
        else:
            self._show_message()

    # ---- drawing ------------------------------------------------------------------------------------------

    def _redraw(self) -> None:
        """Show each problem beside its field, hide the questions that do not apply."""
        if not self.built:
            return
        state = self.state
        marked = state.shown_problems()  # an answer still to give is not marked wrong before Next asks for it
        for step in STEPS:
            questions = state.shown(step.id)
            shown = {q.path for q in questions}
            for row in self.query_one(f"#page-{step.id}").query(QuestionRow):
                if row.display != (row.question.path in shown):
                    row.display = row.question.path in shown
                row.show_problem(marked.get(row.question.path))
            intro = "\n".join(section_help(section) for section in dict.fromkeys(q.section for q in questions))
            if self.intros.get(step.id) != intro:
                self.intros[step.id] = intro
                self.query_one(f"#intro-{step.id}", Static).update(Text(intro, style="italic"))
        self._show_header()

    def _show_values(self, paths: list[str]) -> None:
        """Show the answers that changed without a key press of their own (model.algorithm following model.kind):
        the control's own Changed message then finds the state already holding the value, and changes nothing."""
        for path in paths:
            control = self.query_one(f"#{control_id(path)}")
            value = self.answers.values.get(path)
            if isinstance(control, Select):
                control.value = value if value in BY_PATH[path].choices else Select.NULL
            elif isinstance(control, Switch):
                control.value = bool(value)
            elif isinstance(control, Input):
                control.value = printable(as_text(value))

    def _show_header(self) -> None:
        state = self.state
        ids = state.step_ids()
        index = ids.index(state.step) if state.step in ids else 0
        self.query_one("#title", Static).update(
            Text(f"Workload questionnaire · step {index + 1} of {len(ids)}: {state.title(state.step)}",
                 style="bold"))
        steps = Text(" ")
        for n, step_id in enumerate(ids):
            if n:
                steps.append(" › ", style="dim")
            bad = state.step_has_problem(step_id)
            style = "bold reverse" if step_id == state.step else ("red" if bad else "")
            steps.append(SHORT_TITLES[step_id] + (" ✘" if bad else ""), style=style)
        self.query_one("#q-steps", Static).update(steps)

    def _show_message(self, extra: str = "") -> None:
        state = self.state
        bad = state.step_problems()
        text = Text()
        if extra:
            text.append(extra, style="bold yellow")
        elif bad and all(state.pending(path) for path in bad):
            text.append("To go on, answer " + "; ".join(f"{path}: {state.problems[path]}" for path in bad) + ".")
        elif bad:
            marked = [path for path in bad if not state.pending(path)]
            back = "; Ctrl+P goes back" if state.neighbour(-1) is not None else ""  # the first step has no back
            text.append(f"Fix the field marked ✘ ({', '.join(marked)}) to go on{back}.", style="bold red")
        elif self.advisor is None:
            text.append("Loading the knowledge base…", style="dim")
        self.query_one("#q-message", Static).update(text)

    def _show(self, move: Move) -> None:
        """Draw the state's current step, focusing the question `move` names (else the step's first)."""
        step_id = self.state.step
        if move.blocked or move.focus is not None:  # sent to an answer: those asked for are now marked wrong
            self._redraw()
        self.query_one("#q-pages", ContentSwitcher).current = f"page-{step_id}"
        if step_id == SUMMARY:
            self._show_summary()
        self.refresh_bindings()  # the footer's ^s: Summary on a step, Recommend on the summary
        self._show_header()
        self._show_message()
        if not move.blocked:
            self._save_draft()
        target: Widget | None = None
        if move.focus is not None:
            target = self.query_one(f"#{control_id(move.focus)}")
        elif step_id == SUMMARY:
            target = self.query_one("#save-path", Input)
        else:
            rows = [r for r in self.query_one(f"#page-{step_id}").query(QuestionRow) if r.display]
            if rows:
                target = rows[0].query_one(f"#{control_id(rows[0].question.path)}")
        if move.focus is None:
            self.query_one(f"#page-{step_id}", VerticalScroll).scroll_home(animate=False)
        if target is not None:
            target.focus()
            self.call_after_refresh(target.scroll_visible, animate=False)

    def _show_summary(self) -> None:
        try:
            workload = self.answers.workload(self.state.knowledge)
        except WorkloadError:  # the state sends a bad answer back to its step before this
            return
        text = workload_yaml(workload, self.answers.stated)  # what the saved file will hold: only what was set
        self.query_one("#summary-yaml", Static).update(advice_views.answers_view(text))
        save = self.query_one("#save-path", Input)
        default = str(self.state.out or self.state.source or Path(f"{workload.name}.yaml"))
        if save.value in ("", self.save_default):  # follows the name until the user types a file of their own
            save.value = default
        self.save_default = default

    # ---- moving -------------------------------------------------------------------------------------------

    def action_next(self) -> None:
        self._after_typed_keys(self._next)

    def action_back(self) -> None:
        self._after_typed_keys(self._back)

    def action_submit(self) -> None:
        self._after_typed_keys(self._submit_move)

    def action_summary(self) -> None:
        self.action_submit()  # the state's submit goes to the summary first

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("summary", "submit"):
            return (self.state.step == SUMMARY) == (action == "submit")
        return True

    def _after_typed_keys(self, move: Callable[[], None]) -> None:
        """Move once the focused control has handled the keys typed before the move's key. A Space typed just
        before Ctrl+N ticks a stage only after travelling to the app and back (its binding, then the list's own
        message): typed quickly, or on a busy machine, the move came first and the stages step refused to go
        on. So Ctrl+N, Ctrl+P and Ctrl+S are not priority bindings (they come after the keys typed before them;
        PgDn and PgUp stay priority, as the lists would take them), and the move is a message sent through the
        focused control, handled once the control's queue is through (`on_move_wanted`)."""
        if not self.built:
            return
        focused = self.focused
        if focused is None:
            move()
        else:
            focused.post_message(MoveWanted(move))

    def on_move_wanted(self, message: MoveWanted) -> None:
        """The control's answer is read from it first: its Changed message may still be on its way here."""
        message.stop()
        focused = self.focused
        value = _control_value(focused) if focused is not None else None
        if focused is not None and value is not None:
            self._answer(focused, value, save=False)
        message.move()

    def _next(self) -> None:
        move = self.state.next()
        if move.submit:
            self._submit_wanted()
        else:
            self._show(move)

    def _back(self) -> None:
        move = self.state.back()
        if move is not None:
            self._show(move)

    def _submit_move(self) -> None:
        move = self.state.submit()
        if move.submit:
            self._submit_wanted()
        else:
            self._show(move)

    # ---- answers ------------------------------------------------------------------------------------------

    def _answer(self, control: Widget, value: Any, *, save: bool) -> None:
        path = _BY_CONTROL.get(control.id or "")
        if path is None:
            return
        current = self.answers.values.get(path)
        if (as_text(current) == value if isinstance(control, Input) else current == value):
            return
        if not self.state.answer(path, value):
            return
        self._show_values(self.state.followed)
        self._redraw()
        self._show_message()
        if save:
            self._save_draft()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "save-path":
            self._answer(event.input, event.value, save=False)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        self._save_draft()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "save-path":
            self.action_submit()
            return
        paths = [q.path for q in self.state.shown(self.state.step)]
        here = next((p for p in paths if control_id(p) == event.input.id), None)
        if here is None or here == paths[-1]:
            self.action_next()
        else:
            self.query_one(f"#{control_id(paths[paths.index(here) + 1])}").focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL:
            self._answer(event.select, event.value, save=True)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        self._answer(event.switch, event.value, save=True)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        chosen = set(event.selection_list.selected)
        question = BY_PATH["stages"]
        self._answer(event.selection_list, [c for c in question.choices if c in chosen], save=True)

    # ---- the draft ----------------------------------------------------------------------------------------

    def _save_draft(self) -> None:
        if not self.state.dirty:
            return
        try:
            self.drafts.save(self.state.draft(self.clock()))
        except AdvisorError as exc:
            report(self, exc)

    def on_unmount(self) -> None:
        self._save_draft()  # a quit (Ctrl+Q) keeps even the text box being typed in

    # ---- leaving and submitting ---------------------------------------------------------------------------

    def action_leave(self) -> None:
        if not self.state.dirty:
            self.post_message(self.Closed())
            return

        def leave(yes: bool | None) -> None:
            if yes:
                self._save_draft()
                self.post_message(self.Closed())

        question = (f"Leave the questionnaire?\n\nYour answers are kept as a draft in {self.drafts.folder} "
                    "and offered when you start it again.")
        self.app.push_screen(ConfirmScreen(question), leave)

    def _submit_wanted(self) -> None:
        """Submit on the summary: save the answers to the file named there (asking before replacing one)."""
        if self.advisor is None:
            self._show_message("Still loading the knowledge base: try again in a moment.")
            return
        text = self.query_one("#save-path", Input).value.strip()
        if not text:
            self._show_message("Give a file to save the workload to.")
            return
        path = Path(text).expanduser()
        if path.exists() and not path.is_dir() and path != self.state.written:  # a folder: the save says so
            note = ""
            source = self.state.source
            if source is not None and path == source:
                dropped = len(self.start.left_out) if source == self.start.source else 0
                fields = f" and the {dropped} field{'s' if dropped > 1 else ''} left out" if dropped else ""
                note = f" (its comments{fields} are not kept)"
            self.app.push_screen(ConfirmScreen(f"{path} exists. Replace it{note}?"),
                                 lambda yes: self._submit(path) if yes else None)
            return
        self._submit(path)

    def _submit(self, path: Path) -> None:
        try:
            workload = self.answers.workload(self.state.knowledge)
            save_workload(path, workload, self.answers.stated)
        except AdvisorError as exc:
            self._show_message(exc.render())
            return
        self.state.saved(path)
        self.drafts.discard()
        self._show_message(f"Saved {path}. Working out the recommendation…")
        self.recommend(workload, path)

    @work(thread=True, exclusive=True, group="recommend", exit_on_error=False)
    def recommend(self, workload: Workload, path: Path) -> None:
        assert self.advisor is not None
        rec = self.advisor.recommend(workload)
        self.deliver(lambda r: self._show_recommendation(r, workload, path), rec)

    def _show_recommendation(self, rec: Recommendation, workload: Workload, path: Path) -> None:
        self._show_message(f"Saved {path}.")

        def back(leave: bool | None) -> None:
            if leave:
                self.post_message(self.Closed())

        self.app.push_screen(RecommendationScreen(rec, workload, path), back)
