variable "isolate" {
  type    = bool
  default = false
}

variable "job_key_arn" {
  type    = string
  default = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

resource "awscc_sagemaker_processing_job" "tokenize" {
  role_arn = "arn:aws:iam::123456789012:role/processing"
  app_specification = {
    image_uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/tokenize:1"
  }
  processing_resources = {
    cluster_config = {
      instance_count    = 4
      instance_type     = "ml.c5.9xlarge"
      volume_size_in_gb = 200
      volume_kms_key_id = var.job_key_arn
    }
  }
  processing_output_config = {
    outputs = [{
      output_name = "tokens"
      s3_output = {
        s3_uri         = "s3://corpus/tokens/"
        local_path     = "/opt/ml/processing/output"
        s3_upload_mode = "EndOfJob"
      }
    }]
  }
  network_config = {
    enable_network_isolation                  = var.isolate
    enable_inter_container_traffic_encryption = true
  }
  stopping_condition = {
    max_runtime_in_seconds = 14400
  }
}

resource "awscc_sagemaker_inference_experiment" "shadow" {
  name          = "ranker-shadow"
  type          = "ShadowMode"
  role_arn      = "arn:aws:iam::123456789012:role/experiments"
  endpoint_name = "ranker"
  kms_key       = var.job_key_arn
  model_variants = [{
    model_name   = "ranker-v2"
    variant_name = "shadow"
    infrastructure_config = {
      infrastructure_type = "RealTimeInference"
      real_time_inference_config = {
        instance_type  = "ml.m5.xlarge"
        instance_count = 1
      }
    }
  }]
  data_storage_config = {
    destination = "s3://experiments/ranker/"
  }
  shadow_mode_config = {
    source_model_variant_name = "prod"
    shadow_model_variants = [{
      shadow_model_variant_name = "shadow"
      sampling_percentage       = 20
    }]
  }
}
