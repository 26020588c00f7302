variable "variants" {
  type = list(object({ name = string, instance_type = string, count = number }))
  default = [
    { name = "gpu", instance_type = "ml.g5.xlarge", count = 2 },
    { name = "cpu", instance_type = "ml.m5.large", count = 1 },
  ]
}

resource "aws_sagemaker_endpoint_configuration" "mixed" {
  name        = "mixed"
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/dddd4444-dd44-dd44-dd44-dddddddd4444"

  dynamic "production_variants" {
    for_each = var.variants
    content {
      variant_name           = production_variants.value.name
      model_name             = "ranker"
      instance_type          = production_variants.value.instance_type
      initial_instance_count = production_variants.value.count
    }
  }
}
