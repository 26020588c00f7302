# The same kind of pipeline in Terraform: the definition is jsonencode of an HCL object (aws_sagemaker_pipeline).
variable "processing_instance" {
  type    = string
  default = "ml.m5.xlarge"
}

resource "aws_sagemaker_pipeline" "churn" {
  pipeline_name         = "churn-batch"
  pipeline_display_name = "churn-batch"
  role_arn              = "arn:aws:iam::111122223333:role/churn-pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [
      {
        Name = "Features"
        Type = "Processing"
        Arguments = {
          RoleArn          = "arn:aws:iam::111122223333:role/churn-processing"
          AppSpecification = { ImageUri = "141502667606.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3" }
          ProcessingResources = {
            ClusterConfig = { InstanceType = var.processing_instance, InstanceCount = 1, VolumeSizeInGB = 30 }
          }
        }
      },
      {
        Name = "Score"
        Type = "Transform"
        Arguments = {
          ModelName          = "churn-model"
          TransformInput     = { DataSource = { S3DataSource = { S3DataType = "S3Prefix", S3Uri = "s3://ml-data-111122223333/churn/score/" } } }
          TransformOutput    = { S3OutputPath = "s3://ml-data-111122223333/churn/scored/", KmsKeyId = "alias/ml-batch" }
          TransformResources = { InstanceType = "ml.m5.xlarge", InstanceCount = 1 }
        }
      }
    ]
  })
}
