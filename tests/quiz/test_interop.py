"""Banks in and out: round trips per format, foreign layouts with their quirks, and what cannot be mapped."""

from __future__ import annotations

import copy
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor.errors import QuizError
from advisor.quiz.interop import FORMATS, export_text, import_text
from advisor.quiz.interop.anki import write_apkg
from advisor.quiz.interop.common import NO_EXPLANATION
from advisor.resources import shipped_dir

SHIPPED = yaml.safe_load((shipped_dir("quizzes") / "chapter09.yaml").read_text(encoding="utf-8"))

ORDERING = {
    "id": "t-order", "section": "Training", "topics": ["training"], "domains": {"MLA-C01": "model-development"},
    "type": "ordering", "difficulty": 2, "source": "test", "stem": "Put a training job's phases in order.",
    "options": [{"key": "A", "text": "Starting", "explanation": "Instances are provisioned first."},
                {"key": "B", "text": "Downloading", "explanation": "Then data and image are downloaded."},
                {"key": "C", "text": "Training", "explanation": "Then the algorithm runs."},
                {"key": "D", "text": "Uploading", "explanation": "Finally the model artifact goes to S3."}],
}
MATCHING = {
    "id": "t-match", "section": "Inference", "topics": ["inference"],
    "domains": {"MLA-C01": "deployment-orchestration"},
    "type": "matching", "difficulty": 2, "source": "test", "stem": "Match each need to an inference option.",
    "options": [{"key": "A", "text": "500 MB payloads", "match": "Asynchronous inference",
                 "explanation": "Up to 1 GB."},
                {"key": "B", "text": "Idle for hours, tiny CPU model", "match": "Serverless inference",
                 "explanation": "Scales to zero."},
                {"key": "C", "text": "Score a data set nightly", "match": "Batch transform",
                 "explanation": "No endpoint left running."}],
    "distractors": ["Multi-model endpoint"],
}


def bank(*extra: dict[str, Any]) -> dict[str, Any]:
    return {"id": "chapter09", "title": SHIPPED["title"], "source": "s", "as_of": "2026-12-01",
            "questions": [*copy.deepcopy(SHIPPED["questions"]), *copy.deepcopy(extra)]}


def essence(q: dict[str, Any]) -> tuple[Any, ...]:
    return (q["id"], q["type"], q.get("choose"), q["stem"],
            tuple((o["key"], o["text"], o.get("correct"), o.get("match"), o["explanation"]) for o in q["options"]),
            tuple(q.get("distractors", ())))


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml", "anki-csv"])
def test_export_then_import_gives_the_same_questions(fmt: str) -> None:
    original = bank(ORDERING, MATCHING)
    text, left_out = export_text(original, fmt)
    back = import_text(text, fmt, display=f"x.{fmt}", bank_id="chapter09").bank
    carried = [q for q in original["questions"] if q["type"] in FORMATS[fmt].carries]
    assert left_out == [q["id"] for q in original["questions"] if q["type"] not in FORMATS[fmt].carries]
    assert [essence(q) for q in back["questions"]] == [essence(q) for q in carried]


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml", "anki-csv"])
def test_metadata_survives_where_the_format_has_room(fmt: str) -> None:
    text, _ = export_text(bank(), fmt)
    back = import_text(text, fmt, display="x", bank_id="chapter09").bank["questions"][0]
    first = SHIPPED["questions"][0]
    assert back["topics"] == first["topics"]
    assert back["domains"] == first["domains"]
    assert back["tasks"] == first["tasks"]  # Anki and Moodle as tags (task::MLA-C01::2.1), GIFT in its metadata


def test_gift_ordering_is_left_out_and_said() -> None:
    _, left_out = export_text(bank(ORDERING), "gift")
    assert left_out == [q["id"] for q in SHIPPED["questions"] if q["type"] == "ordering"] + ["t-order"]


