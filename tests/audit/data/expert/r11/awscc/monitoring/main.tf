resource "awscc_sagemaker_monitoring_schedule" "drift" {
  monitoring_schedule_name = "ranker-drift"
  monitoring_schedule_config = {
    monitoring_type = "DataQuality"
    schedule_config = { schedule_expression = "cron(0 * ? * * *)" }
    monitoring_job_definition = {
      role_arn = "arn:aws:iam::111122223333:role/monitor"
      monitoring_app_specification = {
        image_uri = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
      }
      monitoring_inputs = [{
        endpoint_input = { endpoint_name = "ranker", local_path = "/opt/ml/processing/input" }
      }]
      monitoring_output_config = {
        kms_key_id = "arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
        monitoring_outputs = [{
          s3_output = { local_path = "/opt/ml/processing/output", s3_uri = "s3://monitor-111122223333/drift" }
        }]
      }
      monitoring_resources = {
        cluster_config = { instance_count = 1, instance_type = "ml.m5.xlarge", volume_size_in_gb = 20 }
      }
      network_config = {
        enable_network_isolation = true
      }
    }
  }
}

resource "awscc_sagemaker_model_bias_job_definition" "bias" {
  role_arn = "arn:aws:iam::111122223333:role/monitor"
  model_bias_app_specification = {
    image_uri  = "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0"
    config_uri = "s3://monitor-111122223333/bias/analysis_config.json"
  }
  model_bias_job_input = {
    endpoint_input = { endpoint_name = "ranker", local_path = "/opt/ml/processing/input" }
    ground_truth_s3_input = { s3_uri = "s3://labels-111122223333/ranker" }
  }
  model_bias_job_output_config = {
    kms_key_id = "arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    monitoring_outputs = [{ s3_output = { local_path = "/opt/ml/processing/output", s3_uri = "s3://monitor-111122223333/bias" } }]
  }
  job_resources = {
    cluster_config = {
      instance_count    = 1
      instance_type     = "ml.m5.xlarge"
      volume_size_in_gb = 20
      volume_kms_key_id = "arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    }
  }
  network_config = {
    enable_network_isolation                  = true
    enable_inter_container_traffic_encryption = true
    vpc_config = {
      subnets            = ["subnet-0a1b2c3d4e5f60718"]
      security_group_ids = ["sg-0a1b2c3d4e5f60718"]
    }
  }
}
