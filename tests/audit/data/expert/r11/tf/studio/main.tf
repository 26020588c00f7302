variable "network_access" {
  type    = string
  default = "PublicInternetOnly"
}

locals {
  tags = merge({ team = "research" }, { cost_center = "ml-42" })
}

resource "aws_kms_key" "studio" {
  enable_key_rotation = true
}

resource "aws_sagemaker_domain" "research" {
  domain_name             = "research"
  auth_mode               = "SSO"
  vpc_id                  = "vpc-0a1b2c3d4e5f60718"
  subnet_ids              = ["subnet-0a1b2c3d4e5f60718"]
  app_network_access_type = var.network_access
  kms_key_id              = aws_kms_key.studio.arn
  tags                    = local.tags

  default_user_settings {
    execution_role = "arn:aws:iam::111122223333:role/studio"
  }
}

resource "aws_sagemaker_feature_group" "sessions" {
  feature_group_name             = "sessions"
  record_identifier_feature_name = "session_id"
  event_time_feature_name        = "event_time"
  role_arn                       = "arn:aws:iam::111122223333:role/featurestore"

  feature_definition {
    feature_name = "session_id"
    feature_type = "String"
  }
  feature_definition {
    feature_name = "event_time"
    feature_type = "String"
  }

  offline_store_config {
    s3_storage_config {
      s3_uri = "s3://features-111122223333/sessions"
    }
  }

  online_store_config {
    enable_online_store = true
    storage_type        = "InMemory"
  }

  tags = local.tags
}
