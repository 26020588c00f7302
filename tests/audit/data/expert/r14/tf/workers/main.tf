# One worker per queue, from a local module called with for_each; each worker's asynchronous failures go to a
# destination only where the caller names one.
module "worker" {
  source   = "./modules/worker"
  for_each = {
    resize = { queue = "arn:aws:sqs:us-east-1:111122223333:resize", failures = "arn:aws:sqs:us-east-1:111122223333:resize-failed" }
    ocr    = { queue = "arn:aws:sqs:us-east-1:111122223333:ocr", failures = "" }
  }

  name           = each.key
  queue_arn      = each.value.queue
  failure_target = each.value.failures
  layer_arns     = ["arn:aws:lambda:us-east-1:111122223333:layer:pillow:7"]
}
