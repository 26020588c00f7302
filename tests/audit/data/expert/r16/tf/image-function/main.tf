resource "aws_lambda_function" "embed" {
  function_name = "embed"
  role          = "arn:aws:iam::111122223333:role/embed"
  package_type  = "Image"
  image_uri     = "111122223333.dkr.ecr.us-east-1.amazonaws.com/embed:3"
  timeout       = 60
  memory_size   = 3008

  tracing_config {
    mode = "Active"
  }

  tags = {
    team = "search"
  }
}

resource "aws_lambda_function" "zip_default" {
  function_name = "zip-default"
  role          = "arn:aws:iam::111122223333:role/embed"
  runtime       = "python3.13"
  handler       = "app.handler"
  filename      = "app.zip"

  tags = {
    team = "search"
  }
}
