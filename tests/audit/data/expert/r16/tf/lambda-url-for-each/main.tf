locals {
  urls = {
    internal = { auth = "AWS_IAM", origins = ["https://ops.example.com"] }
    demo     = { auth = "NONE", origins = ["*"] }
  }
}

resource "aws_lambda_function_url" "model" {
  for_each           = local.urls
  function_name      = "churn-${each.key}"
  authorization_type = each.value.auth

  dynamic "cors" {
    for_each = length(each.value.origins) > 0 ? [each.value.origins] : []
    content {
      allow_origins = cors.value
      allow_methods = ["POST"]
    }
  }
}

resource "aws_lambda_permission" "demo_url" {
  statement_id           = "FunctionURLAllowPublicAccess"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = "churn-demo"
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "aws_lambda_permission" "nightly" {
  statement_id  = "AllowEventBridge"
  action        = "lambda:InvokeFunction"
  function_name = "churn-internal"
  principal     = "events.amazonaws.com"
  source_arn    = "arn:aws:events:us-east-1:111122223333:rule/nightly"
}
