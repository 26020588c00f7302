"""advisor.documents: every refusal is located, fast and bounded."""

from __future__ import annotations

import resource
import time

import pytest
import yaml
from pydantic import BaseModel, ConfigDict

from advisor.documents import parse_yaml, validate_document
from advisor.errors import KnowledgeError


def _problem(raw: bytes | str) -> str:
    with pytest.raises(KnowledgeError) as info:
        parse_yaml(raw, "f.yaml")
    return info.value.render()


def test_lines_are_recorded_for_keys_and_items() -> None:
    doc = parse_yaml("a: 1\nitems:\n  - x: 1\n  - x: 2\n    y: 3\n", "f.yaml")
    assert doc.line_of(("items", 1, "y")) == 5
    assert doc.line_of(("items", 0)) == 3
    assert doc.line_of(("items", 1, "y", "deeper")) == 5


@pytest.mark.parametrize(("raw", "needle"), [
    (b"", "file is empty"),
    (b"   \n# only a comment\n", "file is empty"),
    (b"a: [1, 2\nb: 3\n", "f.yaml:2: malformed YAML: did not find expected ',' or ']'"),
    (b"a: 1\n\xff\xfe: 2\n", "f.yaml:2: byte 0xff is not valid UTF-8"),
    (b"a: !!python/object:os.system {}\n", "tag 'tag:yaml.org,2002:python/object:os.system' is not allowed"),
    (b"a: !custom 1\n", "tag '!custom' is not allowed"),
    (b"a: 1\nb: 2\na: 3\n", "f.yaml:3: the key 'a' appears twice"),
    (b"a: &x 1\nb: *x\n", "f.yaml:2: b: this alias"),
    (b"base: &b {x: 1}\nother:\n  <<: *b\n", "f.yaml:3: other: write the merged fields out"),
    (b"a: 1\n---\nb: 2\n", "more than one YAML document"),
    # what Windows PowerShell 5's `>` writes: said as UTF-16, not as a stray byte 0xff
    ("a: 1\n".encode("utf-16"), "f.yaml:1: the file is UTF-16 (it starts with the byte-order mark FF FE)"),
    (b"a: 1\n\x00\x00\x01", "f.yaml:2: binary data (a NUL byte), not YAML or JSON text"),
])
def test_bad_yaml_is_refused_with_a_location(raw: bytes, needle: str) -> None:
    assert needle in _problem(raw)


@pytest.mark.parametrize(("text", "needle", "on_the_fast_path"), [
    ("a: 1\nb: [1, 2\nc: 3\n", "f.yaml:3: malformed YAML: did not find expected ',' or ']'", True),
    ("a: 1\nb: c: d\n", "f.yaml:2: malformed YAML: mapping values are not allowed in this context", True),
    ("a: 1\n---\nb: [\n", "more than one YAML document", False),  # the second document: the full path's
    ("a: &x 1\nb: *x\nc: [\n", "f.yaml:4: malformed YAML: did not find expected node content", False),  # alias
])
def test_a_syntax_error_met_on_the_fast_path_is_reported_as_the_full_path_would(
        text: str, needle: str, on_the_fast_path: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml's own complaint is reported where the fast path meets it, without composing the file again (for
    a mistake near the end of a big bank that took seconds); what the fast path leaves to the full one still
    goes there, and the words and lines are the full path's."""
    from advisor import documents

    full = _problem(text)
    assert needle in full
    if on_the_fast_path:
        monkeypatch.setattr(documents, "_Loader", None)  # the full path would fail on this
        assert _problem(text) == full


def test_alias_bomb_is_refused_quickly_with_bounded_memory() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    bomb = "\n".join(lines) + "\n"  # 9**12 leaves if expanded
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    message = _problem(bomb)
    elapsed = time.perf_counter() - start
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert "aliases are not allowed" in message and "f.yaml:2:" in message
    assert elapsed < 0.5
    assert grown_kib < 50_000


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    memory_gib: float
    name: str


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[_Item]


def test_validation_errors_name_file_line_and_field_in_plain_words() -> None:
    doc = parse_yaml("items:\n  - name: a\n    memory_gib: 4\n  - name: b\n    memory_gib: sixteen\n", "x.yaml")
    with pytest.raises(KnowledgeError) as info:
        validate_document(_File, doc)
    assert str(info.value.problems[0]) == "x.yaml:5: items[1].memory_gib: must be a number, got 'sixteen'"


