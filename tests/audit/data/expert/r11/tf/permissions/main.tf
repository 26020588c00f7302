variable "publisher_account" {
  type = string
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

resource "aws_s3_bucket" "inbox" {
  bucket = "inbox-111122223333"
}

resource "aws_lambda_permission" "inbox" {
  statement_id  = "AllowInbox"
  action        = "lambda:InvokeFunction"
  function_name = "arn:aws:lambda:us-east-1:111122223333:function:score"
  principal     = "s3.amazonaws.com"
  source_arn    = "arn:${data.aws_partition.current.partition}:s3:::${aws_s3_bucket.inbox.id}"
}

resource "aws_lambda_permission" "nightly" {
  statement_id  = "AllowNightly"
  action        = "lambda:InvokeFunction"
  function_name = "arn:aws:lambda:us-east-1:111122223333:function:score"
  principal     = "events.amazonaws.com"
  source_arn    = "arn:${data.aws_partition.current.partition}:events:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:rule/nightly"
}

resource "aws_lambda_permission" "partner_topic" {
  statement_id  = "AllowPartnerTopic"
  action        = "lambda:InvokeFunction"
  function_name = "arn:aws:lambda:us-east-1:111122223333:function:score"
  principal     = "sns.amazonaws.com"
  source_arn    = "arn:aws:sns:us-east-1:${var.publisher_account}:scores"
}
