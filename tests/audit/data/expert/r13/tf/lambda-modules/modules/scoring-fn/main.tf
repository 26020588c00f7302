variable "name" {
  type = string
}

variable "runtime" {
  type    = string
  default = "python3.13"
}

variable "subnet_ids" {
  type    = list(string)
  default = []
}

variable "security_group_ids" {
  type    = list(string)
  default = []
}

variable "environment" {
  type    = map(string)
  default = {}
}

variable "kms_key_arn" {
  type    = string
  default = null
}

variable "reserved" {
  type    = number
  default = -1
}

variable "dlq_arn" {
  type    = string
  default = ""
}

resource "aws_lambda_function" "this" {
  function_name                  = var.name
  role                           = "arn:aws:iam::123456789012:role/${var.name}"
  runtime                        = var.runtime
  handler                        = "app.handler"
  filename                       = "${path.module}/build/${var.name}.zip"
  kms_key_arn                    = var.kms_key_arn
  reserved_concurrent_executions = var.reserved

  dynamic "vpc_config" {
    for_each = length(var.subnet_ids) > 0 ? [1] : []
    content {
      subnet_ids         = var.subnet_ids
      security_group_ids = var.security_group_ids
    }
  }

  dynamic "dead_letter_config" {
    for_each = var.dlq_arn == "" ? [] : [var.dlq_arn]
    content {
      target_arn = dead_letter_config.value
    }
  }

  dynamic "environment" {
    for_each = length(var.environment) > 0 ? [1] : []
    content {
      variables = var.environment
    }
  }

  tracing_config {
    mode = "Active"
  }

  tags = {
    function = var.name
  }
}
