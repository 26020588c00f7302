locals {
  functions = toset(["score", "explain"])
  common_tags = {
    project = "fraud"
    owner   = "ml-platform"
  }
}

resource "aws_sqs_queue" "dlq" {
  name = "fraud-dlq"
}

resource "aws_lambda_function" "api" {
  for_each      = local.functions
  function_name = "fraud-${each.key}"
  role          = "arn:aws:iam::111122223333:role/fraud-api"
  runtime       = "python3.12"
  handler       = "${each.key}.handler"
  filename      = "build/${each.key}.zip"
  kms_key_arn   = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

  reserved_concurrent_executions = each.key == "score" ? 50 : -1

  environment {
    variables = {
      ENDPOINT_NAME = "fraud-xgb"
      MODE          = each.key
    }
  }

  tracing_config {
    mode = "Active"
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dlq.arn
  }

  vpc_config {
    subnet_ids         = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }

  tags = merge(local.common_tags, { function = each.key })
}

resource "aws_lambda_permission" "apigw" {
  statement_id  = "AllowAPIGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api["score"].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.fraud.execution_arn}/*/POST/score"
}

resource "aws_lambda_permission" "everyone" {
  statement_id  = "AllowEveryone"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.api["explain"].function_name
  principal     = "*"
}
