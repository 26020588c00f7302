resource "aws_kms_key" "serving" {
  description         = "endpoint volumes"
  enable_key_rotation = true
}

module "canary" {
  source         = "./modules/endpoint"
  enabled        = true
  instance_count = 1
}

module "prod" {
  source         = "./modules/endpoint"
  enabled        = true
  instance_count = 3
  kms_key_arn    = aws_kms_key.serving.arn
}

module "dr" {
  source         = "./modules/endpoint"
  enabled        = false
  instance_count = 2
}
