"""The awscc provider's resources, generated from the CloudFormation registry, judged by their CloudFormation
type's controls: each path in snake_case, nested objects as attributes (the control fixtures cover every control
and type; this covers what is particular to the provider: fixes and patches spelled as attributes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.audit.checks import awscc_path, awscc_type
from advisor.cli import main

NOTEBOOK = '''resource "awscc_sagemaker_notebook_instance" "lab" {
  instance_type = "ml.t3.medium"
  role_arn      = "arn:aws:iam::111122223333:role/notebook"
  root_access   = "Enabled"
}
'''


@pytest.mark.parametrize(("cfn", "awscc"), [
    ("AWS::SageMaker::NotebookInstanceLifecycleConfig", "awscc_sagemaker_notebook_instance_lifecycle_config"),
    ("AWS::Lambda::Url", "awscc_lambda_url"),
    ("AWS::Serverless::Function", None),  # SAM's types are a transform's, not the registry's
])
def test_the_awscc_type_of_a_cloudformation_type(cfn: str, awscc: str | None) -> None:
    assert awscc_type(cfn) == awscc


def test_a_path_is_the_cloudformation_one_in_snake_case() -> None:
    assert awscc_path("OfflineStoreConfig.S3StorageConfig.KmsKeyId") == \
        "offline_store_config.s3_storage_config.kms_key_id"
    assert awscc_path("ProductionVariants[].InitialInstanceCount") == "production_variants[].initial_instance_count"


def test_patches_set_top_level_attributes_and_leave_nested_objects_to_edit_by_hand(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text(NOTEBOOK)
    code = main(["audit", "main.tf", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 1 and ('"fix":"instance_metadata_service_configuration = { '
                          'minimum_instance_metadata_service_version = \\"2\\" }"') in out
    main(["audit", "main.tf", "--format", "patch"])
    patch, err = capsys.readouterr()
    assert '+  direct_internet_access = "Disabled"' in patch and '-  root_access   = "Enabled"' in patch
    assert "instance_metadata_service_configuration" not in patch  # an attribute, not a block: by hand
    assert "SM-NB-05" in err and "could not place the change" in err
