"""The Price List refresh, offline: a real `pricing` client fed real-format answers (Stubber, or a fake HTTP
response under botocore's own retry machinery). Every failure must leave the old snapshot byte-identical."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import botocore
import botocore.endpoint
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber

from advisor.errors import PricingError, UsageError
from advisor.knowledge.loader import load_knowledge
from advisor.pricing import refresh as refresh_module
from advisor.pricing.models import PRICE_BLOCKS
from advisor.pricing.refresh import (
    MAX_RETRIES,
    RESUMES,
    RefreshError,
    default_output_dir,
    make_client,
    parse_item,
    refresh_region,
)
from advisor.pricing.snapshots import load_snapshot, shipped_pricing_dir, user_pricing_dir
from advisor.resources import shipped_dir
from tests.support.price_list import expected_params, page, pricing_client, sagemaker_item

K = load_knowledge()
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def old(tmp_path: Path) -> Path:
    """A pricing folder holding a copy of the shipped us-east-1 snapshot: the file a refresh replaces."""
    folder = tmp_path / "pricing"
    folder.mkdir()
    shutil.copy(shipped_pricing_dir() / "us-east-1.yaml", folder / "us-east-1.yaml")
    return folder / "us-east-1.yaml"


@pytest.fixture
def client() -> Iterator[tuple[Any, Stubber]]:
    c = pricing_client()
    with Stubber(c) as stub:
        yield c, stub
        stub.assert_no_pending_responses()


def run(c: Any, folder: Path, **kw: Any) -> Any:
    kw.setdefault("sleep", lambda s: None)
    return refresh_region("us-east-1", client=c, knowledge=K, out_dir=folder, today=TODAY, **kw)


def test_items_have_the_shape_of_botocores_own_example() -> None:
    example_file = Path(botocore.__file__).parent / "data" / "pricing" / "2017-10-15" / "examples-1.json"
    example = json.loads(json.loads(example_file.read_text())["examples"]["GetProducts"][0]["output"]
                         ["PriceList"][0])
    ours = json.loads(sagemaker_item("ml.m5.xlarge", "Hosting"))
    assert ours.keys() == example.keys()
    assert ours["product"].keys() == example["product"].keys()
    (their_term,), (our_term,) = example["terms"]["OnDemand"].values(), ours["terms"]["OnDemand"].values()
    assert our_term.keys() == their_term.keys()
    (their_dim,), (our_dim,) = their_term["priceDimensions"].values(), our_term["priceDimensions"].values()
    assert our_dim.keys() == their_dim.keys()


def test_pagination_follows_next_token_and_writes_a_loadable_snapshot(client: Any, old: Path) -> None:
    c, stub = client
    stub.add_response("get_products", page([sagemaker_item("ml.m5.xlarge", "Hosting", "0.2400000000")], "t1"),
                      expected_params())
    stub.add_response("get_products", page([sagemaker_item("ml.m5.xlarge", "Training", "0.2500000000")], "t2"),
                      expected_params("t1"))
    stub.add_response("get_products", page([sagemaker_item("ml.g5.xlarge", "BatchTransform", "1.5")]),
                      expected_params("t2"))
    report = run(c, old.parent)
    assert (report.pages, report.items, report.from_api) == (3, 3, 3)
    snap = load_snapshot("us-east-1", old.parent, K)
    assert snap.method == "price_list_api" and snap.as_of == TODAY
    assert snap.price("ml.m5.xlarge", "hosting").usd_per_hour == 0.24
    assert snap.price("ml.m5.xlarge", "training").usd_per_hour == 0.25
    bt = snap.price("ml.g5.xlarge", "batch_transform")
    assert bt.usd_per_hour == 1.5 and not bt.estimate and "USE1-Tsform:ml.g5.xlarge" in bt.source
    schema_ref = old.read_text().splitlines()[0].split("# yaml-language-server: $schema=", 1)[1]
    assert (old.parent / schema_ref).resolve() == (shipped_dir("schemas") / "price_snapshot.schema.json").resolve()


def test_what_the_api_does_not_say_is_carried_over_or_unknown_never_zero(client: Any, old: Path) -> None:
    c, stub = client
    stub.add_response("get_products", page([sagemaker_item("ml.m5.xlarge", "Hosting", "0.24")]), expected_params())
    report = run(c, old.parent)
    before = load_snapshot("us-east-1", shipped_pricing_dir(), K)
    after = load_snapshot("us-east-1", old.parent, K)
    kept = after.price("ml.c5.xlarge", "training")
    assert kept.usd_per_hour == before.price("ml.c5.xlarge", "training").usd_per_hour
    assert kept.source.startswith("carried over from the 2026-11-24 snapshot")
    assert report.carried_over == len(after.prices) - 1 and report.unknown == 0
    assert after.lambda_ == before.lambda_ and after.spot_training_discount == before.spot_training_discount
    assert after.serverless_inference == before.serverless_inference
    # every block beside the rows (PRICE_BLOCKS): Lambda Managed Instances' fee was dropped by a refresh once
    assert before.lambda_managed_instances is not None
    assert all(getattr(after, b.field) == getattr(before, b.field) for b in PRICE_BLOCKS)
    # a second refresh does not stack "carried over" prefixes
    stub.add_response("get_products", page([sagemaker_item("ml.m5.xlarge", "Hosting", "0.24")]), expected_params())
    refresh_region("us-east-1", client=c, knowledge=K, out_dir=old.parent, today=TODAY + dt.timedelta(days=1))
    again = load_snapshot("us-east-1", old.parent, K).price("ml.c5.xlarge", "training").source
    assert again.count("carried over") == 1 and "2026-12-01 snapshot" in again


def test_without_an_earlier_snapshot_missing_rows_are_unknown(client: Any, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    c, stub = client
    monkeypatch.setattr(refresh_module, "candidate_paths", lambda region, pricing_dir=None: [])
    stub.add_response("get_products", page([sagemaker_item("ml.m5.xlarge", "Hosting", "0.24")]), expected_params())
    report = run(c, tmp_path)
    snap = load_snapshot("us-east-1", tmp_path, K)
    stages = sum(len(t.stages) for t in K.instance_types)
    assert report.unknown == stages - 1 and len(snap.prices) == stages
    row = snap.price("ml.c5.xlarge", "training")
    assert row.usd_per_hour == "unknown" and "no earlier figure" in row.source
    assert snap.lambda_ is None and snap.spot_training_discount is None


def test_malformed_items_missing_usd_and_unknown_components_are_skipped_and_counted(client: Any, old: Path) -> None:
    c, stub = client
    items = [
        sagemaker_item("ml.m5.xlarge", "Hosting", "0.24"),
        "this is not JSON",
        json.dumps({"product": {"sku": "X"}}),                                    # no attributes
        sagemaker_item("ml.m5.large", "Hosting", "0.12", drop=("instanceName", "instanceType", "usagetype")),
        sagemaker_item("ml.m5.2xlarge", "Hosting", "0.47", currency="CNY"),        # no USD price
        sagemaker_item("ml.m5.4xlarge", "Hosting", None),                         # no price at all
        sagemaker_item("ml.m5.4xlarge", "Training", "0.93", unit="Quantity"),     # not an hourly price
        sagemaker_item("ml.m5.xlarge", "AsyncInf", "0.23"),                        # components we do not price
        sagemaker_item("ml.m5.xlarge", "Studio-Notebook", "0.23"),
        sagemaker_item("ml.m5.xlarge", "Cluster", "0.23"),
        sagemaker_item("ml.x9.huge", "Hosting", "9.99"),                          # a type the knowledge lacks
        sagemaker_item("ml.m5.xlarge", "Notebook", "0.0"),                         # a free-tier style zero
    ]
    stub.add_response("get_products", page(items), expected_params())
    report = run(c, old.parent)
    assert report.items == len(items) and report.from_api == 1
    assert report.skipped == {
        "malformed items": 3,
        "items without a USD hourly price": 3,
        "items of other components": 3,
        "items for instance types the knowledge does not know": 1,
        "items with a zero or negative price": 1,
    }
    snap = load_snapshot("us-east-1", old.parent, K)
    assert snap.price("ml.m5.2xlarge", "hosting").source.startswith("carried over")
    assert snap.price("ml.m5.xlarge", "notebook").usd_per_hour > 0
    assert "3 malformed items" in report.summary()


def test_conflicting_prices_keep_the_higher_and_say_so(client: Any, old: Path) -> None:
    c, stub = client
    stub.add_response("get_products", page([sagemaker_item("ml.m5.xlarge", "Hosting", "0.24"),
                                            sagemaker_item("ml.m5.xlarge", "Hosting", "0.26")]), expected_params())
    report = run(c, old.parent)
    assert load_snapshot("us-east-1", old.parent, K).price("ml.m5.xlarge", "hosting").usd_per_hour == 0.26
    assert report.skipped["items with a second, different price (kept the higher)"] == 1


def test_spot_training_prices_are_kept_when_the_api_has_them(client: Any, old: Path) -> None:
    c, stub = client
    stub.add_response("get_products", page([sagemaker_item("ml.m5.xlarge", "SpotTraining", "0.069")]),
                      expected_params())
    run(c, old.parent)
    assert load_snapshot("us-east-1", old.parent, K).price("ml.m5.xlarge", "spot_training").usd_per_hour == 0.069


def test_throttling_then_success_resumes_from_the_same_page(client: Any, old: Path) -> None:
    c, stub = client
    slept: list[float] = []
    stub.add_response("get_products", page([sagemaker_item("ml.m5.xlarge", "Hosting", "0.24")], "t1"),
                      expected_params())
    stub.add_client_error("get_products", "ThrottlingException", "Rate exceeded", 400,
                          expected_params=expected_params("t1"))
    stub.add_response("get_products", page([sagemaker_item("ml.m5.xlarge", "Training", "0.25")]),
                      expected_params("t1"))
    report = run(c, old.parent, sleep=slept.append)
    assert report.resumed == 1 and slept == [refresh_module.RESUME_WAIT_SECONDS] and report.pages == 2
    snap = load_snapshot("us-east-1", old.parent, K)
    assert snap.price("ml.m5.xlarge", "training").usd_per_hour == 0.25
    assert snap.price("ml.m5.xlarge", "hosting").usd_per_hour == 0.24


def test_throttling_that_does_not_stop_is_reported_and_the_old_snapshot_stays(client: Any, old: Path) -> None:
    c, stub = client
    before = old.read_bytes()
    stub.add_response("get_products", page([sagemaker_item("ml.m5.xlarge", "Hosting", "0.24")], "t1"),
                      expected_params())
    for _ in range(RESUMES + 1):
        stub.add_client_error("get_products", "ThrottlingException", "Rate exceeded", 400)
    with pytest.raises(RefreshError) as info:
        run(c, old.parent)
    assert info.value.exit_code == 1 and "kept throttling" in info.value.message
    assert old.read_bytes() == before and sorted(p.name for p in old.parent.iterdir()) == ["us-east-1.yaml"]


@pytest.mark.parametrize("code,words", [("InternalErrorException", "the Price List API failed"),
                                        ("AccessDeniedException", "AWS refused the request")])
def test_a_failure_midway_leaves_the_old_snapshot_byte_identical(code: str, words: str, client: Any,
                                                                 old: Path) -> None:
    c, stub = client
    before = old.read_bytes()
    stub.add_response("get_products", page([sagemaker_item("ml.m5.xlarge", "Hosting", "0.99")], "t1"),
                      expected_params())
    stub.add_client_error("get_products", code, "something went wrong", 500 if "Internal" in code else 403,
                          expected_params=expected_params("t1"))
    with pytest.raises(RefreshError) as info:
        run(c, old.parent)
    assert info.value.exit_code == 1 and words in info.value.message and "after 1 page" in info.value.message
    assert old.read_bytes() == before
    assert sorted(p.name for p in old.parent.iterdir()) == ["us-east-1.yaml"]  # no temporary file left


def test_an_empty_answer_writes_nothing(client: Any, old: Path) -> None:
    c, stub = client
    before = old.read_bytes()
    stub.add_response("get_products", page([]), expected_params())
    with pytest.raises(RefreshError, match="no AmazonSageMaker ML Instance products for us-east-1"):
        run(c, old.parent)
    stub.add_response("get_products", page(["garbage", "more garbage"]), expected_params())
    with pytest.raises(RefreshError, match="none of the 2 items"):
        run(c, old.parent)
    assert old.read_bytes() == before


def test_a_snapshot_that_does_not_load_is_not_replaced(client: Any, old: Path) -> None:
    c, _ = client
    old.write_text(old.read_text().replace("usd_per_hour: 0.05,", "usd_per_hour: -1,", 1))
    before = old.read_bytes()
    with pytest.raises(PricingError) as info:
        run(c, old.parent)
    assert info.value.exit_code == 2 and "left alone" in info.value.message
    assert any(p.field == "prices[0].usd_per_hour" for p in info.value.problems)
    assert old.read_bytes() == before


def test_a_bad_region_code_is_a_usage_error(client: Any, tmp_path: Path) -> None:
    c, _ = client
    with pytest.raises(UsageError):
        refresh_region("virginia", client=c, knowledge=K, out_dir=tmp_path)


def test_parse_item_prefers_instance_name_and_maps_components() -> None:
    offer = parse_item(sagemaker_item("ml.m5.xlarge", "BatchTransform", "0.2300000000"))
    assert not isinstance(offer, str)
    assert (offer.instance_type, offer.component, offer.usd_per_hour) == ("ml.m5.xlarge", "batch_transform", 0.23)
    na = parse_item(sagemaker_item("ml.c5.xlarge", "Training", "0.204", attributes={"instanceType": "NA"},
                                   drop=("instanceName",)))
    assert not isinstance(na, str) and na.instance_type == "ml.c5.xlarge"  # from usagetype
    no_plato = parse_item(sagemaker_item("ml.c5.xlarge", "Processing", "0.204", drop=("platoinstancetype",)))
    assert not isinstance(no_plato, str) and no_plato.component == "processing"
    outpost = parse_item(sagemaker_item("ml.c5.xlarge", "Hosting", "0.3", attributes={"locationType": "AWS Outposts"}))
    assert outpost == "items outside an AWS Region (Outposts, Local Zones)"


# ---- under botocore's own retry machinery (a fake HTTP layer instead of the Stubber) -------------------------

class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


def _http(status: int, body: dict[str, Any]) -> AWSResponse:
    return AWSResponse("https://api.pricing.us-east-1.amazonaws.com/", status,
                       {"Content-Type": "application/x-amz-json-1.1"}, _Body(json.dumps(body).encode()))


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[float]:
    """Fake credentials from the environment only, no AWS config, and botocore's retry sleeps recorded."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN",
                 "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                 "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDTESTONLY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "SECRET-MARKER-never-print-me")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    slept: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", SimpleNamespace(sleep=slept.append))
    return slept


