variable "env" {
  type    = string
  default = "dev"
}

variable "key_arns" {
  type = map(string)
  default = {
    prod = "arn:aws:kms:us-east-1:111122223333:key/cccc3333-cc33-cc33-cc33-cccccccc3333"
  }
}

variable "tracing" {
  type    = string
  default = null
}

locals {
  common_tags = {
    team = "ml-platform"
    env  = var.env
  }
}

resource "aws_kms_key" "serving" {
  enable_key_rotation = true
}

resource "aws_subnet" "private" {
  count      = 2
  vpc_id     = "vpc-0a1b2c3d4e5f60718"
  cidr_block = "10.0.${count.index}.0/24"
}

resource "aws_security_group" "fn" {
  name   = "api"
  vpc_id = "vpc-0a1b2c3d4e5f60718"
}

resource "aws_sqs_queue" "dlq" {
  name = "api-dlq"
}

resource "aws_lambda_code_signing_config" "signed" {
  allowed_publishers {
    signing_profile_version_arns = ["arn:aws:signer:us-east-1:111122223333:/signing-profiles/ml/abc"]
  }
}

resource "aws_sagemaker_endpoint_configuration" "api" {
  name        = "api-${var.env}"
  kms_key_arn = var.env == "prod" ? aws_kms_key.serving.arn : null

  production_variants {
    variant_name           = "main"
    model_name             = "churn"
    instance_type          = "ml.m5.large"
    initial_instance_count = var.env == "prod" ? 2 : 1
  }

  tags = merge(local.common_tags, { Name = "api" })
}

resource "aws_lambda_function" "api" {
  function_name                  = "api-${var.env}"
  role                           = "arn:aws:iam::111122223333:role/api"
  runtime                        = "python3.12"
  handler                        = "app.handler"
  filename                       = "api.zip"
  kms_key_arn                    = lookup(var.key_arns, var.env, null)
  reserved_concurrent_executions = -1
  code_signing_config_arn        = aws_lambda_code_signing_config.signed.arn

  tracing_config {
    mode = coalesce(var.tracing, "Active")
  }

  environment {
    variables = {
      STAGE = var.env
    }
  }

  vpc_config {
    subnet_ids         = [for s in aws_subnet.private : s.id]
    security_group_ids = [aws_security_group.fn.id]
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dlq.arn
  }

  tags = local.common_tags
}
