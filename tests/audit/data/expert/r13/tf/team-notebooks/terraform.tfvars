teams = {
  fraud = {
    instance_type = "ml.t3.large"
    internet      = false
  }
  marketing = {
    instance_type = "ml.t3.medium"
    internet      = true
    imdsv2        = false
  }
}
subnet_id = "subnet-0a1b2c3d4e5f60718"
