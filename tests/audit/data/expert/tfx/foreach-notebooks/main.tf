variable "notebooks" {
  description = "One notebook per team: its instance type and whether it may reach the internet"
  type = map(object({
    instance_type = string
    internet      = string
  }))
  default = {
    research = { instance_type = "ml.t3.medium", internet = "Disabled" }
    sandbox  = { instance_type = "ml.t3.large", internet = "Enabled" }
  }
}

variable "subnet_id" {
  type    = string
  default = "subnet-0a1b2c3d4e5f60718"
}

resource "aws_kms_key" "notebooks" {
  enable_key_rotation = true
}

resource "aws_security_group" "notebooks" {
  name   = "notebooks"
  vpc_id = "vpc-0a1b2c3d"
}

resource "aws_sagemaker_notebook_instance" "team" {
  for_each               = var.notebooks
  name                   = "${each.key}-notebook"
  role_arn               = "arn:aws:iam::111122223333:role/notebooks"
  instance_type          = each.value.instance_type
  direct_internet_access = each.value.internet
  root_access            = "Disabled"
  subnet_id              = var.subnet_id
  security_groups        = [aws_security_group.notebooks.id]
  kms_key_id             = aws_kms_key.notebooks.arn
  platform_identifier    = "notebook-al2023-v1"

  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }
}
