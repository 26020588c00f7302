variable "name" {
  type = string
}

variable "kms_key_arn" {
  type    = string
  default = null
}

variable "subnet_id" {
  type = string
}

variable "internet" {
  type    = string
  default = "Enabled"
}

resource "aws_security_group" "this" {
  name = "${var.name}-notebook"
}

resource "aws_sagemaker_notebook_instance" "this" {
  name                   = var.name
  role_arn               = "arn:aws:iam::111122223333:role/notebooks"
  instance_type          = "ml.t3.medium"
  kms_key_id             = var.kms_key_arn
  subnet_id              = var.subnet_id
  security_groups        = [aws_security_group.this.id]
  direct_internet_access = var.internet
  root_access            = "Disabled"

  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }
}
