resource "aws_sagemaker_notebook_instance" "nb" {
  name = "café"
}
