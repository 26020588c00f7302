# One function reads a Kinesis stream (its mapping keeps failed batches), another is invoked asynchronously with an
# on-failure destination on its alias (aws_lambda_event_source_mapping destination_config,
# aws_lambda_function_event_invoke_config).
resource "aws_lambda_function" "featurize" {
  function_name = "featurize"
  role          = "arn:aws:iam::111122223333:role/featurize"
  runtime       = "python3.13"
  handler       = "featurize.handler"
  filename      = "featurize.zip"
  tags          = { pipeline = "features" }
}

resource "aws_lambda_event_source_mapping" "clicks" {
  function_name     = aws_lambda_function.featurize.arn
  event_source_arn  = "arn:aws:kinesis:us-east-1:111122223333:stream/clicks"
  starting_position = "LATEST"

  destination_config {
    on_failure {
      destination_arn = "arn:aws:sqs:us-east-1:111122223333:featurize-failed"
    }
  }
}

resource "aws_lambda_function" "retrain" {
  function_name = "retrain-trigger"
  role          = "arn:aws:iam::111122223333:role/retrain"
  runtime       = "python3.13"
  handler       = "retrain.handler"
  filename      = "retrain.zip"
  publish       = true
  tags          = { pipeline = "training" }
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.retrain.function_name
  function_version = aws_lambda_function.retrain.version
}

resource "aws_lambda_function_event_invoke_config" "retrain" {
  function_name = aws_lambda_function.retrain.function_name
  qualifier     = aws_lambda_alias.live.name

  destination_config {
    on_failure {
      destination = "arn:aws:sqs:us-east-1:111122223333:retrain-failed"
    }
  }
}
