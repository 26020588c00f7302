variable "environment" {
  type    = string
  default = "dev"
}

variable "offline_key_arn" {
  type = string
}

variable "users" {
  type    = set(string)
  default = ["ana", "ben"]
}

variable "sharing" {
  type = map(string)
  default = {
    ana = "Allowed"
  }
}

locals {
  vpc_only = var.environment == "prod"
  tags     = { project = "studio", environment = var.environment }
}

resource "aws_kms_key" "studio" {
  enable_key_rotation = true
}

resource "aws_sagemaker_domain" "main" {
  domain_name             = "analytics-${var.environment}"
  auth_mode               = "SSO"
  vpc_id                  = "vpc-0123456789abcdef0"
  subnet_ids              = ["subnet-0a1b2c3d4e5f60718"]
  app_network_access_type = local.vpc_only ? "VpcOnly" : "PublicInternetOnly"
  kms_key_id              = aws_kms_key.studio.arn

  default_user_settings {
    execution_role = "arn:aws:iam::123456789012:role/studio"
    sharing_settings {
      notebook_output_option = "Allowed"
      s3_output_path         = "s3://studio-sharing/"
    }
  }

  tags = local.tags
}

resource "aws_sagemaker_user_profile" "user" {
  for_each          = var.users
  domain_id         = aws_sagemaker_domain.main.id
  user_profile_name = each.key

  user_settings {
    execution_role = "arn:aws:iam::123456789012:role/studio"
    sharing_settings {
      notebook_output_option = lookup(var.sharing, each.key, "Disabled")
      s3_output_path         = "s3://studio-sharing/${each.key}/"
      s3_kms_key_id          = each.key == "ana" ? null : aws_kms_key.studio.arn
    }
  }
}

resource "aws_sagemaker_feature_group" "transactions" {
  feature_group_name             = "transactions"
  record_identifier_feature_name = "txn_id"
  event_time_feature_name        = "event_time"
  role_arn                       = "arn:aws:iam::123456789012:role/features"

  feature_definition {
    feature_name = "txn_id"
    feature_type = "String"
  }

  feature_definition {
    feature_name = "event_time"
    feature_type = "String"
  }

  online_store_config {
    enable_online_store = true
    storage_type        = "InMemory"
  }

  offline_store_config {
    s3_storage_config {
      s3_uri     = "s3://features-offline/"
      kms_key_id = var.offline_key_arn
    }
  }

  tags = local.tags
}
