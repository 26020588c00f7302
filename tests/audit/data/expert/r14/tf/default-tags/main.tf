resource "aws_lambda_function" "router" {
  function_name                  = "inference-router"
  role                           = "arn:aws:iam::111122223333:role/router"
  runtime                        = "python3.13"
  handler                        = "router.handler"
  filename                       = "router.zip"
  reserved_concurrent_executions = 20

  tracing_config {
    mode = "Active"
  }
}

resource "aws_lambda_function" "router_replica" {
  provider                       = aws.replica
  function_name                  = "inference-router"
  role                           = "arn:aws:iam::111122223333:role/router"
  runtime                        = "python3.13"
  handler                        = "router.handler"
  filename                       = "router.zip"
  reserved_concurrent_executions = 20

  tracing_config {
    mode = "Active"
  }
}

resource "aws_sagemaker_feature_group" "routes" {
  feature_group_name             = "routes"
  record_identifier_feature_name = "route_id"
  event_time_feature_name        = "ts"
  role_arn                       = "arn:aws:iam::111122223333:role/fs"

  feature_definition {
    feature_name = "route_id"
    feature_type = "String"
  }

  feature_definition {
    feature_name = "ts"
    feature_type = "String"
  }

  online_store_config {
    enable_online_store = true
    storage_type        = "InMemory"
  }
}
