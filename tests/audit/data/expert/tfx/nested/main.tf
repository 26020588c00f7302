resource "aws_kms_key" "ml" {
  description         = "ML platform volumes"
  enable_key_rotation = true
}

module "platform" {
  source      = "./modules/platform"
  kms_key_arn = aws_kms_key.ml.arn
  subnet_id   = "subnet-0123456789abcdef0"
}