def test_botocore_retries_throttling_itself_in_standard_mode(aws_env: list[float], old: Path) -> None:
    c = make_client()
    assert c.meta.config.retries == {"mode": "standard", "total_max_attempts": MAX_RETRIES + 1}
    answers = [_http(400, {"__type": "ThrottlingException", "message": "Rate exceeded"}),
               _http(400, {"__type": "ThrottlingException", "message": "Rate exceeded"}),
               _http(200, page([sagemaker_item("ml.m5.xlarge", "Hosting", "0.24")]))]
    sent: list[Any] = []

    def send(request: Any, **_: Any) -> AWSResponse:
        sent.append(request)
        return answers[len(sent) - 1]

    c.meta.events.register("before-send.pricing.GetProducts", send)
    report = run(c, old.parent)
    assert len(sent) == 3 and len(aws_env) == 2 and report.resumed == 0  # botocore retried, not us
    assert b"SECRET-MARKER" not in b"".join(r.headers.get("Authorization", b"") for r in sent)
    assert load_snapshot("us-east-1", old.parent, K).price("ml.m5.xlarge", "hosting").usd_per_hour == 0.24


def test_a_network_cut_midway_is_retried_then_reported_and_the_old_snapshot_stays(aws_env: list[float],
                                                                                  old: Path) -> None:
    c = make_client()
    before = old.read_bytes()
    sent: list[Any] = []

    def send(request: Any, **_: Any) -> AWSResponse:
        sent.append(request)
        if len(sent) == 1:
            return _http(200, page([sagemaker_item("ml.m5.xlarge", "Hosting", "0.99")], "t1"))
        raise EndpointConnectionError(endpoint_url=request.url)

    c.meta.events.register("before-send.pricing.GetProducts", send)
    with pytest.raises(RefreshError) as info:
        run(c, old.parent)
    assert len(sent) == 1 + MAX_RETRIES + 1  # botocore tried the second page 1 + MAX_RETRIES times
    assert info.value.exit_code == 1 and "network failure" in info.value.message
    assert "after 1 page" in info.value.message and "SECRET-MARKER" not in info.value.render()
    assert old.read_bytes() == before


def test_no_credentials_is_one_line_and_exit_1(aws_env: list[float], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(RefreshError) as info:
        make_client()
    assert info.value.exit_code == 1 and "\n" not in info.value.render()
    assert info.value.message.startswith("no AWS credentials found (")


def test_credentials_missing_at_call_time_are_reported_the_same_way(aws_env: list[float], old: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    c = botocore.session.get_session().create_client("pricing", region_name="us-east-1")
    with pytest.raises(RefreshError, match=r"^Price refresh failed: no AWS credentials found \("):
        run(c, old.parent)


def test_an_unknown_profile_is_named(aws_env: list[float]) -> None:
    with pytest.raises(PricingError, match="'nope' is not in your AWS config"):
        make_client("nope")


def test_default_output_is_the_source_tree_when_writable_else_the_user_data_folder(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert default_output_dir() == shipped_pricing_dir()
    wheel = tmp_path / "site-packages" / "advisor" / "_data" / "pricing_data"
    wheel.mkdir(parents=True)
    monkeypatch.setattr(refresh_module, "shipped_pricing_dir", lambda: wheel)
    assert default_output_dir() == user_pricing_dir()
