variable "variants" {
  description = "Production variants of the endpoint"
  type = list(object({
    name           = string
    instance_type  = string
    instance_count = number
    weight         = number
  }))
  default = [
    { name = "blue", instance_type = "ml.c5.xlarge", instance_count = 2, weight = 0.8 },
    { name = "green", instance_type = "ml.c5.xlarge", instance_count = 1, weight = 0.2 },
  ]
}

variable "model_subnet_ids" {
  type = list(string)
}

variable "capture_enabled" {
  type    = bool
  default = true
}

resource "aws_kms_key" "endpoint" {
  enable_key_rotation = true
}

resource "aws_sagemaker_model" "ranker" {
  name               = "ranker"
  execution_role_arn = aws_iam_role.sagemaker.arn

  primary_container {
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/ranker:3.0"
    model_data_url = "s3://ml-artifacts-111122223333/ranker/model.tar.gz"
    image_config {
      repository_access_mode = "Platform"
    }
  }

  vpc_config {
    subnets            = var.model_subnet_ids
    security_group_ids = [aws_security_group.model.id]
  }
}

resource "aws_sagemaker_model" "pipeline" {
  name                     = "preprocess-then-rank"
  execution_role_arn       = aws_iam_role.sagemaker.arn
  enable_network_isolation = true

  container {
    image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  }
  container {
    image = "registry.internal.example.com/ranker:3.0"
    image_config {
      repository_access_mode = "Vpc"
    }
  }

  vpc_config {
    subnets            = ["subnet-0a1b2c3d4e5f67890", "subnet-0f9e8d7c6b5a43210"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}

resource "aws_sagemaker_endpoint_configuration" "ranker" {
  name = "ranker"

  dynamic "production_variants" {
    for_each = var.variants
    content {
      variant_name           = production_variants.value.name
      model_name             = aws_sagemaker_model.ranker.name
      instance_type          = production_variants.value.instance_type
      initial_instance_count = production_variants.value.instance_count
      initial_variant_weight = production_variants.value.weight
    }
  }

  dynamic "data_capture_config" {
    for_each = var.capture_enabled ? [1] : []
    content {
      enable_capture              = true
      initial_sampling_percentage = 10
      destination_s3_uri          = "s3://ml-capture-111122223333/ranker"
      capture_options {
        capture_mode = "InputAndOutput"
      }
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "async" {
  name        = "ranker-async"
  kms_key_arn = aws_kms_key.endpoint.arn

  production_variants {
    variant_name           = "AllTraffic"
    model_name             = aws_sagemaker_model.ranker.name
    instance_type          = "ml.g5.xlarge"
    initial_instance_count = 1
    core_dump_config {
      destination_s3_uri = "s3://ml-dumps-111122223333/"
      kms_key_id         = aws_kms_key.endpoint.arn
    }
  }

  async_inference_config {
    output_config {
      s3_output_path = "s3://ml-async-111122223333/out/"
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "serverless" {
  name = "ranker-serverless"
  production_variants {
    variant_name = "AllTraffic"
    model_name   = aws_sagemaker_model.ranker.name
    serverless_config {
      max_concurrency   = 10
      memory_size_in_mb = 3072
    }
  }
}
