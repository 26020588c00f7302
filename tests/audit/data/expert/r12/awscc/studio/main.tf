variable "key_arn" {
  type    = string
  default = "arn:aws:kms:us-east-1:111122223333:key/5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170"
}

resource "awscc_sagemaker_domain" "lab" {
  domain_name             = "genai-lab"
  auth_mode               = "IAM"
  vpc_id                  = "vpc-0a1b2c3d4e5f60718"
  subnet_ids              = ["subnet-0a1b2c3d4e5f60718"]
  app_network_access_type = "VpcOnly"
  kms_key_id              = var.key_arn
  default_user_settings = {
    execution_role = "arn:aws:iam::111122223333:role/genai-lab"
    sharing_settings = {
      notebook_output_option = "Allowed"
      s3_output_path         = "s3://genai-lab-111122223333/shared"
      s3_kms_key_id          = var.key_arn
    }
  }
  tags = [{
    key   = "team"
    value = "genai"
  }]
}

resource "awscc_sagemaker_user_profile" "analyst" {
  domain_id         = awscc_sagemaker_domain.lab.domain_id
  user_profile_name = "analyst"
  user_settings = {
    sharing_settings = {
      notebook_output_option = "Allowed"
      s3_output_path         = "s3://genai-lab-111122223333/analyst"
    }
  }
}
