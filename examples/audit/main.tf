resource "aws_kms_key" "k" {}

resource "aws_sagemaker_notebook_instance" "open" {
  name          = "open"
  role_arn      = "arn:aws:iam::123456789012:role/nb"
  instance_type = "ml.t3.medium"
  kms_key_id    = aws_kms_key.k.arn
}

variable "kms_key" {}

resource "aws_sagemaker_notebook_instance" "by_variable" {
  name          = "by-variable"
  role_arn      = "arn:aws:iam::123456789012:role/nb"
  instance_type = "ml.t3.medium"
  kms_key_id    = var.kms_key
}

# advisor:skip=SM-MD-02 models here serve public data from the platform VPC
resource "aws_sagemaker_model" "m" {
  name                     = "m"
  execution_role_arn       = "arn:aws:iam::123456789012:role/m"
  enable_network_isolation = true
  primary_container {
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"
  }
}

resource "aws_lambda_permission" "public" {
  statement_id  = "all"
  action        = "lambda:InvokeFunction"
  function_name = "f"
  principal     = "*"
}
