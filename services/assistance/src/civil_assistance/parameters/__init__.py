"""Locally set assistance rules by year and area (政策参数)."""