def test_anki_csv_has_the_documented_headers_and_the_id_as_guid() -> None:
    text, _ = export_text(bank(), "anki-csv")
    head = text.splitlines()[:8]
    assert head == ["#separator:Comma", "#html:true", "#notetype:Basic", f"#deck:{SHIPPED['title']}",
                    "#columns:GUID,Deck,Front,Back,Tags", "#guid column:1", "#deck column:2", "#tags column:5"]
    first = SHIPPED["questions"][0]
    assert text.splitlines()[8].startswith(f"c09-book-q1,{SHIPPED['title']}::{first['section']},")


def test_apkg_is_an_anki_collection_with_stable_guids(tmp_path: Path) -> None:
    paths = [tmp_path / "a.apkg", tmp_path / "b.apkg"]
    for path in paths:
        path.write_bytes(write_apkg(bank(ORDERING, MATCHING)))
    notes = []
    for path in paths:
        with zipfile.ZipFile(path) as z:
            (tmp_path / "c.anki2").write_bytes(z.read("collection.anki2"))
        with sqlite3.connect(tmp_path / "c.anki2") as db:
            notes.append(db.execute("select guid, mid, flds, tags from notes order by id").fetchall())
            models = db.execute("select models, decks from col").fetchone()
    assert notes[0] == notes[1]
    assert len(notes[0]) == len(SHIPPED["questions"]) + 2
    front, back, qid = notes[0][0][2].split("\x1f")
    assert qid == "c09-book-q1" and '<div class="stem">' in front and "Answer: B, D" in back
    assert "sagemaker-advisor question" in models[0] and SHIPPED["title"] in models[1]


DITECTREV = """# AWS practice questions

## Table of Contents
- [Question 1](#question-1)

### A team needs a managed notebook. Which
service should they use?

![diagram](images/question1.jpg)

- [ ] Amazon EC2
- [x] Amazon SageMaker notebook instances
- [ ] AWS Lambda with a very long
  option that wraps onto a second line
- [ ] Amazon Athena

**[⬆ Back to Top](#table-of-contents)**

### Which are supervised? (Choose two.)

- [x] Classification
- [ ] Clustering
- [x] Regression
- [ ] Association rules

#### Explanation
Both learn from labels.

**[⬆ Back to Top](#table-of-contents)**

### A question whose author forgot the key

- [ ] One
- [ ] Two
"""


def test_ditectrev_markdown_with_its_quirks() -> None:
    result = import_text(DITECTREV.replace("\n", "\r\n"), "ditectrev-md", display="bank.md", bank_id="bank")
    first, second = result.bank["questions"]
    assert first["stem"] == ("A team needs a managed notebook. Which service should they use?\n"  # one paragraph
                             "[image: images/question1.jpg]")
    assert [o["correct"] for o in first["options"]] == [False, True, False, False]
    assert first["options"][2]["text"] == "AWS Lambda with a very long option that wraps onto a second line"
    assert second["type"] == "multiple" and second["choose"] == 2
    assert second["options"][0]["explanation"] == "Both learn from labels."
    assert second["options"][1]["explanation"] == NO_EXPLANATION
    assert [(p.line, p.message) for p in result.skipped] == [(31, "no option is marked correct")]
    assert any("no exam domain" in m for m in result.missing)


GIFT = r"""// a comment that is ignored
$CATEGORY: $course$/top/Practice/Security

::sec1::[html]Which setting stops <b>root</b> on a notebook?{
  =RootAccess \= Disabled#Right: users keep their own space.
  ~DirectInternetAccess \= Disabled#That controls the network.
  ~KmsKeyId#That encrypts the volume.
}

::tf1::Lambda's default timeout is 3 seconds.{TRUE#It is 3 s.#Right, 3 s by default.}

::multi::Pick two \{GPU\} families{
  ~%50%P
  ~%50%G
  ~%-100%C
  ~%-100%R
}

::num::How many layers? {#5}

::short::Name the service {=SageMaker =Amazon SageMaker}
"""


