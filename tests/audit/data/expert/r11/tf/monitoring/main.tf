resource "aws_sagemaker_data_quality_job_definition" "drift" {
  name     = "churn-drift"
  role_arn = "arn:aws:iam::111122223333:role/monitor"

  data_quality_app_specification {
    image_uri = "468650794304.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  }

  data_quality_job_input {
    endpoint_input {
      endpoint_name = "churn"
    }
  }

  data_quality_job_output_config {
    monitoring_outputs {
      s3_output {
        s3_uri = "s3://monitor-111122223333/churn"
      }
    }
  }

  job_resources {
    cluster_config {
      instance_count    = 1
      instance_type     = "ml.m5.large"
      volume_size_in_gb = 20
      volume_kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/5e6f7a8b-1c2d-3e4f-5a6b-7c8d9e0f1a2b"
    }
  }

  network_config {
    enable_network_isolation = true
    vpc_config {
      subnets            = ["subnet-0a1b2c3d4e5f60718"]
      security_group_ids = ["sg-0a1b2c3d4e5f60718"]
    }
  }
}

resource "aws_sagemaker_monitoring_schedule" "drift" {
  name = "churn-drift"
  monitoring_schedule_config {
    monitoring_job_definition_name = aws_sagemaker_data_quality_job_definition.drift.name
    monitoring_type                = "DataQuality"
    schedule_config {
      schedule_expression = "cron(0 * ? * * *)"
    }
  }
}
