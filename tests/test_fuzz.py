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
