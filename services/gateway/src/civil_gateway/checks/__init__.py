"""Cross-programme checks (数据比对): the services' sets joined at the gateway."""
