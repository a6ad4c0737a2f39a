"""Temporary assistance cases (临时救助)."""
