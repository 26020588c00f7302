resource "aws_lambda_function_event_invoke_config" "classify" {
  function_name                = aws_lambda_function.classify.function_name
  maximum_event_age_in_seconds = 3600
  maximum_retry_attempts       = 1

  destination_config {
    on_failure {
      destination = aws_sqs_queue.classify_failed.arn
    }
  }
}
