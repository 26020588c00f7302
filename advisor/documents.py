"""Located YAML documents: safe parsing that remembers where every value came from.

Every file a user or a maintainer writes (knowledge, rules, banks, snapshots, workloads) comes through here so
that every complaint, from the YAML parser or from pydantic, names the file, the line and the field path.

What is refused, and why:
- aliases and anchors: an alias bomb ("billion laughs") composes in linear time but would explode when
  validated; none of our formats needs them, so the first alias is an error at its line;
- tags other than YAML's core schema (`!!python/object`, custom `!tags`): no code ever runs from YAML;
- duplicate keys in a mapping: PyYAML keeps the last silently, which loses data;
- non-UTF-8 bytes, empty documents, more than one document, files over `MAX_BYTES`.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO, TypeVar, get_args, get_origin

import orjson
import yaml
from yaml.events import (
        AliasEvent,
        DocumentEndEvent,
        DocumentStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
        StreamStartEvent,
    )

from advisor import forked
from advisor.atomic import os_cause
from advisor.errors import AdvisorError, KnowledgeError, Problem, printable

if TYPE_CHECKING:  # pydantic is imported only when a document is validated
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

M = TypeVar("M")

try:  # libyaml's C parser when the wheel has it: several times faster on big files
    from yaml import CSafeLoader as _Loader
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]
    _CParser = None  # type: ignore[misc, assignment]

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_PROBLEMS = 50
"""Validation problems listed per document; the rest are counted."""
"""Deepest nesting of lists and mappings any of our formats accepts (a workload needs 3, a bank 5)."""
_FLOW = re.compile(r"[\[\]{}]")

_CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "binary")
)

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Document:
    """Parsed YAML plus the line of every mapping key and sequence item (1-based).

    A JSON document read on the fast path has no line map until an error needs one: then it is composed once
    more through the YAML path (JSON is YAML), which is slow but happens only on the way to an error message.
    """

    display: str
    data: Any
    _lines: dict[Path_, int] | None = field(default=None, repr=False)
    _source: str | None = field(default=None, repr=False)

    @property
    def lines(self) -> dict[Path_, int]:
        if self._lines is None:
            object.__setattr__(self, "_lines", _index_lines(self._source or ""))
        return self._lines  # type: ignore[return-value]

    def line_of(self, path: Iterable[str | int]) -> int | None:
        """The line of the deepest known ancestor of `path` (pydantic locations may go deeper than YAML)."""
        return _deepest_line(self.lines, tuple(path))

    def lines_of(self, paths: Iterable[Path_]) -> list[int | None]:
        """`line_of` for several paths at once. Without a line map yet, one pass over the text records only
        these paths and stops once it has them all: an error near the top of a 16 MiB file is located at once,
        not after indexing every line below it."""
        wanted = [tuple(p) for p in paths]
        if self._lines is not None or not wanted:
            return [self.line_of(p) for p in wanted]
        found = _index_lines(self._source or "", {p[:i] for p in wanted for i in range(len(p) + 1)})
        return [_deepest_line(found, p) for p in wanted]


def _deepest_line(lines: dict[Path_, int], key: Path_) -> int | None:
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return lines.get(())


def display_path(path: Path, base: Path | None = None) -> str:
    """A path as a user would type it: relative to `base` (or the working directory) when inside it."""
    for root in (base, Path.cwd()):
        if root is None:
            continue
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            continue
    return str(path)


def format_path(path: Iterable[str | int]) -> str:
    """`('instance_types', 7, 'memory_gib')` -> `instance_types[7].memory_gib`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def read_yaml(path: Path, display: str | None = None, error: type[AdvisorError] = KnowledgeError) -> Document:
    """Read and parse one YAML file; every failure is an `error` naming the file and line."""
    shown = display or display_path(path)
    return parse_yaml(read_bytes(path, shown, error), shown, error)


def read_bytes(path: Path, shown: str, error: type[AdvisorError] = KnowledgeError) -> bytes:
    """A user's file, or one plain `error` saying why it cannot be read.

    At most `MAX_BYTES` are read: a bigger file (or /dev/zero) is refused without being read whole.
    """
    try:
        with path.open("rb") as handle:
            return read_limited(handle, shown, error)
    except OSError as exc:
        raise unreadable(exc, path, shown, error) from None


def unreadable(exc: OSError, path: Path, shown: str, error: type[AdvisorError] = KnowledgeError) -> AdvisorError:
    """The one wording of a user's file that cannot be opened or read, whichever command reads it."""
    if isinstance(exc, FileNotFoundError):
        return error(f"{shown}: no such file")
    if isinstance(exc, IsADirectoryError):
        return error(f"{shown}: is a folder, not a file")
    return error(f"{shown}: cannot read ({os_cause(exc, path)})")


