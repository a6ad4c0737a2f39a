"""Locally set welfare parameters by year and area: allowance amounts, visit rounds."""
