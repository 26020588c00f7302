# A document-classification workflow: Step Functions calls a Lambda, then a SageMaker batch transform; the
# function's asynchronous settings live in async.tf (aws provider: aws_lambda_function_event_invoke_config).
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

variable "subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
}

resource "aws_kms_key" "workflow" {
  description         = "document workflow"
  enable_key_rotation = true
}

resource "aws_sqs_queue" "classify_failed" {
  name              = "classify-failed"
  kms_master_key_id = aws_kms_key.workflow.arn
}

resource "aws_security_group" "lambda" {
  name   = "classify-lambda"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_lambda_function" "classify" {
  function_name                  = "classify-documents"
  role                           = "arn:aws:iam::111122223333:role/classify"
  runtime                        = "python3.12"
  handler                        = "classify.handler"
  s3_bucket                      = "ml-artifacts-111122223333"
  s3_key                         = "lambda/classify.zip"
  reserved_concurrent_executions = 25
  kms_key_arn                    = aws_kms_key.workflow.arn
  code_signing_config_arn        = "arn:aws:lambda:us-east-1:111122223333:code-signing-config:csc-0a1b2c3d4e5f60718"

  environment {
    variables = {
      TRANSFORM_OUTPUT = "s3://ml-batch-${data.aws_caller_identity.current.account_id}/classified/"
    }
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.lambda.id]
  }

  tracing_config {
    mode = "Active"
  }

  tags = {
    team = "documents"
  }
}

resource "aws_lambda_permission" "from_states" {
  statement_id  = "AllowStates"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.classify.function_name
  principal     = "states.amazonaws.com"
  source_arn    = aws_sfn_state_machine.classify.arn
}

resource "aws_cloudwatch_log_group" "states" {
  name              = "/aws/vendedlogs/states/classify"
  retention_in_days = 30
  kms_key_id        = aws_kms_key.workflow.arn
}

resource "aws_sfn_state_machine" "classify" {
  name     = "classify-documents"
  role_arn = "arn:aws:iam::111122223333:role/classify-states"

  definition = jsonencode({
    StartAt = "Classify"
    States = {
      Classify = {
        Type     = "Task"
        Resource = "arn:aws:states:::lambda:invoke"
        Parameters = {
          FunctionName = aws_lambda_function.classify.arn
        }
        End = true
      }
    }
  })

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.states.arn}:*"
    include_execution_data = false
    level                  = "ERROR"
  }

  tracing_configuration {
    enabled = true
  }

  encryption_configuration {
    type                              = "CUSTOMER_MANAGED_KMS_KEY"
    kms_key_id                        = aws_kms_key.workflow.arn
    kms_data_key_reuse_period_seconds = 600
  }
}
