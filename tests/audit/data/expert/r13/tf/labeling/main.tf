variable "office_cidrs" {
  type    = list(string)
  default = ["203.0.113.0/24", "198.51.100.0/24"]
}

variable "open_portal" {
  type    = bool
  default = false
}

resource "aws_cognito_user_pool" "reviewers" {
  name = "reviewers"
}

resource "aws_sagemaker_workforce" "reviewers" {
  workforce_name = "reviewers"

  cognito_config {
    client_id = "1example23456789"
    user_pool = aws_cognito_user_pool.reviewers.id
  }

  source_ip_config {
    cidrs = var.open_portal ? ["0.0.0.0/0"] : var.office_cidrs
  }
}

resource "aws_sagemaker_workforce" "vendors" {
  workforce_name = "vendors"

  oidc_config {
    authorization_endpoint = "https://idp.example.com/authorize"
    client_id              = "vendors"
    client_secret          = "ignored-by-this-check"
    issuer                 = "https://idp.example.com"
    jwks_uri               = "https://idp.example.com/jwks"
    logout_endpoint        = "https://idp.example.com/logout"
    token_endpoint         = "https://idp.example.com/token"
    user_info_endpoint     = "https://idp.example.com/userinfo"
  }
}

resource "aws_sagemaker_flow_definition" "review" {
  flow_definition_name = "low-confidence-review"
  role_arn             = "arn:aws:iam::123456789012:role/a2i"

  human_loop_config {
    human_task_ui_arn                     = "arn:aws:sagemaker:us-east-1:123456789012:human-task-ui/review"
    task_availability_lifetime_in_seconds = 86400
    task_count                            = 1
    task_description                      = "Review low-confidence predictions"
    task_title                            = "Review"
    workteam_arn                          = "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/reviewers"
  }

  output_config {
    s3_output_path = "s3://a2i-output/"
  }
}
