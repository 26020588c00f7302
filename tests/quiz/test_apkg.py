"""Anki packages in: our own export back exactly, decks made in Anki (Basic, cloze, anki-mc, unknown types),
the newer zstd package, media only when asked, and every kind of bad file as a located error."""

from __future__ import annotations

import copy
import io
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import genanki
import pytest

from advisor.errors import QuizError
from advisor.quiz.interop import apkg, import_file
from advisor.quiz.interop.anki import write_apkg
from tests.quiz.test_interop import MATCHING, ORDERING, SHIPPED, bank, essence

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000" "1f15c4890000000d49444154789c63f8cf"
                    "c0f00f0004850180848a98c50000000049454e44ae426082")


def _import(path: Path, **kwargs: Any) -> Any:
    return import_file(path, "apkg", display=path.name, bank_id="deck", **kwargs)


def _package(tmp_path: Path, notes: list[genanki.Note], *, media: list[Path] = (), deck: str = "Shared deck",
             name: str = "shared.apkg") -> Path:
    """A deck as Anki's own exporter would give it (genanki writes the same schema-11 package)."""
    target = tmp_path / name
    made = genanki.Deck(1_500_000_001, deck)
    for note in notes:
        made.add_note(note)
    genanki.Package(made, media_files=[str(m) for m in media]).write_to_file(str(target))
    return target


def test_our_export_imports_as_the_same_bank(tmp_path: Path) -> None:
    original = bank(ORDERING, MATCHING)
    original["questions"][0]["tasks"] = {"MLA-C01": ["2.1"]}
    path = tmp_path / "c9.apkg"
    path.write_bytes(write_apkg(copy.deepcopy(original)))
    result = _import(path)
    back = result.bank["questions"]
    assert [essence(q) for q in back] == [essence(q) for q in original["questions"]]
    first = SHIPPED["questions"][0]
    assert back[0]["section"] == first["section"] and back[0]["topics"] == first["topics"]
    assert back[0]["domains"] == first["domains"] and back[0]["tasks"] == {"MLA-C01": ["2.1"]}
    assert back[-1]["section"] == "Inference" and back[-1]["distractors"] == ["Multi-model endpoint"]
    assert result.skipped == () and result.notes == ()


def test_sections_are_subdecks_and_new_cards_keep_the_bank_order(tmp_path: Path) -> None:
    path = tmp_path / "c9.apkg"
    path.write_bytes(write_apkg(bank(ORDERING, MATCHING)))
    with zipfile.ZipFile(path) as z:
        (tmp_path / "c.db").write_bytes(z.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "c.db") as db:
        decks = db.execute("select decks from col").fetchone()[0]
        dues = [due for (due,) in db.execute("select due from cards order by nid")]
    assert f"{SHIPPED['title']}::Inference" in decks and f"{SHIPPED['title']}::Training" in decks
    assert sorted(dues) == list(range(1, len(SHIPPED["questions"]) + 3))


def test_a_basic_deck_made_in_anki(tmp_path: Path) -> None:
    notes = [
        genanki.Note(genanki.BASIC_MODEL, ["Which input mode streams data from S3?<br>A. File<br>B. Pipe",
                                           "Answer: B<br>Pipe streams records without copying the data first."],
                     tags=["input-modes"], guid="abcDEF1234"),
        genanki.Note(genanki.BASIC_MODEL, ["What does SageMaker stand for?", "Nothing in particular."]),
        genanki.Note(genanki.CLOZE_MODEL, ["{{c1::Pipe}} mode streams data.", ""]),
    ]
    result = _import(_package(tmp_path, notes))
    [question] = result.bank["questions"]
    assert question["stem"] == "Which input mode streams data from S3?"
    assert [(o["text"], o["correct"]) for o in question["options"]] == [("File", False), ("Pipe", True)]
    assert question["options"][1]["explanation"] == "Pipe streams records without copying the data first."
    assert question["topics"] == ["input-modes"] and question["section"] == "Shared deck"
    assert question["source"].startswith("imported from shared.apkg, note 1 (nid:")
    assert [(p.file.split(", ")[1].split(" (")[0], p.line) for p in result.skipped] == [("note 2", None),
                                                                                    ("note 3", None)]
    assert "no lettered options" in result.skipped[0].message and "cloze" in result.skipped[1].message
    assert "(nid:" in str(result.skipped[0])