def test_unknown_key_suggests_the_nearest_field() -> None:
    doc = parse_yaml("items:\n  - name: a\n    memory_gb: 4\n", "x.yaml")
    with pytest.raises(KnowledgeError) as info:
        validate_document(_File, doc)
    rendered = [str(p) for p in info.value.problems]
    assert "x.yaml:3: items[0].memory_gb: is not a known field (hint: did you mean 'memory_gib'?)" in rendered
    assert "x.yaml:2: items[0].memory_gib: is required" in rendered


def test_json_documents_take_the_fast_path_and_errors_are_still_located() -> None:
    doc = parse_yaml('{\n  "items": [\n    {"name": "a", "memory_gib": 4},\n'
                     '    {"name": "b", "memory_gib": "x"}\n  ]\n}\n',
                     "x.json")
    assert doc._lines is None  # no line map built for a document that validates
    with pytest.raises(KnowledgeError) as info:
        validate_document(_File, doc)
    assert str(info.value.problems[0]) == "x.json:4: items[1].memory_gib: must be a number, got 'x'"


def test_json_duplicate_keys_fall_back_to_the_located_yaml_error() -> None:
    assert "x.json:1: the key 'a' appears twice" in _problem_in('{"a": 1, "a": 2}', "x.json")


def _problem_in(raw: str, display: str) -> str:
    with pytest.raises(KnowledgeError) as info:
        parse_yaml(raw, display)
    return info.value.render()


# ---- the fast path for plain YAML ---------------------------------------------------------------------------

PLAIN_SCALARS = """\
words: [yes, no, on, off, true, False, NULL, ~, y, n, Yes please, offline, nothing]
integers: [0, 7, 10, 00, 08, 0777, ٣, ², 123456789012345678901234567890]
numbers: [1, -2, +3, 0x1f, 0o17, 017, 1_000, 1.5, .5, -.inf, .NaN, 1e3, 12:30:45, "1", '2.0']
dates: [2026-12-01, 2026-12-01 10:20:30, "2026-12-01"]
empty:
blank: ""
text: "<<"
nested: {a: [1, {b: c}], d: {}}
folded: >
  two
  lines
"""


def test_plain_yaml_takes_the_fast_path_and_reads_exactly_as_pyyaml() -> None:
    import math

    import yaml

    doc = parse_yaml(PLAIN_SCALARS, "plain.yaml")
    assert doc._lines is None, "plain YAML is built from libyaml's events, the line map only on demand"
    expected = yaml.load(PLAIN_SCALARS, Loader=yaml.SafeLoader)
    nan = [i for i, v in enumerate(expected["numbers"]) if isinstance(v, float) and math.isnan(v)]
    assert nan and all(math.isnan(doc.data["numbers"][i]) for i in nan)
    for i in nan:
        doc.data["numbers"][i] = expected["numbers"][i] = "nan"
    assert doc.data == expected
    assert doc.line_of(("nested", "a", 1)) == 8  # lines still there when a message needs one


@pytest.mark.parametrize("text", [
    "a: &x [1]\nb: *x\n",        # anchors and aliases
    "a: !!str 1\n",              # an explicit tag (core, so accepted by the full path)
    "a: 1\na: 2\n",              # a duplicate key
    "<<: {a: 1}\n",              # a merge key
    "1: one\n",                  # a key that is not text
    "a: 1\n---\nb: 2\n",         # two documents
    "a: [1, 2\n",                # a syntax error
])
def test_unusual_yaml_goes_the_full_way_with_the_same_verdict(text: str) -> None:
    import yaml

    from advisor.documents import _build_from_events, _CParser, _Unusual

    with pytest.raises((_Unusual, yaml.YAMLError, KeyError)):
        _build_from_events(_CParser(text))
    try:
        doc = parse_yaml(text, "odd.yaml")
    except KnowledgeError as exc:
        assert exc.problems and exc.problems[0].line, "refused at its line, as before"
    else:
        assert doc.data == yaml.load(text, Loader=yaml.SafeLoader)


# ---- line maps of fast-path documents, nesting depth on the fast path -----------------------------------------

def _composed_lines(text: str) -> dict[tuple[str | int, ...], int]:
    """The line map the full path builds, by composing nodes: what the event-built map must equal."""
    from advisor.documents import _check_and_index, _Loader

    loader = _Loader(text)
    try:
        lines: dict[tuple[str | int, ...], int] = {}
        _check_and_index(loader.get_single_node(), (), lines, "f.yaml", KnowledgeError, set())
        return lines
    finally:
        loader.dispose()


BANK_LIKE = """\
id: b
questions:
  - id: q1
    options:
      - key: A
        text: >
          folded
          text
      - {key: B, text: "flow"}
    tags: [a, [b, c], {d: e}]
  -
    id: q2
    empty:
    list:
    - x
    - - y
      - z
"""


