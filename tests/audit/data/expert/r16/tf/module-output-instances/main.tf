module "keys" {
  for_each = toset(["serving", "capture"])
  source   = "./kms"
  purpose  = each.key
}

module "counted" {
  count   = 1
  source  = "./kms"
  purpose = "batch"
}

resource "aws_sagemaker_endpoint_configuration" "serving" {
  name        = "serving"
  kms_key_arn = module.keys["serving"].arn

  production_variants {
    variant_name           = "main"
    model_name             = "churn"
    instance_type          = "ml.m5.large"
    initial_instance_count = 2
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = 10
    destination_s3_uri          = "s3://churn-capture-111122223333/"
    kms_key_id                  = module.keys["capture"].arn

    capture_options {
      capture_mode = "Input"
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "batch" {
  name        = "batch"
  kms_key_arn = module.counted[0].arn

  production_variants {
    variant_name           = "main"
    model_name             = "churn"
    instance_type          = "ml.m5.large"
    initial_instance_count = 2
  }
}
