"""Disabled persons and the two disability subsidies (残疾人两项补贴)."""
