# Two notebooks on the awscc provider (generated from the CloudFormation registry: nested objects are attributes)
resource "awscc_kms_key" "notebooks" {
  description = "notebook volumes"
}

resource "awscc_sagemaker_notebook_instance" "locked" {
  instance_type          = "ml.t3.medium"
  role_arn               = "arn:aws:iam::111122223333:role/notebook"
  direct_internet_access = "Disabled"
  root_access            = "Disabled"
  kms_key_id             = awscc_kms_key.notebooks.arn
  subnet_id              = "subnet-0a1b2c3d4e5f60718"
  security_group_ids     = ["sg-0a1b2c3d4e5f60718"]
  platform_identifier    = "notebook-al2023-v1"
  instance_metadata_service_configuration = {
    minimum_instance_metadata_service_version = "2"
  }
}

resource "awscc_sagemaker_notebook_instance" "scratch" {
  instance_type = "ml.t3.medium"
  role_arn      = "arn:aws:iam::111122223333:role/notebook"
}
