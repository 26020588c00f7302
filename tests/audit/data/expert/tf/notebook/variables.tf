variable "environment" {
  type    = string
  default = "dev"
}

variable "direct_internet_access" {
  description = "Enabled for quick experiments; Disabled routes through the VPC"
  type        = string
  default     = "Enabled"
}

variable "notebook_kms_key_arn" {
  type    = string
  default = null
}

variable "root_access" {
  type    = string
  default = "Enabled"
}

variable "team_members" {
  type    = set(string)
  default = ["alice", "bob"]
}
