#!/bin/bash
set -e
# pull the private wheel index
export PIP_INDEX_URL=https://build:glpat-a1b2c3d4e5f6g7h8i9j0@gitlab.example.com/api/v4/projects/12/packages/pypi/simple
export WANDB_API_KEY=4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d
pip install --quiet churn-features
