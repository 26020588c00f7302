"""advisor.recommend.lambda_fit: helpers whose speed shortcuts must not change a figure."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from advisor.recommend.lambda_fit import _round3


@given(st.one_of(st.integers(min_value=-10**12, max_value=10**12),
                 st.floats(allow_nan=False, allow_infinity=True, width=64),
                 st.integers(min_value=0, max_value=10**7).map(lambda n: n / 1000)))
def test_round3_is_round_to_three_places(x: float) -> None:
    expected = round(x, 3)
    assert _round3(x) == expected
    assert type(_round3(x)) is type(expected)
    assert repr(_round3(x)) == repr(expected)
