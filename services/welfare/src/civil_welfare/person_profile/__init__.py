"""A person's files and subsidies in welfare, for the gateway's person profile (一人一档)."""
