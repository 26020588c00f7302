resource "aws_kms_key" "sfn" {
  description         = "workflow data"
  enable_key_rotation = true
}

resource "aws_cloudwatch_log_group" "sfn" {
  name = "/aws/vendedlogs/states/features"
}

resource "aws_sfn_state_machine" "features" {
  name     = "features"
  role_arn = "arn:aws:iam::111122223333:role/stepfunctions"

  definition = jsonencode({
    StartAt = "Process"
    States = {
      Process = {
        Type     = "Task"
        Resource = "arn:aws:states:::sagemaker:createProcessingJob.sync"
        Parameters = {
          "ProcessingJobName.$" = "$$.Execution.Name"
          AppSpecification      = { ImageUri = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3" }
          RoleArn               = "arn:aws:iam::111122223333:role/processing"
          ProcessingResources = {
            ClusterConfig = {
              InstanceCount  = 1
              InstanceType   = "ml.m5.xlarge"
              VolumeSizeInGB = 30
              VolumeKmsKeyId = aws_kms_key.sfn.arn
            }
          }
          ProcessingOutputConfig = {
            Outputs = [{ OutputName = "features", S3Output = { S3Uri = "s3://features-111122223333/", LocalPath = "/opt/ml/processing/output", S3UploadMode = "EndOfJob" } }]
          }
          NetworkConfig = {
            EnableNetworkIsolation                = true
            EnableInterContainerTrafficEncryption = true
            VpcConfig = {
              Subnets          = ["subnet-0a1b2c3d4e5f60718"]
              SecurityGroupIds = ["sg-0a1b2c3d4e5f60718"]
            }
          }
          StoppingCondition = { MaxRuntimeInSeconds = 3600 }
        }
        End = true
      }
    }
  })

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.sfn.arn}:*"
    include_execution_data = false
    level                  = "OFF"
  }

  encryption_configuration {
    type                              = "CUSTOMER_MANAGED_KMS_KEY"
    kms_key_id                        = aws_kms_key.sfn.arn
    kms_data_key_reuse_period_seconds = 600
  }
}

resource "aws_sfn_state_machine" "score" {
  name     = "score"
  type     = "EXPRESS"
  role_arn = "arn:aws:iam::111122223333:role/stepfunctions"

  definition = <<-JSON
    {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}
  JSON

  tracing_configuration {
    enabled = true
  }

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.sfn.arn}:*"
    include_execution_data = true
    level                  = "ALL"
  }
}
