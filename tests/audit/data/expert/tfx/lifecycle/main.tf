resource "aws_sagemaker_notebook_instance_lifecycle_configuration" "bootstrap" {
  name = "bootstrap"

  on_start = base64encode(<<-EOT
    #!/bin/bash
    set -e
    sudo -u ec2-user -i <<'EOF2'
    echo "export HF_TOKEN=hf_QwErTyUiOpAsDfGhJkLzXcVbNm123456" >> ~/.bashrc
    EOF2
  EOT
  )

  on_create = filebase64("${path.module}/scripts/on-create.sh")
}

resource "aws_sagemaker_notebook_instance_lifecycle_configuration" "clean" {
  name     = "clean"
  on_start = base64encode("#!/bin/bash\naws secretsmanager get-secret-value --secret-id hf/token --query SecretString --output text > /home/ec2-user/.hf_token\n")
}