def test_gift_with_escapes_weights_and_unsupported_types() -> None:
    result = import_text(GIFT, "gift", display="b.gift", bank_id="b")
    sec, tf, multi = result.bank["questions"]
    assert sec["id"] == "sec1" and sec["section"] == "Security"
    assert sec["stem"] == "Which setting stops root on a notebook?"
    assert sec["options"][0] == {"key": "A", "text": "RootAccess = Disabled", "correct": True,
                                 "explanation": "Right: users keep their own space."}
    assert tf["type"] == "true_false" and tf["options"][0]["correct"]
    assert tf["options"][0]["explanation"] == "Right, 3 s by default."
    assert multi["stem"] == "Pick two {GPU} families" and multi["choose"] == 2
    assert [p.message for p in result.skipped] == [
        "a numerical question has no options to pick from",
        "a short-answer question (only '=' answers) has no options to pick from"]


MOODLE = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Deploy</text></category></question>
  <question type="multichoice">
    <name><text>Endpoint choice</text></name>
    <questiontext format="html"><text><![CDATA[<p>Which option takes a <b>500&nbsp;MB</b> payload?</p>]]>
    </text></questiontext>
    <generalfeedback format="html"><text>Async takes up to 1 GB.</text></generalfeedback>
    <single>true</single>
    <answer fraction="100"><text>Asynchronous inference</text><feedback><text>Up to 1 GB.</text></feedback></answer>
    <answer fraction="0"><text>Serverless inference</text></answer>
    <answer fraction="0"><text>Real-time endpoint</text></answer>
  </question>
  <question type="essay"><name><text>e</text></name><questiontext><text>Discuss.</text></questiontext></question>
