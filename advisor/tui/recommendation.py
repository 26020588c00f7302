"""The result of the questionnaire: the recommendation in tabs (instances, security, Lambda, AWS requests),
the "why?" view of any decision, and export to Markdown, JSON, YAML or the AWS requests.

Keys: 1-4 (or ←/→ on the tabs) switch tabs; w why?; x export; e back to the answers; Esc leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from advisor.errors import WriteError
from advisor.render import exports
from advisor.tui import advice_views
from advisor.tui.base import BaseModal, BaseScreen, report
from advisor.tui.dialogs import ConfirmScreen
from advisor.tui.trace import TraceScreen

if TYPE_CHECKING:
    from advisor.builders import RequestSet
    from advisor.recommend.models import Recommendation
    from advisor.workload import Workload

#: format -> (what the option says, file name suffix after the workload name), from the one format table
EXPORTS: dict[str, tuple[str, str]] = {
    (f.name if subject == "recommendation" else f"requests-{f.name}"): (
        (f"{f.title}: the whole recommendation, trace included" if f.name in ("json", "yaml") else f.title)
        if subject == "recommendation" else f"AWS requests as {f.title}", f"-{subject}{f.suffix}")
    for subject, f in exports()}
TABS = ("instances", "security", "lambda", "requests")


def build_request_set(rec: Recommendation, workload: Workload) -> RequestSet:
    """The AWS requests that carry out the recommendation, checked by botocore as `advisor requests` checks them."""
    from advisor.builders import build_requests
    from advisor.builders.validate import assert_valid

    return assert_valid(build_requests(rec, workload))


def export_text(fmt: str, rec: Recommendation, requests: RequestSet | None) -> str:
    """The exported file's text: the same renderers as `advisor recommend --format` and `advisor requests`."""
    from advisor.builders import render_requests
    from advisor.recommend.report import render

    if not fmt.startswith("requests-"):
        return render(rec, fmt)
    assert requests is not None
    return render_requests(requests, fmt.removeprefix("requests-"))


