variable "instance_type" {
  type    = string
  default = "ml.t3.medium"

variable "kms_key_arn" {
  type = string
}
