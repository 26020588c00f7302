"""Inputs are bounded before they are parsed: size while reading, nesting depth before composing, and text that
YAML and JSON read differently never turns a validation error into a crash."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from advisor.documents import MAX_BYTES, MAX_DEPTH, parse_yaml, read_bytes
from advisor.errors import KnowledgeError, WorkloadError, printable
from advisor.knowledge.loader import load_knowledge
from advisor.workload import load_workload

K = load_knowledge()


def _nested(depth: int) -> str:
    return "a: " + "[" * depth + "]" * depth + "\n"


@pytest.mark.parametrize("text", [
    _nested(MAX_DEPTH + 1),
    "[" * 25_000,                                              # unclosed: the old C-stack overflow
    '{"a": ' + "[" * 25_000 + "]" * 25_000 + "}",            # JSON
    "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 2)) + "  " * (MAX_DEPTH + 2) + "x: 1\n",  # block
    "- " * (MAX_DEPTH + 5) + "x\n",                           # compact block sequences on one line
])
def test_deep_nesting_is_a_located_error(text: str) -> None:
    with pytest.raises(KnowledgeError) as caught:
        parse_yaml(text, "deep.yaml")
    rendered = caught.value.render()
    assert "nested too deeply" in rendered or "malformed" in rendered
    assert "deep.yaml:" in rendered


def test_nesting_up_to_the_limit_is_read() -> None:
    assert parse_yaml(_nested(MAX_DEPTH - 1), "ok.yaml").data["a"] is not None


def test_json_is_read_on_its_fast_path_to_the_limit_and_refused_past_it() -> None:
    """JSON's depth is counted on the parsed data (the text is not scanned first): the same limit, the same
    located refusal."""
    def nested(depth: int) -> str:  # a mapping holding lists: `depth` levels in all
        return '{"a": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"

    doc = parse_yaml(nested(MAX_DEPTH), "ok.json")
    assert doc._lines is None and doc._source is not None, "read on the JSON fast path"
    with pytest.raises(KnowledgeError) as caught:
        parse_yaml(nested(MAX_DEPTH + 1), "deep.json")
    assert f"deep.json:1: more than {MAX_DEPTH} levels" in str(caught.value.problems[0])
    assert parse_yaml('{"a": "' + "[" * 1000 + '"}', "s.json").data == {"a": "[" * 1000}


def test_brackets_inside_strings_do_not_count() -> None:
    text = 'a: "' + "[" * 1000 + '"\n'
    assert parse_yaml(text, "s.yaml").data == {"a": "[" * 1000}


def test_deep_nesting_from_the_command_line_exits_2_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 30_000)
    result = subprocess.run([sys.executable, "-m", "advisor", "recommend", str(path), "--no-cache"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr


def test_a_huge_file_is_refused_without_being_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "sparse.yaml"
    with path.open("wb") as handle:
        handle.truncate(1024**3)  # 1 GB, sparse: reading it whole would take 1 GB of memory
    started = time.perf_counter()
    with pytest.raises(WorkloadError, match="larger than 16 MiB"):
        read_bytes(path, "sparse.yaml", WorkloadError)
    assert time.perf_counter() - started < 10


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_stdin_is_refused() -> None:
    with open("/dev/zero", "rb") as zero:
        result = subprocess.run([sys.executable, "-m", "advisor", "recommend", "-", "--no-cache"],
                                stdin=zero, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "larger than 16 MiB" in result.stderr


def test_a_16_mib_workload_is_validated_in_seconds(tmp_path: Path) -> None:
    """The stage check used to be quadratic (an 11 MB file took about 50 minutes)."""
    stages = ", ".join(["training"] * ((MAX_BYTES - 100) // 10))
    text = f"stages: [{stages}]\n"
    assert len(text) <= MAX_BYTES
    started = time.perf_counter()
    with pytest.raises(WorkloadError, match=r"lists \d+ stages"):  # refused before its items are validated
        load_workload("big.yaml", K, text=text)
    assert time.perf_counter() - started < 30  # about 9 s on a loaded 2-core machine


@pytest.mark.parametrize("text", [
    '{"stages": ["training"], "name": "caf\\ud83d\\ude00", "data": {"size_gb": "lots"}}',
    '{"stages": ["training"], "name": "a\u2028b\u2029c", "data": {"size_gb": "lots"}}',
    '{"stages": ["training"], "name": "lone \\ud83d", "data": {"size_gb": -1}}',
])
def test_json_that_yaml_reads_differently_still_gives_a_plain_error(text: str) -> None:
    with pytest.raises(WorkloadError) as caught:
        load_workload("w.json", K, text=text)
    assert "data.size_gb" in caught.value.render()
    caught.value.render().encode("utf-8")  # printable: no lone surrogate left


def test_control_characters_from_input_are_escaped_in_messages() -> None:
    with pytest.raises(WorkloadError) as caught:
        load_workload("w.yaml", K, text='stages: [training]\n"\\e]0;pwned\\a\\e[31m": 1\n')
    rendered = caught.value.render()
    assert "\x1b" not in rendered and "\x07" not in rendered
    assert "\\x1b]0;pwned\\x07" in rendered


def test_printable_escapes_what_drives_a_terminal_and_keeps_the_rest() -> None:
    assert printable("a\x1bb\x07c\x9b\u202e\u2028\ud83d\tok\né") == "a\\x1bb\\x07c\\x9b\\u202e\\u2028\\ud83d\tok\né"


def test_text_taken_as_printable_never_holds_a_character_that_is_escaped() -> None:
    """`printable` returns a text `str.isprintable` accepts as it is: that is safe only while every character
    the pattern escapes is one `isprintable` refuses (checked over all of Unicode)."""
    import sys

    from advisor.errors import _UNSAFE

    escaped = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if _UNSAFE.match(c))
    assert escaped and not any(c.isprintable() for c in escaped)
    assert printable("plain text, é and 日本") == "plain text, é and 日本"
