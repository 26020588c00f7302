offline_key_arn = "arn:aws:kms:us-east-1:111122223333:key/4d3c2b1a-0f9e-8d7c-6b5a-493827161504"
