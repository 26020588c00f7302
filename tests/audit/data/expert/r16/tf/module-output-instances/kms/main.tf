variable "purpose" {
  type = string
}

resource "aws_kms_key" "this" {
  description         = var.purpose
  enable_key_rotation = true
}

output "arn" {
  value = aws_kms_key.this.arn
}
