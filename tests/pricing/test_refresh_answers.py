"""`advisor pricing refresh` against answers that are not what the Price List API documents: a plain error
(exit 1, the old snapshot byte-identical), never "no products" for an answer that is not JSON, never a crash
inside botocore's parser."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from advisor.knowledge.loader import load_knowledge
from advisor.pricing.refresh import RefreshError, make_client, refresh_region
from advisor.pricing.snapshots import shipped_pricing_dir


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


@pytest.mark.parametrize(("body", "words"), [
    (b"<html><body>Sign in to the hotel wifi</body></html>", "has no PriceList"),
    (b"", "has no PriceList"),
    (b'{"FormatVersion": "aws_v1"}', "has no PriceList"),
    (b"[1, 2, 3]", "is not the GetProducts answer it documents"),
])
def test_an_answer_that_is_not_a_price_list_page_is_said_plainly(body: bytes, words: str, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDTESTONLY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-real-secret")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    snapshot = tmp_path / "us-east-1.yaml"
    shutil.copy(shipped_pricing_dir() / "us-east-1.yaml", snapshot)
    before = snapshot.read_bytes()
    client = make_client(None)
    client.meta.events.register(
        "before-send.pricing.GetProducts",
        lambda request, **_: AWSResponse("https://api.pricing.us-east-1.amazonaws.com/", 200,
                                         {"Content-Type": "application/x-amz-json-1.1"}, _Body(body)))
    with pytest.raises(RefreshError) as info:
        refresh_region("us-east-1", client=client, knowledge=load_knowledge(), out_dir=tmp_path,
                       today=dt.date(2026, 12, 1), sleep=lambda s: None)
    assert words in info.value.message and "products" not in info.value.message
    assert info.value.exit_code == 1
    assert snapshot.read_bytes() == before
