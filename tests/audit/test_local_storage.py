"""Volume keys and instance types with local NVMe storage: AWS refuses a training job's VolumeKmsKeyId when one of
its types has local storage, while an endpoint configuration's KmsKeyId is accepted beside such variants and
encrypts the EBS volumes of the others (botocore 1.44.5), so it is asked for as soon as one variant uses EBS."""

from __future__ import annotations

import json
from pathlib import Path

from advisor.audit import audit_paths
from advisor.knowledge.loader import load_knowledge

K = load_knowledge()


def _variant(name: str, instance_type: object) -> dict[str, object]:
    return {"VariantName": name, "ModelName": "m", "InitialInstanceCount": 2, "InstanceType": instance_type}


def _verdicts(tmp_path: Path, resources: dict[str, object]) -> dict[tuple[str, str], str]:
    (tmp_path / "t.json").write_text(json.dumps({"Parameters": {"Type": {"Type": "String"}}, "Resources": resources}))
    return {(f.resource, f.control): f.status for f in audit_paths([tmp_path], K, tmp_path).findings}


def test_an_endpoint_key_is_asked_for_when_one_variant_keeps_its_volumes_on_ebs(tmp_path: Path) -> None:
    config = "AWS::SageMaker::EndpointConfig"
    found = _verdicts(tmp_path, {
        "Mixed": {"Type": config, "Properties": {"ProductionVariants": [
            _variant("gpu", "ml.g5.xlarge"), _variant("cpu", "ml.m5.xlarge")]}},
        "Local": {"Type": config, "Properties": {"ProductionVariants": [_variant("gpu", "ml.g5.xlarge")]}},
        "Chosen": {"Type": config, "Properties": {"ProductionVariants": [
            _variant("gpu", "ml.g5.xlarge"), _variant("other", {"Ref": "Type"})]}},
        "Serverless": {"Type": config, "Properties": {"ProductionVariants": [
            {"VariantName": "s", "ModelName": "m",
             "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}]}},
    })
    assert found[("Mixed", "SM-EC-01")] == "fail"  # the ml.m5 variant's volume is encrypted with AWS's key
    assert ("Local", "SM-EC-01") not in found  # nothing on EBS: the instance's hardware encrypts its storage
    assert found[("Chosen", "SM-EC-01")] == "unknown"  # the other type is chosen at deploy time
    assert found[("Serverless", "SM-EC-01")] == "fail"  # no instance type: judged, as AWS Config does


def test_a_training_volume_key_is_not_asked_for_when_one_group_has_local_storage(tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text(json.dumps({"CreateTrainingJob": {
        "TrainingJobName": "t", "ResourceConfig": {"VolumeSizeInGB": 100, "InstanceGroups": [
            {"InstanceGroupName": "gpu", "InstanceType": "ml.p4d.24xlarge", "InstanceCount": 1},
            {"InstanceGroupName": "cpu", "InstanceType": "ml.c5.4xlarge", "InstanceCount": 2}]}}}))
    found = {(f.control, f.field) for f in audit_paths([tmp_path], K, tmp_path).findings}
    assert ("SM-TR-03", "ResourceConfig.VolumeKmsKeyId") not in found  # AWS refuses it with ml.p4d in the job
    assert ("SM-TR-04", "OutputDataConfig.KmsKeyId") in found
