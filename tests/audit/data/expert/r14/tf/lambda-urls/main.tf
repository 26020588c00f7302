# Function URLs for three model demos, one per entry of a map: the auth type and the allowed origins come from
# the map, CORS only where origins are listed (aws_lambda_function_url; urls-auth.html).
variable "demos" {
  type = map(object({
    auth    = string
    origins = list(string)
  }))
  default = {
    public   = { auth = "NONE", origins = ["*"] }
    internal = { auth = "AWS_IAM", origins = [] }
    partner  = { auth = "AWS_IAM", origins = ["https://partner.example.com"] }
  }
}

resource "aws_lambda_function" "demo" {
  for_each      = var.demos
  function_name = "demo-${each.key}"
  role          = "arn:aws:iam::111122223333:role/demo"
  package_type  = "Image"
  image_uri     = "111122223333.dkr.ecr.us-east-1.amazonaws.com/demo:${each.key}"

  tracing_config {
    mode = "PassThrough"
  }
}

resource "aws_lambda_function_url" "demo" {
  for_each           = var.demos
  function_name      = aws_lambda_function.demo[each.key].function_name
  authorization_type = each.value.auth

  dynamic "cors" {
    for_each = length(each.value.origins) > 0 ? [each.value.origins] : []
    content {
      allow_origins = cors.value
      allow_methods = ["POST"]
    }
  }
}

resource "aws_lambda_permission" "public_url" {
  statement_id           = "FunctionURLAllowPublicAccess"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.demo["public"].function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}
