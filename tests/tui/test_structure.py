"""The TUI's shape, checked from its source: screens never import the App nor type it, no import cycle among
the tui modules, and slow work only in `@work` workers (no hand-made threads)."""

from __future__ import annotations

import ast
from pathlib import Path

import advisor.tui

PACKAGE = Path(advisor.tui.__file__).parent
MODULES = {f"advisor.tui.{p.stem}": p for p in PACKAGE.glob("*.py") if p.stem != "__init__"}


def _imports(path: Path) -> set[str]:
    """Every advisor.tui module a module imports, at the top or inside a function, at run time."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found |= {n for n in names if n in MODULES}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name in MODULES}
    return found


def test_no_screen_imports_the_app_or_declares_it() -> None:
    for name, path in MODULES.items():
        if name == "advisor.tui.app":
            continue
        assert "advisor.tui.app" not in _imports(path), f"{name} imports the App"
        assert "QuizApp" not in path.read_text() and "AdvisorApp" not in path.read_text(), name


def test_the_tui_modules_import_each_other_without_a_cycle() -> None:
    graph = {name: _imports(path) - {name} for name, path in MODULES.items()}
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, "import cycle: " + " -> ".join((*trail[trail.index(name):], name))
        if name in done:
            return
        for imported in graph[name]:
            visit(imported, (*trail, name))
        done.add(name)

    for name in graph:
        visit(name, ())


def test_background_work_runs_in_workers_with_the_one_error_handler() -> None:
    for name, path in MODULES.items():
        text = path.read_text()
        assert "run_worker(" not in text and "threading" not in text, name
        for line in (line for line in text.splitlines() if line.strip().startswith("@work(")):
            assert "exit_on_error=False" in line, f"{name}: {line.strip()} bypasses the screens' error handler"
