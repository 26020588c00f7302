"""Processing jobs are sized by their data and their time window (issue 12 gap 3): as many instances as it takes to
read processing.data_gb (else data.size_gb) within processing.max_hours, never past the stage's maximum, each
reading a share of the input objects (ProcessingS3Input S3DataDistributionType ShardedByS3Key)."""

from __future__ import annotations

from typing import Any

import pytest

from advisor.builders import build_requests
from advisor.builders.common import value_at
from advisor.recommend.advisor import Advisor
from advisor.recommend.sizing import PROCESSING_GB_PER_VCPU_HOUR
from advisor.stages import stage
from advisor.workload import Workload


def _job(priority: str = "cost", **processing: Any) -> Workload:
    return Workload.model_validate({"name": "etl", "stages": ["processing"], "priority": priority,
                                    "data": {"size_gb": processing.pop("size_gb", 2000), "kind": "tabular",
                                             "in_memory_gb": 8},
                                    "processing": processing})


@pytest.mark.parametrize("priority", ["cost", "balanced", "time"])
def test_a_large_job_in_a_short_window_is_spread_over_instances_that_shard_the_input(advisor: Advisor,
                                                                                     priority: str) -> None:
    w = _job(priority, max_hours=2)
    rec = advisor.recommend(w)
    choice = rec.instances["processing"]
    vcpu = advisor.knowledge.instance_type(choice.instance_type).vcpu
    window = 2 / (2 if priority == "time" else 1)
    needed = 2000 / (PROCESSING_GB_PER_VCPU_HOUR["tabular"] * window * 0.8)
    assert choice.fits and (choice.instance_count > 1 or priority == "time")  # time may take one huge type
    assert vcpu * choice.instance_count >= needed > vcpu * (choice.instance_count - 1)
    assert choice.extra["hours_per_run"] <= 2  # billed for the estimated run, never past the window
    inputs = value_at(build_requests(rec, w).requests["CreateProcessingJob"],
                      "ProcessingInputs[].S3Input.S3DataDistributionType")
    if choice.instance_count > 1:
        assert any("ShardedByS3Key" in r and "GB per vCPU-hour" in r for r in choice.reasons)
        assert inputs == ["ShardedByS3Key"]


def test_a_small_job_runs_on_one_instance_reading_every_object(advisor: Advisor) -> None:
    w = _job(size_gb=5)
    rec = advisor.recommend(w)
    choice = rec.instances["processing"]
    assert choice.instance_count == 1
    assert any(r.startswith("1 instance: data.size_gb 5 GB") and "the default 1 h" in r for r in choice.reasons)
    inputs = value_at(build_requests(rec, w).requests["CreateProcessingJob"],
                      "ProcessingInputs[].S3Input.S3DataDistributionType")
    assert inputs == ["FullyReplicated"]


def test_a_measured_rate_and_the_job_s_own_data_size_are_read(advisor: Advisor) -> None:
    slow = advisor.recommend(_job(max_hours=4, data_gb=2000, gb_per_vcpu_hour=1)).instances["processing"]
    fast = advisor.recommend(_job(max_hours=4, data_gb=2000, gb_per_vcpu_hour=100)).instances["processing"]
    assert fast.instance_count == 1 < slow.instance_count
    assert any("processing.data_gb 2000 GB at 1 GB per vCPU-hour (as processing.gb_per_vcpu_hour states)" in r
               for r in slow.reasons)


def test_more_than_the_stage_allows_does_not_fit_and_says_what_to_change(advisor: Advisor) -> None:
    choice = advisor.recommend(_job(size_gb=5_000_000, max_hours=1)).instances["processing"]
    assert not choice.fits and choice.instance_count <= stage("processing").max_count
    assert choice.estimated_cost.usd is None
    assert any("processing.max_hours" in r and r.startswith("what would have to change") for r in choice.reasons)


def test_priority_time_does_not_buy_a_huge_box_for_a_small_job(advisor: Advisor) -> None:
    """Sweep finding: 5 GB of tabular processing at priority time went to ml.m8i.96xlarge (384 vCPUs idle)."""
    choice = advisor.recommend(_job("time", size_gb=5, max_hours=1)).instances["processing"]
    assert advisor.knowledge.instance_type(choice.instance_type).vcpu <= 8, choice.instance_type
    big = advisor.recommend(_job("time", size_gb=500, max_hours=1)).instances["processing"]
    assert advisor.knowledge.instance_type(big.instance_type).vcpu * big.instance_count >= 64  # it can use them


def test_a_working_set_bigger_than_one_instance_is_spread_over_the_shards(advisor: Advisor) -> None:
    """5 TB of tabular data: each instance reads its share of the objects (ShardedByS3Key), so the instances hold
    the working set between them (it said nothing fits and showed one ml.r8i.96xlarge); a working set the user
    states as data.in_memory_gb must fit in RAM at once, so every instance holds it whole."""
    work = {"stages": ["processing"], "priority": "cost", "data": {"size_gb": 5000, "kind": "tabular"},
            "model": {"algorithm": "sklearn", "kind": "classical"}, "processing": {"max_hours": 8}}
    choice = advisor.recommend(work).instances["processing"]
    memory = advisor.knowledge.instance_type(choice.instance_type).memory_gib
    assert choice.fits and 2 <= choice.instance_count <= 20
    assert choice.instance_count * memory >= 5000 * 1.5
    assert any("spread over them" in r and "ShardedByS3Key" in r for r in choice.reasons)
    whole = advisor.recommend({**work, "data": {"size_gb": 5000, "in_memory_gb": 5000, "kind": "tabular"}})
    assert not whole.instances["processing"].fits


