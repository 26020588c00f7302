"""What the spec and expert import harnesses share: a data file read as the CLI reads it, the part of an imported
question its expectation states, and the comparison of an imported bank with those expectations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: An expected question: (id or None when generated, type, stem, options as shape() gives them, extra fields).
Expected = tuple[Any, str, str, list[tuple[Any, ...]], dict[str, Any]]


def read_data(path: Path) -> str:
    """A file as the CLI reads it: bytes decoded as UTF-8 (a BOM dropped), line ends left to import_text."""
    return path.read_bytes().decode("utf-8-sig")


def shape(q: dict[str, Any]) -> list[tuple[Any, ...]]:
    """An imported question's options, as much of each as its type has (matching: the match; else correct)."""
    if q["type"] == "matching":
        return [(o["text"], o["match"], o["explanation"]) for o in q["options"]]
    if q["type"] == "ordering":
        return [(o["text"], o["explanation"]) for o in q["options"]]
    return [(o["text"], o["correct"], o["explanation"]) for o in q["options"]]


def essence(q: dict[str, Any]) -> tuple[Any, ...]:
    """What an export and a re-import must keep of a question the format carries."""
    return q["id"], q["type"], q["stem"], shape(q), q.get("choose"), q.get("distractors"), q["section"], q["topics"]


def assert_questions(got: Sequence[dict[str, Any]], expected: Sequence[Expected]) -> None:
    """The imported questions are the expected ones, in order: type and stem, id when stated, options, and each
    extra field stated (a field the import left out compares as None)."""
    assert [(q["type"], q["stem"]) for q in got] == [(kind, stem) for _, kind, stem, _, _ in expected]
    for q, (qid, _, _, options, extra) in zip(got, expected):
        if qid is not None:
            assert q["id"] == qid
        assert shape(q) == options, q["id"]
        assert {key: q.get(key) for key in extra} == extra, q["id"]
