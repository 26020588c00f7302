resource "aws_sagemaker_data_quality_job_definition" "fraud" {
  name     = "fraud-data-quality"
  role_arn = aws_iam_role.monitor.arn

  data_quality_app_specification {
    image_uri = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  }

  data_quality_job_input {
    endpoint_input {
      endpoint_name = "fraud-endpoint"
    }
  }

  data_quality_job_output_config {
    kms_key_id = aws_kms_key.monitor.arn
    monitoring_outputs {
      s3_output {
        s3_uri = "s3://ml-monitor-111122223333/dq"
      }
    }
  }

  job_resources {
    cluster_config {
      instance_count    = 1
      instance_type     = "ml.m5.large"
      volume_size_in_gb = 20
    }
  }

  network_config {
    enable_network_isolation                = true
    enable_inter_container_traffic_encryption = true
  }
}

resource "aws_sagemaker_data_quality_job_definition" "nvme" {
  name     = "fraud-data-quality-nvme"
  role_arn = aws_iam_role.monitor.arn

  data_quality_app_specification {
    image_uri = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  }

  data_quality_job_input {
    endpoint_input {
      endpoint_name = "fraud-endpoint"
    }
  }

  data_quality_job_output_config {
    monitoring_outputs {
      s3_output {
        s3_uri = "s3://ml-monitor-111122223333/dq"
      }
    }
  }

  job_resources {
    cluster_config {
      instance_count    = 1
      instance_type     = "ml.m5d.xlarge"
      volume_size_in_gb = 20
    }
  }
}

resource "aws_sagemaker_flow_definition" "review" {
  flow_definition_name = "fraud-review"
  role_arn             = aws_iam_role.a2i.arn

  human_loop_config {
    human_task_ui_arn                     = aws_sagemaker_human_task_ui.review.arn
    task_availability_lifetime_in_seconds = 3600
    task_count                            = 1
    task_description                      = "Review flagged transactions"
    task_title                            = "Fraud review"
    workteam_arn                          = aws_sagemaker_workteam.reviewers.arn
  }

  output_config {
    s3_output_path = "s3://ml-a2i-111122223333/output"
  }
}
