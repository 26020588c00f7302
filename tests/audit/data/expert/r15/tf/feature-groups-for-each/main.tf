# Feature groups made from one map: a standard online store with a key, an in-memory one that takes none
# (aws_sagemaker_feature_group online_store_config.storage_type, for_each).
locals {
  groups = {
    clicks   = { storage = "Standard", record = "user_id" }
    sessions = { storage = "InMemory", record = "session_id" }
  }
  tags = { team = "personalization" }
}

resource "aws_kms_key" "features" {
  enable_key_rotation = true
}

resource "aws_sagemaker_feature_group" "group" {
  for_each                       = local.groups
  feature_group_name             = each.key
  record_identifier_feature_name = each.value.record
  event_time_feature_name        = "event_time"
  role_arn                       = "arn:aws:iam::111122223333:role/feature-store"

  feature_definition {
    feature_name = each.value.record
    feature_type = "String"
  }

  feature_definition {
    feature_name = "event_time"
    feature_type = "String"
  }

  online_store_config {
    enable_online_store = true
    storage_type        = each.value.storage

    security_config {
      kms_key_id = each.value.storage == "InMemory" ? null : aws_kms_key.features.arn
    }
  }

  offline_store_config {
    s3_storage_config {
      s3_uri     = "s3://features-111122223333/${each.key}"
      kms_key_id = aws_kms_key.features.arn
    }
  }

  tags = merge(local.tags, { name = each.key })
}
