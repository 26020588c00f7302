"""Terraform: `.tf` files through python-hcl2 (block lines kept), and `terraform show -json` plans.

An HCL expression (`var.x`, `aws_kms_key.k.arn`, `"${...}"`) is not a value until Terraform evaluates it: it is
judged unknown. In a plan, a value Terraform reports as known only after apply is unknown too, unless the plan's
own `configuration` says more about an attribute the audit reads: one the configuration does not set is the
provider's computed default (AWS's default applies, as for an absent field), and one set from another resource's
attribute (`aws_kms_key.k.arn`, directly, through a module's variable or a called module's output) is certainly
set, of that attribute's form; everything else is the value Terraform will send.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from advisor.audit.model import MISSING, Audited, PathKey, Reference, Resource, Unknown, module_path
from advisor.audit.readers import BadInput
from advisor.audit.readers.cloudformation import SKIP, SKIP_MARK
from advisor.audit.readers.tf_values import Configuration, Scope, instances, string_end

_ATTRIBUTE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*(=|\{)")
_DYNAMIC = re.compile(r'^\s*dynamic\s+"([A-Za-z0-9_-]+)"\s*\{')
_HEREDOC = re.compile(r"<<-?([A-Za-z_][A-Za-z0-9_]*)\s*$")
_RESOURCE_TYPE = re.compile(r'(?m)^\s*resource\s+"?([A-Za-z0-9_]+)"?\s')


MAX_TF_BYTES = 1024 * 1024
"""python-hcl2 (pure Python, on lark) parses about 0.2 MiB a second on a quiet 2-core machine: 16 MiB would take
a minute and a half. Hand-written Terraform files are kilobytes; one over 1 MiB is skipped with this reason."""


def read_tf(shown: str, text: str, audited: Audited | None = None,
            configuration: Configuration | None = None, path: Path | None = None) -> list[Resource]:
    """The resources of one .tf file. With `audited` (the types the catalog reads), a file declaring none of
    them is not parsed: parsing is the slow part of a large tree, and most of a real tree is networking,
    IAM and storage. With the run's `configuration`, expressions read the module's variables and locals, and a
    called module's resources are read once per call (tf_values)."""
    declared = set(_RESOURCE_TYPE.findall(text))
    if not declared or (audited is not None and not any(t in audited for t in declared)):
        _check_balanced(text)  # not parsed (nothing here is audited), but a broken file is still said
        return []
    size = len(text.encode("utf-8"))
    if size > MAX_TF_BYTES:
        raise BadInput(f".tf file is {size / 1024 / 1024:.1f} MiB; files over 1 MiB are not parsed (python-hcl2 "
                       "reads about 0.2 MiB a second): split it into smaller files")
    tree = _parse_cached(text)
    lines = text.splitlines()
    commented = SKIP_MARK in text  # a file without the mark has no suppression comment to look for
    return _resources(tree, shown, configuration, path,
                      lambda body, start, end: _locator(lines, start, end),
                      lambda body, start, end: _skips(lines, start, end) if commented else [])


def read_tf_json(shown: str, text: str, audited: Audited | None = None,
                 configuration: Configuration | None = None, path: Path | None = None) -> list[Resource]:
    """The resources of one `.tf.json` file (Terraform's JSON syntax), judged as its native twin would be: the
    same variables, locals, modules, count, for_each and dynamic blocks; lines are the JSON keys' own.

    JSON cannot tell a nested block from an attribute holding an object: Terraform decides by the provider's
    schema. With `audited` (the catalog's rules by type), a single object where a rule's path goes through a
    block (`vpc_config` in `vpc_config.subnet_ids`) is that block written once, as `.tf` gives it: a list of
    one, so both syntaxes name the same field."""
    from advisor.audit.readers import tf_json

    tree = tf_json.parse(text)
    resources = _resources(tree, shown, configuration, path,
                           lambda body, start, _end: tf_json.locator(body.get("__json__") or {}, start),
                           lambda body, _start, _end: tf_json.skips(body.get("__json__") or {}))
    if audited is None:
        return resources
    out = []
    for resource in resources:
        blocks = _block_paths(audited.rules_of(resource.type) or ())
        out.append(replace(resource, properties=_as_blocks(resource.properties, blocks, ())) if blocks else resource)
    return out