# ---- network: isolation and the VPC are separate controls (SM-PR-01 isolation, SM-PR-03 VPC, SM-PR-04 traffic) --
# A job that needs the internet cannot be isolated, but private or regulated data still keeps it in your VPC's
# private subnets, reaching what it needs through endpoints or a NAT gateway (process-vpc.html). Training, tuning
# and models already kept the two apart (SM-TR-01/05, SM-HPO-01/03, SM-MD-01/02); they are checked alike here.

def _network(advisor: Advisor, stages: list[str], internet: bool, **data: Any) -> tuple[dict[str, Any], Any]:
    w = Workload.model_validate({"stages": stages, "network": {"internet_access": internet}, "data": data,
                                 "model": {"algorithm": "sklearn", "kind": "classical"}})
    rec = advisor.recommend(w)
    return build_requests(rec, w).requests, rec


@pytest.mark.parametrize("data", [{"sensitivity": "regulated"}, {"private_sources": True}])
def test_a_private_job_that_needs_the_internet_runs_in_the_vpc_without_isolation(advisor: Advisor,
                                                                                 data: dict[str, Any]) -> None:
    requests, rec = _network(advisor, ["processing"], True, **data)
    network = requests["CreateProcessingJob"]["NetworkConfig"]
    assert set(network["VpcConfig"]) == {"Subnets", "SecurityGroupIds"}
    assert "EnableNetworkIsolation" not in network
    assert network["EnableInterContainerTrafficEncryption"] is True
    rows = {s.field: s.rule for s in rec.security if s.api == "CreateProcessingJob"}
    assert rows["NetworkConfig.VpcConfig.Subnets"] == "sec-processing-vpc-online"
    said = [w for w in rec.warnings if w.startswith("CreateProcessingJob: runs in your VPC")]
    assert len(said) == 1 and "network.internet_access is true" in said[0] and "NAT gateway" in said[0]


def test_a_job_without_internet_keeps_isolation_vpc_and_encryption(advisor: Advisor) -> None:
    requests, rec = _network(advisor, ["processing"], False, sensitivity="regulated")
    network = requests["CreateProcessingJob"]["NetworkConfig"]
    assert network["EnableNetworkIsolation"] is True and network["EnableInterContainerTrafficEncryption"] is True
    assert set(network["VpcConfig"]) == {"Subnets", "SecurityGroupIds"}
    assert not [w for w in rec.warnings if "without network isolation" in w]


def test_a_public_job_that_needs_the_internet_gets_no_network_settings(advisor: Advisor) -> None:
    requests, rec = _network(advisor, ["processing"], True, sensitivity="internal")
    assert "NetworkConfig" not in requests["CreateProcessingJob"]
    assert not [w for w in rec.warnings if "without network isolation" in w]


@pytest.mark.parametrize(("stage_id", "operation", "vpc", "isolation"), [
    ("training", "CreateTrainingJob", ("VpcConfig",), ("EnableNetworkIsolation",)),
    ("tuning", "CreateHyperParameterTuningJob", ("TrainingJobDefinition", "VpcConfig"),
     ("TrainingJobDefinition", "EnableNetworkIsolation")),
    ("batch_inference", "CreateModel", ("VpcConfig",), ("EnableNetworkIsolation",)),
    ("realtime_inference", "CreateModel", ("VpcConfig",), ("EnableNetworkIsolation",))])
def test_every_regulated_stage_that_needs_the_internet_keeps_its_vpc(
        advisor: Advisor, stage_id: str, operation: str, vpc: tuple[str, ...], isolation: tuple[str, ...]) -> None:
    requests, rec = _network(advisor, [stage_id], True, sensitivity="regulated")
    request = requests[operation]
    assert value_at(request, ".".join(vpc))
    assert value_at(request, ".".join(isolation)) == []
    assert any(w.startswith(f"{operation}: runs in your VPC") for w in rec.warnings)


def test_a_job_that_reads_part_of_the_data_holds_only_that_part(advisor: Advisor) -> None:
    """The working set of a job is the data it reads (processing.data_gb): the last day of a 5 TB lake is a small
    general-purpose job, not memory-optimised instances for the lake; stated alone, data.size_gb still decides."""
    def w(**processing: Any) -> Workload:
        return Workload.model_validate({"name": "etl", "stages": ["processing"], "priority": "cost",
                                        "data": {"size_gb": 5000, "kind": "tabular"}, "processing": processing})
    day = advisor.recommend(w(data_gb=20)).instances["processing"]
    lake = advisor.recommend(w()).instances["processing"]
    assert day.instance_count == 1 and advisor.knowledge.instance_type(day.instance_type).family != "r"
    assert any("working set 20 GiB" in r for r in day.reasons)
    assert advisor.knowledge.instance_type(lake.instance_type).family in ("r", "r-nvme") and lake.instance_count > 1
