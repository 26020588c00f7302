module "research_notebook" {
  source = "../modules/notebook"

  name                   = "research"
  direct_internet_access = "Enabled"
  kms_key_arn            = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

module "secure_notebook" {
  source = "../modules/notebook"

  name        = "secure"
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  subnet_id   = "subnet-0a1b2c3d4e5f67890"
}
