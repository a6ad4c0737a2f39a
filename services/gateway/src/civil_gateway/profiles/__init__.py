"""The person profile (一人一档): one person's records from every service, in one answer."""
