#!/bin/bash
set -e
TOKEN=$(aws secretsmanager get-secret-value --secret-id notebooks/hf --query SecretString --output text)
huggingface-cli login --token "$TOKEN"
