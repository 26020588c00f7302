# A serverless endpoint configuration without a key and an asynchronous one whose key is a variable, each serving its
# own model (aws_sagemaker_endpoint_configuration serverless_config, async_inference_config).
variable "endpoint_key" {
  type = string
}

resource "aws_sagemaker_model" "embed" {
  name               = "embed"
  execution_role_arn = "arn:aws:iam::111122223333:role/hosting"

  primary_container {
    image          = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference:2.1-cpu-py310"
    model_data_url = "s3://models-111122223333/embed/model.tar.gz"
  }
}

resource "aws_sagemaker_model" "summarize" {
  name               = "summarize"
  execution_role_arn = "arn:aws:iam::111122223333:role/hosting"

  primary_container {
    image          = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4-tgi2.4-gpu-py311"
    model_data_url = "s3://models-111122223333/summarize/model.tar.gz"
  }
}

resource "aws_sagemaker_endpoint_configuration" "embed" {
  name = "embed-serverless"

  production_variants {
    variant_name = "AllTraffic"
    model_name   = aws_sagemaker_model.embed.name

    serverless_config {
      max_concurrency   = 20
      memory_size_in_mb = 4096
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "summarize" {
  name        = "summarize-async"
  kms_key_arn = var.endpoint_key

  production_variants {
    variant_name           = "AllTraffic"
    model_name             = aws_sagemaker_model.summarize.name
    instance_type          = "ml.m5.2xlarge"
    initial_instance_count = 1
  }

  async_inference_config {
    output_config {
      s3_output_path = "s3://inference-111122223333/summaries/"
    }
  }
}
