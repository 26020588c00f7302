# A Studio domain and one user profile per team member; members who share notebooks get sharing_settings through
# a dynamic block (aws_sagemaker_domain, aws_sagemaker_user_profile).
variable "members" {
  type = map(object({
    share_output = bool
  }))
  default = {
    alice = { share_output = true }
    bob   = { share_output = false }
  }
}

variable "share_key_arn" {
  type = string
}

resource "aws_sagemaker_domain" "ml" {
  domain_name             = "ml-research"
  auth_mode               = "IAM"
  vpc_id                  = "vpc-0123456789abcdef0"
  subnet_ids              = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
  app_network_access_type = "VpcOnly"
  kms_key_id              = "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"

  default_user_settings {
    execution_role = "arn:aws:iam::111122223333:role/studio"
  }

  tags = {
    "aws:cloudformation:stack-name" = "copied-from-console"
  }
}

resource "aws_sagemaker_user_profile" "member" {
  for_each          = var.members
  domain_id         = aws_sagemaker_domain.ml.id
  user_profile_name = each.key

  user_settings {
    execution_role = "arn:aws:iam::111122223333:role/studio-${each.key}"

    dynamic "sharing_settings" {
      for_each = each.value.share_output ? [1] : []
      content {
        notebook_output_option = "Allowed"
        s3_output_path         = "s3://studio-shares-111122223333/${each.key}/"
        s3_kms_key_id          = var.share_key_arn
      }
    }
  }
}
