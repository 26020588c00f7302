locals {
  common_env = {
    LOG_LEVEL = "INFO"
  }
}

resource "aws_kms_key" "env" {
  enable_key_rotation = true
}

resource "aws_sqs_queue" "dlq" {
  name = "scoring-dlq"
}

module "realtime" {
  source             = "./modules/scoring-fn"
  name               = "realtime-score"
  subnet_ids         = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
  security_group_ids = ["sg-0123456789abcdef0"]
  environment        = merge(local.common_env, { MODEL = "xgb-v7" })
  kms_key_arn        = aws_kms_key.env.arn
  reserved           = 100
  dlq_arn            = aws_sqs_queue.dlq.arn
}

module "batch" {
  source      = "./modules/scoring-fn"
  name        = "batch-score"
  runtime     = "nodejs18.x"
  environment = merge(local.common_env, { OPENAI_API_KEY = "sk-proj-4fJ8kL2mN9pQ1rS5tU7vW3xY6zA0bC8dE2fG4hI" })
}
