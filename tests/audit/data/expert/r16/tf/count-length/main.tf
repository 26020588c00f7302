variable "teams" {
  type    = list(string)
  default = ["fraud", "churn"]
}

resource "aws_sagemaker_notebook_instance" "team" {
  count                  = length(var.teams)
  name                   = "${var.teams[count.index]}-notebook"
  role_arn               = "arn:aws:iam::111122223333:role/notebook"
  instance_type          = "ml.t3.medium"
  direct_internet_access = count.index == 0 ? "Disabled" : "Enabled"
  root_access            = "Disabled"
  kms_key_id             = "arn:aws:kms:us-east-1:111122223333:key/ffff6666-ff66-ff66-ff66-ffffffff6666"
  subnet_id              = "subnet-0a1b2c3d4e5f60718"
  security_groups        = ["sg-0a1b2c3d4e5f60718"]
  platform_identifier    = "notebook-al2023-v1"

  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }
}
