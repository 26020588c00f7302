variable "colours" {
  type    = map(number)
  default = { blue = 1, green = 2 }
}

resource "aws_kms_key" "serving" {
  enable_key_rotation = true
}

resource "aws_sagemaker_endpoint_configuration" "release" {
  for_each    = var.colours
  name        = "ranker-${each.key}"
  kms_key_arn = aws_kms_key.serving.arn

  production_variants {
    variant_name           = "main"
    model_name             = "ranker-${each.key}"
    instance_type          = "ml.c6i.xlarge"
    initial_instance_count = each.value
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = 10
    destination_s3_uri          = "s3://capture-111122223333/${each.key}"
    capture_options {
      capture_mode = "Input"
    }
  }
}
