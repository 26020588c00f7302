# null is "as if omitted" (Terraform's own words), false is false, and a dynamic block over an empty list is no block
variable "root_access" {
  type    = string
  default = null
}

variable "private" {
  type    = bool
  default = true
}

resource "aws_sagemaker_notebook_instance" "nulls" {
  name                   = "nulls"
  role_arn               = "arn:aws:iam::111122223333:role/notebook"
  instance_type          = "ml.t3.medium"
  direct_internet_access = null
  root_access            = var.root_access
  kms_key_id             = ""
  subnet_id              = "subnet-0a1b2c3d4e5f60718"
  security_groups        = ["sg-0a1b2c3d4e5f60718"]
  platform_identifier    = "notebook-al2023-v1"

  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }
}

resource "aws_sagemaker_model" "scorer" {
  name                     = "scorer"
  execution_role_arn       = "arn:aws:iam::111122223333:role/serving"
  enable_network_isolation = false

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/scorer:2"

    image_config {
      repository_access_mode = "Vpc"
    }
  }

  dynamic "vpc_config" {
    for_each = var.private ? [1] : []
    content {
      subnets            = ["subnet-0a1b2c3d4e5f60718"]
      security_group_ids = ["sg-0a1b2c3d4e5f60718"]
    }
  }
}

resource "aws_sagemaker_model" "public" {
  name               = "public"
  execution_role_arn = "arn:aws:iam::111122223333:role/serving"

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/scorer:2"
  }

  dynamic "vpc_config" {
    for_each = var.private ? [] : [1]
    content {
      subnets            = ["subnet-0a1b2c3d4e5f60718"]
      security_group_ids = ["sg-0a1b2c3d4e5f60718"]
    }
  }
}
