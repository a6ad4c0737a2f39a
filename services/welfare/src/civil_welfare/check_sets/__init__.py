"""The sets welfare gives the gateway's cross-programme checks (数据比对)."""
