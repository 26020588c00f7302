module "serving_key" {
  source  = "./modules/kms"
  purpose = "serving"
}

resource "aws_sagemaker_endpoint_configuration" "churn" {
  name        = "churn"
  kms_key_arn = module.serving_key.arn

  production_variants {
    variant_name           = "main"
    model_name             = "churn"
    instance_type          = "ml.m5.large"
    initial_instance_count = 2
  }

  async_inference_config {
    output_config {
      s3_output_path = "s3://churn-async-111122223333/"
      kms_key_id     = module.serving_key.alias
    }
  }
}
