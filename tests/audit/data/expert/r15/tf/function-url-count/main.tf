# A public function URL made when a flag is on, with the permission AWS requires for AuthType NONE
# (aws_lambda_function_url, aws_lambda_permission function_url_auth_type, count).
variable "public" {
  type    = bool
  default = true
}

variable "api_key" {
  type      = string
  sensitive = true
}

resource "aws_lambda_function" "predict" {
  function_name = "predict"
  role          = "arn:aws:iam::111122223333:role/predict"
  runtime       = "python3.12"
  handler       = "app.handler"
  s3_bucket     = "lambda-111122223333"
  s3_key        = "predict.zip"

  tracing_config {
    mode = "Active"
  }

  environment {
    variables = {
      UPSTREAM_API_KEY = var.api_key
      MODEL_NAME       = "ranker-v3"
    }
  }
}

resource "aws_lambda_function_url" "public" {
  count              = var.public ? 1 : 0
  function_name      = aws_lambda_function.predict.function_name
  authorization_type = "NONE"

  cors {
    allow_origins = ["*"]
    allow_methods = ["POST"]
  }
}

resource "aws_lambda_permission" "public_url" {
  count                  = var.public ? 1 : 0
  statement_id           = "FunctionURLAllowPublicAccess"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.predict.function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}
