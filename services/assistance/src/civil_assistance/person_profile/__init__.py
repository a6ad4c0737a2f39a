"""A person's records in assistance, for the gateway's person profile (一人一档)."""
