"""The shape of a price snapshot (pricing_data/<region>.yaml).

A price is a figure, an estimate that says how it was made, or an explicit `unknown`: the ranker must be
able to tell "we do not know" from "free", so a missing price is never a zero.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from advisor.knowledge.models import Frozen, Text

Component = Literal["notebook", "training", "spot_training", "hosting", "batch_transform", "processing"]
COMPONENTS: tuple[Component, ...] = ("notebook", "training", "spot_training", "hosting", "batch_transform",
                                     "processing")
Region = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$")]


class Price(Frozen):
    instance_type: Annotated[str, StringConstraints(pattern=r"^ml\.[a-z0-9]+\.[a-z0-9]+$")]
    component: Component
    usd_per_hour: float | Literal["unknown"] = Field(description="USD per instance-hour, or the word unknown.")
    source: Text
    estimate: bool = False
    basis: str | None = Field(default=None, description="How an estimate was made.")

    @model_validator(mode="after")
    def _checks(self) -> Price:
        if isinstance(self.usd_per_hour, float) and self.usd_per_hour <= 0:
            raise ValueError(f"usd_per_hour must be positive, got {self.usd_per_hour:g} (write unknown instead)")
        if self.estimate and not self.basis:
            raise ValueError("an estimate must say its basis")
        if self.basis and not self.estimate:
            raise ValueError("basis is given only for estimates (set estimate: true)")
        return self

    @property
    def known(self) -> bool:
        return self.usd_per_hour != "unknown"


class LambdaPrices(Frozen):
    usd_per_gb_second: float = Field(gt=0)
    usd_per_million_requests: float = Field(gt=0)
    source: Text
    as_of: dt.date


class ServerlessInferencePrices(Frozen):
    usd_per_gb_second: float = Field(gt=0)
    source: Text
    as_of: dt.date


class PriceSnapshot(Frozen):
    region: Region
    currency: Literal["USD"] = "USD"
    as_of: dt.date
    source: Text
    method: Literal["manual", "price_list_api"]
    lambda_: LambdaPrices | None = Field(default=None, alias="lambda")
    serverless_inference: ServerlessInferencePrices | None = None
    prices: tuple[Price, ...] = Field(min_length=1)
