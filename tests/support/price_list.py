"""Real-format Price List answers for the refresh tests, and a real `pricing` client to stub.

The items have exactly the shape of the GetProducts example botocore ships (an EC2 item, in
botocore/data/pricing/2017-10-15/examples-1.json), with the attributes a SageMaker "ML Instance" item carries
(shared/facts/instances.md): instanceName, instanceType, component, platoinstancetype, usagetype, regionCode,
locationType and the hardware fields. A test checks the shape against botocore's example so it cannot drift.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

import botocore.session

REGION_PREFIX = {"us-east-1": "USE1", "us-west-2": "USW2", "eu-west-1": "EU"}
USAGE = {"Hosting": "Host", "Training": "Train", "Notebook": "Notebk", "BatchTransform": "Tsform",
         "Processing": "Processing", "SpotTraining": "Train-Spot", "AsyncInf": "AsyncInf",
         "Studio-Notebook": "Studio_Notebk"}
FILTERS = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": "us-east-1"},
           {"Type": "TERM_MATCH", "Field": "productFamily", "Value": "ML Instance"}]


def sagemaker_item(instance: str, plato: str, usd: str | None = "0.2300000000", *, region: str = "us-east-1",
                   unit: str = "Hrs", currency: str = "USD", attributes: dict[str, Any] | None = None,
                   drop: tuple[str, ...] = ()) -> str:
    """One PriceList entry as the API sends it: a JSON string."""
    usage = f"{REGION_PREFIX.get(region, 'XX')}-{USAGE.get(plato, plato)}:{instance}"
    sku = f"SM{zlib.crc32(usage.encode()):010d}"
    attrs = {
        "productFamily": "ML Instance", "servicecode": "AmazonSageMaker", "servicename": "Amazon SageMaker",
        "regionCode": region, "location": "US East (N. Virginia)", "locationType": "AWS Region",
        "usagetype": usage, "operation": "RunInstance", "instanceName": instance,
        "instanceType": f"{instance}-{plato}", "component": plato.replace("BatchTransform", "Hosting"),
        "platoinstancetype": plato, "vCpu": "4", "memory": "16 GiB", "gpu": "0", "gpuMemory": "N/A",
        "computeType": "Standard Instances", "currentGeneration": "Yes",
    }
    attrs.update(attributes or {})
    for key in drop:
        attrs.pop(key, None)
    price = {} if usd is None else {currency: usd}
    offer = f"{sku}.JRTCKXETXF"
    item = {
        "product": {"productFamily": "ML Instance", "attributes": attrs, "sku": sku},
        "serviceCode": "AmazonSageMaker",
        "terms": {"OnDemand": {offer: {
            "priceDimensions": {f"{offer}.6YS6EN2CT7": {
                "unit": unit, "endRange": "Inf",
                "description": f"${usd} per {plato} {instance} hour in {region}",
                "appliesTo": [], "rateCode": f"{offer}.6YS6EN2CT7", "beginRange": "0", "pricePerUnit": price,
            }},
            "sku": sku, "effectiveDate": "2026-11-01T00:00:00Z", "offerTermCode": "JRTCKXETXF",
            "termAttributes": {},
        }}},
        "version": "20261101000000",
        "publicationDate": "2026-11-01T00:00:00Z",
    }
    return json.dumps(item)


def pricing_client() -> Any:
    """A real botocore `pricing` client (never sends a request while a Stubber is active)."""
    session = botocore.session.get_session()
    return session.create_client("pricing", region_name="us-east-1", aws_access_key_id="AKIDTESTONLY",
                                 aws_secret_access_key="not-a-real-secret")


def expected_params(token: str | None = None, region: str = "us-east-1") -> dict[str, Any]:
    """What the paginator must send: our filters, 100 per page, and the previous page's token."""
    filters = [dict(f, Value=region) if f["Field"] == "regionCode" else f for f in FILTERS]
    params: dict[str, Any] = {"ServiceCode": "AmazonSageMaker", "Filters": filters, "FormatVersion": "aws_v1",
                              "MaxResults": 100}
    if token:
        params["NextToken"] = token
    return params


def page(items: list[str], token: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": items}
    if token:
        out["NextToken"] = token
    return out
