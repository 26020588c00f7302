resource "awscc_s3_bucket" "uploads" {
  bucket_name = "uploads-111122223333"
}

resource "awscc_lambda_function" "ingest" {
  function_name = "ingest"
  role          = "arn:aws:iam::111122223333:role/ingest"
  runtime       = "python3.9"
  handler       = "app.handler"
  code = {
    s3_bucket = "artifacts-111122223333"
    s3_key    = "ingest.zip"
  }
  environment = {
    variables = {
      TABLE   = "ingest-events"
      API_KEY = "sk_live_51HcQ2pLkX9vTq7Rz"
    }
  }
}

resource "awscc_lambda_permission" "from_uploads" {
  action        = "lambda:InvokeFunction"
  function_name = awscc_lambda_function.ingest.arn
  principal     = "s3.amazonaws.com"
  source_arn    = awscc_s3_bucket.uploads.arn
}

resource "awscc_lambda_url" "public" {
  target_function_arn = awscc_lambda_function.ingest.arn
  auth_type           = "NONE"
  cors = {
    allow_origins = ["*"]
    allow_methods = ["POST"]
  }
}