def test_anki_mc_all_in_one_notes(tmp_path: Path) -> None:
    fields = ["Question", "Title", "QType (0=kprim,1=mc,2=sc)", "Q_1", "Q_2", "Q_3", "Q_4", "Q_5", "Answers",
              "Sources", "Extra 1"]
    model = genanki.Model(1_600_000_001, "AllInOne (kprim, mc, sc)", fields=[{"name": f} for f in fields],
                          templates=[{"name": "Card", "qfmt": "{{Question}}", "afmt": "{{Answers}}"}])
    notes = [
        genanki.Note(model, ["Which stages run on ml.* instances? (Choose two.)", "", "1", "Training", "Lambda",
                             "Endpoints", "", "", "1 0 1", "", "Both are SageMaker instances."]),
        genanki.Note(model, ["Which is serverless?", "", "2", "Lambda", "EC2", "", "", "", "1 0", "", ""]),
        genanki.Note(model, ["Judge each.", "", "0", "a", "b", "c", "d", "", "1 0 1 0", "", ""]),
        genanki.Note(model, ["Bad answers.", "", "2", "a", "b", "", "", "", "1", "", ""]),
    ]
    result = _import(_package(tmp_path, notes))
    multiple, single = result.bank["questions"]
    assert multiple["type"] == "multiple" and multiple["choose"] == 2
    assert [o["correct"] for o in multiple["options"]] == [True, False, True]
    assert multiple["options"][0]["explanation"] == "Both are SageMaker instances."
    assert single["type"] == "single" and single["options"][0]["correct"]
    assert ["Kprim" in p.message for p in result.skipped] == [True, False]
    assert "1 or 0 for each of the 2 choices" in result.skipped[1].message


def test_an_unknown_note_type_is_named_and_nothing_else_is_an_error(tmp_path: Path) -> None:
    model = genanki.Model(1_600_000_002, "Vocabulary", fields=[{"name": "Word"}, {"name": "Meaning"}],
                          templates=[{"name": "Card", "qfmt": "{{Word}}", "afmt": "{{Meaning}}"}])
    path = _package(tmp_path, [genanki.Note(model, ["epoch", "one pass over the data"])])
    with pytest.raises(QuizError, match="no question could be imported as apkg") as err:
        _import(path)
    [problem] = err.value.problems
    assert "note type 'Vocabulary' (fields Word, Meaning) is not one this import maps" in problem.message
    assert problem.file is not None and problem.file.startswith("shared.apkg, note 1 (nid:")


def test_media_are_named_not_saved_unless_asked(tmp_path: Path) -> None:
    image = tmp_path / "arch diagram.png"
    image.write_bytes(PNG)
    note = genanki.Note(genanki.BASIC_MODEL, ['Which service is drawn?<img src="arch diagram.png"><br>A. Lambda<br>'
                                              "B. SageMaker", "Answer: B"])
    path = _package(tmp_path, [note], media=[image])
    before = sorted(p.name for p in tmp_path.iterdir())
    result = _import(path)
    assert "[image: arch diagram.png]" in result.bank["questions"][0]["stem"]
    [note_problem] = result.notes
    assert "'arch diagram.png' is not saved" in note_problem.message and "--media DIR" in note_problem.message
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written beside it

    media = tmp_path / "media"
    result = _import(path, media_dir=media)
    assert result.notes == () and result.saved == (media.absolute() / "arch diagram.png",)
    assert (media / "arch diagram.png").read_bytes() == PNG
    assert f"[image: {media.absolute() / 'arch diagram.png'}]" in result.bank["questions"][0]["stem"]


def test_media_names_cannot_leave_the_folder_and_missing_media_are_said(tmp_path: Path) -> None:
    notes = [genanki.Note(genanki.BASIC_MODEL, ['Q one<img src="../../evil.png"><br>A. x<br>B. y', "Answer: A"]),
             genanki.Note(genanki.BASIC_MODEL, ['Q two<img src="absent.png"><br>A. x<br>B. y', "Answer: A"])]
    with zipfile.ZipFile(_package(tmp_path, notes)) as z:
        collection = z.read("collection.anki2")
    # a hostile map: a path out of the folder
    path = _zip(tmp_path, {"collection.anki2": collection, "media": b'{"0": "../../evil.png"}', "0": PNG})
    media = tmp_path / "media"
    result = _import(path, media_dir=media)
    assert result.saved == (media.absolute() / "evil.png",)
    assert not (tmp_path.parent / "evil.png").exists() and not (tmp_path / "evil.png").exists()
    [missing] = result.notes
    assert "'absent.png' cannot be saved: the package's media list does not name it" in missing.message


