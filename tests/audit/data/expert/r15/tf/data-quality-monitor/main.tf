# A data-quality job definition in the VPC without security groups, and the schedule that runs it
# (aws_sagemaker_data_quality_job_definition, aws_sagemaker_monitoring_schedule).
locals {
  subnets = ["subnet-0a1b2c3d4e5f60718"]
}

resource "aws_kms_key" "monitor" {
  enable_key_rotation = true
}

resource "aws_sagemaker_data_quality_job_definition" "churn" {
  name     = "churn-data-quality"
  role_arn = "arn:aws:iam::111122223333:role/model-monitor"

  data_quality_app_specification {
    image_uri = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  }

  data_quality_job_input {
    endpoint_input {
      endpoint_name = "churn"
    }
  }

  data_quality_job_output_config {
    monitoring_outputs {
      s3_output {
        s3_uri = "s3://monitoring-111122223333/churn"
      }
    }
  }

  job_resources {
    cluster_config {
      instance_count    = 1
      instance_type     = "ml.m5.large"
      volume_size_in_gb = 20
      volume_kms_key_id = aws_kms_key.monitor.arn
    }
  }

  network_config {
    enable_network_isolation                = true
    enable_inter_container_traffic_encryption = false

    vpc_config {
      subnets            = local.subnets
      security_group_ids = []
    }
  }
}

resource "aws_sagemaker_monitoring_schedule" "churn" {
  name = "churn-hourly"

  monitoring_schedule_config {
    monitoring_job_definition_name = aws_sagemaker_data_quality_job_definition.churn.name
    monitoring_type                = "DataQuality"

    schedule_config {
      schedule_expression = "cron(0 * ? * * *)"
    }
  }
}
