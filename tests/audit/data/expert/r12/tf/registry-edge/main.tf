locals {
  office_cidrs = ["203.0.113.0/24", "198.51.100.0/24"]
}

resource "aws_kms_key" "cards" {
  description         = "model cards"
  enable_key_rotation = true
}

resource "aws_sagemaker_model_card" "approved" {
  model_card_name   = "credit-risk-v3"
  model_card_status = "Approved"
  content = jsonencode({
    model_overview = { model_description = "Gradient-boosted credit risk model" }
    intended_uses  = { risk_rating = "High" }
  })

  security_config {
    kms_key_id = aws_kms_key.cards.arn
  }
}

resource "aws_sagemaker_model_card" "draft" {
  model_card_name   = "credit-risk-v4"
  model_card_status = "Draft"
  content = jsonencode({
    model_overview = { model_description = "Candidate replacement" }
  })
}

resource "aws_sagemaker_device_fleet" "cameras" {
  device_fleet_name = "shelf-cameras"
  role_arn          = "arn:aws:iam::111122223333:role/edge-fleet"

  output_config {
    s3_output_location = "s3://edge-samples-111122223333/shelf-cameras/"
  }
}

resource "aws_sagemaker_workforce" "labelers" {
  workforce_name = "in-house-labelers"

  cognito_config {
    client_id = "4k3mnb7p0q1r2s3t4u5v6w7x8y"
    user_pool = "us-east-1_AbCdEfGhI"
  }

  source_ip_config {
    cidrs = ["0.0.0.0/0"]
  }
}

resource "aws_sagemaker_workforce" "vendors" {
  workforce_name = "vendor-reviewers"

  oidc_config {
    authorization_endpoint = "https://idp.example.com/oauth2/authorize"
    client_id              = "sagemaker-reviewers"
    client_secret          = var.oidc_client_secret
    issuer                 = "https://idp.example.com"
    jwks_uri               = "https://idp.example.com/oauth2/keys"
    logout_endpoint        = "https://idp.example.com/logout"
    token_endpoint         = "https://idp.example.com/oauth2/token"
    user_info_endpoint     = "https://idp.example.com/oauth2/userinfo"
  }

  source_ip_config {
    cidrs = local.office_cidrs
  }
}

variable "oidc_client_secret" {
  type      = string
  sensitive = true
}
