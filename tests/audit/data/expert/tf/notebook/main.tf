locals {
  name_prefix = "ds-${var.environment}"
  imds = {
    version = "2"
  }
  common_tags = {
    team        = "data-science"
    environment = var.environment
  }
}

resource "aws_kms_key" "notebooks" {
  description         = "notebook volumes"
  enable_key_rotation = true
}

resource "aws_sagemaker_notebook_instance" "shared" {
  name                   = "${local.name_prefix}-shared"
  role_arn               = aws_iam_role.notebook.arn
  instance_type          = "ml.t3.xlarge"
  platform_identifier    = "notebook-al2023-v1"
  direct_internet_access = var.direct_internet_access
  root_access            = var.root_access
  kms_key_id             = var.notebook_kms_key_arn
  subnet_id              = aws_subnet.private_a.id
  security_groups        = [aws_security_group.notebook.id]

  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = local.imds.version
  }

  tags = local.common_tags
}

resource "aws_sagemaker_notebook_instance" "personal" {
  for_each = var.team_members

  name                   = "${local.name_prefix}-${each.key}"
  role_arn               = aws_iam_role.notebook.arn
  instance_type          = "ml.t3.medium"
  direct_internet_access = "Disabled"
  root_access            = "Disabled"
  kms_key_id             = aws_kms_key.notebooks.arn
  subnet_id              = aws_subnet.private_a.id
  security_groups        = [aws_security_group.notebook.id]
}

resource "aws_sagemaker_notebook_instance" "gpu" {
  count = var.environment == "prod" ? 0 : 1

  name                   = "${local.name_prefix}-gpu"
  role_arn               = aws_iam_role.notebook.arn
  instance_type          = "ml.g4dn.xlarge"
  direct_internet_access = var.environment == "prod" ? "Disabled" : "Enabled"
  root_access            = "Disabled"
  kms_key_id             = aws_kms_key.notebooks.key_id
  subnet_id              = aws_subnet.private_a.id
  security_groups        = [aws_security_group.notebook.id]
  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }
}
