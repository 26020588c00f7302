"""Finite numbers: inf, NaN and absurd magnitudes are refused in every field a user feeds, naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.errors import WorkloadError
from advisor.knowledge.loader import load_knowledge
from advisor.workload import load_workload

K = load_knowledge()
ALL_STAGES = "stages: [training, realtime_inference, batch_inference, tuning, processing]\n"


@pytest.mark.parametrize(("text", "field"), [
    ("data:\n  size_gb: .inf\n", "data.size_gb"),
    ("data:\n  size_gb: .nan\n", "data.size_gb"),
    ("data:\n  size_gb: 1e400\n", "data.size_gb"),
    ("data:\n  size_gb: 'inf'\n", "data.size_gb"),
    ("inference:\n  requests_per_second: " + "9" * 400 + "\n", "inference.requests_per_second"),
    ("inference:\n  seconds_per_request: 1e13\n", "inference.seconds_per_request"),
    ("processing:\n  max_hours: -.inf\n", "processing.max_hours"),
    ("batch:\n  records_per_run: " + "9" * 400 + "\n", "batch.records_per_run"),
    ("tuning:\n  max_jobs: 1e400\n", "tuning.max_jobs"),
])
def test_non_finite_and_huge_numbers_are_refused_with_the_field_named(text: str, field: str | None) -> None:
    with pytest.raises(WorkloadError) as caught:
        load_workload("w.yaml", K, text=ALL_STAGES + text)
    rendered = caught.value.render()
    if field is not None:
        assert field in rendered
    assert len(rendered) < 2000  # a 400-digit number is not printed whole


def test_json_infinity_and_nan_are_refused() -> None:
    for token in ("Infinity", "-Infinity", "NaN"):
        with pytest.raises(WorkloadError, match=r"data\.size_gb"):
            load_workload("w.json", K, text=f'{{"stages": ["training"], "data": {{"size_gb": {token}}}}}')


def test_a_field_keeps_its_own_bounds(tmp_path: Path) -> None:
    with pytest.raises(WorkloadError, match="at least 0"):
        load_workload("w.yaml", K, text="stages: [training]\ndata:\n  size_gb: -1\n")
    assert load_workload("w.yaml", K, text="stages: [training]\ndata:\n  size_gb: 1e6\n").data.size_gb == 1e6
    with pytest.raises(WorkloadError, match="at most 10000000"):  # its own bound, 10 PB, under the shared 10^12
        load_workload("w.yaml", K, text="stages: [training]\ndata:\n  size_gb: 1e9\n")


def test_rules_refuse_non_finite_values() -> None:
    from pydantic import TypeAdapter, ValidationError

    from advisor.engine.conditions import Condition, FieldSpec

    adapter: TypeAdapter = TypeAdapter(Condition)
    for value in (float("inf"), float("nan"), 10**400):
        with pytest.raises(ValidationError):
            adapter.validate_python({"field": "n", "op": "gt", "value": value},
                                    context={"fields": {"n": FieldSpec("number")}})


@pytest.mark.parametrize(("name", "text", "said"), [
    ("w.yaml", "data:\n  size_gb: 1e400\n", "data.size_gb: must be a finite number, got 1e400, which is too large"),
    ("w.yaml", "data:\n  size_gb: 1.0e400  # huge\n", "got 1.0e400, which is too large"),
    ("w.yaml", "data: {size_gb: -2.5E+999}\n", "got -2.5E+999, which is too large"),
    ("w.yaml", "data:\n  size_gb: .inf\n", "data.size_gb: must be a finite number, got .inf"),
    ("w.yaml", "model:\n  size_mb: .NaN\n", "model.size_mb: must be a finite number, got .NaN"),
    ("w.yaml", "batch:\n  records_per_run: 1.0e400\n", "batch.records_per_run: must be a finite number, got 1.0e400"),
    ("w.json", '{"stages": ["training"],\n "data": {"kind": "text", "size_gb": 1e400}}',
     'data.size_gb: must be a finite number, got 1e400, which is too large'),
    ("w.json", '{"stages": ["training"], "data": {"size_gb": -Infinity}}', "got -Infinity"),
])
def test_a_number_the_parser_read_as_infinity_is_said_as_written(name: str, text: str, said: str) -> None:
    """`1e400` said as "got inf" named a value nobody typed: the message quotes the file."""
    if name.endswith(".yaml"):
        text = ALL_STAGES + text
    with pytest.raises(WorkloadError) as caught:
        load_workload(name, K, text=text)
    rendered = caught.value.render()
    assert said in rendered
    assert "got inf" not in rendered and "got nan" not in rendered and "got -inf" not in rendered


def test_a_finite_number_out_of_bounds_is_said_as_before() -> None:
    """Only a value read as inf or NaN is looked up in the text: an ordinary bound error keeps its wording."""
    with pytest.raises(WorkloadError) as caught:
        load_workload("w.yaml", K, text=ALL_STAGES + "data:\n  size_gb: 1e9\n")
    assert "data.size_gb: must be at most 10000000, got 1000000000.0" in caught.value.render()


def test_a_huge_integer_is_said_by_its_digits() -> None:
    with pytest.raises(WorkloadError) as caught:
        load_workload("w.yaml", K, text=ALL_STAGES + "inference:\n  models: 1" + "0" * 400 + "\n")
    assert "inference.models: must be at most 100000, got 100000000000... (a number of 401 digits)" \
        in caught.value.render()
    with pytest.raises(WorkloadError) as caught:  # past a float's range: pydantic calls it no number at all
        load_workload("w.yaml", K, text=ALL_STAGES + "data:\n  size_gb: 1" + "0" * 400 + "\n")
    assert "data.size_gb: must be a number, got 100000000000... (a number of 401 digits), which is too large" \
        in caught.value.render()


def test_python_text_too_large_for_a_float_is_said_as_written() -> None:
    """The API reads an exponent in text as YAML 1.2 does (`"2e3"`); `"1e400"` is refused as written."""
    from advisor import Workload

    assert Workload(stages=["training"], data={"size_gb": "2e3"}).data.size_gb == 2e3
    with pytest.raises(WorkloadError) as caught:
        Workload(stages=["training"], data={"size_gb": "1e400"})
    assert "data.size_gb: must be a finite number, got 1e400, which is too large" in caught.value.render()


@pytest.mark.parametrize(("text", "said"), [
    ("1e400", "1e400, which is too large to be a number (beyond about 1.8e308 a figure reads as infinity)"),
    ("-1.5E+999", "-1.5E+999, which is too large to be a number (beyond about 1.8e308 a figure reads as infinity)"),
    (".inf", ".inf"), ("-Infinity", "-Infinity"), ("NaN", "NaN"), ("nan", "nan"),
    ("1e300", None), ("12", None), ("4o", None), ("1_000", None),
])
def test_written_infinite(text: str, said: str | None) -> None:
    from advisor.numbers import written_infinite

    assert written_infinite(text) == said


@pytest.mark.parametrize(("name", "text", "said"), [
    ("w.yaml", ALL_STAGES + "data:\n  size_gb: 1" + "0" * 5000 + "\n",
     "w.yaml:3: data.size_gb: a number of 5001 digits, too long to read (at most 4300 digits)"),
    ("w.json", '{"stages": ["training"],\n "inference": {"models": 1' + "0" * 5000 + "}}",
     "w.json:2: inference.models: a number of 5001 digits, too long to read (at most 4300 digits)"),
    ("w.json", '{"stages": ["training"], "inference": {"models": 1' + "0" * 5000 + "}}",  # one line: the key before
     "w.json:1: inference.models: a number of 5001 digits"),
    ("w.yaml", ALL_STAGES + "# " + "9" * 5000 + "\ninference:\n  models: 1" + "0" * 5000 + "\n",  # not the comment
     "w.yaml:4: inference.models: a number of 5001 digits"),
    ("w.yaml", ALL_STAGES + "data:\n  size_gb: 1_" + "0" * 5000 + "\n",  # YAML 1.1's underscores are no digits
     "w.yaml:3: data.size_gb: a number of 5001 digits"),
    ("w.yaml", ALL_STAGES + "data: {kind: text, size_gb: -" + "9" * 4301 + "}\n",  # one line, several keys
     "w.yaml:2: data.size_gb: a number of 4301 digits"),
    ("w.json", '{"stages": ["training"],\n "data": {"kind": "' + "9" * 5000 + '",\n "size_gb": 1' + "0" * 5000 + "}}",
     "w.json:3: data.size_gb: a number of 5001 digits"),
])
def test_an_integer_past_pythons_digit_limit_is_located(name: str, text: str, said: str) -> None:
    """Python refuses to read an integer of more than 4,300 digits: that was "unreadable YAML value ... use
    sys.set_int_max_str_digits() to increase the limit", at no line and no field."""
    with pytest.raises(WorkloadError) as caught:
        load_workload(name, K, text=text)
    rendered = caught.value.render()
    assert said in rendered and "sys.set_int_max_str_digits" not in rendered


