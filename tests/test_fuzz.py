"""Fuzzing the entry points: whatever a user feeds (workloads, banks, rules, snapshots, drafts as files or as
Python values), the API raises only the project's own errors and the CLI never exits 70 or with a traceback.

CI runs a bounded number of examples; `ADVISOR_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py` runs a larger
campaign (the `slow` marker is not needed: the count is the knob).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.cli import main
from advisor.documents import parse_yaml
from advisor.engine.decisions import Decision
from advisor.errors import AdvisorError
from advisor.knowledge.loader import load_knowledge
from advisor.pricing.snapshots import check_document
from advisor.quiz.bank import exam_domains, validate_bank
from advisor.recommend.advisor import Advisor
from advisor.workload import condition_fields, load_workload

EXAMPLES = int(os.environ.get("ADVISOR_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
ROOT = Path(__file__).resolve().parents[1]
K = load_knowledge()
ADVISOR = Advisor(K)

# values that broke things once: non-finite and huge numbers, surrogates, line separators, control characters
nasty_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300, max_value=10**400),
    st.floats(), st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e308, -0.0]),
    st.text(max_size=30), st.sampled_from(["inf", "NaN", "\ud83d", "a\u2028b", "\x1b]0;t\x07", "\x00", "1e400"]),
)
values = st.recursive(nasty_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                             st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                      max_leaves=12)


def _example(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def _mutate(data: Any, path: list[Any], value: Any) -> Any:
    """`data` with the value at a path drawn from its own keys replaced by `value`."""
    if not path or not isinstance(data, (dict, list)) or not data:
        return value
    index = path[0] % len(data)
    if isinstance(data, dict):
        key = list(data)[index]
        return {**data, key: _mutate(data[key], path[1:], value)}
    out = list(data)
    out[index] = _mutate(out[index], path[1:], value)
    return out


mutations = st.tuples(st.lists(st.integers(min_value=0, max_value=50), max_size=4), values)
WORKLOADS = sorted((ROOT / "examples" / "workloads").glob("*.yaml"))


def _render(data: Any, as_json: bool) -> str:
    if as_json:
        return json.dumps(data, ensure_ascii=False, default=str)
    return yaml.safe_dump(data, allow_unicode=True)


@FUZZ
@given(st.sampled_from(WORKLOADS), mutations, st.booleans())
def test_a_mutated_workload_file_gives_a_workload_or_our_error(path: Path, mutation: Any, as_json: bool) -> None:
    data = _mutate(yaml.safe_load(path.read_text()), *mutation)
    try:
        text = _render(data, as_json)
    except (ValueError, UnicodeEncodeError, yaml.YAMLError):
        return
    try:
        workload = load_workload("w.json" if as_json else "w.yaml", K, text=text)
    except AdvisorError as exc:
        exc.render().encode("utf-8")  # printable, whatever the input held
        return
    ADVISOR.recommend(workload)


@FUZZ
@given(values)
def test_the_python_api_takes_any_value_as_a_workload(value: Any) -> None:
    with contextlib.suppress(AdvisorError):
        ADVISOR.recommend(value if isinstance(value, dict) else {"stages": value})


@FUZZ
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_any_text_parses_or_gives_our_error(raw: str | bytes) -> None:
    try:
        parse_yaml(raw, "x.yaml")
    except AdvisorError as exc:
        exc.render().encode("utf-8")


BANK = yaml.safe_load((ROOT / "quizzes" / "chapter09.yaml").read_text(encoding="utf-8"))
BANK["questions"] = BANK["questions"][:3]
DOMAINS = exam_domains()


@FUZZ
@given(mutations)
def test_a_mutated_bank_validates_or_gives_our_error(mutation: Any) -> None:
    try:
        raw = _render(_mutate(BANK, *mutation), False).encode("utf-8")
    except (ValueError, UnicodeEncodeError, yaml.YAMLError):
        return
    with contextlib.suppress(AdvisorError):
        validate_bank(Path("b.yaml"), raw, DOMAINS)


@FUZZ
@given(mutations)
def test_a_mutated_rule_file_loads_or_gives_our_error(mutation: Any) -> None:
    from advisor.documents import validate_document

    raw = _mutate(yaml.safe_load((ROOT / "rules" / "decisions" / "training.yaml").read_text()), *mutation)
    try:
        doc = parse_yaml(_render(raw, True), "training.yaml")
    except (AdvisorError, ValueError):
        return
    with contextlib.suppress(AdvisorError):
        validate_document(Decision, doc, context={"fields": condition_fields()})


@FUZZ
@given(mutations)
def test_a_mutated_snapshot_loads_or_gives_our_error(mutation: Any) -> None:
    raw = _mutate(yaml.safe_load((ROOT / "pricing_data" / "us-east-1.yaml").read_text()), *mutation)
    try:
        doc = parse_yaml(_render(raw, True), "us-east-1.yaml")
    except (AdvisorError, ValueError):
        return
    with contextlib.suppress(AdvisorError):
        check_document(doc, {t.name for t in K.instance_types}, expect_region="us-east-1")


@settings(max_examples=max(5, EXAMPLES // 8), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(WORKLOADS), mutations)
def test_the_cli_never_exits_70(tmp_path_factory: Any, path: Path, mutation: Any) -> None:
    data = _mutate(yaml.safe_load(path.read_text()), *mutation)
    try:
        text = json.dumps(data, ensure_ascii=False, default=str)
    except ValueError:
        return
    target = tmp_path_factory.mktemp("w") / "w.json"
    target.write_text(text, encoding="utf-8", errors="surrogatepass")
    for command in (["recommend", str(target), "--format", "json", "--no-cache"], ["explain", str(target)]):
        assert main(command) in (0, 1, 2)


# ---- workloads drawn from the model's own schema: every section and field, new ones included ---------------------

def _schema_values(node: dict[str, Any], defs: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for one schema node: mostly what the schema allows (its enum, a number in its range, its
    sub-fields), sometimes a nasty value. Built from `Workload.model_json_schema()` at test time, so a stage or
    a workload section another change adds is fuzzed without an edit here."""
    if "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    options = node.get("anyOf") or node.get("oneOf")
    if options:
        return st.one_of(*[_schema_values(o, defs, depth) for o in options])
    kind = node.get("type")
    if "enum" in node:
        good: st.SearchStrategy[Any] = st.sampled_from(node["enum"])
    elif "const" in node:
        good = st.just(node["const"])
    elif kind in ("number", "integer"):
        low = node.get("minimum", node.get("exclusiveMinimum", -1e6))
        high = node.get("maximum", node.get("exclusiveMaximum", 1e6))
        good = (st.integers(int(max(low, -1e6)), int(min(high, 1e6))) if kind == "integer"
                else st.floats(max(low, -1e6), min(high, 1e6), allow_nan=False))
    elif kind == "boolean":
        good = st.booleans()
    elif kind == "array" and depth < 4:
        good = st.lists(_schema_values(node.get("items", {}), defs, depth + 1), max_size=4)
    elif kind == "object" and depth < 4 and "properties" in node:
        fields = {name: _schema_values(sub, defs, depth + 1) for name, sub in node["properties"].items()}
        good = st.fixed_dictionaries({}, optional=fields)
    else:
        good = st.text(max_size=20)
    return st.one_of(good, good, good, nasty_scalars)


