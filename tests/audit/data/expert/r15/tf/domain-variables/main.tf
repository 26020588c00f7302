# A Studio domain whose network mode, sharing and tags come from variables (aws_sagemaker_domain).
variable "network_access" {
  type    = string
  default = "VpcOnly"
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

locals {
  share_prefix = "s3://studio-share-111122223333"
}

resource "aws_kms_key" "studio" {
  description         = "Studio EFS and shared notebooks"
  enable_key_rotation = true
}

resource "aws_sagemaker_domain" "research" {
  domain_name             = "research"
  auth_mode               = "IAM"
  vpc_id                  = var.vpc_id
  subnet_ids              = var.subnet_ids
  app_network_access_type = var.network_access
  kms_key_id              = aws_kms_key.studio.arn

  default_user_settings {
    execution_role  = "arn:aws:iam::111122223333:role/studio"
    security_groups = []

    sharing_settings {
      notebook_output_option = "Allowed"
      s3_output_path         = "${local.share_prefix}/notebooks"
    }
  }

  tags = var.tags
}
