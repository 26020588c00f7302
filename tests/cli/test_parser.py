"""The parser: a command line that names its command loads that command's module only; help sees them all."""

from __future__ import annotations

import argparse
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.cli import COMMAND_MODULES, COMMANDS, CREATES_FOLDERS, build_parser, command_named, main
from tests.conftest import ROOT


def test_the_command_table_is_what_the_modules_register() -> None:
    registered = {}
    for module in COMMAND_MODULES:
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"advisor.cli.{module}").register(sub)
        registered.update(dict.fromkeys(sub.choices, module))
    assert registered == COMMANDS


@pytest.mark.parametrize(("argv", "command"), [
    (["recommend", "w.yaml"], "recommend"),
    (["explain", "w.yaml", "--decision", "training.family"], "explain"),
    (["--data-dir", "d", "quiz", "stats"], "quiz"),
    (["--data-dir=d", "kb", "show", "families"], "kb"),
    (["--data-dir", "recommend"], None),  # the folder is called recommend; no command
    (["recomend", "w.yaml"], None),
    (["--help"], None),
    (["--version"], None),
    ([], None),
])
def test_command_named(argv: list[str], command: str | None) -> None:
    assert command_named(argv) == command


def test_a_named_command_builds_its_own_parser_only() -> None:
    parser = build_parser(["recommend", "w.yaml"])
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == {"recommend", "explain"}
    assert set(next(a for a in build_parser()._actions
                    if isinstance(a, argparse._SubParsersAction)).choices) == set(COMMANDS)


