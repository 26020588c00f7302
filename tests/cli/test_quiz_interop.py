"""`advisor quiz import|export|drills` as a user runs them: files in, files out, plain errors."""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest
import yaml

from advisor.cli import main
from advisor.quiz.bank import load_bank

GIFT = """::q1::Which family is burstable?{=T#Right.~M#Steady.~C#Compute.~R#Memory.}

::q2::Which runs GPUs?{~T#No.=G#Yes.~C#No.~R#No.}

::num::How many? {#5}
"""


def test_import_writes_a_playable_bank_to_the_user_banks_folder(capsys: pytest.CaptureFixture[str],
                                                                 tmp_path: Path) -> None:
    source = tmp_path / "my practice.gift"
    source.write_text(GIFT, encoding="utf-8")
    assert main(["quiz", "import", str(source), "--format", "gift"]) == 0
    out = capsys.readouterr().out
    target = Path(os.environ["ADVISOR_DATA_DIR"]) / "banks" / "my-practice.yaml"
    assert f"imported 2 question(s) into {target} (bank id my-practice)" in out
    assert f"skipped {source}:5: a numerical question has no options to pick from" in out
    assert "have no exam domain" in out
    assert [i.id for i in load_bank(target).items] == ["q1", "q2"]
    assert main(["quiz", "banks", "--format", "json"]) == 0
    assert "my-practice" in [b["id"] for b in json.loads(capsys.readouterr().out)]


def test_import_names_what_an_imported_question_lost(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = Path(__file__).parents[1] / "quiz" / "data" / "spec" / "m04_image_base64.xml"
    assert main(["quiz", "import", str(source), "--out", str(tmp_path / "img.yaml")]) == 0
    out = capsys.readouterr().out
    assert "imported 1 question(s)" in out and "skipped" not in out
    assert f"imported, but {source}:3: the embedded file 'diagram 1.png' is not saved" in out


def test_import_saves_embedded_images_only_with_media(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = Path(__file__).parents[1] / "quiz" / "data" / "spec" / "m04_image_base64.xml"
    media = tmp_path / "images"
    assert main(["quiz", "import", str(source), "--out", str(tmp_path / "img.yaml"), "--media", str(media)]) == 0
    out = capsys.readouterr().out
    saved = media.absolute() / "diagram 1.png"
    assert f"saved 1 embedded file(s) in {media}" in out and "imported, but" not in out
    assert saved.read_bytes().startswith(b"\x89PNG")
    [item] = load_bank(tmp_path / "img.yaml").items
    assert item.stem == f"Which service is shown in the diagram?\n[image: {saved}]"


def test_moodle_images_with_one_name_in_two_questions_are_two_files(tmp_path: Path) -> None:
    from advisor.quiz.interop import import_text

    def question(name: str, stem: str, data: str) -> str:
        return (f'<question type="truefalse"><name><text>{name}</text></name><questiontext format="html"><text>'
                f'&lt;p&gt;{stem}&lt;img src="@@PLUGINFILE@@/image.png"&gt;&lt;/p&gt;</text>'
                f'<file name="image.png" path="/" encoding="base64">{data}</file></questiontext>'
                '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>'
                "</question>")

    text = ("<quiz>" + question("a", "First?", "AAEC") + question("b", "Second?", "AwQF")
            + question("c", "Third?", "not base64!") + "</quiz>")
    media = tmp_path / "m"
    result = import_text(text, "moodle-xml", display="q.xml", bank_id="q", media_dir=media)
    first, second, third = result.bank["questions"]
    assert first["stem"].endswith(f"[image: {media.absolute() / 'image.png'}]")
    assert second["stem"].endswith(f"[image: {media.absolute() / 'image-2.png'}]")
    assert (media / "image.png").read_bytes() == b"\x00\x01\x02"
    assert (media / "image-2.png").read_bytes() == b"\x03\x04\x05"
    assert third["stem"].endswith("[image: image.png]")
    [note] = result.notes
    assert note.line == 1 and "'image.png' cannot be saved: its base64 text is not valid" in note.message


def test_import_of_an_apkg_by_its_ending_and_of_a_file_that_is_none(capsys: pytest.CaptureFixture[str],
                                                                    tmp_path: Path) -> None:
    deck = tmp_path / "c9.apkg"
    assert main(["quiz", "export", "chapter09", "--format", "apkg", "--out", str(deck)]) == 0
    assert main(["quiz", "import", str(deck), "--out", str(tmp_path / "c9.yaml")]) == 0
    assert "imported 2" in capsys.readouterr().out  # 229 and more: the whole bank
    assert len(load_bank(tmp_path / "c9.yaml").items) == len(yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "quizzes" / "chapter09.yaml").read_text(encoding="utf-8"))["questions"])
    fake = tmp_path / "fake.apkg"
    fake.write_text("Front,Back\n", encoding="utf-8")
    assert main(["quiz", "import", str(fake)]) == 2
    err = capsys.readouterr().err
    assert f"{fake}: not an Anki package: an .apkg is a zip archive" in err and "Traceback" not in err


def test_import_to_a_chosen_file_then_export_it_by_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "deck.gift"
    source.write_text(GIFT, encoding="utf-8")
    bank_file = tmp_path / "out" / "deck.yaml"
    assert main(["quiz", "import", str(source), "--format", "gift", "--out", str(bank_file), "--id", "mine"]) == 0
    capsys.readouterr()
    assert main(["quiz", "export", str(bank_file), "--format", "moodle-xml"]) == 0
    assert "<idnumber>q1</idnumber>" in capsys.readouterr().out


