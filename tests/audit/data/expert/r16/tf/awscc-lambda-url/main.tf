resource "awscc_lambda_url" "demo" {
  target_function_arn = "arn:aws:lambda:us-east-1:111122223333:function:churn-demo"
  auth_type           = "NONE"
  cors = {
    allow_origins = ["*"]
    allow_methods = ["POST"]
  }
}

resource "awscc_lambda_permission" "demo_public" {
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = "churn-demo"
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "awscc_lambda_permission" "from_queue_topic" {
  action        = "lambda:InvokeFunction"
  function_name = "churn-demo"
  principal     = "sns.amazonaws.com"
  source_arn    = "arn:aws:sns:us-east-1:111122223333:churn-alerts"
}