def _zip(tmp_path: Path, members: dict[str, bytes], name: str = "x.apkg") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as z:
        for member, data in members.items():
            z.writestr(member, data)
    return path


@pytest.mark.parametrize(("members", "words"), [
    (None, "not an Anki package: an .apkg is a zip archive and this file is not one"),
    ({"notes.txt": b"hello"}, "the zip holds no Anki collection (collection.anki21b, collection.anki21, "
                              "collection.anki2)"),
    ({"collection.anki2": b"not a database at all" * 100}, "collection.anki2 is not an SQLite database"),
])
def test_bad_packages_are_located_errors(tmp_path: Path, members: dict[str, bytes] | None, words: str) -> None:
    if members is None:
        path = tmp_path / "x.apkg"
        path.write_text("GUID,Front,Back\n", encoding="utf-8")
    else:
        path = _zip(tmp_path, members)
    with pytest.raises(QuizError) as err:
        _import(path)
    assert err.value.message.startswith("x.apkg: ") and words in err.value.message


def test_an_sqlite_file_that_is_no_collection(tmp_path: Path) -> None:
    db_path = tmp_path / "other.db"
    with sqlite3.connect(db_path) as db:
        db.execute("create table t (x)")
    path = _zip(tmp_path, {"collection.anki2": db_path.read_bytes()})
    with pytest.raises(QuizError, match=r"collection\.anki2 is not an Anki collection this reader knows"):
        _import(path)


def test_the_newer_package_without_zstd_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apkg, "_zstd_decompress", lambda: None)
    stub = tmp_path / "stub.apkg"
    stub.write_bytes(write_apkg(bank()))
    with zipfile.ZipFile(stub) as z:
        legacy = z.read("collection.anki2")
    path = _zip(tmp_path, {"collection.anki2": legacy, "collection.anki21b": b"\x28\xb5\x2f\xfd...", "media": b"\x00"})
    with pytest.raises(QuizError) as err:
        _import(path)
    assert "newer package format (collection.anki21b, zstd-compressed)" in str(err.value)
    assert "without an extra library" in str(err.value) and "Support older Anki versions" in str(err.value.hint)
    # with collection.anki21 beside it (never the stub collection.anki2), that one is read
    both = _zip(tmp_path, {"collection.anki21": legacy, "collection.anki21b": b"x"}, "both.apkg")
    assert len(_import(both).bank["questions"]) == len(SHIPPED["questions"])


def _schema18(path: Path) -> None:
    """A schema-18 collection as Anki 2.1.50+ writes it: note types, fields, templates and decks in tables."""
    with sqlite3.connect(path) as db:
        db.executescript("""
            create table col (id integer primary key, models text, decks text);
            insert into col values (1, '', '');
            create table notetypes (id integer primary key, name text, mtime_secs integer, usn integer, config blob);
            create table fields (ntid integer, ord integer, name text, config blob);
            create table templates (ntid integer, ord integer, name text, mtime_secs integer, usn integer,
                                    config blob);
            create table decks (id integer primary key, name text, mtime_secs integer, usn integer, common blob,
                                kind blob);
            create table notes (id integer primary key, guid text, mid integer, mod integer, usn integer,
                                tags text, flds text, sfld integer, csum integer, flags integer, data text);
            create table cards (id integer primary key, nid integer, did integer, ord integer, type integer,
                                due integer);
        """)
        db.execute("insert into notetypes values (10, 'Basic', 0, 0, x'1a00')")
        db.execute("insert into notetypes values (11, 'Cloze', 0, 0, x'0801')")
        db.executemany("insert into fields values (?, ?, ?, x'')", [(10, 0, "Front"), (10, 1, "Back"),
                                                                     (11, 0, "Text"), (11, 1, "Back Extra")])
        db.execute("insert into templates values (10, 0, 'Card 1', 0, 0, x'0a0b7b7b46726f6e747d7d')")
        db.execute("insert into decks values (5, 'Exam' || char(31) || 'Deployment', 0, 0, x'', x'')")
        db.execute("insert into notes values (100, 'g1', 10, 0, 0, ' serverless ', ?, '', 0, 0, '')",
                   ("Which option scales to zero?<br>A. Serverless inference<br>B. Real-time\x1fAnswer: A",))
        db.execute("insert into notes values (101, 'g2', 11, 0, 0, '', ?, '', 0, 0, '')", ("{{c1::x}}\x1f",))
        db.executemany("insert into cards values (?, ?, 5, 0, 0, ?)", [(1, 100, 1), (2, 101, 2)])


