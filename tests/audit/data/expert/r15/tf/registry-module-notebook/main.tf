# A notebook instance in subnets made by the registry's VPC module, with a lifecycle configuration whose scripts
# are read from files and written inline (terraform-aws-modules/vpc/aws, aws_sagemaker_notebook_instance,
# aws_sagemaker_notebook_instance_lifecycle_configuration).
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"

  name            = "ml"
  cidr            = "10.20.0.0/16"
  azs             = ["us-east-1a", "us-east-1b"]
  private_subnets = ["10.20.1.0/24", "10.20.2.0/24"]
}

resource "aws_sagemaker_notebook_instance_lifecycle_configuration" "scripts" {
  name      = "research-scripts"
  on_start  = filebase64("${path.module}/scripts/on-start.sh")
  on_create = base64encode(<<-EOT
    #!/bin/bash
    echo "export WANDB_API_KEY=0f1e2d3c4b5a69788796a5b4c3d2e1f0aabbccdd" >> /home/ec2-user/.bashrc
  EOT
  )
}

resource "aws_sagemaker_notebook_instance" "research" {
  name                   = "research"
  role_arn               = "arn:aws:iam::111122223333:role/notebook"
  instance_type          = "ml.t3.large"
  lifecycle_config_name  = aws_sagemaker_notebook_instance_lifecycle_configuration.scripts.name
  subnet_id              = module.vpc.private_subnets[0]
  security_groups        = [module.vpc.default_security_group_id]
  direct_internet_access = "Disabled"
  root_access            = "Disabled"
  platform_identifier    = "notebook-al2023-v1"
  kms_key_id             = "alias/notebooks"

  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }
}
