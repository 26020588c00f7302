# Serving for two models: a serverless endpoint for the light classifier and an asynchronous endpoint with data
# capture for the document model; capture is switched on per environment through a dynamic block.
variable "environment" {
  type    = string
  default = "prod"
}

variable "capture_key_arn" {
  type    = string
  default = ""
}

locals {
  capture = var.environment == "prod"
}

resource "aws_kms_key" "async" {
  enable_key_rotation = true
}

resource "aws_sagemaker_model" "classifier" {
  name               = "light-classifier"
  execution_role_arn = "arn:aws:iam::111122223333:role/serving"

  primary_container {
    image          = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
    model_data_url = "s3://ml-artifacts-111122223333/classifier/model.tar.gz"
  }
}

resource "aws_sagemaker_endpoint_configuration" "classifier" {
  name = "light-classifier-serverless"

  production_variants {
    variant_name = "AllTraffic"
    model_name   = aws_sagemaker_model.classifier.name

    serverless_config {
      max_concurrency   = 10
      memory_size_in_mb = 2048
    }
  }
}

resource "aws_sagemaker_model" "documents" {
  name                     = "documents"
  execution_role_arn       = "arn:aws:iam::111122223333:role/serving"
  enable_network_isolation = true

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/documents:9"
  }
}

resource "aws_sagemaker_endpoint_configuration" "documents" {
  name        = "documents-async"
  kms_key_arn = aws_kms_key.async.arn

  production_variants {
    variant_name           = "AllTraffic"
    model_name             = aws_sagemaker_model.documents.name
    instance_type          = "ml.m5.2xlarge"
    initial_instance_count = 1
  }

  async_inference_config {
    output_config {
      s3_output_path  = "s3://ml-async-111122223333/documents/"
      s3_failure_path = "s3://ml-async-111122223333/documents-failed/"
      kms_key_id      = aws_kms_key.async.arn
    }
  }

  dynamic "data_capture_config" {
    for_each = local.capture ? [1] : []
    content {
      initial_sampling_percentage = 50
      destination_s3_uri          = "s3://ml-capture-111122223333/documents/"
      kms_key_id                  = var.capture_key_arn

      capture_options {
        capture_mode = "Input"
      }
    }
  }
}
