variable "partner_key_arn" {
  type    = string
  default = "arn:aws:kms:us-east-1:111122223333:key/2b6d8f10-4e3a-4c5b-9d7e-1a2b3c4d5e6f"
}

resource "awscc_kms_key" "cards" {
  description         = "model cards"
  enable_key_rotation = true
}

resource "awscc_sagemaker_model_card" "credit" {
  model_card_name   = "credit-limits"
  model_card_status = "PendingReview"
  content = {
    model_overview = {
      model_description = "Credit limit recommender"
    }
  }
  security_config = {
    kms_key_id = awscc_kms_key.cards.arn
  }
}

resource "awscc_sagemaker_model_package" "credit_v1" {
  model_package_group_name = "credit-limits"
  model_approval_status    = "PendingManualApproval"
  inference_specification = {
    containers = [{
      image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/credit-limits:1.4.0"
      model_data_url = "s3://models-111122223333/credit-limits/1.4.0/model.tar.gz"
    }]
    supported_content_types      = ["text/csv"]
    supported_response_mime_types = ["text/csv"]
  }
}

resource "awscc_sagemaker_partner_app" "evals" {
  name               = "llm-evals"
  type               = "comet"
  auth_type          = "IAM"
  tier               = "small"
  execution_role_arn = "arn:aws:iam::111122223333:role/partner-app"
  kms_key_id         = var.partner_key_arn
}

resource "awscc_sagemaker_cluster" "research" {
  cluster_name = "research"
  instance_groups = [{
    instance_group_name = "gpu"
    instance_type       = "ml.p5.48xlarge"
    instance_count      = 1
    execution_role      = "arn:aws:iam::111122223333:role/hyperpod-nodes"
    life_cycle_config = {
      source_s3_uri = "s3://sagemaker-research-lifecycle/"
      on_create     = "on_create.sh"
    }
    instance_storage_configs = [{
      ebs_volume_config = {
        volume_size_in_gb = 200
      }
    }]
  }]
  vpc_config = {
    subnets            = ["subnet-0a1b2c3d4e5f60718"]
    security_group_ids = ["sg-0a1b2c3d4e5f60718"]
  }
}