def _block_paths(rules: Any) -> frozenset[tuple[str, ...]]:
    """Every path prefix the rules read through (each one a nested block: the catalog reads attributes only at
    the end of a path)."""
    out: set[tuple[str, ...]] = set()
    for rule in rules:
        for path in (rule.path, *(cpath for _condition, cpath in rule.conditions)):
            parts = tuple(p.removesuffix("[]") for p in path.split("."))
            out.update(parts[:i] for i in range(1, len(parts)))
    return frozenset(out)


def _as_blocks(value: Any, blocks: frozenset[tuple[str, ...]], at: tuple[str, ...]) -> Any:
    if isinstance(value, list):
        return [_as_blocks(v, blocks, at) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, child in value.items():
        here = (*at, key)
        if here in blocks and isinstance(child, dict):
            child = [child]
        out[key] = _as_blocks(child, blocks, here) if here in blocks else child
    return out


_Hook = Callable[[dict[str, Any], Any, Any], Any]


def _resources(tree: dict[str, Any], shown: str, configuration: Configuration | None, path: Path | None,
               locator: _Hook, skips: _Hook) -> list[Resource]:
    """The resources of one parsed file (either syntax), one per module instance that creates them."""
    scopes = configuration.scopes(path) if configuration is not None and path is not None else [Scope({}, {})]
    tags_of: dict[str, Any] = {}  # provider alias -> its default_tags: one module's, the same for every resource
    out = []
    for block in tree.get("resource", []):
        for rtype, named in block.items():
            for name, body in named.items():
                if not isinstance(body, dict):
                    continue
                start, end = body.get("__start_line__"), body.get("__end_line__")
                line_of, suppressions = locator(body, start, end), tuple(skips(body, start, end))
                defaults = _default_tags(configuration, path, rtype, body, tags_of)
                for scope in scopes:
                    for index, instance in instances(body, scope):
                        properties = _evaluate(body, instance)
                        if defaults:
                            properties["tags"] = _with_default_tags(defaults, properties.get("tags", MISSING))
                        out.append(Resource(
                            kind="terraform", type=rtype, name=f"{scope.prefix}{rtype}.{name}{index}",
                            properties=properties, file=shown, line=start, end_line=end,
                            line_of=line_of, suppressions=suppressions))
    return out


def _default_tags(configuration: Configuration | None, path: Path | None, rtype: str, body: dict[str, Any],
                  tags_of: dict[str, Any]) -> Any:
    """The aws provider's default_tags for a resource of the aws provider (its `provider = aws.x` alias, else
    the default provider's), or None. `tags_of` holds each alias's, evaluated once for the file's module."""
    if configuration is None or path is None or not rtype.startswith("aws_"):
        return None
    provider = str(body.get("provider") or "").strip("${} ")
    alias = provider.split(".", 1)[1] if provider.startswith("aws.") else ""
    if alias not in tags_of:
        tags = configuration.default_tags(path, alias)
        tags_of[alias] = tags if isinstance(tags, dict) and tags else None
    return tags_of[alias]


def _with_default_tags(defaults: dict[str, Any], own: Any) -> Any:
    """A resource's tags as Terraform sends them (its tags_all): the provider's default_tags, its own over them;
    own tags not known before apply stay unknown."""
    if own is MISSING or own is None:
        return dict(defaults)
    if isinstance(own, dict):
        return {**defaults, **own}
    return own


_OPEN = {"{": "}", "[": "]", "(": ")"}


def _check_balanced(text: str) -> None:
    """BadInput at the line of the first bracket left open or closed twice, outside strings, comments and
    heredocs: the cheap part of HCL's grammar that most hand edits break (a block left unclosed), for a file
    that is not parsed because it declares nothing the audit judges."""
    stack: list[tuple[str, int]] = []
    lines = text.splitlines()
    closing: str | None = None
    in_comment = False
    for number, line in enumerate(lines, start=1):
        if closing is not None:
            if line.strip() == closing:
                closing = None
            continue
        i = 0
        while i < len(line):
            char = line[i]
            if in_comment:
                if line.startswith("*/", i):
                    in_comment, i = False, i + 2
                    continue
            elif char == '"':
                i = string_end(line, i)
                continue
            elif char == "#" or line.startswith("//", i):
                break
            elif line.startswith("/*", i):
                in_comment, i = True, i + 2
                continue
            elif line.startswith("<<", i) and (heredoc := _HEREDOC.match(line[i:])):
                closing = heredoc.group(1)
                break
            elif char in _OPEN:
                stack.append((_OPEN[char], number))
            elif char in "}])":
                if not stack or stack[-1][0] != char:
                    raise BadInput(f"not valid HCL: unexpected {char!r}", number)
                stack.pop()
            i += 1
    if stack:
        raise BadInput(f"not valid HCL: {stack[-1][0]!r} missing for the bracket opened here", stack[-1][1])


def _evaluate(body: dict[str, Any], scope: Scope) -> dict[str, Any]:
    """A block's attributes and nested blocks as Terraform sends them; `dynamic` blocks expanded."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key in ("__start_line__", "__end_line__", "__json__", "count", "for_each", "lifecycle", "depends_on",
                   "provider"):
            continue
        if key == "dynamic" and isinstance(value, list):
            for item in value:
                for label, spec in (item.items() if isinstance(item, dict) else ()):
                    _dynamic(out, label, spec, scope)
            continue
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            blocks = [_evaluate(v, scope) for v in value]
            existing = out.get(key)
            out[key] = existing + blocks if isinstance(existing, list) else blocks
        else:
            out[key] = scope.value(value)
    return out


def _dynamic(out: dict[str, Any], label: str, spec: Any, scope: Scope) -> None:
    """`dynamic "label" { for_each = ..., content { ... } }`: one block per element when the collection is known;
    unknown otherwise (what the blocks hold depends on a value the configuration does not fix)."""
    if not isinstance(spec, dict):
        return
    collection = scope.value(spec.get("for_each"))
    iterator = str(spec.get("iterator") or label).removeprefix("${").removesuffix("}")
    contents = spec.get("content") or [{}]
    if isinstance(collection, dict):
        items = list(collection.items())
    elif isinstance(collection, list):
        items = list(enumerate(collection))
    else:
        out[label] = Unknown(f"dynamic {label} over {collection.text if isinstance(collection, Unknown) else '?'}")
        return
    blocks = [_evaluate(content, scope.with_iterator(iterator, key, value))
              for key, value in items for content in contents if isinstance(content, dict)]
    existing = out.get(label)
    if isinstance(existing, Unknown):
        return
    out[label] = (existing if isinstance(existing, list) else []) + blocks


def _parse_cached(text: str) -> dict[str, Any]:
    """python-hcl2's parse (about 2 ms a file, and 0.2 s to load its parser: the slow part of a tree), cached by
    content.

    The cache holds the parser's plain JSON output in the user's signed cache (advisor.cache: HMAC, a folder
    only the user can write), keyed by the text's hash in a folder named by the parser's own files, so an
    unchanged file is parsed once, and a planted, truncated or bit-flipped entry is a miss, never a different
    tree; an unusable cache only costs the time.
    """
    import hashlib

    from advisor import cache

    name = f"{hashlib.sha256(text.encode()).hexdigest()}.json"
    folder = _cache_folder()
    cached = cache.read(name, folder)
    if isinstance(cached, dict):
        return cached
    tree = _parse(text)
    cache.write(name, tree, folder)
    return tree


#: What decides python-hcl2's output for a text: its grammar, its transformer and version, lark's version.
PARSER_FILES = (("hcl2", "hcl2.lark"), ("hcl2", "transformer.py"), ("hcl2", "version.py"), ("lark", "__init__.py"))
_FOLDER: list[Path] = []


def _cache_folder() -> Path:
    """The parse cache's folder, named by a hash of PARSER_FILES: an upgraded or patched parser gets a new one.

    The files are found without importing the packages (importing python-hcl2 loads lark, and asking for its
    version through importlib.metadata costs about as much: both more than reading a whole tree's cache)."""
    if not _FOLDER:
        import hashlib
        from importlib.util import find_spec

        from advisor.resources import cache_dir

        digest = hashlib.sha256(TRANSFORM_VERSION)
        for package, name in PARSER_FILES:
            spec = find_spec(package)
            for folder in (spec.submodule_search_locations or []) if spec else []:
                try:
                    digest.update((Path(folder) / name).read_bytes())
                except OSError:
                    pass
        from advisor.cache import private_folder

        root = cache_dir()
        private_folder(root, "cache folder")  # made 0700 before its subfolder (mkdir's parents take the umask)
        _FOLDER.append(root / f"hcl2-{digest.hexdigest()[:16]}")
    return _FOLDER[0]


def _parse(text: str) -> dict[str, Any]:
    from lark.exceptions import LarkError

    try:
        # hcl2.loads, with the parser from _hcl_parser; the newline is hcl2's own (lark has no end-of-file token)
        tree: dict[str, Any] = _transformer()(with_meta=True).transform(_hcl_parser().parse(text + "\n"))
        return tree
    except LarkError as exc:
        line, column = getattr(exc, "line", None), getattr(exc, "column", None)
        where = f" at column {column}" if column and column > 0 else ""
        raise BadInput(f"not valid HCL (unexpected input{where})", line if line and line > 0 else None) from None
    except Exception as exc:
        raise BadInput(f"not valid HCL: {type(exc).__name__}: {str(exc)[:160]}") from None


_TRANSFORMER: list[Any] = []
#: Part of the parse cache's name: a change to what `_transformer` writes must not read trees cached before it.
TRANSFORM_VERSION = b"lists-quoted-1"


def _transformer() -> Any:
    """python-hcl2's DictTransformer, writing a list inside an expression with its strings quoted.

    python-hcl2 7.3 writes `toset(["score", "explain"])` as `${toset([score, explain])}`: the quotes of a
    list's strings are lost once the list is inlined into a function call or an operation, and `score` then
    reads as a name that is not there, so `for_each = toset([...])` was unknown. Here a list's plain strings are
    written quoted, its expressions unwrapped (`[var.a, "b"]`), and a null as `null` (hcl2 writes `None`)."""
    if _TRANSFORMER:
        return _TRANSFORMER[0]
    import json

    from hcl2.transformer import DictTransformer

    class Transformer(DictTransformer):
        def to_tf_inline(self, value: Any) -> str:
            if isinstance(value, list):
                return "[" + ", ".join(self._inline_item(item) for item in value) + "]"
            if value is None:
                return "null"
            text: str = super().to_tf_inline(value)
            return text

        def _inline_item(self, item: Any) -> str:
            if isinstance(item, str) and self.is_string_dollar(item):
                return item[2:-1]
            if isinstance(item, str) and not self.is_type_keyword(item):
                return json.dumps(item, ensure_ascii=False)
            return self.to_tf_inline(item)

    _TRANSFORMER.append(Transformer)
    return Transformer


_PARSER: list[Any] = []


def _hcl_parser() -> Any:
    """python-hcl2's parser (its grammar, its options), built once per user instead of once per process.

    python-hcl2 caches the parser with lark's cache beside its own files (hcl2/.lark_cache.bin), which a fresh
    install does not ship and which is written on first use only where site-packages is writable: from a
    read-only install every audit that parsed Terraform rebuilt the grammar, about 1.4 s of CPU. Where python-hcl2
    cannot keep its cache, the parser is kept in the user's signed cache (advisor.cache) as lark's serialised
    form (`Lark.memo_serialize`, read back by `Lark.load`) written as JSON, never as lark's pickle: nothing read
    back from the user's cache can run code. Its name carries the hash of hcl2's grammar and lark's version
    (`_cache_folder`), so an upgrade builds anew; a cache that cannot be used costs only the build.
    """
    if _PARSER:
        return _PARSER[0]
    import os

    import hcl2
    import hcl2.parser

    own = hcl2.parser.PARSER_FILE
    if own.is_file() or os.access(own.parent, os.W_OK):
        # python-hcl2 keeps (or can keep) lark's cache in its own folder, as trusted as its code: its parser
        # loads from there faster than from JSON (about 0.1 s against 0.2 s of CPU)
        _PARSER.append(hcl2.parser.parser())
        return _PARSER[0]
    from lark import Lark
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    from advisor import cache

    name = f"{_cache_folder().name}-parser.json"
    stored = cache.read(name)
    parser = None
    if isinstance(stored, dict):
        try:
            parser = Lark.load(_int_keys(stored))
        except Exception:  # a parser this lark cannot load (the name should prevent it): build it again
            parser = None
    if parser is None:
        parser = Lark.open(str(Path(hcl2.__file__).parent / "hcl2.lark"), parser="lalr", propagate_positions=True)
        data, memo = parser.memo_serialize([TerminalDef, Rule])
        cache.write(name, {"data": data, "memo": memo})
    _PARSER.append(parser)
    return parser


def _int_keys(value: Any) -> Any:
    """JSON wrote the parse table's integer keys (states, tokens, memo ids) as strings: they are integers again.
    Every string key of lark's serialised parser is a name, never digits (a test holds the round trip)."""
    if isinstance(value, dict):
        return {int(k) if k.isdigit() else k: _int_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_int_keys(v) for v in value]
    return value


def _locator(lines: list[str], start: int | None, end: int | None) -> Callable[[PathKey], int | None]:
    """The line of an attribute path inside a resource block: each name searched among its parent's direct
    children, the n-th block of that name where the path gives an index (`production_variants[1]`)."""
    block: list[tuple[int, int, str | None]] = []  # (line, indent, attribute or block name), read on first use

    def line_of(path: PathKey) -> int | None:
        if not start:
            return None
        if not block:
            for number in code_lines(lines, start, min(end or len(lines), len(lines))):
                text = lines[number]
                dynamic = _DYNAMIC.match(text)  # `dynamic "label" {` stands for the blocks it makes
                match = _ATTRIBUTE.match(text)
                block.append((number + 1, _indent(text),
                              f"dynamic:{dynamic.group(1)}" if dynamic else match.group(1) if match else None))
        position = 0
        parent_indent = _indent(lines[start - 1]) if start - 1 < len(lines) else 0
        best = None
        for i, part in enumerate(path):
            if isinstance(part, int):
                continue
            index = path[i + 1] if i + 1 < len(path) and isinstance(path[i + 1], int) else 0
            found, seen, child_indent = None, 0, None
            for k in range(position, len(block)):
                number, indent, name = block[k]
                if indent <= parent_indent and lines[number - 1].lstrip().startswith(("}", "]", ")")):
                    break  # the parent block is closed
                if indent <= parent_indent:
                    continue  # a multi-line value's line written at the margin
                child_indent = indent if child_indent is None else child_indent
                if indent == child_indent and name == f"dynamic:{part}":
                    found = _content(block, k)  # every block it makes is written once, in its content
                    break
                if indent == child_indent and name == part:
                    if seen == index:
                        found = k
                        break
                    seen += 1
            if found is None:
                break
            best, position, parent_indent = block[found][0], found + 1, block[found][1]
        return best
    return line_of


def _content(block: list[tuple[int, int, str | None]], at: int) -> int:
    """The `content` line of the dynamic block at `at` (the dynamic line itself when it has none)."""
    indent = block[at][1]
    for k in range(at + 1, len(block)):
        if block[k][1] <= indent:
            break
        if block[k][2] == "content":
            return k
    return at


def code_lines(lines: list[str], start: int, stop: int) -> Iterator[int]:
    """The indexes of the lines from `start` to `stop` (0-based, stop excluded) that hold HCL, not a heredoc's
    text (which may sit at the margin and hold braces), a comment or nothing."""
    closing: str | None = None
    for number in range(start, stop):
        text = lines[number]
        if closing is not None:
            if text.strip() == closing:
                closing = None
            continue
        if not text.strip() or text.lstrip().startswith(("#", "//")):
            continue
        heredoc = _HEREDOC.search(text)
        if heredoc:
            closing = heredoc.group(1)
        yield number


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _skips(lines: list[str], start: int | None, end: int | None) -> list[tuple[str, str]]:
    if not start:
        return []
    first = start - 1
    while first > 0 and lines[first - 1].strip().startswith(("#", "//")):
        first -= 1
    out = []
    for text in lines[first:(end or start)]:
        found = SKIP.search(text.replace("//", "#", 1) if text.strip().startswith("//") else text)
        if found:
            for control in re.split(r"\s*,\s*", found.group(1)):
                out.append((control, found.group(2).strip() or "suppressed in the source"))
    return out


def read_plan(shown: str, plan: Any, audited: Audited | None = None) -> list[Resource]:
    """`terraform show -json`: planned values, with `after_unknown` from resource_changes marking unknowns, read
    further from the plan's configuration (_Configured). With `audited` (the catalog's rules by type), the
    nested blocks its paths go through are known, and never taken for attributes."""
    if not isinstance(plan, dict) or "format_version" not in plan:
        raise BadInput("not a `terraform show -json` plan (no format_version)")
    if "planned_values" not in plan and "resource_changes" not in plan:
        raise BadInput("a Terraform JSON document without planned_values or resource_changes (state or other "
                       "output?)")
    unknown: dict[str, Any] = {}
    for change in plan.get("resource_changes", []) or []:
        if isinstance(change, dict) and isinstance(change.get("change"), dict):
            unknown[str(change.get("address"))] = change["change"].get("after_unknown") or {}
    configured = _Configured(plan.get("configuration"))
    out = []
    for module in _modules(plan.get("planned_values", {}).get("root_module", {})):
        for res in module.get("resources", []) or []:
            if not isinstance(res, dict) or res.get("mode") == "data":
                continue
            address = str(res.get("address"))
            values = _with_unknowns(res.get("values") or {}, unknown.get(address, {}))
            if isinstance(values, dict):
                rules = audited.rules_of(str(res.get("type"))) if audited is not None else None
                blocks = frozenset(path[0] for path in _block_paths(rules or ()) if len(path) == 1)
                values = configured.settle(address, values, blocks if rules is not None else None)
                tags_all = values.get("tags_all")
                if isinstance(tags_all, dict) and not any(isinstance(v, Unknown) for v in tags_all.values()):
                    # the tags the resource gets: its own merged over the provider's default_tags
                    values["tags"] = tags_all
            out.append(Resource(kind="plan", type=str(res.get("type")), name=address, properties=values,
                                file=shown))
    return out


_REFERENCE = re.compile(r"^(?:data\.)?(?:aws|awscc)_[a-z0-9_]+\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.[A-Za-z0-9_.]+$")
_INDEX = re.compile(r"\[[^\]]*\]")
#: module.<call>.<output>, or of one instance of a call with for_each or count (module.<call>["a"].<output>)
_MODULE_OUTPUT = re.compile(r"^module\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.([A-Za-z0-9_-]+)$")


class _Configured:
    """What a plan's `configuration` section says of a resource's top-level attributes known only after apply."""

    def __init__(self, configuration: Any) -> None:
        self._resources: dict[str, dict[str, Any]] = {}  # address without instance keys -> its expressions
        self._calls: dict[str, dict[str, Any]] = {}  # module path -> the call's argument expressions
        self._outputs: dict[str, dict[str, Any]] = {}  # module path -> its outputs (name -> {expression})
        root = configuration.get("root_module") if isinstance(configuration, dict) else None
        self._walk(root, "")

    def _walk(self, module: Any, prefix: str) -> None:
        if not isinstance(module, dict):
            return
        for res in module.get("resources", []) or []:
            if isinstance(res, dict) and isinstance(res.get("expressions"), dict):
                self._resources[prefix + str(res.get("address"))] = res["expressions"]
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, dict):
                path = f"{prefix}module.{name}."
                arguments = call.get("expressions")
                self._calls[path] = arguments if isinstance(arguments, dict) else {}
                outputs = call.get("module", {}).get("outputs") if isinstance(call.get("module"), dict) else None
                self._outputs[path] = outputs if isinstance(outputs, dict) else {}
                self._walk(call.get("module"), path)

    def settle(self, address: str, values: dict[str, Any], blocks: frozenset[str] | None) -> dict[str, Any]:
        """The values, each attribute known only after apply read from its configuration: absent where nothing
        sets it, a reference where another resource's attribute does, unknown otherwise. A nested block
        (`blocks`; none are known without them) that is itself unknown is left so: a `dynamic` block is not an
        attribute's expression, and its content may depend on what is unknown. A static nested block (the
        configuration holds one expression object per block the plan holds) is read the same way inside."""
        plain = _INDEX.sub("", address)
        expressions = self._resources.get(plain)
        if expressions is None or blocks is None:
            return values
        return self._settled(values, expressions, module_path(plain), blocks)

    def _settled(self, values: dict[str, Any], expressions: dict[str, Any], module: str,
                 blocks: frozenset[str] = frozenset()) -> dict[str, Any]:
        out = dict(values)
        for key, value in values.items():
            expression = expressions.get(key)
            if isinstance(value, list) and value and isinstance(expression, list) and len(expression) == len(value):
                out[key] = [self._settled(v, e, module) if isinstance(v, dict) and isinstance(e, dict) else v
                            for v, e in zip(value, expression)]
                continue
            if not (isinstance(value, Unknown) and value.text == "known after apply") or key in blocks:
                continue
            if key not in expressions:
                out[key] = MISSING  # computed by the provider: what AWS does when the request leaves it out
                continue
            target = self._target(expression, module)
            if target:
                out[key] = Reference(target)
        return out

    def _target(self, expression: Any, module: str) -> str | None:
        """The resource attribute an expression is set from (through the module's variables, or a called
        module's output), else None."""
        references = expression.get("references") if isinstance(expression, dict) else None
        if not references or "constant_value" in expression:
            return None
        first = str(references[0])
        output = _MODULE_OUTPUT.match(first)
        if output:  # module.<call>.<output>: what the output's own expression is set from, in the called module
            child = f"{module}module.{output.group(1)}."
            declared = self._outputs.get(child, {}).get(output.group(2))
            return self._target(declared.get("expression"), child) if isinstance(declared, dict) else None
        if first.startswith("var.") and module:
            name = first.split(".")[1]
            argument = self._calls.get(module, {}).get(name)
            parent = ".".join(module.rstrip(".").split(".")[:-2])
            return self._target(argument, parent + "." if parent else "") if argument is not None else None
        if _REFERENCE.match(first) and all(_REFERENCE.match(str(r)) or str(r) == first.rsplit(".", 1)[0]
                                           or _INDEX.sub("", str(r)) == _INDEX.sub("", first.rsplit(".", 1)[0])
                                           for r in references):
            return first
        return None


def _modules(module: Any) -> list[dict[str, Any]]:
    if not isinstance(module, dict):
        return []
    found = [module]
    for child in module.get("child_modules", []) or []:
        found += _modules(child)
    return found


def _with_unknowns(values: Any, unknown: Any) -> Any:
    if unknown is True:
        return Unknown("known after apply")
    if isinstance(values, dict):
        out = {k: _with_unknowns(v, unknown.get(k) if isinstance(unknown, dict) else None) for k, v in values.items()}
        if isinstance(unknown, dict):
            for k, v in unknown.items():
                if k not in out and v is True:
                    out[k] = Unknown("known after apply")
        return out
    if isinstance(values, list):
        return [_with_unknowns(v, unknown[i] if isinstance(unknown, list) and i < len(unknown) else None)
                for i, v in enumerate(values)]
    return values
