locals {
  tags = {
    project     = "customer-360"
    cost-center = "ml"
  }
}

resource "aws_kms_key" "studio" {
  enable_key_rotation = true
}

resource "aws_sagemaker_domain" "studio" {
  domain_name             = "customer-360"
  auth_mode               = "IAM"
  vpc_id                  = "vpc-0a1b2c3d"
  subnet_ids              = ["subnet-0123456789abcdef0"]
  app_network_access_type = "VpcOnly"
  kms_key_id              = aws_kms_key.studio.arn

  default_user_settings {
    execution_role = "arn:aws:iam::111122223333:role/studio-users"
  }

  tags = merge(local.tags, { Name = "customer-360" })
}

resource "aws_sagemaker_feature_group" "customers" {
  feature_group_name             = "customers"
  record_identifier_feature_name = "customer_id"
  event_time_feature_name        = "event_time"
  role_arn                       = "arn:aws:iam::111122223333:role/feature-store"

  feature_definition {
    feature_name = "customer_id"
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
    disable_glue_table_creation = false
    s3_storage_config {
      s3_uri = "s3://feature-store-111122223333/customers"
    }
  }
}
