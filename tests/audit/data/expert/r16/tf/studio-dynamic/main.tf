variable "share_notebooks" {
  type    = bool
  default = true
}

variable "profiles" {
  type = map(object({ share = bool }))
  default = {
    alice = { share = true }
    bob   = { share = false }
  }
}

resource "aws_kms_key" "studio" {
  description         = "Studio EFS and shared notebooks"
  enable_key_rotation = true
}

resource "aws_security_group" "studio" {
  name   = "studio"
  vpc_id = "vpc-0a1b2c3d4e5f60718"
}

resource "aws_sagemaker_domain" "studio" {
  domain_name             = "ml"
  auth_mode               = "SSO"
  vpc_id                  = "vpc-0a1b2c3d4e5f60718"
  subnet_ids              = ["subnet-0a1b2c3d4e5f60718"]
  app_network_access_type = "VpcOnly"
  kms_key_id              = aws_kms_key.studio.arn

  default_user_settings {
    execution_role  = "arn:aws:iam::111122223333:role/studio"
    security_groups = [aws_security_group.studio.id]

    dynamic "sharing_settings" {
      for_each = var.share_notebooks ? [1] : []
      content {
        notebook_output_option = "Allowed"
        s3_output_path         = "s3://studio-shared-111122223333/"
      }
    }
  }

  tags = {
    team = "ml-platform"
  }
}

resource "aws_sagemaker_user_profile" "user" {
  for_each          = var.profiles
  domain_id         = aws_sagemaker_domain.studio.id
  user_profile_name = each.key

  user_settings {
    execution_role = "arn:aws:iam::111122223333:role/studio"

    sharing_settings {
      notebook_output_option = each.value.share ? "Allowed" : "Disabled"
      s3_output_path         = "s3://studio-shared-111122223333/${each.key}/"
      s3_kms_key_id          = each.value.share ? aws_kms_key.studio.arn : null
    }
  }
}

resource "aws_sagemaker_space" "shared" {
  domain_id  = aws_sagemaker_domain.studio.id
  space_name = "shared"

  ownership_settings {
    owner_user_profile_name = "alice"
  }

  space_sharing_settings {
    sharing_type = "Shared"
  }

  space_settings {
    app_type = "JupyterLab"
  }
}
