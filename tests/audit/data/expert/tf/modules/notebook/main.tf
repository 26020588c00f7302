variable "name" {
  type = string
}

variable "direct_internet_access" {
  type    = string
  default = "Disabled"
}

variable "kms_key_arn" {
  type = string
}

variable "subnet_id" {
  type    = string
  default = null
}

resource "aws_sagemaker_notebook_instance" "this" {
  name                   = var.name
  role_arn               = "arn:aws:iam::111122223333:role/notebook"
  instance_type          = "ml.t3.medium"
  direct_internet_access = var.direct_internet_access
  root_access            = "Disabled"
  kms_key_id             = var.kms_key_arn
  subnet_id              = var.subnet_id
  security_groups        = var.subnet_id == null ? [] : ["sg-0123456789abcdef0"]
  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }
}
