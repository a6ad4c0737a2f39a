"""Subsidies for economically hard-up high-age and disabled elderly (经济困难高龄、失能老人补贴)."""
