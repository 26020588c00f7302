"""Fixtures for the recommender: one Advisor per session (knowledge and compiled rules are immutable)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from advisor.recommend.advisor import Advisor
from advisor.workload import Workload

FIXED_TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="session")
def advisor() -> Advisor:
    return Advisor(clock=lambda: FIXED_TODAY)


def example_workload(partial: dict[str, Any]) -> Workload:
    """A rule example: a partial workload over the defaults (every stage, so stage-gated rules can fire)."""
    data = {"stages": ["notebook", "training", "tuning", "realtime_inference", "batch_inference", "processing"]}
    data.update(partial)
    return Workload.model_validate(data)
