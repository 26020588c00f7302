# The awscc provider: CloudFormation's schema in snake_case, nested objects as attributes
resource "awscc_sagemaker_model_package" "churn" {
  model_package_group_name = "churn"
  model_approval_status    = "PendingManualApproval"

  inference_specification = {
    containers = [{
      image          = "111122223333.dkr.ecr.us-east-1.amazonaws.com/churn:6"
      model_data_url = "s3://churn-models-111122223333/v6/model.tar.gz"
    }]
    supported_content_types      = ["text/csv"]
    supported_response_mime_types = ["text/csv"]
  }

  validation_specification = {
    validation_role = "arn:aws:iam::111122223333:role/registry-validation"
    validation_profiles = [{
      profile_name = "smoke"
      transform_job_definition = {
        transform_input = {
          data_source = { s3_data_source = { s3_data_type = "S3Prefix", s3_uri = "s3://churn-validation-111122223333/in/" } }
        }
        transform_output = {
          s3_output_path = "s3://churn-validation-111122223333/out/"
          kms_key_id     = "alias/churn-validation"
        }
        transform_resources = {
          instance_type  = "ml.m5.large"
          instance_count = 1
        }
      }
    }]
  }
}

resource "awscc_sagemaker_monitoring_schedule" "drift" {
  monitoring_schedule_name = "churn-drift"

  monitoring_schedule_config = {
    monitoring_type = "DataQuality"
    schedule_config = { schedule_expression = "cron(0 * ? * * *)" }
    monitoring_job_definition = {
      monitoring_app_specification = { image_uri = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer" }
      monitoring_inputs = [{ endpoint_input = { endpoint_name = "churn", local_path = "/opt/ml/processing/input" } }]
      monitoring_output_config = {
        kms_key_id         = "alias/monitoring"
        monitoring_outputs = [{ s3_output = { s3_uri = "s3://churn-monitoring-111122223333/", local_path = "/opt/ml/processing/output" } }]
      }
      monitoring_resources = {
        cluster_config = { instance_count = 1, instance_type = "ml.m5.xlarge", volume_size_in_gb = 20, volume_kms_key_id = "alias/monitoring" }
      }
      role_arn       = "arn:aws:iam::111122223333:role/monitoring"
      network_config = { enable_network_isolation = true }
    }
  }
}
