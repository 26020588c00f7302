"""python-hcl2's parser is built once per user and kept in the signed cache as JSON, not rebuilt by every process
of a read-only install (python-hcl2 writes lark's cache beside its own files, which such an install cannot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2
import pytest
from lark import Lark

from advisor.audit.readers import terraform

ROOT = Path(__file__).parents[2]
TF_FILES = sorted([*(ROOT / "examples" / "audit").rglob("*.tf"),
                   *(p for p in (Path(__file__).parent / "data").rglob("*.tf") if "bad" not in p.parts)])


@pytest.fixture()
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder and no parser in memory: what a new process of a new user starts with, with
    python-hcl2 installed where it cannot write its own cache (simulated: its cache file's folder is missing)."""
    import hcl2.parser

    monkeypatch.setattr(hcl2.parser, "PARSER_FILE", tmp_path / "read-only" / ".lark_cache.bin")
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(terraform, "_PARSER", [])
    monkeypatch.setattr(terraform, "_FOLDER", [])
    return tmp_path / "cache"


def _no_build(*_args: Any, **_kwargs: Any) -> Lark:
    raise AssertionError("the grammar was built again")


def test_the_parser_gives_what_hcl2_loads_gives() -> None:
    """The same tree as python-hcl2, but for a list inlined into an expression (see the next test)."""
    import json
    import re

    compared = 0
    for path in TF_FILES:
        text = path.read_text(encoding="utf-8")
        theirs = hcl2.loads(text, with_meta=True)
        if re.search(r"\$\{[^\"]*\[", json.dumps(theirs)):  # a list inside an expression: theirs loses quotes
            continue
        assert terraform._parse(text) == theirs, path
        compared += 1
    assert compared >= 5


def test_a_list_inside_an_expression_keeps_its_strings_quoted() -> None:
    """python-hcl2 7.3 writes `toset(["a", "b"])` as `${toset([a, b])}`: `a` would read as a name that is not
    there. The audit's tree keeps the quotes, unwraps the expressions in the list, and writes null as null."""
    tree = terraform._parse('a = toset(["score", "explain"])\nb = concat(["x", var.y, 1, true, null], var.l)\n'
                            'c = ["plain", "list"]\nd = length(["é"])\n')
    assert tree["a"] == '${toset(["score", "explain"])}'
    assert tree["b"] == '${concat(["x", var.y, 1, true, null], var.l)}'
    assert tree["c"] == ["plain", "list"] and tree["d"] == '${length(["é"])}'
    assert hcl2.loads('a = toset(["score", "explain"])\n')["a"] == "${toset([score, explain])}"  # still theirs?


def test_a_second_process_loads_the_parser_from_the_cache_without_hcl2s_own(
        fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hcl2.parser

    # a read-only install: python-hcl2's own parser (and its lark cache file) must never be needed
    monkeypatch.setattr(hcl2.parser, "parser", _no_build)
    built = terraform._hcl_parser()
    [entry] = fresh.glob("hcl2-*-parser.json")
    assert b"pickle" not in entry.read_bytes()[:200] and entry.read_bytes().split(b"\n", 1)[1].startswith(b"{")
    monkeypatch.setattr(terraform, "_PARSER", [])  # the next process
    monkeypatch.setattr(Lark, "open", _no_build)
    loaded = terraform._hcl_parser()
    assert loaded is not built
    text = TF_FILES[0].read_text(encoding="utf-8")
    assert hcl2.transform(loaded.parse(text + "\n"), with_meta=True) == hcl2.loads(text, with_meta=True)


def test_where_hcl2_can_keep_its_own_cache_its_parser_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hcl2.parser

    monkeypatch.setattr(terraform, "_PARSER", [])
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(hcl2.parser, "PARSER_FILE", tmp_path / ".lark_cache.bin")  # a writable folder
    assert terraform._hcl_parser() is hcl2.parser.parser()
    assert not list(tmp_path.glob("cache/hcl2-*-parser.json"))


def test_a_damaged_or_planted_parser_entry_is_a_miss(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terraform._hcl_parser()
    [entry] = fresh.glob("hcl2-*-parser.json")
    entry.write_bytes(entry.read_bytes().replace(b'"lalr"', b'"earley"', 1))  # the signature no longer matches
    monkeypatch.setattr(terraform, "_PARSER", [])
    calls: list[object] = []
    original = Lark.open

    def counting(*args: Any, **kwargs: Any) -> Lark:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(Lark, "open", counting)
    text = TF_FILES[0].read_text(encoding="utf-8")
    assert terraform._parse(text) == hcl2.loads(text, with_meta=True) and len(calls) == 1


def test_the_serialised_parser_has_no_string_key_of_digits() -> None:
    """`_int_keys` turns every key of digits back into an integer: that is right only while lark names nothing
    with digits alone."""
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    parser = Lark.open(str(Path(hcl2.__file__).parent / "hcl2.lark"), parser="lalr", propagate_positions=True)
    data, memo = parser.memo_serialize([TerminalDef, Rule])

    def string_keys(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [k for k in value if isinstance(k, str)] + [s for v in value.values() for s in string_keys(v)]
        if isinstance(value, (list, tuple)):
            return [s for v in value for s in string_keys(v)]
        return []

    keys = string_keys({"data": data, "memo": memo})
    assert keys and not [k for k in keys if k.isdigit()]


def test_a_tampered_parse_entry_is_a_miss_never_another_tree(fresh: Path) -> None:
    """#15: a cache hit is the tree the parser gives. A planted or bit-flipped parse result (here one that would
    turn a notebook's direct internet access off) is refused by its signature and the file is parsed again."""
    import os
    import stat

    text = 'resource "aws_sagemaker_notebook_instance" "n" {\n  direct_internet_access = "Enabled"\n}\n'
    tree = terraform._parse_cached(text)
    [entry] = [p for p in fresh.rglob("*.json") if p.parent.name.startswith("hcl2-")]
    assert stat.S_IMODE(os.stat(entry.parent).st_mode) == 0o700 and stat.S_IMODE(os.stat(fresh).st_mode) == 0o700
    entry.write_bytes(entry.read_bytes().replace(b'"Enabled"', b'"Disabled"'))
    assert terraform._parse_cached(text) == tree
    entry.write_bytes(b'{"resource": []}')  # planted without a signature
    assert terraform._parse_cached(text) == tree


def test_an_audit_under_umask_000_keeps_the_cache_private(fresh: Path) -> None:
    import os
    import stat

    old = os.umask(0)
    try:
        terraform._parse_cached('resource "aws_lambda_function" "f" {\n  runtime = "python3.12"\n}\n')
    finally:
        os.umask(old)
    folders = [fresh, *[p for p in fresh.iterdir() if p.is_dir()]]
    assert len(folders) == 2 and all(stat.S_IMODE(os.stat(p).st_mode) == 0o700 for p in folders)


@pytest.mark.parametrize(("line", "end"), [
    ('"plain" x', 7),
    ('"a \\" b" x', 8),                                   # an escaped quote does not close it
    ('"${join(",", ["}"])}" x', 21),                     # a string inside an interpolation, a brace inside that
    ('"$${not} an interpolation" x', 26),
    ('"never closed', 13),
])
def test_one_string_scanner_serves_the_bracket_check_and_the_interpolations(line: str, end: int) -> None:
    from advisor.audit.readers.tf_values import Scope, string_end

    assert string_end(line, 0) == end
    terraform._check_balanced(f'locals {{\n  x = {line.removesuffix(" x")}\n}}\n' if end < len(line) else "")
    assert Scope({}, {}).template('a-${join(",", ["b}", "c"])}') == "a-b},c"
