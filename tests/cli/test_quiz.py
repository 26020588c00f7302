"""`advisor quiz ...` as a user runs it: data out, and plain errors (never a traceback) for every bad input."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from advisor.cli import main
from advisor.quiz.store import FILENAME, MIGRATIONS, Store
from advisor.quiz.tutor import Tutor
from advisor.resources import shipped_dir
from tests.support.quiz import FrozenClock, question, tiny_questions, write_bank


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True, text=True,
                          env=env or os.environ.copy(), timeout=120, stdin=subprocess.DEVNULL)


CHAPTER09 = yaml.safe_load((shipped_dir("quizzes") / "chapter09.yaml").read_text(encoding="utf-8"))


def test_banks_lists_id_title_and_question_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quiz", "banks", "--format", "json"]) == 0
    shipped, drills = json.loads(capsys.readouterr().out)
    assert (shipped["id"], shipped["title"], shipped["question_count"]) == (
        "chapter09", "Chapter 9: Amazon SageMaker modeling", len(CHAPTER09["questions"]))
    assert drills["id"] == "drills" and drills["question_count"] >= 300
    assert main(["quiz", "banks"]) == 0
    assert "chapter09" in capsys.readouterr().out


def test_export_prints_the_whole_bank_as_json_and_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quiz", "export", "chapter09", "--format", "json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert {k: exported[k] for k in ("id", "title", "source")} == {k: CHAPTER09[k] for k in ("id", "title", "source")}
    records = exported["questions"]
    assert len(records) == len(CHAPTER09["questions"])
    for record in records:
        assert {"id", "type", "stem", "options"} <= set(record)
        for option in record["options"]:
            assert {"key", "text"} <= set(option)
    q1 = next(r for r in records if r["id"] == "c09-book-q1")
    assert q1["choose"] == 2 and [o["key"] for o in q1["options"] if o.get("correct")] == ["B", "D"]
    assert main(["quiz", "export", "chapter09", "--format", "yaml"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["questions"] == records


def test_unknown_bank_is_a_plain_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quiz", "export", "chapter9"]) == 2
    err = capsys.readouterr().err
    assert "Quiz error: unknown bank 'chapter9'" in err and "known banks: chapter09" in err
    assert main(["quiz", "practice", "--bank", "nope"]) == 2  # refused before any screen is drawn
    assert "unknown bank 'nope'" in capsys.readouterr().err


def test_a_malformed_bank_is_located_and_exits_two(tmp_path: Path) -> None:
    questions = tiny_questions()
    questions[1] = question("q-none", correct="")
    path = write_bank(tmp_path / "banks", questions)
    for command in (["quiz", "banks"], ["quiz", "practice"], ["quiz", "export", "tiny"]):
        result = run(*command, "--banks", str(tmp_path / "banks"))
        assert result.returncode == 2, command
        assert "Traceback" not in result.stderr
        assert f"tiny.yaml:{_line(path, 'id: q-none')}: questions[1]: no option is marked correct" in result.stderr


def _line(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_broken_yaml_in_a_bank_is_a_plain_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "banks").mkdir()
    (tmp_path / "banks" / "bad.yaml").write_text("id: bad\nquestions: [\n")
    assert main(["quiz", "banks", "--banks", str(tmp_path / "banks")]) == 2
    assert "malformed YAML" in capsys.readouterr().err


def test_an_unwritable_data_dir_is_a_plain_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["quiz", "stats", "--data-dir", str(blocker / "data")]) == 2
    err = capsys.readouterr().err
    assert "Progress store error: cannot create the data folder" in err and "--data-dir" in err
    assert main(["--data-dir", str(blocker / "data"), "quiz", "review"]) == 2  # also before the command


def test_a_future_database_is_refused_and_left_as_it_was(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    Store.open(tmp_path).close()
    conn = sqlite3.connect(tmp_path / FILENAME)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    before = (tmp_path / FILENAME).read_bytes()
    assert main(["quiz", "practice", "--data-dir", str(tmp_path)]) == 2
    assert "newer sagemaker-advisor" in capsys.readouterr().err
    assert (tmp_path / FILENAME).read_bytes() == before


def test_a_corrupt_database_is_moved_aside_with_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / FILENAME).write_bytes(b"\x00garbage" * 512)
    assert main(["quiz", "stats", "--data-dir", str(tmp_path), "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "note: Your progress database" in captured.err and "Nothing was deleted" in captured.err
    assert json.loads(captured.out)["attempts"] == 0
    assert len(list(tmp_path.glob(f"{FILENAME}.corrupt-*"))) == 1


def test_stats_json_and_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quiz", "stats", "--bank", "chapter09", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"attempts", "accuracy", "topics", "domains", "weakest_topics", "exams", "due"} <= set(data)
    count = len(CHAPTER09["questions"])
    assert data["questions"] == count and data["due"]["never_seen"] == count
    assert [d["id"] for d in data["domains"]["MLA-C01"]] == [
        "data-preparation", "model-development", "deployment-orchestration", "monitoring-maintenance-security"]
    assert main(["quiz", "stats"]) == 0
    assert "Accuracy per topic: no answers yet" in capsys.readouterr().out  # not a table of headers only


def test_exam_date_is_set_shown_and_cleared(capsys: pytest.CaptureFixture[str]) -> None:
    soon = (dt.date.today() + dt.timedelta(days=13)).isoformat()  # a date to come, whenever the test runs
    assert main(["quiz", "exam-date", soon]) == 0
    assert main(["quiz", "exam-date"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"exam date: {soon}", f"exam date: {soon}"]
    assert main(["quiz", "exam-date", "--clear"]) == 0
    assert capsys.readouterr().out.strip() == "exam date: not set"


def test_a_bad_exam_date_is_a_usage_error() -> None:
    result = run("quiz", "exam-date", "15/12/2026")
    assert result.returncode == 2 and "is not a date like 2026-12-15" in result.stderr


def test_an_exam_time_past_a_week_is_a_usage_error_not_an_internal_one() -> None:
    result = run("quiz", "exam", "--count", "10", "--minutes", "99999999999999999999")
    assert result.returncode == 2 and "argument --minutes: must be at most 10080 (a week)" in result.stderr


def test_an_exam_date_in_the_past_is_refused_and_the_set_one_kept(tmp_path: Path) -> None:
    env = {**os.environ, "ADVISOR_DATA_DIR": str(tmp_path)}
    soon = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    assert run("quiz", "exam-date", soon, env=env).returncode == 0
    result = run("quiz", "exam-date", "2020-01-01", env=env)  # the year mistyped
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "the exam date 2020-01-01 is in the past" in result.stderr
    assert run("quiz", "exam-date", env=env).stdout.strip() == f"exam date: {soon}"


def test_advisor_without_a_terminal_prints_help_and_loads_no_tui() -> None:
    code = ("import sys; from advisor.cli import main; rc = main([]); "
            "print('textual' in sys.modules, rc, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                            timeout=60)
    assert "usage: advisor" in result.stdout
    assert result.stderr.strip().endswith("False 0")


@pytest.mark.parametrize("args", [["quiz", "banks", "--format", "json"], ["quiz", "--help"]])
def test_non_interactive_quiz_commands_never_load_textual(args: list[str]) -> None:
    code = (f"import sys; from advisor.cli import main\ntry: main({args!r})\nexcept SystemExit: pass\n"
            "print('textual' in sys.modules, file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stderr.strip().endswith("False")


@pytest.mark.parametrize("command", [["quiz", "practice"], ["quiz", "exam", "--count", "3"], ["quiz"]])
def test_the_quiz_without_a_terminal_says_so_and_exits_two(tmp_path: Path, command: list[str]) -> None:
    """Piped or scripted, the TUI would write escape codes and wait for keys forever: a plain message instead,
    and nothing started in the store."""
    result = run(*command, "--data-dir", str(tmp_path))
    assert result.returncode == 2, result.stderr
    assert "the quiz is interactive: run it in a terminal" in result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    with Store.open(tmp_path) as store:
        assert store.unfinished_exam("chapter09") is None


def test_an_empty_review_queue_is_said_kindly_and_exits_zero(tmp_path: Path) -> None:
    result = run("quiz", "review", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Nothing to review in ") and "Practice (advisor quiz practice)" in result.stdout
    assert "error" not in (result.stdout + result.stderr).lower()


def test_a_bank_named_by_a_path_that_is_no_bank_file_says_so(tmp_path: Path) -> None:
    """`--bank` and export take a bank id or a bank file: a path is never reported as an unknown bank id."""
    missing = run("quiz", "export", str(tmp_path / "my-bank.yaml"), "--format", "gift")
    assert missing.returncode == 2 and "my-bank.yaml: no such bank file" in missing.stderr
    gift = tmp_path / "deck.gift"
    gift.write_text("::q1:: Which? {=yes ~no}\n", encoding="utf-8")
    other = run("quiz", "practice", "--bank", str(gift))  # refused before it asks for a terminal
    assert other.returncode == 2 and "deck.gift: not a bank file" in other.stderr
    assert f"advisor quiz import {gift}" in other.stderr and "Traceback" not in other.stderr
    folder = run("quiz", "practice", "--bank", str(tmp_path))  # it is there: not "no such bank file"
    assert folder.returncode == 2 and f"{tmp_path}: is a folder, not a bank file" in folder.stderr
    banks = run("quiz", "--banks", str(gift), "banks")  # and a file is no folder of banks
    assert banks.returncode == 2 and f"{gift}: is a file, not a folder of question banks" in banks.stderr


def test_an_empty_review_names_the_other_banks_that_have_reviews(tmp_path: Path, clock: FrozenClock) -> None:
    """`advisor quiz review` takes the first bank; a learner who practised another bank is told where to look."""
    folder = tmp_path / "banks"
    write_bank(folder)
    write_bank(folder, bank_id="umbrella")  # listed after tiny
    tutor = Tutor.open(tmp_path / "data", clock=clock, banks_dir=folder)
    try:
        session = tutor.practice(tutor.bank("umbrella"), count=1, seed=1)
        slot = session.current
        for key in [k for k in slot.order if k not in slot.item.correct_keys][:slot.item.picks]:
            session.toggle(slot.order.index(key))
        tutor.submit(session)
        tutor.finish(session)
    finally:
        tutor.close()
    result = run("quiz", "review", "--banks", str(folder), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Nothing to review in Bank tiny")
    assert "Bank umbrella has 1 to review: advisor quiz review --bank umbrella" in result.stdout


@pytest.mark.parametrize("files", [[], ["README.txt"]])
@pytest.mark.parametrize("command", [["banks"], ["stats"], ["practice"]])
def test_a_banks_folder_without_a_bank_is_said_so(tmp_path: Path, files: list[str], command: list[str],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "banks"
    folder.mkdir()
    for name in files:
        (folder / name).write_text("not a bank\n")
    assert main(["quiz", "--data-dir", str(tmp_path / "data"), "--banks", str(folder), *command]) == 2
    assert f"Quiz error: banks folder {folder}: holds no question bank" in capsys.readouterr().err


@pytest.mark.parametrize("right", [True, False])
def test_stats_say_there_is_no_weak_topic_yet_as_the_tui_does(tmp_path: Path, clock: FrozenClock, right: bool,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Answers given, every one right: the TUI said "Weakest: none yet", `quiz stats` printed nothing there. A wrong
    answer names its topic instead; before any answer neither line is printed."""
    folder = tmp_path / "banks"
    write_bank(folder)
    assert main(["quiz", "--data-dir", str(tmp_path / "data"), "--banks", str(folder), "stats"]) == 0
    assert "Weakest" not in capsys.readouterr().out
    tutor = Tutor.open(tmp_path / "data", clock=clock, banks_dir=folder)
    try:
        session = tutor.practice(tutor.bank("tiny"), count=1, seed=1)
        slot = session.current
        keys = sorted(slot.item.correct_keys) if right else \
            [k for k in slot.order if k not in slot.item.correct_keys][:slot.item.picks]
        for key in keys:
            session.toggle(slot.order.index(key))
        tutor.submit(session)
        tutor.finish(session)
    finally:
        tutor.close()
    assert main(["quiz", "--data-dir", str(tmp_path / "data"), "--banks", str(folder), "stats"]) == 0
    out = capsys.readouterr().out
    assert ("Weakest topics: none yet: every topic answered so far has only right answers" in out) is right
    assert ("Weakest topics: " in out) and (("%" in out.split("Weakest topics: ")[1].splitlines()[0]) is not right)
