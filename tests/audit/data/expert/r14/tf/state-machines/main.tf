# One state machine per pipeline stage (for_each), logging through a dynamic block only where a log group is
# given; tracing and the key from the map.
variable "stages" {
  type = map(object({
    log_group = string
    tracing   = bool
  }))
  default = {
    ingest  = { log_group = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/vendedlogs/states/ingest", tracing = true }
    retrain = { log_group = "", tracing = false }
  }
}

resource "aws_kms_key" "states" {
  enable_key_rotation = true
}

resource "aws_sfn_state_machine" "stage" {
  for_each   = var.stages
  name       = "ml-${each.key}"
  role_arn   = "arn:aws:iam::111122223333:role/ml-states"
  definition = jsonencode({ StartAt = "Done", States = { Done = { Type = "Succeed" } } })

  dynamic "logging_configuration" {
    for_each = each.value.log_group == "" ? [] : [each.value.log_group]
    content {
      log_destination        = "${logging_configuration.value}:*"
      include_execution_data = false
      level                  = "ERROR"
    }
  }

  tracing_configuration {
    enabled = each.value.tracing
  }

  encryption_configuration {
    type       = "CUSTOMER_MANAGED_KMS_KEY"
    kms_key_id = aws_kms_key.states.arn
  }
}
