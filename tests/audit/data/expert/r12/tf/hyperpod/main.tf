variable "private_subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60718", "subnet-1b2c3d4e5f6071829"]
}

variable "sandbox" {
  type    = bool
  default = true
}

resource "aws_security_group" "hyperpod" {
  name   = "hyperpod-nodes"
  vpc_id = "vpc-0a1b2c3d4e5f60718"
}

resource "aws_sagemaker_cluster" "training" {
  cluster_name = "llm-finetune"

  instance_group {
    instance_group_name = "gpu"
    instance_type       = "ml.p4d.24xlarge"
    instance_count      = 2
    execution_role      = "arn:aws:iam::111122223333:role/hyperpod-nodes"
    threads_per_core    = 1

    lifecycle_config {
      on_create     = "on_create.sh"
      source_s3_uri = "s3://sagemaker-llm-finetune/lifecycle/"
    }

    instance_storage_config {
      ebs_volume_config {
        volume_size_in_gb = 500
      }
    }
  }

  vpc_config {
    security_group_ids = [aws_security_group.hyperpod.id]
    subnets            = var.private_subnet_ids
  }
}

resource "aws_sagemaker_cluster" "sandbox" {
  count        = var.sandbox ? 1 : 0
  cluster_name = "hyperpod-sandbox"

  instance_group {
    instance_group_name = "cpu"
    instance_type       = "ml.m5.2xlarge"
    instance_count      = 1
    execution_role      = "arn:aws:iam::111122223333:role/hyperpod-nodes"

    lifecycle_config {
      on_create     = "on_create.sh"
      source_s3_uri = "s3://sagemaker-hyperpod-sandbox/lifecycle/"
    }
  }
}
