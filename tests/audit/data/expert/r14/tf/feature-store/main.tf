# Feature groups made from one map (for_each), each with its own stores: a dynamic online_store_config only where
# the group is served online, and the offline store's key from tfvars (terraform.tfvars sets offline_key_arn).
variable "offline_key_arn" {
  type    = string
  default = null
}

variable "groups" {
  type = map(object({
    record_id = string
    online    = bool
    in_memory = bool
  }))
  default = {
    orders   = { record_id = "order_id", online = true, in_memory = false }
    sessions = { record_id = "session_id", online = true, in_memory = true }
    history  = { record_id = "customer_id", online = false, in_memory = false }
  }
}

locals {
  common_tags = {
    owner = "feature-platform"
  }
}

resource "aws_sagemaker_feature_group" "this" {
  for_each = var.groups

  feature_group_name             = each.key
  record_identifier_feature_name = each.value.record_id
  event_time_feature_name        = "event_time"
  role_arn                       = "arn:aws:iam::111122223333:role/feature-store"

  feature_definition {
    feature_name = each.value.record_id
    feature_type = "String"
  }

  feature_definition {
    feature_name = "event_time"
    feature_type = "String"
  }

  offline_store_config {
    s3_storage_config {
      s3_uri     = "s3://ml-features-111122223333/${each.key}/"
      kms_key_id = var.offline_key_arn
    }
  }

  dynamic "online_store_config" {
    for_each = each.value.online ? [1] : []
    content {
      enable_online_store = true
      storage_type        = each.value.in_memory ? "InMemory" : "Standard"
    }
  }

  tags = merge(local.common_tags, { group = each.key })
}
