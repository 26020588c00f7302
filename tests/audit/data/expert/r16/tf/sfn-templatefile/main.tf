resource "aws_kms_key" "models" {
  enable_key_rotation = true
}

resource "aws_sfn_state_machine" "train" {
  name     = "train"
  role_arn = "arn:aws:iam::111122223333:role/stepfunctions"
  definition = templatefile("${path.module}/train.asl.json", {
    image          = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    role_arn       = "arn:aws:iam::111122223333:role/training"
    output_key     = aws_kms_key.models.arn
    subnet         = "subnet-0a1b2c3d4e5f60718"
    security_group = "sg-0a1b2c3d4e5f60718"
  })
}