</quiz>
"""


def test_moodle_xml_with_cdata_html_and_an_essay() -> None:
    result = import_text(MOODLE, "moodle-xml", display="q.xml", bank_id="q")
    (q,) = result.bank["questions"]
    assert q["id"] == "endpoint-choice" and q["section"] == "Deploy"
    assert q["stem"] == "Which option takes a 500\xa0MB payload?"
    assert q["options"][0]["explanation"] == "Up to 1 GB. Async takes up to 1 GB."  # the general feedback follows
    assert q["options"][1]["explanation"] == "Async takes up to 1 GB."              # ... or stands in
    assert [(p.line, p.message) for p in result.skipped] == [
        (14, "a question of type 'essay' has no options to pick from")]


def test_moodle_xml_with_entities_is_refused_before_parsing() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaa">]><quiz>&a;</quiz>'
    with pytest.raises(QuizError, match="DOCTYPE or entities"):
        import_text(bomb, "moodle-xml", display="bomb.xml", bank_id="b")


def test_broken_xml_is_a_located_error() -> None:
    with pytest.raises(QuizError) as err:
        import_text("<quiz>\n<question>\n</quiz>", "moodle-xml", display="bad.xml", bank_id="b")
    assert err.value.problems[0].line == 3


ANKI_THIRD_PARTY = (
    "#separator:Tab\n#html:true\n"
    "What does SageMaker call the managed Jupyter host?<br>A. Studio app<br>B. Notebook instance<br>"
    "C. Processing job\tAnswer: B<br>It is a notebook instance.\n"
) + '''"A plain card with
a quoted newline"\tno options here
'''


def test_anki_csv_from_another_tool() -> None:
    result = import_text(ANKI_THIRD_PARTY, "anki-csv", display="deck.txt", bank_id="deck")
    (q,) = result.bank["questions"]
    assert [o["text"] for o in q["options"]] == ["Studio app", "Notebook instance", "Processing job"]
    assert q["options"][1]["correct"] and q["options"][1]["explanation"] == "It is a notebook instance."
    assert [(p.line, p.message) for p in result.skipped] == [
        (4, "a flashcard with no lettered options has nothing to pick from")]  # where the quoted record starts


HASCARD = """# Which family is burstable?
- M
* T
- C
---
# Select GPU families
[*] P
[ ] R
[x] G
---
# Order a training job
2. Download
1. Provision
3. Train
---
# A definition card
Some text.
"""


def test_hascard_choice_answer_and_reorder_cards() -> None:
    result = import_text(HASCARD, "hascard", display="deck.txt", bank_id="deck")
    single, multiple, order = result.bank["questions"]
    assert single["type"] == "single" and single["options"][1]["correct"]
    assert multiple["type"] == "multiple" and multiple["choose"] == 2
    assert order["type"] == "ordering" and [o["text"] for o in order["options"]] == ["Provision", "Download", "Train"]
    assert [(p.line, p.message) for p in result.skipped] == [
        (16, "a definition or open (gap) card has no options to pick from")]


def test_nothing_importable_is_an_error() -> None:
    with pytest.raises(QuizError, match="no question could be imported"):
        import_text("just some text\n", "ditectrev-md", display="x.md", bank_id="x")


def test_angle_brackets_survive_every_text_format() -> None:
    q = copy.deepcopy(SHIPPED["questions"][0])
    q["options"][0]["explanation"] = "Set KmsKeyId = <kms_key_arn> & keep the key."
    original = {"id": "b", "title": "t", "source": "s", "as_of": "2026-12-01", "questions": [q]}
    for fmt in ("gift", "moodle-xml", "anki-csv"):
        text, _ = export_text(original, fmt)
        back = import_text(text, fmt, display="x", bank_id="b").bank["questions"][0]
        assert back["options"][0]["explanation"] == "Set KmsKeyId = <kms_key_arn> & keep the key.", fmt


def test_a_moodle_ordering_of_a_subset_is_imported_whole_and_said() -> None:
    """qtype_ordering can show a random or contiguous subset of its items (selecttype, selectcount): the quiz
    orders them all, and the import says so rather than changing the question silently."""
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="ordering">
    <name><text>Steps</text></name>
    <questiontext format="html"><text>Order the steps.</text></questiontext>
    <selecttype>RANDOM</selecttype>
    <selectcount>3</selectcount>
    <answer fraction="1"><text>one</text></answer>
    <answer fraction="2"><text>two</text></answer>
    <answer fraction="3"><text>three</text></answer>
    <answer fraction="4"><text>four</text></answer>
  </question>
</quiz>
"""
    result = import_text(xml, "moodle-xml", display="o.xml", bank_id="o")
    [q] = result.bank["questions"]
    assert [o["text"] for o in q["options"]] == ["one", "two", "three", "four"]
    assert [(n.line, n.message) for n in result.notes] == [
        (3, "Moodle shows 3 of its 4 items to order; here all 4 are ordered")]


@pytest.mark.parametrize(("markup", "text"), [
    ('<img src="a.png">Which bucket?', "[image: a.png] Which bucket?"),        # set off from the next word
    ('Look: <img src="a.png"> then answer', "Look: [image: a.png] then answer"),
    ('<p><img src="a.png"></p><p>Which?</p>', "[image: a.png]\nWhich?"),        # a tag follows: no space added
    ('<IMG alt="x" SRC=\'b c.png\'>', "[image: b c.png]"),                      # any case, either quote
    ('<img src="@@PLUGINFILE@@/my%20chart.png">', "[image: my chart.png]"),     # Moodle's embedded file
    ('<img alt="no source">Text', "Text"),
])
def test_an_image_is_shown_as_a_word_and_its_source_is_what_an_importer_attaches(markup: str, text: str) -> None:
    """One pattern finds the images html_to_text shows and the sources an Anki import attaches (they were two
    patterns, and the attaching one also took an unclosed tag that the text never showed)."""
    from advisor.quiz.interop.common import html_to_text, image_sources

    assert html_to_text(markup) == text
    shown = [part.split("]")[0] for part in text.split("[image: ")[1:]]
    assert [s.removeprefix("@@PLUGINFILE@@/").replace("%20", " ") for s in image_sources(markup)] == shown
    assert image_sources('<img src="x.png"') == []  # never closed: not an image the text shows
