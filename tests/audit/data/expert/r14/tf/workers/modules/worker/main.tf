variable "name" {
  type = string
}

variable "queue_arn" {
  type = string
}

variable "failure_target" {
  type    = string
  default = ""
}

variable "layer_arns" {
  type    = list(string)
  default = []
}

resource "aws_lambda_function" "this" {
  function_name                  = "worker-${var.name}"
  role                           = "arn:aws:iam::111122223333:role/worker"
  runtime                        = "python3.11"
  handler                        = "worker.handler"
  filename                       = "${path.module}/worker.zip"
  layers                         = var.layer_arns
  reserved_concurrent_executions = 10

  tracing_config {
    mode = "Active"
  }

  tags = {
    worker = var.name
  }
}

resource "aws_lambda_event_source_mapping" "queue" {
  event_source_arn = var.queue_arn
  function_name    = aws_lambda_function.this.arn
  batch_size       = 10
}

resource "aws_lambda_function_event_invoke_config" "this" {
  count         = var.failure_target == "" ? 0 : 1
  function_name = aws_lambda_function.this.function_name

  destination_config {
    on_failure {
      destination = var.failure_target
    }
  }
}
