"""A price of hundreds of digits (YAML and JSON read it as an exact int, which no float holds) or beyond 10^12
is a located error naming the field, not an OverflowError (exit 70)."""

from __future__ import annotations

import pytest
import yaml

from advisor.documents import parse_yaml
from advisor.errors import PricingError
from advisor.knowledge.loader import load_knowledge
from advisor.pricing.snapshots import check_document, shipped_pricing_dir

TYPES = {t.name for t in load_knowledge().instance_types}


@pytest.mark.parametrize(("literal", "words"), [
    ("1" + "0" * 400, "a number of 401 digits"),
    ("-" + "9" * 400, "a number of 400 digits"),
    ("2000000000000.0", "at most 10^12"),
    (".inf", "must be a positive number"),
])
def test_a_huge_price_is_a_located_error(literal: str, words: str) -> None:
    data = yaml.safe_load((shipped_pricing_dir() / "us-east-1.yaml").read_text(encoding="utf-8"))
    data["prices"][0]["usd_per_hour"] = "__NUM__"
    text = yaml.safe_dump(data, sort_keys=False).replace("__NUM__", literal)
    with pytest.raises(PricingError) as info:
        check_document(parse_yaml(text, "us-east-1.yaml"), TYPES, expect_region="us-east-1")
    [problem] = info.value.problems
    assert problem.field == "prices[0].usd_per_hour" and words in problem.message and problem.line
