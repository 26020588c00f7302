locals {
  tags = {
    environment = var.environment
    owner       = "data-science"
  }
  platform = var.environment == "prod" ? "notebook-al2023-v1" : "notebook-al2-v3"
}

resource "aws_security_group" "notebooks" {
  name   = "notebooks"
  vpc_id = "vpc-0123456789abcdef0"
}

resource "aws_sagemaker_notebook_instance" "team" {
  for_each = var.teams

  name                   = "${each.key}-${var.environment}"
  role_arn               = "arn:aws:iam::123456789012:role/notebooks"
  instance_type          = each.value.instance_type
  kms_key_id             = var.kms_key_arn
  subnet_id              = var.subnet_id
  security_groups        = [aws_security_group.notebooks.id]
  direct_internet_access = each.value.internet ? "Enabled" : "Disabled"
  root_access            = "Disabled"
  platform_identifier    = local.platform

  dynamic "instance_metadata_service_configuration" {
    for_each = each.value.imdsv2 ? [1] : []
    content {
      minimum_instance_metadata_service_version = "2"
    }
  }

  tags = local.tags
}
