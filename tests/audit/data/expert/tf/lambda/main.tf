terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

variable "runtime" {
  type    = string
  default = "python3.9"
}

locals {
  env_vars = {
    ENDPOINT_NAME = "fraud-endpoint"
    STAGE         = "prod"
  }
}

resource "aws_lambda_function" "invoke_endpoint" {
  function_name                  = "invoke-fraud-endpoint"
  role                           = aws_iam_role.lambda.arn
  handler                        = "app.handler"
  runtime                        = var.runtime
  filename                       = "build/invoke.zip"
  source_code_hash               = filebase64sha256("build/invoke.zip")
  reserved_concurrent_executions = -1
  code_signing_config_arn        = aws_lambda_code_signing_config.this.arn

  environment {
    variables = merge(local.env_vars, {
      SLACK_WEBHOOK_TOKEN = "xoxb-123456789012-abcdefghijklmnop"
    })
  }

  tracing_config {
    mode = "Active"
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dlq.arn
  }

  vpc_config {
    subnet_ids         = ["subnet-0a1b2c3d4e5f67890", "subnet-0f9e8d7c6b5a43210"]
    security_group_ids = [aws_security_group.lambda.id]
  }

  tags = {
    team = "ml-platform"
  }
}

resource "aws_lambda_function" "scorer_image" {
  function_name = "scorer"
  role          = aws_iam_role.lambda.arn
  package_type  = "Image"
  image_uri     = "111122223333.dkr.ecr.us-east-1.amazonaws.com/scorer:2.1"
  kms_key_arn   = aws_kms_key.lambda.arn
  reserved_concurrent_executions = 20

  environment {
    variables = local.env_vars
  }
}

resource "aws_lambda_function_url" "scorer" {
  function_name      = aws_lambda_function.scorer_image.function_name
  authorization_type = "NONE"

  cors {
    allow_origins = ["*"]
    allow_methods = ["POST"]
  }
}

resource "aws_lambda_permission" "from_sns" {
  statement_id  = "AllowSNS"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.invoke_endpoint.function_name
  principal     = "sns.amazonaws.com"
  source_arn    = aws_sns_topic.scores.arn
}

resource "aws_lambda_permission" "from_events" {
  statement_id   = "AllowEventBridge"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.invoke_endpoint.function_name
  principal      = "events.amazonaws.com"
  source_arn     = "arn:aws:events:us-east-1:111122223333:rule/nightly"
  source_account = "111122223333"
}