@pytest.mark.parametrize("text", [PLAIN_SCALARS, BANK_LIKE, '{\n "a": [1,\n  {"b": 2}],\n "c": {}\n}\n'])
def test_the_line_map_of_a_fast_document_is_the_composed_one(text: str) -> None:
    doc = parse_yaml(text, "f.yaml")
    assert doc._lines is None
    assert doc.lines == _composed_lines(text)


def test_a_big_document_keeps_its_line_numbers() -> None:
    """Past 2 MiB a fast document's errors used to lose their line; the event pass locates them at any size."""
    count = 30_000
    text = "items:\n" + "".join(f"  - name: item {n} with a long enough name to fill a line\n    memory_gib: 4\n"
                                for n in range(count - 1)) + "  - name: last\n    memory_gib: lots\n"
    assert len(text) > 2 * 1024 * 1024
    doc = parse_yaml(text, "big.yaml")
    with pytest.raises(KnowledgeError) as info:
        validate_document(_File, doc)
    assert str(info.value.problems[0]) == (f"big.yaml:{2 * count + 1}: items[{count - 1}].memory_gib: "
                                           "must be a number, got 'lots'")


def test_nesting_is_counted_on_the_fast_path_to_the_limit_and_refused_past_it() -> None:
    from advisor.documents import MAX_DEPTH

    deepest = "a:\n" + "".join("  " * i + "- \n" for i in range(1, MAX_DEPTH - 1)) + "  " * (MAX_DEPTH - 1) + "- x\n"
    doc = parse_yaml(deepest, "ok.yaml")
    assert doc._lines is None, "read on the fast path"
    too_deep = "a:\n" + "".join("  " * i + "- \n" for i in range(1, MAX_DEPTH)) + "  " * MAX_DEPTH + "- x\n"
    with pytest.raises(KnowledgeError) as info:
        parse_yaml(too_deep, "deep.yaml")
    assert "deep.yaml:" in info.value.render() and "nested too deeply" in info.value.render()


# ---- a long document read in pieces, on several cores ---------------------------------------------------------

PIECES = [
    # (text, column of the root's last list): cut lines inside quoted scalars, after block and plain scalars
    # and flow lists that end above them, comments, CRLF, an indented list, `...` at the end
    ('id: b\nquestions:\n- id: q1\n  stem: "a quoted stem\n- that runs on"\n- id: q2\n  stem: \'single\n- quoted\'\n'
     "- id: q3\n  stem: |\n    a block\n    - deeper\n- id: q4\n  stem: plain\n    - continued\n"
     "- [a,\n  b]\n# - a comment\n- id: q5\n  tags: [x, {y: 1}]\n- - nested\n  - list\n- last\n...\n", 0),
    ('id: b\r\nquestions:\r\n  - id: q1\r\n    stem: "quoted\r\n  - on"\r\n  - q2\r\n  -\r\n    id: q3\r\n'
     "  - {id: q4}\r\n  - 2026-12-01\r\n  - yes\r\n", 2),
    ("a: [1, 2]\nb:\n  c: d\nitems:\n- x\n- y: |\n    text\n- z\n", 0),
]


def _item_lines(text: str, column: int) -> list[int]:
    """Every place `_cuts` may cut: the start of a line opening an item at the list's column."""
    import re

    return [m.start() + 1 for m in re.finditer("\n" + " " * column + "- ", text)]


@pytest.mark.parametrize(("text", "column"), PIECES)
def test_a_document_read_in_pieces_is_the_whole_or_read_whole(text: str, column: int) -> None:
    """Wherever the cuts fall among the list's item lines, the pieces give exactly what one pass gives, or None
    (a piece refused), never something else: a cut inside a quoted scalar leaves its piece unclosed."""
    from itertools import combinations

    from advisor.documents import _build_from_events, _build_from_pieces, _CParser

    whole = _build_from_events(_CParser(text))
    key = next(reversed(whole))
    lines = [at for at in _item_lines(text, column) if at > text.index(key + ":")]
    read_in_pieces = 0
    for count in (1, 2, 3):
        for cuts in combinations(lines, count):
            pieces = _build_from_pieces(text, key, list(cuts))
            assert pieces is None or pieces == whole, cuts
            read_in_pieces += pieces is not None
    assert read_in_pieces, "some cuts are clean"


