# A SageMaker pipeline whose definition is built with jsonencode from variables and other resources' attributes
# (aws_sagemaker_pipeline pipeline_definition, a Training step's Arguments).
variable "subnets" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
}

resource "aws_kms_key" "training" {
  enable_key_rotation = true
}

resource "aws_security_group" "training" {
  name   = "training"
  vpc_id = "vpc-0a1b2c3d4e5f60718"
}

resource "aws_sagemaker_pipeline" "train" {
  pipeline_name         = "ranker-train"
  pipeline_display_name = "ranker-train"
  role_arn              = "arn:aws:iam::111122223333:role/pipelines"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "Train"
      Type = "Training"
      Arguments = {
        AlgorithmSpecification = {
          TrainingImage     = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.5-gpu-py311"
          TrainingInputMode = "FastFile"
        }
        RoleArn                               = "arn:aws:iam::111122223333:role/training"
        EnableNetworkIsolation                = true
        EnableInterContainerTrafficEncryption = true
        VpcConfig = {
          Subnets          = var.subnets
          SecurityGroupIds = [aws_security_group.training.id]
        }
        OutputDataConfig = {
          S3OutputPath = "s3://models-111122223333/ranker/"
          KmsKeyId     = aws_kms_key.training.arn
        }
        ResourceConfig = {
          InstanceType   = "ml.p4d.24xlarge"
          InstanceCount  = 2
          VolumeSizeInGB = 200
        }
        StoppingCondition = { MaxRuntimeInSeconds = 86400 }
      }
    }]
  })
}
