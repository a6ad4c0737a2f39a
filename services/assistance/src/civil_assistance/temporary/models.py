"""Mapped classes of this domain package (to be written)."""