def test_the_newer_package_with_a_zstd_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(apkg, "_zstd_decompress", lambda: lambda data, limit: data[:limit + 1])  # stored plain
    _schema18(tmp_path / "c18.db")
    stub = io.BytesIO()
    path = _zip(tmp_path, {"collection.anki2": stub.getvalue(),
                           "collection.anki21b": (tmp_path / "c18.db").read_bytes()})
    result = _import(path)
    [question] = result.bank["questions"]
    assert question["stem"] == "Which option scales to zero?" and question["section"] == "Deployment"
    assert question["topics"] == ["serverless"] and question["options"][0]["correct"]
    [cloze] = result.skipped
    assert "a cloze note (note type 'Cloze')" in cloze.message


def test_script_in_a_field_is_not_shown_or_run(tmp_path: Path) -> None:
    note = genanki.Note(genanki.BASIC_MODEL, ["Pick one<script>alert('x')</script><br>A. x<br>B. y", "Answer: A"])
    [question] = _import(_package(tmp_path, [note])).bank["questions"]
    assert question["stem"] == "Pick one"


# ---- decks a learner would bring, written from the Anki manual and genanki's models ---------------------------

def _deck(deck_id: int, name: str, notes: list[genanki.Note]) -> genanki.Deck:
    made = genanki.Deck(deck_id, name)
    for note in notes:
        made.add_note(note)
    return made


def _imported(tmp_path: Path, name: str, decks: list[genanki.Deck], media: list[Path] = ()) -> Any:
    target = tmp_path / name
    genanki.Package(decks, media_files=[str(m) for m in media]).write_to_file(str(target))
    return _import(target)


def _choices(q: dict[str, Any]) -> list[tuple[str, bool, str]]:
    return [(o["text"], o["correct"], o["explanation"]) for o in q["options"]]


def test_basic_notes_in_html_with_subdecks_and_hierarchical_tags(tmp_path: Path) -> None:
    """As Anki's editor writes a field: divs, <br>, &nbsp; and &amp;; nested decks; a tag such as
    `MLA-C01::domain3` is kept as a topic, not dropped."""
    result = _imported(tmp_path, "k1.apkg", [
        _deck(2_000_000_001, "AWS::MLA-C01::Deployment", [genanki.Note(genanki.BASIC_MODEL, [
            "<div>Which option accepts a <b>500&nbsp;MB</b> payload?</div><div><br></div><div>A) Real-time "
            "inference</div><div>B) Asynchronous inference</div><div>C) Serverless inference</div><div>D) Batch "
            "transform &amp; an endpoint</div>",
            "<div>B</div><div>Asynchronous inference reads payloads up to 1&nbsp;GB from S3.</div>"],
            tags=["MLA-C01::domain3", "inference"])]),
        _deck(2_000_000_002, "AWS::MLA-C01::Security", [genanki.Note(genanki.BASIC_MODEL, [
            "Which field keeps a notebook instance off the internet?<br>A. RootAccess<br>B. DirectInternetAccess"
            "<br>C. KmsKeyId<br>D. LifecycleConfigName",
            "Answer: B<br><br>Set it to <code>Disabled</code> and give a subnet."], tags=["Security"])])])
    payload, notebook = result.bank["questions"]
    assert payload["stem"] == "Which option accepts a 500\xa0MB payload?"
    assert _choices(payload) == [
        ("Real-time inference", False, ""),
        ("Asynchronous inference", True, "Asynchronous inference reads payloads up to 1\xa0GB from S3."),
        ("Serverless inference", False, ""), ("Batch transform & an endpoint", False, "")]
    assert payload["section"] == "Deployment" and payload["topics"] == ["mla-c01-domain3", "inference"]
    assert notebook["section"] == "Security" and notebook["topics"] == ["security"]
    assert _choices(notebook)[1] == ("DirectInternetAccess", True, "Set it to Disabled and give a subnet.")
    assert result.skipped == () and result.notes == ()