def _workload_strategy() -> st.SearchStrategy[Any]:
    from advisor.workload import Workload

    schema = Workload.model_json_schema()
    return _schema_values(schema, schema.get("$defs", {}))


@FUZZ
@given(_workload_strategy())
def test_a_workload_drawn_from_the_schema_is_recommended_or_our_error(data: Any) -> None:
    try:
        rec = ADVISOR.recommend(data)
    except AdvisorError as exc:
        exc.render().encode("utf-8")
        return
    json.loads(rec.model_dump_json())  # a recommendation always serialises (no inf or NaN in it)


# ---- drafts -------------------------------------------------------------------------------------------------------

@FUZZ
@given(st.dictionaries(st.text(max_size=20), values, max_size=5), st.sampled_from(["stages", "data", "summary", "x"]),
       st.booleans())
def test_a_damaged_draft_is_moved_aside_or_gives_answers(answers: dict[str, Any], step: str, as_json: bool) -> None:
    import tempfile

    from advisor.recommend.questions import Answers, DraftStore

    draft = {"saved_at": "2026-11-24T09:00:00Z", "step": step, "answers": answers}
    try:
        text = _render(draft, as_json)
    except (ValueError, UnicodeEncodeError, yaml.YAMLError):
        return
    with tempfile.TemporaryDirectory() as folder:
        store = DraftStore(Path(folder))
        store.path.write_text(text, encoding="utf-8", errors="surrogatepass")
        loaded = store.load()
        if loaded is None:
            assert store.notice is not None and not store.path.exists()  # kept aside, said so
            store.notice.encode("utf-8")
            return
        with contextlib.suppress(AdvisorError):
            ADVISOR.recommend(Answers(dict(loaded.answers)).workload(K))