def test_nothing_importable_exits_2_and_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "x.md"
    source.write_text("# just a title\n", encoding="utf-8")
    assert main(["quiz", "import", str(source), "--format", "ditectrev-md"]) == 2
    assert "no question could be imported" in capsys.readouterr().err
    assert not (Path(os.environ["ADVISOR_DATA_DIR"]) / "banks").exists()


@pytest.mark.parametrize(("name", "body", "count"), [
    ("deck.gift", GIFT, 2),
    ("deck.XML", "<quiz><question type=\"truefalse\"><name><text>t</text></name><questiontext><text>Is T "
     "burstable?</text></questiontext><answer fraction=\"100\"><text>true</text></answer><answer fraction=\"0\">"
     "<text>false</text></answer></question></quiz>", 1),
])
def test_import_tells_the_format_from_the_file_name(name: str, body: str, count: int,
                                                    capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / name
    source.write_text(body, encoding="utf-8")
    assert main(["quiz", "import", str(source), "--out", str(tmp_path / "bank.yaml")]) == 0
    assert f"imported {count} question(s)" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["deck.md", "deck.txt", "deck"])
def test_import_of_a_name_that_does_not_say_its_format_asks_for_one(name: str, capsys: pytest.CaptureFixture[str],
                                                                    tmp_path: Path) -> None:
    source = tmp_path / name
    source.write_text(GIFT, encoding="utf-8")
    assert main(["quiz", "import", str(source)]) == 2
    err = capsys.readouterr().err
    assert f"{source}: cannot tell its format from its name" in err
    assert "give --format, one of ditectrev-md, gift" in err and "Traceback" not in err


def test_import_of_a_path_that_is_no_file_says_so_before_asking_for_a_format(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`quiz import questions.md` of a mistyped name said "cannot tell its format (.md): give --format"."""
    assert main(["quiz", "import", str(tmp_path / "missing.md")]) == 2
    assert main(["quiz", "import", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "missing.md: no such file" in err and f"{tmp_path}: is a folder, not a file" in err
    assert "cannot tell its format" not in err


BOMB = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><quiz/>'


@pytest.mark.parametrize("content", [b"\xff\xfe\x00binary", BOMB])
def test_bad_files_are_plain_errors(content: bytes, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "q.xml"
    source.write_bytes(content)
    assert main(["quiz", "import", str(source), "--format", "moodle-xml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Quiz error: ") and "Traceback" not in err


def test_export_yaml_loads_back_as_the_same_bank(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "copy.yaml"
    assert main(["quiz", "export", "chapter09", "--out", str(target)]) == 0
    assert [i.id for i in load_bank(target).items] == [q["id"] for q in yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "quizzes" / "chapter09.yaml").read_text(encoding="utf-8"))["questions"]]


def test_apkg_needs_out_and_then_is_a_deck(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["quiz", "export", "chapter09", "--format", "apkg"]) == 2
    assert "give --out" in capsys.readouterr().err
    deck = tmp_path / "c9.apkg"
    assert main(["quiz", "export", "chapter09", "--format", "apkg", "--out", str(deck)]) == 0
    with zipfile.ZipFile(deck) as z:
        (tmp_path / "c.anki2").write_bytes(z.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "c.anki2") as db:
        assert db.execute("select count(*) from notes").fetchone()[0] > 100


def test_export_due_keeps_only_what_fsrs_says_is_due(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["quiz", "export", "chapter09", "--due", "--format", "anki-csv"]) == 0
    captured = capsys.readouterr()
    assert "0 of" in captured.err  # nothing answered yet, so nothing is due
    assert not [line for line in captured.out.splitlines() if not line.startswith("#")]


def test_export_due_with_nothing_due_writes_no_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A new user's `export --due` before any answer wrote `questions: []`, a bank that does not load again."""
    target = tmp_path / "due.yaml"
    assert main(["quiz", "export", "chapter09", "--due", "--out", str(target)]) == 0
    assert "nothing to export: no file written" in capsys.readouterr().err
    assert not target.exists()


def test_drills_are_listed_playable_and_exportable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quiz", "drills", "--format", "json"]) == 0
    drills = json.loads(capsys.readouterr().out)
    assert drills["id"] == "drills" and len(drills["questions"]) >= 300
    assert main(["quiz", "drills"]) == 0
    assert "Instance types" in capsys.readouterr().out
    assert main(["quiz", "export", "drills", "--format", "gift"]) == 0
    assert "::drill-type-ml-m5-xlarge-memory::" in capsys.readouterr().out


def test_import_from_a_file_name_that_is_not_utf8(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The bank's title and source come from the file name: its bytes that are not UTF-8 are written escaped
    (this was exit 70 while writing the bank); so are a title and an id given on the command line."""
    try:
        source = tmp_path / os.fsdecode(b"deck\xff.gift")
        source.write_text(GIFT, encoding="utf-8")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    bank_file = tmp_path / "deck.yaml"
    assert main(["quiz", "import", str(source), "--format", "gift", "--out", str(bank_file)]) == 0
    capsys.readouterr()
    bank = yaml.safe_load(bank_file.read_text(encoding="utf-8"))
    assert bank["title"] == "Imported: deck\\xff.gift" and bank["source"].endswith("deck\\xff.gift")
    assert [i.id for i in load_bank(bank_file).items] == ["q1", "q2"]
    assert main(["quiz", "import", str(source), "--format", "gift", "--out", str(bank_file),
                 "--title", os.fsdecode(b"mine\xfe")]) == 0
    assert yaml.safe_load(bank_file.read_text(encoding="utf-8"))["title"] == "mine\\xfe"
    code = main(["quiz", "import", str(source), "--format", "gift", "--out", str(tmp_path / "other.yaml"),
                 "--id", os.fsdecode(b"id\xfe")])
    err = capsys.readouterr().err
    assert code == 2 and "use only" in err and not (tmp_path / "other.yaml").exists()