def test_reversed_and_type_in_note_types(tmp_path: Path) -> None:
    """Basic (and reversed card) and Basic (optional reversed card) have Front and Back, so they read as Basic;
    Basic (type in the answer) with no lettered options is a flashcard, reported by its note."""
    result = _imported(tmp_path, "k2.apkg", [_deck(2_000_000_003, "Mixed models", [
        genanki.Note(genanki.BASIC_AND_REVERSED_CARD_MODEL, [
            "Which algorithm is built in for time series?<br>A. DeepAR<br>B. BlazingText<br>C. Object2Vec<br>"
            "D. IP Insights", "A"]),
        genanki.Note(genanki.BASIC_OPTIONAL_REVERSED_CARD_MODEL, [
            "Which SageMaker feature explains predictions with SHAP values?<br>A. Debugger<br>B. Clarify<br>"
            "C. Model Monitor<br>D. Experiments", "B. Clarify", ""]),
        genanki.Note(genanki.BASIC_TYPE_IN_THE_ANSWER_MODEL, ["Name the input mode that streams from S3.", "Pipe"]),
    ])])
    deepar, clarify = result.bank["questions"]
    assert [o["correct"] for o in deepar["options"]] == [True, False, False, False]
    assert [o["correct"] for o in clarify["options"]] == [False, True, False, False]
    [flashcard] = result.skipped
    assert flashcard.file is not None and flashcard.file.startswith("k2.apkg, note 3 (nid:")
    assert "no lettered options" in flashcard.message


def test_cloze_and_plain_flashcards_beside_a_question(tmp_path: Path) -> None:
    result = _imported(tmp_path, "k3.apkg", [_deck(2_000_000_004, "Cloze deck", [
        genanki.Note(genanki.CLOZE_MODEL, ["Serverless memory ranges from {{c1::1024}} to {{c2::6144}} MB.", ""]),
        genanki.Note(genanki.BASIC_MODEL, ["What is an epoch?", "One pass over the training data."]),
        genanki.Note(genanki.BASIC_MODEL, ["Which is serverless?\nA. Lambda\nB. EC2\nC. EMR\nD. Redshift",
                                           "A. Lambda"]),
    ])])
    [question] = result.bank["questions"]
    assert question["stem"] == "Which is serverless?" and _choices(question)[0] == ("Lambda", True, "")
    cloze, flashcard = result.skipped
    assert cloze.file is not None and cloze.file.startswith("k3.apkg, note 1 (nid:") and "cloze" in cloze.message
    assert flashcard.file is not None and flashcard.file.startswith("k3.apkg, note 2 (nid:")
    assert flashcard.message == "a flashcard with no lettered options has nothing to pick from"


def test_an_answer_letter_set_off_by_a_dash_and_a_missing_image(tmp_path: Path) -> None:
    """`A — Amazon S3 (...)` names option A, its words an explanation; an image the note shows but the package
    lacks is said as missing (not as "not saved"); an image before the text is a word of its own."""
    image = tmp_path / "arch diagram.png"
    image.write_bytes(PNG)
    result = _imported(tmp_path, "k4.apkg", [_deck(2_000_000_005, "Images ✓", [
        genanki.Note(genanki.BASIC_MODEL, [
            'Look: <img src="arch diagram.png"><br>Which service stores the artifacts?<br>A. S3<br>B. ECR<br>'
            "C. EFS<br>D. Glacier", "A — Amazon S3 (« model.tar.gz »)"]),
        genanki.Note(genanki.BASIC_MODEL, [
            '<img src="missing.jpg">Which region code is Frankfurt?<br>A. eu-west-1<br>B. eu-central-1<br>'
            "C. eu-north-1<br>D. eu-south-1", "B"]),
    ])], [image])
    artifacts, region = result.bank["questions"]
    assert artifacts["stem"] == "Look: [image: arch diagram.png]\nWhich service stores the artifacts?"
    assert _choices(artifacts)[0] == ("S3", True, "Amazon S3 (« model.tar.gz »)")
    assert region["stem"] == "[image: missing.jpg] Which region code is Frankfurt?"
    assert [n.message for n in result.notes] == [
        "the embedded file 'arch diagram.png' is not saved (the question shows [image: arch diagram.png]); give "
        "--media DIR to save it there",
        "the embedded file 'missing.jpg' cannot be saved: the package's media list does not name it"]
