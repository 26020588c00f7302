# A Studio domain and a user profile written with the awscc provider (generated from the CloudFormation registry:
# nested objects are attributes, names in snake_case).
resource "awscc_sagemaker_domain" "lab" {
  domain_name             = "lab"
  auth_mode               = "SSO"
  app_network_access_type = "PublicInternetOnly"
  vpc_id                  = "vpc-0a1b2c3d4e5f60718"
  subnet_ids              = ["subnet-0a1b2c3d4e5f60718"]
  default_user_settings = {
    execution_role = "arn:aws:iam::111122223333:role/studio"
  }
  tags = [{ key = "team", value = "lab" }]
}

resource "awscc_sagemaker_user_profile" "guest" {
  domain_id         = awscc_sagemaker_domain.lab.domain_id
  user_profile_name = "guest"
  user_settings = {
    sharing_settings = {
      notebook_output_option = "Allowed"
      s3_output_path         = "s3://studio-share-111122223333/guest"
    }
  }
}