class RecommendationScreen(BaseScreen[bool]):
    """The recommendation in tabs; dismissed with True to leave the questionnaire, False to edit the answers."""

    BINDINGS = [
        Binding("1", "tab('instances')", "Tabs", key_display="1-4"),
        Binding("2", "tab('security')", show=False),
        Binding("3", "tab('lambda')", show=False),
        Binding("4", "tab('requests')", show=False),
        Binding("w", "why", "Why?"),
        Binding("x", "export", "Export"),
        Binding("e", "edit", "Edit answers"),
        Binding("escape", "leave", "Leave", key_display="esc"),
    ]

    def __init__(self, rec: Recommendation, workload: Workload, saved: Path) -> None:
        super().__init__()
        self.rec = rec
        self.workload = workload
        self.saved = saved
        self.requests: RequestSet | None = None

    def compose(self) -> ComposeResult:
        yield Static(advice_views.headline(self.rec), id="rec-head")
        with TabbedContent(id="rec-tabs"):
            with TabPane("1 Instances", id="instances"), VerticalScroll():
                yield Static(advice_views.report_tab(self.rec, "instances"), id="instances-body")
            with TabPane("2 Security", id="security"), VerticalScroll():
                yield Static(advice_views.report_tab(self.rec, "security"), id="security-body")
            with TabPane("3 Lambda", id="lambda"), VerticalScroll():
                yield Static(advice_views.report_tab(self.rec, "lambda"), id="lambda-body")
            with TabPane("4 AWS requests", id="requests"), VerticalScroll():
                yield Static(Text("Building the requests…", style="dim"), id="requests-body")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.query_one("#instances-body").parent.focus()  # type: ignore[union-attr]  # arrows scroll the tab

    @property
    def tab(self) -> str:
        return self.query_one("#rec-tabs", TabbedContent).active

    def action_tab(self, tab: str) -> None:
        self.query_one("#rec-tabs", TabbedContent).active = tab
        self.query_one(f"#{tab}-body").parent.focus()  # type: ignore[union-attr]

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "requests" and self.requests is None:
            self._with_requests(lambda: None)

    def _with_requests(self, then: Callable[[], None]) -> None:
        """Build the requests once (botocore loads in the background), show them, then call `then()`."""

        def shown(request_set: RequestSet) -> None:
            self.requests = request_set
            self.query_one("#requests-body", Static).update(advice_views.requests_view(request_set))
            then()

        if self.requests is not None:
            then()
            return
        self.build_requests(shown)

    @work(thread=True, exclusive=True, group="requests", exit_on_error=False)
    def build_requests(self, shown: Callable[[RequestSet], None]) -> None:
        self.deliver(shown, build_request_set(self.rec, self.workload))

    # ---- why? ---------------------------------------------------------------------------------------------

    def decision_for_tab(self) -> str | None:
        """The decision behind what the current tab shows first: the first stage's family, the security
        controls, whether (and on which unit of work) Lambda was checked."""
        if self.tab == "security":
            return "security.controls"
        if self.tab == "lambda":
            return "lambda.check"
        first = next(iter(self.rec.instances), None)
        return next((t.decision for t in self.rec.trace if t.stage == first), None)

    def action_why(self) -> None:
        self.app.push_screen(TraceScreen(self.rec, self.decision_for_tab()))

    # ---- export -------------------------------------------------------------------------------------------

    def action_export(self) -> None:
        folder = self.saved.parent
        self.app.push_screen(ExportScreen(folder, self.rec.workload), self._export_chosen)

    def _export_chosen(self, choice: tuple[str, Path] | None) -> None:
        if choice is None:
            return
        fmt, path = choice
        if path.exists() and not path.is_dir():  # a folder is never replaced: the write says so, unasked
            self.app.push_screen(ConfirmScreen(f"{path} exists. Replace it?"),
                                 lambda yes: self._export(fmt, path) if yes else None)
            return
        self._export(fmt, path)

    def _export(self, fmt: str, path: Path) -> None:
        def write() -> None:
            text = export_text(fmt, self.rec, self.requests)
            try:
                from advisor.atomic import write_user_file

                write_user_file(path, text)  # a folder, a missing folder, a full disk: a notice naming the cause
            except WriteError as exc:
                report(self, exc)
                return
            self.notify(f"Exported {EXPORTS[fmt][0].split(':')[0]} to {path}", title="Export")

        if fmt.startswith("requests"):
            self._with_requests(write)
        else:
            write()

    # ---- leaving ------------------------------------------------------------------------------------------

    def action_edit(self) -> None:
        self.dismiss(False)

    def action_leave(self) -> None:
        self.dismiss(True)


class ExportScreen(BaseModal["tuple[str, Path] | None"]):
    """Which format, and where: Enter on a format or in the file box exports."""

    BINDINGS = [Binding("escape", "close", "Cancel", key_display="esc")]

    def __init__(self, folder: Path, name: str) -> None:
        super().__init__()
        self.folder = folder
        self.name_ = name
        self.default = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog export"):
            yield Static(Text("Export the recommendation (Tab to the file name)", style="bold"))
            yield OptionList(*[Option(label, id=fmt) for fmt, (label, _) in EXPORTS.items()], id="formats")
            yield Label("File")
            yield Input(id="export-path", compact=True)
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        formats = self.query_one("#formats", OptionList)
        formats.highlighted = 0
        formats.focus()

    @property
    def format(self) -> str:
        formats = self.query_one("#formats", OptionList)
        return list(EXPORTS)[formats.highlighted or 0]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        path = self.query_one("#export-path", Input)
        default = str(self.folder / f"{self.name_}{EXPORTS[self.format][1]}")
        if path.value in ("", self.default):  # follows the format until a name of one's own is typed
            path.value = default
        self.default = default

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._done()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._done()

    def _done(self) -> None:
        text = self.query_one("#export-path", Input).value.strip()
        if text:
            self.dismiss((self.format, Path(text).expanduser()))

    def action_close(self) -> None:
        self.dismiss(None)

