resource "awscc_sagemaker_model" "ranker" {
  execution_role_arn       = "arn:aws:iam::111122223333:role/model"
  enable_network_isolation = true
  primary_container = {
    image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/ranker:3"
    model_data_url = "s3://models-111122223333/ranker/model.tar.gz"
    image_config = {
      repository_access_mode = "Vpc"
    }
  }
  vpc_config = {
    subnets            = ["subnet-0a1b2c3d4e5f60718", "subnet-0b1b2c3d4e5f60718"]
    security_group_ids = ["sg-0a1b2c3d4e5f60718"]
  }
}

resource "awscc_sagemaker_endpoint_config" "ranker" {
  kms_key_id = "arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
  production_variants = [
    {
      variant_name           = "live"
      model_name             = awscc_sagemaker_model.ranker.model_name
      initial_instance_count = 1
      instance_type          = "ml.c6i.xlarge"
    },
    {
      variant_name = "burst"
      model_name   = awscc_sagemaker_model.ranker.model_name
      serverless_config = {
        memory_size_in_mb = 2048
        max_concurrency   = 20
      }
    }
  ]
  data_capture_config = {
    enable_capture              = true
    initial_sampling_percentage = 20
    destination_s3_uri          = "s3://capture-111122223333/ranker"
    capture_options             = [{ capture_mode = "Input" }, { capture_mode = "Output" }]
  }
}
