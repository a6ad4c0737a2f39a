"""A person's records in governance, for the gateway's person profile (一人一档)."""
