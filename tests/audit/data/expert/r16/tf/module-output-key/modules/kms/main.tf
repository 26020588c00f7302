variable "purpose" {
  type = string
}

resource "aws_kms_key" "this" {
  description         = var.purpose
  enable_key_rotation = true
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.purpose}"
  target_key_id = aws_kms_key.this.key_id
}

output "arn" {
  value = aws_kms_key.this.arn
}

output "alias" {
  value = aws_kms_alias.this.name
}