def test_running_one_command_loads_no_other_command_module() -> None:
    code = ("import sys, io; from advisor.cli import main; sys.stdout = io.StringIO(); "
            "main(['recommend', 'examples/workloads/fraud-detector.yaml', '--format', 'json', '--no-cache']); "
            "sys.stdout = sys.__stdout__; import json; "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('advisor.cli.'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         timeout=120)
    assert json.loads(out.stdout) == ["advisor.cli.recommend"]


def test_help_and_a_misspelt_command_still_see_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = capsys.readouterr().out
    assert all(command in listed for command in COMMANDS)
    with pytest.raises(SystemExit) as exit_:
        main(["recomend", "w.yaml"])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert "invalid choice: 'recomend'" in error and all(command in error for command in COMMANDS)


@pytest.mark.parametrize(("argv", "paused"), [
    (["recommend", "examples/workloads/fraud-detector.yaml", "--format", "json", "--no-cache"], True),
    (["explain", "examples/workloads/fraud-detector.yaml", "--no-cache"], True),
    (["kb", "show", "families", "--format", "json"], False),
    (["--version"], False),
])
def test_the_process_pauses_the_collector_for_one_shot_commands_only(
        argv: list[str], paused: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import gc

    calls: list[str] = []
    monkeypatch.setattr(gc, "disable", lambda: calls.append("disable"))
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "argv", ["advisor", *argv])
    try:
        main()  # as the process: the command line is sys.argv
    except SystemExit:  # --version
        pass
    assert calls == (["disable", "freeze"] if paused else [])
    calls.clear()
    try:
        main(argv)  # a caller in a longer-lived process keeps its collector as it was
    except SystemExit:
        pass
    assert calls == []
    capsys.readouterr()


@pytest.mark.parametrize(("command", "default"), [
    (["recommend"], "table"), (["requests"], "json"), (["quiz", "stats"], "table"), (["quiz", "export"], "yaml"),
    (["kb", "show"], "table"),
])
def test_help_says_which_choice_applies_when_an_option_is_left_out(command: list[str], default: str) -> None:
    result = subprocess.run([sys.executable, "-m", "advisor", *command, "--help"], capture_output=True, text=True,
                            timeout=60, check=True)
    after_format = " ".join(result.stdout.rsplit("--format", 1)[1].split())  # the option's line, not the usage
    assert f"default: {default}" in after_format.split(" --")[0], result.stdout


def test_every_option_with_choices_says_its_default_in_help() -> None:
    def walk(parser: argparse.ArgumentParser) -> list[argparse.Action]:
        found = []
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in action.choices.values():
                    found += walk(child)
            elif action.option_strings and action.choices and action.default not in (None, argparse.SUPPRESS):
                found.append(action)
        return found

    silent = [a.option_strings for a in walk(build_parser()) if "default" not in (a.help or "")]
    assert silent == []


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found += _options(child)
        elif action.option_strings:
            found.append(action)
    return found


def test_every_option_that_writes_a_file_says_it_creates_missing_folders() -> None:
    """They all do (advisor.atomic creates the folders of a file it writes): --help says so, alike for each."""
    writers = [a for a in _options(build_parser()) if a.type is Path and re.search(r"\b(write|save)", a.help or "")]
    assert len(writers) >= 7  # quiz export/import --out, audit -o/--write-baseline, kb schemas, refresh, questionnaire
    assert [a.option_strings for a in writers if CREATES_FOLDERS not in (a.help or "")] == []


def test_every_option_that_writes_a_file_creates_its_missing_folders(tmp_path: Path) -> None:
    gift = tmp_path / "deck.gift"
    gift.write_text("::q1::Which family is burstable?{=T#Right.~M#Steady.~C#Compute.~R#Memory.}\n", encoding="utf-8")
    audit = str(ROOT / "examples" / "audit")
    runs = [
        (["quiz", "export", "chapter09", "--out", str(tmp_path / "a" / "b" / "bank.yaml")], 0, "a/b/bank.yaml"),
        (["quiz", "export", "chapter09", "--format", "apkg", "--out", str(tmp_path / "c" / "deck.apkg")], 0,
         "c/deck.apkg"),
        (["quiz", "import", str(gift), "--out", str(tmp_path / "d" / "e" / "mine.yaml")], 0, "d/e/mine.yaml"),
        (["audit", audit, "--format", "json", "-o", str(tmp_path / "f" / "audit.json")], 1, "f/audit.json"),
        (["audit", audit, "--write-baseline", str(tmp_path / "g" / "h" / "base.json")], 0, "g/h/base.json"),
        (["kb", "schemas", "--out", str(tmp_path / "i" / "j")], 0, "i/j/workload.schema.json"),
    ]
    for args, code, written in runs:
        assert main(args) == code, args
        assert (tmp_path / written).is_file(), args


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found += _parsers(child)
    return found


def test_every_help_fits_an_80_column_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A choice list in a usage line (`[--stage {notebook,training,...}]`) is one unbreakable word: the choices
    are named in the option's help instead, where they wrap."""
    monkeypatch.setenv("COLUMNS", "80")
    wide = [(p.prog, line) for p in _parsers(build_parser()) for line in p.format_help().splitlines() if len(line) > 80]
    assert wide == []


def test_the_workload_commands_say_what_they_do_in_their_help() -> None:
    parsers = {p.prog: p for p in _parsers(build_parser())}
    assert all(parsers[f"advisor {name}"].description for name in ("recommend", "explain", "requests"))


@pytest.mark.parametrize(("argv", "usage"), [
    (["recommend", "a.yaml", "b.yaml"], "usage: advisor recommend "),
    (["explain", "a.yaml", "--format", "json"], "usage: advisor explain "),
    (["kb", "show", "types", "extra"], "usage: advisor kb show "),
    (["quiz", "stats", "--bogus"], "usage: advisor quiz stats "),
    (["--bogus"], "usage: advisor [-h]"),
])
def test_a_word_a_command_does_not_take_is_told_with_that_commands_usage(
        argv: list[str], usage: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`advisor recommend a.yaml b.yaml` printed the top-level usage, which does not show recommend's options."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(usage) and "unrecognized arguments: " in err


def test_every_help_fits_80_columns_and_breaks_lines_at_spaces_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """argparse's wrapping broke after hyphens: `pricing_data/us-` / `east-1.yaml`, `--write-` / `baseline`."""
    monkeypatch.setenv("COLUMNS", "80")
    pages = []

    def walk(parser: argparse.ArgumentParser) -> None:
        pages.append(parser.format_help())
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in dict.fromkeys(action.choices.values()):
                    walk(child)

    walk(build_parser())
    assert len(pages) > 20
    lines = [line for page in pages for line in page.splitlines()]
    assert [line for line in lines if len(line) > 80] == []
    assert [line for line in lines if re.search(r"[A-Za-z0-9]-$", line)] == []
