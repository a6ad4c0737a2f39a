"""Assistance standards by year: dibao and tekun amounts (低保、特困供养标准)."""
