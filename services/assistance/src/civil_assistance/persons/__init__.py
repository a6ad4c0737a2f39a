"""A person's standing in assistance, for the other services (人员救助状态)."""