def test_every_way_in_says_a_non_finite_number_in_the_same_words() -> None:
    """The wording was built in three places (a workload's exponent text, a typed answer, a validation error of
    a value the parser read as inf), free to drift apart: each is now `not_finite`, word for word."""
    from advisor import Workload
    from advisor.documents import plain_message
    from advisor.numbers import not_finite, written_infinite

    said = not_finite(str(written_infinite("1e400")))
    assert said == "must be a finite number, got 1e400, which is too large to be a number (beyond about 1.8e308 " \
                   "a figure reads as infinity)"
    for text in ('{"stages": ["training"], "data": {"size_gb": 1e400}}',  # JSON: read as inf, said as written
                 ALL_STAGES + "data:\n  size_gb: 1e400\n"):  # YAML 1.1: text, read as a number by the field
        with pytest.raises(WorkloadError) as caught:
            load_workload("w.json" if text.startswith("{") else "w.yaml", K, text=text)
        assert [p.message for p in caught.value.problems] == [said]
    with pytest.raises(WorkloadError) as caught:  # the Python API, text in a number field
        Workload(stages=["training"], data={"size_gb": "1e400"})
    assert [p.message for p in caught.value.problems] == [said]
    assert plain_message({"type": "float_type", "input": "1e400", "msg": ""}) == said  # a typed answer
    long = plain_message({"type": "float_type", "input": "9" * 400, "msg": ""})  # too long to quote whole
    assert long.startswith(not_finite("'999")) and long.endswith("(402 characters), which is too large to be a number")