def read_limited(stream: BinaryIO, shown: str, error: type[AdvisorError] = KnowledgeError) -> bytes:
    """All of `stream` (a file, stdin), refused once it passes `MAX_BYTES`, before more is read."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise error(f"{shown}: larger than {MAX_BYTES // (1024 * 1024)} MiB; not read further")
    return data


def check_depth(text: str, display: str, error: type[AdvisorError] = KnowledgeError) -> None:
    """Refuse nesting deeper than `MAX_DEPTH` before anything composes it (a recursive composer, C's or
    Python's, would overflow its stack on a few thousand `[`).

    A cheap bound first (the longest run of indentation and dashes opening a line, plus the deepest running
    count of flow brackets, strings included): it clears every ordinary file in one pass. Only a file it
    cannot clear is walked event by event, which is exact, iterative and linear, and locates the culprit.
    """
    block = re.search(rf"^[ \t-]{{{MAX_DEPTH},}}", text, re.MULTILINE) is not None
    flow = depth = 0
    for bracket in _FLOW.findall(text):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        flow = max(flow, depth)
        if flow > MAX_DEPTH:
            break
    if not block and flow <= MAX_DEPTH // 2:
        return
    loader = _Loader(text)
    try:
        depth = 0
        while True:
            try:
                event = loader.get_event()
            except yaml.YAMLError:
                return  # malformed: the parser proper reports it, located
            if event is None or isinstance(event, StreamEndEvent):
                return
            if isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise error("nested too deeply", problems=[Problem(
                        f"more than {MAX_DEPTH} levels of nested lists or mappings", display,
                        event.start_mark.line + 1 if event.start_mark else None)])
            elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                depth -= 1
    finally:
        loader.dispose()


def parse_yaml(raw: bytes | str, display: str, error: type[AdvisorError] = KnowledgeError) -> Document:
    """Parse YAML text from memory (stdin, a TUI form, a test) with the same refusals as files."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            raise error(f"{display}: file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # what Windows PowerShell 5's `>` and Notepad's "Unicode" write
                raise error("file is not UTF-8 text", problems=[Problem(
                    "the file is UTF-16 (it starts with the byte-order mark "
                    f"{raw[0]:02X} {raw[1]:02X})", display, 1, hint="save the file as UTF-8")]) from None
            line = raw.count(b"\n", 0, exc.start) + 1
            raise error(
                "file is not UTF-8 text",
                problems=[Problem(f"byte 0x{raw[exc.start]:02x} is not valid UTF-8", display, line,
                                  hint="save the file as UTF-8")],
            ) from None
    else:
        text = raw
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:  # text from Python (the API, a form) can hold a lone surrogate
            line = text.count("\n", 0, exc.start) + 1
            raise error("text is not valid Unicode", problems=[Problem(
                f"character {printable(text[exc.start])} is half of a surrogate pair, not a character",
                display, line)]) from None
    if "\x00" in text:  # UTF-8 but binary: libyaml's "unacceptable character #x0000 ... position 0" said less
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise error("file is not text", problems=[Problem("binary data (a NUL byte), not YAML or JSON text",
                                                          display, line)])
    if not text or text.isspace():  # not `text.strip()`: that copies a big file to find it is not empty
        raise error("file is empty", problems=[Problem("the file holds no YAML document", display, 1)])
    if len(text) > MAX_BYTES:
        raise error(f"{display}: larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if text.lstrip()[:1] == "{":
        fast = _parse_json(text, display)  # None when nested too deeply: the YAML path below refuses it, located
        if fast is not None:
            return fast
    fast = _parse_plain_yaml(text, display, error)  # counts nesting itself: a too-deep file goes the full way
    if fast is not None:
        return fast
    check_depth(text, display, error)
    loader = _Reader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            raise _malformed(exc, display, error) from None
        except yaml.YAMLError as exc:
            raise error("malformed YAML", problems=[Problem(f"malformed YAML: {exc}", display)]) from None
        if node is None:
            raise error("file is empty", problems=[Problem("the file holds no YAML document", display, 1)])
        lines: dict[Path_, int] = {}
        _check_and_index(node, (), lines, display, error, set())
        try:
            data = loader.construct_document(node)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise error("unreadable YAML value", problems=[Problem(
                exc.problem or "cannot read this value", display, mark.line + 1 if mark else None,
                (format_path(_path_at(node, mark)) or None) if mark else None)]) from None
        except (ValueError, OverflowError) as exc:  # e.g. a timestamp out of range
            raise error("unreadable YAML value", problems=[Problem(str(exc), display)]) from None
    finally:
        loader.dispose()
    return Document(display, data, lines, text)  # the text too: a message may quote a value as written


def yaml_complaint(exc: yaml.MarkedYAMLError) -> tuple[str, int | None]:
    """PyYAML's complaint about the text in words, and its 1-based line: what every reader of YAML says of text
    that does not parse (the knowledge, banks and workloads here; the audit's templates and named files)."""
    mark = exc.problem_mark or exc.context_mark
    reason = exc.problem or exc.context or "cannot be parsed"
    if "expected a single document" in str(exc.context or ""):
        reason = "more than one YAML document in the file (one `---` section only)"
    return reason, mark.line + 1 if mark else None


class _Reader(_Loader):
    """The loader that builds a document on the full path: an integer it cannot build is a marked error, so the
    message names the value's line and field (`_path_at`), as every other complaint about a value does."""


def _construct_int(loader: Any, node: yaml.ScalarNode) -> int:
    """An integer as YAML 1.1 reads it, or one past Python's digit limit (`sys.get_int_max_str_digits`) said as
    what it is, with its digits counted as written (`1_000` has 4), rather than as Python's "use
    sys.set_int_max_str_digits() to increase the limit" at no line."""
    try:
        number: int = _Loader.construct_yaml_int(loader, node)
    except ValueError as exc:
        if "integer string conversion" not in str(exc):
            raise
        digits = sum(c.isdigit() for c in node.value)
        raise yaml.constructor.ConstructorError(
            None, None, f"a number of {digits} digits, too long to read (at most {sys.get_int_max_str_digits()} "
            "digits)", node.start_mark) from None
    return number


_Reader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _path_at(root: yaml.Node, mark: Any) -> Path_:
    """The path of the scalar value that starts at `mark` (where a constructor's complaint points); () when no
    value starts there (a key)."""
    pending: list[tuple[Path_, yaml.Node]] = [((), root)]
    while pending:
        path, node = pending.pop()
        if isinstance(node, yaml.ScalarNode):
            if (node.start_mark.line, node.start_mark.column) == (mark.line, mark.column):
                return path
        elif isinstance(node, yaml.MappingNode):
            pending += [((*path, key.value), value) for key, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            pending += [((*path, index), item) for index, item in enumerate(node.value)]
    return ()


def _malformed(exc: yaml.MarkedYAMLError, display: str, error: type[AdvisorError]) -> AdvisorError:
    """libyaml's complaint about the text, at its line."""
    reason, line = yaml_complaint(exc)
    return error("malformed YAML", problems=[Problem(f"malformed YAML: {reason}", display, line)])


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _DuplicateKey
    return out


def _parse_json(text: str, display: str) -> Document | None:
    """A JSON document (YAML's JSON subset) parsed ~50x faster than PyYAML can; None to take the YAML path.

    Large generated banks are JSON for this reason. JSON has no aliases or tags, and duplicate keys are
    refused here as on the YAML path: anything unusual falls back to the YAML path, which reports it located.
    """
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except (ValueError, RecursionError):  # not plain JSON, or a duplicate key: let YAML locate the problem
        return None
    if _deeper_than(data, MAX_DEPTH):  # json.loads accepts whatever nesting its recursion limit allows
        return None
    return Document(display, data, None, text)


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether parsed JSON nests lists and mappings more than `limit` deep, counted level by level on the data:
    checking the text before parsing it (`check_depth`) took longer than json.loads itself on a big bank."""
    level = [data] if isinstance(data, (dict, list)) else []  # the containers `depth` levels down
    for _depth in range(limit):
        if not level:
            return False
        level = [child for node in level for child in (node.values() if isinstance(node, dict) else node)
                 if isinstance(child, (dict, list))]
    return bool(level)


class _Unusual(Exception):
    """Something the fast path leaves to the full one (which accepts it or reports it at its line)."""


#: Plain scalars that may resolve to something other than a string, as PyYAML reads YAML 1.1: numbers and dates
#: (by their first character), the `=` value tag and the `<<` merge key go to the resolver; the words for booleans
#: and null are read from the table below. Anything else is a string without asking the resolver (whose regular
#: expressions cost more than the rest of the parse).
_MAYBE_NOT_STR_START = frozenset("-+.0123456789=<")
_WORDS: dict[str, bool | None] = {
    spelling: value
    for words, value in (("yes true on", True), ("no false off", False), ("null", None))
    for word in words.split()
    for spelling in (word, word.title(), word.upper())
} | {"": None, "~": None}


def _parse_plain_yaml(text: str, display: str, error: type[AdvisorError]) -> Document | None:
    """Plain YAML (no anchors, aliases, tags, merge keys, duplicate or non-text keys) built straight from
    libyaml's events, ~5x faster than composing and constructing nodes; None to take the full path.

    Banks and knowledge are plain YAML, so this is the path they take; anything unusual goes the full way, which
    accepts it or reports it at its line. A syntax error met here is reported at once: the full path reads the
    same events from the same parser and would stop at the same place with the same words, after composing
    everything above it (seconds, for a mistake near the end of a big bank). The line map is built only when a
    problem needs it (as for JSON).
    """
    if _CParser is None:
        return None
    try:
        data = _build_in_parts(text)
        if data is None:
            data = _build_from_events(_CParser(text))
    except (yaml.scanner.ScannerError, yaml.parser.ParserError) as exc:
        raise _malformed(exc, display, error) from None
    except (_Unusual, yaml.YAMLError, ValueError, OverflowError, KeyError, TypeError, RecursionError):
        return None
    return Document(display, data, None, text)


def _build_from_events(parser: Any, enclosed: int = 0) -> Any:
    """The document libyaml's events describe; `enclosed`: how many lists and mappings enclose it in the whole
    document (a piece of a list read on its own, `_build_from_pieces`), so nesting is counted as in the whole,
    and a piece refuses a non-finite number, which its way back (`_read_piece`) cannot carry."""
    get = parser.get_event
    resolve = _RESOLVER.resolve
    constructors = _SAFE.yaml_constructors
    starts, words = _MAYBE_NOT_STR_START, _WORDS
    no_key = _NO_KEY
    try:
        if get().__class__ is not StreamStartEvent or get().__class__ is not DocumentStartEvent:
            raise _Unusual
        stack: list[Any] = []  # the open containers; for a mapping, the key waiting for its value follows it
        keys: list[Any] = []
        while True:
            event = get()
            kind = event.__class__
            if kind is ScalarEvent:
                if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                    raise _Unusual
                value = event.value
                if event.implicit[0]:  # plain (unquoted): may be a number, a boolean, null or a date
                    if value in words:
                        value = words[value]
                    elif value.isdigit() and value.isascii() and (value[0] != "0" or len(value) == 1):
                        value = int(value)  # a plain decimal, as the resolver reads it (a leading 0 is octal)
                    elif value[0] in starts:
                        tag = resolve(yaml.ScalarNode, value, (True, False))
                        if tag != "tag:yaml.org,2002:str":
                            value = constructors[tag](_SAFE, yaml.ScalarNode(tag, value))
                            if enclosed and value.__class__ is float and not math.isfinite(value):
                                raise _Unusual  # a piece goes back as JSON, which cannot carry it
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None or len(stack) + enclosed == MAX_DEPTH:
                    raise _Unusual  # a too-deep file is refused, located, by the full path's depth check
                if kind is MappingStartEvent:
                    stack.append({})
                    keys.append(no_key)
                else:
                    stack.append([])
                    keys.append(None)
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                value = stack.pop()
                keys.pop()
            elif kind is DocumentEndEvent:
                break
            else:  # an alias, or anything else unexpected
                raise _Unusual
            if not stack:
                result = value
                continue
            container = stack[-1]
            key = keys[-1]
            if key is None:
                container.append(value)
            elif key is no_key:
                if value.__class__ is not str or value in container or value == "<<":
                    raise _Unusual
                keys[-1] = value
            else:
                container[key] = value
                keys[-1] = no_key
        if get().__class__ is not StreamEndEvent:
            raise _Unusual  # more than one document: the full path says so
        return result
    finally:
        parser.dispose()


#: A document at least this long is read in parts on several cores (a bank of about 1,500 questions; below it
#: a fork costs more than it saves, and a small file is always read in one piece).
PARTS_MIN_CHARS = 2 * 1024 * 1024
MAX_PARTS = 4
_HEAD_MAX_CHARS = 64 * 1024  # a bank's fields above its questions take a few hundred characters


def _build_in_parts(text: str) -> Any | None:
    """A long plain document whose root mapping ends with a block list (a bank's `questions:`), read in pieces at
    once, one per core (`advisor.forked`: libyaml holds the GIL, so threads would take turns); None to read it in
    one piece (a small document, or where forking is not safe)."""
    if len(text) < PARTS_MIN_CHARS or not forked.may_fork():
        return None
    found = _cuts(text, min(forked.usable_cores(), MAX_PARTS))
    return _build_from_pieces(text, *found) if found is not None else None


def _build_from_pieces(text: str, key: str, cuts: list[int]) -> Any | None:
    """`text` read in pieces cut at `cuts` (each the start of a line opening an item of the root's last list,
    `key`): the first piece here, the others in forked children that hand their items back as JSON; None when
    a piece is refused or is not what a cut promised.

    Why the pieces add up to the whole: a cut line (`- ` at the list's column) ends any block or plain scalar
    above it (their lines are indented deeper), and a cut inside a quoted scalar or a flow collection leaves
    the piece above it unclosed, which libyaml refuses. Whatever a piece refuses, the caller reads the whole
    text in one piece as before, which finds and locates the error; lines are looked up in the whole text in
    any case (`Document.lines`), so every message is the same whichever way the text was read.
    """
    try:
        with ExitStack() as stack:
            pieces = [stack.enter_context(forked.Child(partial(_read_piece, text, start, end)))
                      for start, end in zip(cuts, [*cuts[1:], len(text)])]
            try:
                head = _build_from_events(_CParser(text[:cuts[0]]))
            except (_Unusual, yaml.YAMLError, ValueError, OverflowError, KeyError, TypeError, RecursionError):
                return None
            if not isinstance(head, dict) or next(reversed(head), None) != key or not isinstance(head[key], list):
                return None  # the first cut was not inside the root's last list
            for piece in pieces:
                items = _items(piece.result())
                if items is None:
                    return None
                head[key] += items
            return head
    except OSError:  # no process or pipe to be had: one piece
        return None


def _read_piece(text: str, start: int, end: int) -> bytes:
    """In a child: `text[start:end]` (a run of list items) read as a list, as JSON.

    JSON by orjson (a dependency already): plain data only, so what comes back can never be more than data
    (pickle and marshal can build objects and code; the package uses neither), and it writes 5,000 questions in
    ~10 ms. It cannot carry dates (refused, `OPT_PASSTHROUGH_DATETIME`), integers beyond 64 bits or non-finite
    numbers (`_build_from_events` refuses those in a piece), which no question holds: a piece with one fails,
    and the text is read again in the whole, where the question's validation refuses the value at its line."""
    items = _build_from_events(_CParser(text[start:end]), enclosed=1)  # the list is the root's
    if not isinstance(items, list):
        raise _Unusual
    return orjson.dumps(items, option=orjson.OPT_PASSTHROUGH_DATETIME)


def _items(blob: bytes | None) -> list[Any] | None:
    """A piece's items back from its child (our own process, never a file), or None if it failed."""
    if not blob:
        return None
    try:
        items = orjson.loads(blob)
    except orjson.JSONDecodeError:
        return None
    return items if isinstance(items, list) else None


def _cuts(text: str, parts: int) -> tuple[str, list[int]] | None:
    """The root key whose block list ends the document, and where to cut the text into `parts` pieces (the start
    of an item's line, the first piece keeping the rest of the document); None when there is no such list."""
    found = _root_block_list(text)
    if found is None:
        return None
    key, column, begin = found
    item = "\n" + " " * column + "- "
    last = text.rfind(item)
    if last < begin or re.compile(rf"\n {{0,{column}}}[^\s#]").search(text, last + 1):
        return None  # no item line, or something follows the list: read in one piece
    cuts: list[int] = []
    for n in range(1, parts):
        at = text.find(item, max(begin + (len(text) - begin) * n // parts, cuts[-1] if cuts else 0))
        if at < 0:
            break
        cuts.append(at + 1)
    return (key, cuts) if cuts else None


def _root_block_list(text: str) -> tuple[str, int, int] | None:
    """The first value of the root mapping that is a block list: its key, its items' column and where it starts.
    Only the lines above it are read, and at most `_HEAD_MAX_CHARS` of them: a document that opens with
    something long before its list is read in one piece rather than twice over."""
    parser: Any = _CParser(text)
    try:
        get = parser.get_event
        if get().__class__ is not StreamStartEvent:
            return None
        start = get()
        if start.__class__ is not DocumentStartEvent or start.version or start.tags or \
                get().__class__ is not MappingStartEvent:
            return None  # directives (`%TAG`) would not reach the pieces below the first
        key = None  # the root key whose value comes next
        depth = 0  # how deep inside a root value that is skipped
        while True:
            event = get()
            if event.start_mark.index > _HEAD_MAX_CHARS:
                return None
            kind = event.__class__
            if depth:
                if kind is MappingStartEvent or kind is SequenceStartEvent:
                    depth += 1
                elif kind is MappingEndEvent or kind is SequenceEndEvent:
                    depth -= 1
                continue
            if key is None:
                if kind is not ScalarEvent:
                    return None  # the root mapping ends, or a key that is not text
                key = event.value
                continue
            if kind is SequenceStartEvent and not event.flow_style:
                return key, event.start_mark.column, event.start_mark.index
            if kind is MappingStartEvent or kind is SequenceStartEvent:
                depth = 1
            elif kind is not ScalarEvent:
                return None
            key = None
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()


_NO_KEY = object()
_RESOLVER = yaml.resolver.Resolver()
_SAFE = yaml.SafeLoader("")


def _check_and_index(
    node: yaml.Node,
    path: Path_,
    lines: dict[Path_, int],
    display: str,
    error: type[AdvisorError],
    seen: set[int],
    referenced_at: int | None = None,
) -> None:
    """Walk the composed node graph once: refuse aliases, foreign tags and duplicate keys; record lines.

    An alias composes to the very node its anchor made, so a node met twice is an alias; `referenced_at` is
    the line that refers to the node (its key's line), which is where the alias stands.
    """
    if id(node) in seen:
        raise error(
            "YAML aliases are not allowed",
            problems=[Problem("this alias (`*name`) repeats an anchored value; write the value out",
                              display, referenced_at or node.start_mark.line + 1, format_path(path) or None)],
        )
    seen.add(id(node))
    lines.setdefault(path, node.start_mark.line + 1)
    if node.tag not in _CORE_TAGS:
        raise error(
            "YAML tag not allowed",
            problems=[Problem(f"the tag {node.tag!r} is not allowed; only plain YAML values are read",
                              display, node.start_mark.line + 1, format_path(path) or None)],
        )
    if isinstance(node, yaml.MappingNode):
        keys: set[Any] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise error("complex mapping keys are not allowed",
                            problems=[Problem("use a plain word as the key", display, key_node.start_mark.line + 1)])
            key = key_node.value
            if key == "<<":
                raise error("YAML merge keys are not allowed",
                            problems=[Problem("write the merged fields out", display, key_node.start_mark.line + 1,
                                              format_path(path) or None)])
            if key in keys:
                raise error(
                    "duplicate key",
                    problems=[Problem(f"the key {key!r} appears twice in this mapping", display,
                                      key_node.start_mark.line + 1, format_path(path) or None)],
                )
            keys.add(key)
            child = (*path, key)
            lines[child] = key_node.start_mark.line + 1
            _check_and_index(value_node, child, lines, display, error, seen, key_node.start_mark.line + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _check_and_index(item, (*path, index), lines, display, error, seen, node.start_mark.line + 1)


def _index_lines(text: str, wanted: set[Path_] | None = None) -> dict[Path_, int]:
    """The line of every mapping key and sequence item of a document read on a fast path, from libyaml's events.

    One linear, iterative pass that builds no nodes (about a second for a 16 MiB bank, where composing would take
    tens). A text YAML reads differently from JSON (U+2028 is a YAML line break) gives what it can: at worst an
    empty map, and then messages without line numbers rather than no messages. With `wanted`, only those paths
    are recorded and the pass ends when it has found them all.
    """
    lines: dict[Path_, int] = {}
    open_: list[list[Any]] = []  # per open container: [its path, the key read (mapping) or next index (list)]
    parser = _CParser(text) if _CParser is not None else _Loader(text)
    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, StreamEndEvent):
                return lines
            if isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                open_.pop()
                continue
            if not isinstance(event, (ScalarEvent, AliasEvent, MappingStartEvent, SequenceStartEvent)):
                continue  # stream and document boundaries
            if event.start_mark is None:  # libyaml marks every event; a parser that does not cannot locate
                return lines
            line = event.start_mark.line + 1
            path: Path_ = ()
            if open_:
                parent = open_[-1]
                if parent[1] is _NO_KEY:  # a mapping's key: a value's line is its key's
                    if not isinstance(event, ScalarEvent):
                        return lines  # a complex key: no path names what follows
                    parent[1] = event.value
                    key = (*parent[0], event.value)
                    if wanted is None or key in wanted:
                        lines[key] = line
                        if wanted is not None and len(lines) == len(wanted):
                            return lines
                    continue
                path = (*parent[0], parent[1])
                parent[1] = _NO_KEY if isinstance(parent[1], str) else parent[1] + 1
            if wanted is None or (path in wanted and path not in lines):
                lines.setdefault(path, line)
                if wanted is not None and len(lines) == len(wanted):
                    return lines
            if isinstance(event, MappingStartEvent):
                open_.append([path, _NO_KEY])
            elif isinstance(event, SequenceStartEvent):
                open_.append([path, 0])
    except (yaml.YAMLError, ValueError, IndexError):
        return lines
    finally:
        parser.dispose()


def duplicates(doc: Document | None, prefix: Path_, keys: Iterable[str], what: str) -> list[Problem]:
    """A located problem for every repeated key in a list (knowledge records, question ids and stems)."""
    problems = []
    seen: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in seen:
            path = (*prefix, index)
            problems.append(Problem(f"duplicate {what} {key!r} (first at item {seen[key]})",
                                    doc.display if doc else None, doc.line_of(path) if doc else None,
                                    format_path(path)))
        else:
            seen[key] = index
    return problems


# ---- pydantic errors in plain words -------------------------------------------------------------------------

_PLAIN = {
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be a mapping of fields",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
    "missing": "is required",
    "date_from_datetime_parsing": "must be a date like 2026-11-24",
    "date_parsing": "must be a date like 2026-11-24",
    "date_type": "must be a date like 2026-11-24",
    "none_required": "must be empty",
    "finite_number": "must be a finite number (not inf or NaN)",
}

#: The names people type (a workload's name, a bank's or a question's id) by the rule of their pattern, in words:
#: a regular expression is no message for a beginner. A pattern not listed is quoted as it is.
_PATTERN_WORDS = {
    r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$": "use only letters, digits, '.', '_' and '-', starting with a letter or a digit",
    r"^[a-z0-9][a-z0-9-]*$": "use only lowercase letters, digits and '-', starting with a letter or a digit",
    r"^[a-z0-9-]+$": "use only lowercase letters, digits and '-'",
}


def _shown(value: Any) -> str:
    """A given value as a message quotes it: its repr, cut short (a 400-digit number or a megabyte string must
    not flood the terminal; a number is said by its digits, which is what its author can count)."""
    try:
        text = repr(value)
    except ValueError:  # an int past Python's 4,300-digit conversion limit
        return "a number too long to print"
    if len(text) <= 60:
        return text
    if value.__class__ is int:
        return f"{text[:12]}... (a number of {len(text.lstrip('-'))} digits)"
    return text[:45] + f"... ({len(text)} characters)"


def _not_a_number(base: str, given: bool | str, shown: str) -> str:
    """A strict number field given a yes/no or a quoted number: said as the author wrote it (`true`, not Python's
    True), with what to change, since `size_gb: "12"` looks like a number to the person who typed it."""
    if isinstance(given, bool):
        return f"{base}, got {str(given).lower()} (a yes/no value)"
    from advisor.numbers import TOO_LARGE, not_finite, written_infinite  # deferred: they load pydantic

    # `inf`, `.inf` or `1e400` typed as an answer (or opened from a file): unquoting it would not make it a number
    said = written_infinite(given) if len(given) <= 60 else None
    if said:
        return not_finite(said)
    try:
        number = float(given.replace("_", "x"))  # Python reads 1_000 as a number; YAML and JSON do not
    except ValueError:
        return f"{base}, got {shown}"
    if not math.isfinite(number):  # thousands of digits
        return not_finite(f"{shown}, {TOO_LARGE}")
    return f"{base}, got the text {shown}: write the number without quotes"


def plain_message(err: Mapping[str, Any], written: str | None = None) -> str:
    """One pydantic error dict in the words a YAML author understands; `written`: how the file wrote a number its
    parser read as inf or NaN (`1e400`), said instead of the inf nobody typed (`written_infinite`)."""
    kind = err["type"]
    given = err.get("input")
    shown = written or _shown(given)
    if written and kind == "finite_number":  # "(not inf or NaN)" is no help to whoever wrote 1e400
        from advisor.numbers import not_finite  # deferred: it loads pydantic, which only an error needs here

        return not_finite(written)
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace("'", "")
        return f"must be one of {expected}, got {shown}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {"greater_than": "greater than", "greater_than_equal": "at least",
                 "less_than": "less than", "less_than_equal": "at most"}[kind]
        bound = next(iter(ctx.values()), "?")
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        why = ctx.get("why")  # a limit that is AWS's says so (advisor.workload.Within, its `why`)
        return f"must be {words} {bound}, got {shown}" + (f": {why}" if why else "")
    if kind in ("too_short", "too_long") and isinstance(given, (list, tuple, dict)):
        # pydantic's words name its own types ("Tuple should have at least 1 item after validation"); a YAML
        # author wrote a list
        bound, words = (ctx.get("min_length"), "at least") if kind == "too_short" else (ctx.get("max_length"),
                                                                                          "at most")
        noun = "entry" if isinstance(given, dict) else "item"
        return f"must have {words} {bound} {noun}{'s' if bound != 1 else ''}, got {len(given)}"
    if kind in ("too_short", "too_long"):
        return str(err["msg"]).lower().replace("list should", "must").replace("value should", "must")
    if kind == "string_pattern_mismatch":
        rule = _PATTERN_WORDS.get(str(ctx.get("pattern")))
        return f"{rule}, got {shown}" if rule else f"{shown} does not have the expected form ({ctx.get('pattern')})"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", err["msg"]))
    if kind in ("list_type", "tuple_type") and isinstance(given, str) and 0 < len(given.strip()) <= 60:
        # `stages: training`: one item written without the list around it
        return f"must be a list, got {shown}: write it in brackets, [{given.strip()}]"
    if kind in ("float_type", "int_type") and isinstance(given, (bool, str)):
        return _not_a_number(_PLAIN[kind], given, shown)
    if kind == "float_type" and given.__class__ is int:  # an integer past a float's range: no type error
        from advisor.numbers import TOO_LARGE

        return f"must be a number, got {shown}, {TOO_LARGE}"
    base = _PLAIN.get(kind)
    if base is None:
        base = str(err["msg"])
        base = base[0].lower() + base[1:]
    if kind != "missing" and given is not None and not isinstance(given, (dict, list)):
        base += f", got {shown}"
    return base


def _known_fields(model: Any, loc: tuple[Any, ...]) -> list[str]:
    """Keys valid at the parent of `loc`, walking the model's or record's annotations (for did-you-mean). Where a
    field holds one of several records (a rule's condition: a leaf, all, any or not), the walk follows those that
    take the next key, and the keys offered are all of theirs."""
    from advisor.records import fields_of

    holders: list[Any] = [model]
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        holders = [found for holder in holders if part in fields_of(holder)
                   for found in _holders(fields_of(holder)[part])]
        if not holders:
            return []
    return list(dict.fromkeys(key for holder in holders for key in fields_of(holder)))


def _holders(annotation: Any, depth: int = 6) -> list[Any]:
    """The records or models a field holds, under Annotated, Optional, unions, tuple[X, ...] and dict[str, X]."""
    from advisor.records import fields_of

    if fields_of(annotation):
        return [annotation]
    args = [a for a in get_args(annotation) if a is not type(None) and a is not Ellipsis]
    if get_origin(annotation) is Annotated:
        args = args[:1]  # the annotated type; the rest is metadata
    if depth == 0:
        return []
    return [found for arg in args for found in _holders(arg, depth - 1)]


def problems_from_validation(exc: ValidationError, doc: Document, model: Any) -> list[Problem]:
    """Turn a pydantic ValidationError on `doc` into located problems, with did-you-mean for unknown keys."""
    kept = _kept_errors(exc)
    shown = kept[:MAX_PROBLEMS]  # a 16 MiB list of bad items is a million errors: the first ones say what is wrong
    problems = [Problem(plain_message(err, _written_infinite(doc, line, loc, err.get("input"))), doc.display, line,
                        format_path(loc) or None, _did_you_mean(err, loc, model))
                for (err, loc), line in zip(shown, doc.lines_of(loc for _, loc in shown))]
    if len(kept) > len(shown):
        problems.append(Problem(f"... and {len(kept) - len(shown)} more problems (the first {MAX_PROBLEMS} are "
                                "shown)", doc.display))
    return problems


#: A scalar as written after its key or list dash: quoted, or plain up to a space, comma, bracket or comment.
_SCALAR = r"""("[^"\n]*"|'[^'\n]*'|[^\s,\]}#]+)"""


def _written_infinite(doc: Document, line: int | None, loc: Path_, given: Any) -> str | None:
    """How the document wrote the value at `loc` that its parser read as inf or NaN (YAML's `1.0e400` and `.inf`,
    JSON's `1e400`), for the message to quote it (`advisor.numbers.written_infinite`); None for any other value,
    or where the text cannot be found."""
    if given.__class__ is not float or math.isfinite(given):
        return None
    from advisor.numbers import written_infinite  # deferred: it loads pydantic, which only an error needs here

    text = written_scalar(doc, loc, line)
    return written_infinite(text) if text else None


def written_scalar(doc: Document, loc: Path_, line: int | None = None) -> str | None:
    """The text of the scalar at `loc` as the document wrote it (`1.0e400`, which YAML reads as inf), found on its
    key's or item's line (`line`, else the line map's); None where it cannot be found (a value on a line of its
    own, a document without its text, such as one built in memory)."""
    line = line if line is not None else doc.line_of(loc)
    if line is None or doc._source is None or not loc:
        return None
    lines = doc._source.split("\n", line)  # the lines up to this one, and the rest in one piece
    if len(lines) < line:
        return None
    text = lines[line - 1]
    key = loc[-1]
    if isinstance(key, str):
        found = re.search(rf"""(?:^|[\s{{,])(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*:\s*"""
                          + _SCALAR, text)
    else:
        found = re.match(r"\s*-\s+" + _SCALAR, text)
    return found.group(1).strip("'\"") if found else None


def problems_of_values(exc: ValidationError, model: Any) -> list[Problem]:
    """`problems_from_validation` for values given in Python (keywords, a dict): the same problems, fields and
    did-you-mean, without a file or line."""
    kept = _kept_errors(exc)
    problems = [Problem(plain_message(err), field=format_path(loc) or None, hint=_did_you_mean(err, loc, model))
                for err, loc in kept[:MAX_PROBLEMS]]
    if len(kept) > MAX_PROBLEMS:
        problems.append(Problem(f"... and {len(kept) - MAX_PROBLEMS} more problems (the first {MAX_PROBLEMS} are "
                                "shown)"))
    return problems


def _kept_errors(exc: ValidationError) -> list[tuple[ErrorDetails, Path_]]:
    """The errors worth saying, each with its path of keys."""
    errors = exc.errors(include_url=False)
    failed_below = {tuple(e["loc"][:i]) for e in errors for i in range(len(e["loc"]))}
    kept: list[tuple[ErrorDetails, Path_]] = []
    for err in errors:
        if err["type"] == "too_short" and tuple(err["loc"]) in failed_below:
            continue  # a list only "too short" because its items failed: the items' errors say why
        # drop validator frames and union tags (tags contain ':'), which are not keys of the YAML
        kept.append((err, tuple(p for p in err["loc"]
                                if not (isinstance(p, str) and (p.startswith("function-") or ":" in p)))))
    return kept


def _did_you_mean(err: ErrorDetails, loc: Path_, model: Any) -> str | None:
    if err["type"] == "extra_forbidden" and loc and isinstance(loc[-1], str):
        import difflib  # here, not at the top: only an error needs it, and every start imports this module

        close = difflib.get_close_matches(loc[-1], _known_fields(model, loc), n=1, cutoff=0.6)
        if close:
            return f"did you mean {close[0]!r}?"
    return None


def validate_document(model: type[M], doc: Document, error: type[AdvisorError] = KnowledgeError,
                      context: dict[str, Any] | None = None) -> M:
    """Validate a parsed document against a pydantic model or a record type (advisor.records, through its
    TypeAdapter); failures become one located `error`."""
    from pydantic import BaseModel, ValidationError  # deferred: pydantic loads only when a document is validated

    from advisor.records import adapter

    shape: Any = model  # a model validates itself; a record type through its TypeAdapter
    try:
        if issubclass(shape, BaseModel):
            return shape.model_validate(doc.data, context=context)
        return adapter(shape).validate_python(doc.data, context=context)
    except ValidationError as exc:
        problems = problems_from_validation(exc, doc, model)
        noun = "problem" if len(problems) == 1 else "problems"
        raise error(f"{doc.display}: {len(problems)} {noun}", problems=problems) from None
