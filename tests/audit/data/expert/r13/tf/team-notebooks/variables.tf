variable "teams" {
  description = "one notebook per team"
  type = map(object({
    instance_type = string
    internet      = bool
    imdsv2        = optional(bool, true)
  }))
}

variable "kms_key_arn" {
  type    = string
  default = null
}

variable "subnet_id" {
  type = string
}

variable "environment" {
  type    = string
  default = "dev"
}
