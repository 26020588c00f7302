variable "use_managed_instances" {
  type    = bool
  default = true
}

resource "aws_lambda_capacity_provider" "gpu" {
  name = "rerank"

  vpc_config {
    subnet_ids         = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }

  permissions_config {
    capacity_provider_operator_role_arn = "arn:aws:iam::123456789012:role/lmi-operator"
  }
}

resource "aws_lambda_function" "rerank" {
  function_name = "rerank"
  role          = "arn:aws:iam::123456789012:role/rerank"
  package_type  = "Image"
  image_uri     = "123456789012.dkr.ecr.us-east-1.amazonaws.com/rerank:4"
  memory_size   = 16384

  dynamic "capacity_provider_config" {
    for_each = var.use_managed_instances ? [1] : []
    content {
      lambda_managed_instances_capacity_provider_config {
        capacity_provider_arn                     = aws_lambda_capacity_provider.gpu.arn
        per_execution_environment_max_concurrency = 8
      }
    }
  }

  tracing_config {
    mode = "Active"
  }

  tags = {
    app = "search"
  }
}

resource "aws_lambda_function" "fallback" {
  function_name                  = "rerank-fallback"
  role                           = "arn:aws:iam::123456789012:role/rerank"
  runtime                        = "java21"
  handler                        = "rerank.Handler::handleRequest"
  filename                       = "build/fallback.zip"
  reserved_concurrent_executions = 10

  vpc_config {
    subnet_ids         = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}