# ---- every CLI entry point that reads a user's file ------------------------------------------------------------------

CLI_INPUTS = {
    "workload": (WORKLOADS[0], [["recommend", "{f}", "--no-cache", "--format", "json"], ["explain", "{f}"],
                                ["requests", "{f}", "--no-cache"], ["questionnaire", "--from", "{f}"]]),
    "bank": (ROOT / "quizzes" / "chapter09.yaml", [["quiz", "lint", "{f}"],
                                                   ["quiz", "export", "{f}", "--format", "gift"]]),
    "snapshot": (ROOT / "pricing_data" / "us-east-1.yaml", [["pricing", "show", "--pricing-dir", "{d}", "--region",
                                                            "us-east-1"]]),
    "template": (ROOT / "examples" / "audit" / "sagemaker-stack.yaml", [["audit", "{f}", "--format", "json"]]),
}


class _TagsAsData(yaml.SafeLoader):
    """CloudFormation's short tags (!Ref, !Equals) read as plain data, so a template can be mutated like the rest."""


_TagsAsData.add_multi_constructor("!", lambda loader, tag, node: {f"Fn::{tag[1:]}": (
    loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode)
    else loader.construct_mapping(node) if isinstance(node, yaml.MappingNode) else loader.construct_scalar(node))})


@settings(max_examples=max(5, EXAMPLES // 8), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(sorted(CLI_INPUTS)), mutations, st.booleans())
def test_no_cli_entry_point_exits_70_on_a_mutated_input(tmp_path_factory: Any, kind: str, mutation: Any,
                                                       as_json: bool) -> None:
    source, commands = CLI_INPUTS[kind]
    data = yaml.load(source.read_text(encoding="utf-8"), Loader=_TagsAsData)  # a SafeLoader: no object tags
    if kind == "bank":
        data["questions"] = data["questions"][:3]
    try:
        text = _render(_mutate(data, *mutation), as_json)
    except (ValueError, UnicodeEncodeError, yaml.YAMLError, TypeError):
        return
    folder = tmp_path_factory.mktemp(kind)
    target = folder / ("us-east-1.yaml" if kind == "snapshot" else f"input.{'json' if as_json else 'yaml'}")
    target.write_text(text, encoding="utf-8", errors="surrogatepass")
    for command in commands:
        args = [a.format(f=target, d=folder) for a in command]
        with contextlib.suppress(SystemExit):  # argparse's own exit for a usage error is 2, never a traceback
            assert main(args) in (0, 1, 2), args


def _escaped_halves(data: Any) -> Any:
    """`data` with half a surrogate pair in its first key and in its first string, for JSON written with escapes
    (`"\\ud800"`): the text is ASCII and well-formed, the decoded value holds no character."""
    if isinstance(data, dict) and data:
        first, *rest = data
        return {f"{first}\udc00": _escaped_halves(data[first]), **{k: data[k] for k in rest}}
    if isinstance(data, list) and data:
        return [_escaped_halves(data[0]), *data[1:]]
    return f"\ud800{data}" if isinstance(data, str) else data


@pytest.mark.parametrize("case", ["name", "escape"])
@pytest.mark.parametrize("kind", sorted(CLI_INPUTS))
def test_no_cli_entry_point_exits_70_on_a_name_or_text_no_output_can_write(tmp_path: Path, kind: str,
                                                                          case: str) -> None:
    """A file name whose bytes are not UTF-8 (`input\\xff.yaml`), and JSON escapes that decode to half a surrogate
    pair: every entry point reads them, or refuses them with a plain error (both were exit 70 somewhere)."""
    source, commands = CLI_INPUTS[kind]
    target = tmp_path / ("us-east-1.yaml" if kind == "snapshot" else "input.json")
    if case == "name":
        name = os.fsdecode(b"input\xff.yaml" if kind != "snapshot" else b"extra\xff.yaml")
        try:
            (tmp_path / name).write_bytes(source.read_bytes())
        except (OSError, UnicodeEncodeError):
            pytest.skip("this file system refuses names that are not UTF-8")
        if kind == "snapshot":
            target.write_bytes(source.read_bytes())
        else:
            target = tmp_path / name
    else:
        data = yaml.load(source.read_text(encoding="utf-8"), Loader=_TagsAsData)
        target.write_text(json.dumps(_escaped_halves(data), default=str), encoding="ascii")  # ensure_ascii: escapes
    for command in commands:
        args = [a.format(f=target, d=tmp_path) for a in command]
        with contextlib.suppress(SystemExit):
            assert main(args) in (0, 1, 2), args
