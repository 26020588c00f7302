variable "environments" {
  type    = list(string)
  default = ["staging", "prod"]
}

variable "kms_key_arn" {
  type        = string
  description = "Given by the pipeline"
}

variable "enable_shadow" {
  type    = bool
  default = false
}

resource "aws_sagemaker_endpoint_configuration" "serving" {
  count       = length(var.environments)
  name        = "churn-${var.environments[count.index]}"
  kms_key_arn = var.kms_key_arn

  production_variants {
    variant_name           = "primary"
    model_name             = "churn-xgb"
    instance_type          = "ml.m5.large"
    initial_instance_count = var.environments[count.index] == "prod" ? 2 : 1
  }
}

resource "aws_sagemaker_endpoint_configuration" "shadow" {
  count = var.enable_shadow ? 1 : 0
  name  = "churn-shadow"

  production_variants {
    variant_name           = "shadow"
    model_name             = "churn-xgb-next"
    instance_type          = "ml.m5.large"
    initial_instance_count = 1
  }
}
