"""Helpers for the tests of every package: data factories and the pytest plugin."""
