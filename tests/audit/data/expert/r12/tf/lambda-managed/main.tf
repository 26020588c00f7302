resource "aws_kms_key" "lmi" {
  description         = "capacity provider"
  enable_key_rotation = true
}

resource "aws_lambda_capacity_provider" "shared" {
  name = "shared-batch"

  vpc_config {
    subnet_ids         = ["subnet-0a1b2c3d4e5f60718", "subnet-1b2c3d4e5f6071829"]
    security_group_ids = ["sg-0a1b2c3d4e5f60718"]
  }

  permissions_config {
    capacity_provider_operator_role_arn = "arn:aws:iam::111122223333:role/lmi-operator"
  }
}

resource "aws_lambda_capacity_provider" "regulated" {
  name        = "regulated"
  kms_key_arn = aws_kms_key.lmi.arn

  vpc_config {
    subnet_ids         = ["subnet-0a1b2c3d4e5f60718"]
    security_group_ids = ["sg-0a1b2c3d4e5f60718"]
  }

  permissions_config {
    capacity_provider_operator_role_arn = "arn:aws:iam::111122223333:role/lmi-operator"
  }

  instance_requirements {
    architectures = ["arm64"]
  }
}

resource "aws_lambda_function" "embedder" {
  function_name = "document-embedder"
  role          = "arn:aws:iam::111122223333:role/embedder"
  package_type  = "Image"
  image_uri     = "111122223333.dkr.ecr.us-east-1.amazonaws.com/embedder:2.1.0"
  memory_size   = 8192

  capacity_provider_config {
    lambda_managed_instances_capacity_provider_config {
      capacity_provider_arn = aws_lambda_capacity_provider.regulated.arn
    }
  }

  tracing_config {
    mode = "Active"
  }

  tags = {
    team = "search"
  }
}
