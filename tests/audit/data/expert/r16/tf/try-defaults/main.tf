# A module-style object variable whose attributes are optional in practice, read with try() and can()
variable "endpoints" {
  type = map(any)
  default = {
    scoring = { instance_count = 2, kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/abcd1111-ab11-ab11-ab11-abcdabcd1111" }
    batch   = { instance_count = 1 }
  }
}

resource "aws_sagemaker_endpoint_configuration" "this" {
  for_each    = var.endpoints
  name        = each.key
  kms_key_arn = try(each.value.kms_key_arn, null)

  production_variants {
    variant_name           = "main"
    model_name             = each.key
    instance_type          = "ml.m5.large"
    initial_instance_count = can(each.value.instance_count) ? each.value.instance_count : 1
  }
}
