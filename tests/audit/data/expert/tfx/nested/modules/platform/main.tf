variable "kms_key_arn" {
  type = string
}

variable "subnet_id" {
  type = string
}

module "research" {
  source      = "../notebook"
  name        = "research"
  kms_key_arn = var.kms_key_arn
  subnet_id   = var.subnet_id
  internet    = "Disabled"
}

module "sandbox" {
  source    = "../notebook"
  name      = "sandbox"
  subnet_id = var.subnet_id
}