def test_cuts_fall_on_item_lines_of_the_root_s_last_block_list_only() -> None:
    from advisor.documents import _cuts

    text = PIECES[0][0].removesuffix("...\n")
    key, cuts = _cuts(text, 3)
    assert key == "questions" and len(cuts) == 2 and all(text[at:at + 2] == "- " for at in cuts)
    items = "questions:\n" + "- an item\n" * 6
    key, [cut] = _cuts(items, 2)
    assert key == "questions" and items[cut - 1:cut + 2] == "\n- " and len(items) // 2 < cut < len(items) * 3 // 4
    assert _cuts(items + "# the end\n", 2) is not None  # a comment may follow the list
    assert _cuts(items + "after: 1\n", 2) is None  # not more keys: read in one piece
    assert _cuts(items + "...\n", 2) is None  # nor the end of the document
    assert _cuts("%TAG !e! tag:example.com,2026:\n---\n" + items, 2) is None  # directives stay with the first
    assert _cuts("questions: [a,\n" + "- b,\n" * 6 + "]\n", 2) is None  # a flow list
    assert _cuts("- a\n" * 6, 2) is None  # a list at the root: no key to put the pieces under
    assert _cuts("long: '" + "x" * 70_000 + "'\n" + items, 2) is None  # a list far down is not looked for
    assert _cuts("a: [", 2) is None


def _big(items: int, last: str = "  - name: last\n    memory_gib: 4\n") -> str:
    return "items:\n" + "".join(f"  - name: item {n} with a long enough name to fill a line\n    memory_gib: 4\n"
                                for n in range(items)) + last


def test_a_long_document_is_read_in_pieces_with_no_child_left_behind(monkeypatch: pytest.MonkeyPatch,
                                                                     forks: list[int]) -> None:
    import os
    import sys
    import threading

    from advisor import forked
    from advisor.documents import PARTS_MIN_CHARS, _build_from_events, _CParser

    text = _big(30_000)
    assert len(text) > PARTS_MIN_CHARS
    monkeypatch.setattr(forked, "usable_cores", lambda: 3)
    doc = parse_yaml(text, "big.yaml")
    assert len(forks) == 2 and doc.data == _build_from_events(_CParser(text))
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # every child was waited for
    dated = _big(30_000, last="  - name: last\n    when: 2026-12-01\n")  # a date JSON cannot carry back
    assert parse_yaml(dated, "big.yaml").data == _build_from_events(_CParser(dated)) and len(forks) == 4
    for odd in ("1.0e+400", ".nan", str(2**70)):  # what JSON cannot carry back: read again in the whole
        before = len(forks)
        data = parse_yaml(_big(30_000, last=f"  - name: last\n    size: {odd}\n"), "big.yaml").data
        assert len(forks) == before + 2 and repr(data["items"][-1]["size"]) == repr(yaml.safe_load(odd))
    forks[4:] = []
    small = parse_yaml(_big(10), "small.yaml")
    assert len(forks) == 4 and len(small.data["items"]) == 11, "a small document is read in one piece"
    with monkeypatch.context() as darwin:
        darwin.setattr(sys, "platform", "darwin")
        assert parse_yaml(text, "big.yaml").data == doc.data
        assert len(forks) == 4, "Linux only"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert parse_yaml(text, "big.yaml").data == doc.data
        assert len(forks) == 4, "no fork from a process with other threads"
    finally:
        stop.set()
        other.join()


@pytest.mark.parametrize("broken", ["first", "middle", "last"])
def test_what_a_piece_refuses_is_located_in_the_whole(broken: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Malformed YAML, nesting too deep, a wrong value: wherever it stands, in the first piece, at a cut or in
    the last piece, the message and the line are what one pass gives."""
    from advisor import documents, forked

    monkeypatch.setattr(forked, "usable_cores", lambda: 2)
    text = _big(30_000)
    _, [cut] = documents._cuts(text, 2)
    line = {"first": 4, "middle": text.count("\n", 0, cut) + 1, "last": text.count("\n") - 1}[broken]
    lines = text.splitlines(keepends=True)
    at = line - 1
    assert lines[at].startswith("  - name:")
    deep = "[" * 62 + "]" * 62  # with the root mapping, the list and the item: 65 levels, one too many
    for replacement, message in (
            ("  - name: [unclosed\n", f"big.yaml:{line + 1}: malformed YAML: did not find expected ',' or ']'"),
            (f"  - name: {deep}\n", f"big.yaml:{line}: more than 64 levels of nested lists or mappings"),
            ("  - name: x\n    memory_gib: lots\n",
             f"big.yaml:{line + 1}: items[{(line - 2) // 2}].memory_gib: must be a number, got 'lots'")):
        changed = "".join([*lines[:at], replacement, *lines[at + 1 + (replacement.count("\n") - 1):]])
        with pytest.raises(KnowledgeError) as info:
            validate_document(_File, parse_yaml(changed, "big.yaml"))
        assert message in info.value.render(), (replacement, info.value.render()[:300])
