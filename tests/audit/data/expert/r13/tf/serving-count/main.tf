variable "create_shadow" {
  type    = bool
  default = false
}

variable "variants" {
  type = list(object({
    name  = string
    type  = string
    count = number
  }))
  default = [
    { name = "blue", type = "ml.m6i.xlarge", count = 2 },
    { name = "green", type = "ml.m6i.xlarge", count = 1 },
  ]
}

variable "capture_key" {
  type        = string
  description = "set by the pipeline"
}

resource "aws_kms_key" "serving" {
  enable_key_rotation = true
}

resource "aws_sagemaker_model" "ranker" {
  name                     = "ranker"
  execution_role_arn       = "arn:aws:iam::123456789012:role/ranker"
  enable_network_isolation = true

  primary_container {
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/ranker:5"
    image_config {
      repository_access_mode = "Vpc"
    }
  }

  vpc_config {
    subnets            = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}

resource "aws_sagemaker_endpoint_configuration" "ranker" {
  name        = "ranker"
  kms_key_arn = aws_kms_key.serving.arn

  dynamic "production_variants" {
    for_each = var.variants
    content {
      variant_name           = production_variants.value.name
      model_name             = aws_sagemaker_model.ranker.name
      instance_type          = production_variants.value.type
      initial_instance_count = production_variants.value.count
    }
  }

  data_capture_config {
    initial_sampling_percentage = 10
    destination_s3_uri          = "s3://ranker-capture/"
    kms_key_id                  = var.capture_key
    capture_options {
      capture_mode = "Input"
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "shadow" {
  count = var.create_shadow ? 1 : 0
  name  = "ranker-shadow"

  production_variants {
    variant_name           = "shadow"
    model_name             = aws_sagemaker_model.ranker.name
    instance_type          = "ml.m6i.large"
    initial_instance_count = 1
  }
}
