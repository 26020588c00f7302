variable "enabled" {
  type = bool
}

variable "instance_count" {
  type = number
}

variable "kms_key_arn" {
  type    = string
  default = null
}

resource "aws_sagemaker_endpoint_configuration" "this" {
  count       = var.enabled ? 1 : 0
  name        = "churn"
  kms_key_arn = var.kms_key_arn

  production_variants {
    variant_name           = "primary"
    model_name             = "churn"
    instance_type          = "ml.m5.large"
    initial_instance_count = var.instance_count
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = 20
    destination_s3_uri          = "s3://churn-capture-111122223333/"

    capture_options {
      capture_mode = "Input"
    }

    capture_options {
      capture_mode = "Output"
    }
  }
}
