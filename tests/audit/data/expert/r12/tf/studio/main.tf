resource "aws_kms_key" "studio" {
  description         = "studio volumes and shared notebooks"
  enable_key_rotation = true
}

resource "aws_sagemaker_domain" "vpc_only" {
  domain_name             = "claims-studio"
  auth_mode               = "SSO"
  vpc_id                  = "vpc-0a1b2c3d4e5f60718"
  subnet_ids              = ["subnet-0a1b2c3d4e5f60718", "subnet-1b2c3d4e5f6071829"]
  app_network_access_type = "VpcOnly"
  kms_key_id              = aws_kms_key.studio.arn

  default_user_settings {
    execution_role = "arn:aws:iam::111122223333:role/claims-studio"

    sharing_settings {
      notebook_output_option = "Allowed"
      s3_output_path         = "s3://claims-shared-111122223333/notebooks"
      s3_kms_key_id          = aws_kms_key.studio.arn
    }
  }

  tags = {
    team = "claims"
  }
}

resource "aws_sagemaker_user_profile" "lead" {
  domain_id         = aws_sagemaker_domain.vpc_only.id
  user_profile_name = "lead"

  user_settings {
    execution_role  = "arn:aws:iam::111122223333:role/claims-studio"
    security_groups = ["sg-0a1b2c3d4e5f60718"]

    sharing_settings {
      notebook_output_option = "Allowed"
      s3_output_path         = "s3://claims-shared-111122223333/lead"
    }
  }
}

resource "aws_sagemaker_user_profile" "reader" {
  domain_id         = aws_sagemaker_domain.vpc_only.id
  user_profile_name = "reader"

  user_settings {
    execution_role  = "arn:aws:iam::111122223333:role/claims-studio-readonly"
    security_groups = ["sg-0a1b2c3d4e5f60718"]
  }
}
