"""Prices: shipped snapshots in pricing_data/, cost estimates, and the live Price List refresh (boto3 only here)."""
