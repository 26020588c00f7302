resource "aws_sagemaker_notebook_instance_lifecycle_configuration" "research" {
  name      = "research"
  on_create = base64encode(file("${path.module}/scripts/on-create.sh"))
  on_start  = filebase64("${path.module}/scripts/on-start.sh")
}

resource "aws_sagemaker_notebook_instance_lifecycle_configuration" "plain" {
  name     = "plain"
  on_start = base64encode(file("${path.module}/scripts/on-create.sh"))
}
