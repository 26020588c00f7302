variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f67890", "subnet-0f9e8d7c6b5a43210"]
}

variable "studio_network" {
  type    = string
  default = "VpcOnly"
}

locals {
  tags = {
    team = "ml-platform"
  }
}

resource "aws_sagemaker_domain" "studio" {
  domain_name             = "ml-studio"
  auth_mode               = "SSO"
  vpc_id                  = var.vpc_id
  subnet_ids              = var.subnet_ids
  app_network_access_type = var.studio_network
  kms_key_id              = aws_kms_key.studio.arn

  default_user_settings {
    execution_role = aws_iam_role.studio.arn
  }

  tags = local.tags
}

resource "aws_sagemaker_domain" "sandbox" {
  domain_name = "sandbox"
  auth_mode   = "IAM"
  vpc_id      = var.vpc_id
  subnet_ids  = var.subnet_ids

  default_user_settings {
    execution_role = aws_iam_role.studio.arn
  }
}

resource "aws_sagemaker_user_profile" "alice" {
  domain_id         = aws_sagemaker_domain.studio.id
  user_profile_name = "alice"
}

resource "aws_sagemaker_feature_group" "transactions" {
  feature_group_name             = "transactions"
  record_identifier_feature_name = "txn_id"
  event_time_feature_name        = "event_time"
  role_arn                       = aws_iam_role.features.arn

  feature_definition {
    feature_name = "txn_id"
    feature_type = "String"
  }

  online_store_config {
    enable_online_store = true
  }

  offline_store_config {
    s3_storage_config {
      s3_uri     = "s3://ml-features-111122223333/offline"
      kms_key_id = aws_kms_key.studio.arn
    }
  }
}

resource "aws_sagemaker_notebook_instance_lifecycle_configuration" "setup" {
  name     = "setup"
  on_start = base64encode(<<-EOT
    #!/bin/bash
    export HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789
    pip install --quiet transformers
  EOT
  )
  on_create = filebase64("${path.module}/scripts/on-create.sh")
}

resource "aws_sagemaker_image" "custom" {
  image_name  = "custom-pytorch"
  role_arn    = aws_iam_role.images.arn
  description = "Team PyTorch image"
  tags        = local.tags
}

resource "aws_sagemaker_app_image_config" "custom" {
  app_image_config_name = "custom-pytorch"

  kernel_gateway_image_config {
    kernel_spec {
      name = "python3"
    }
  }
}
