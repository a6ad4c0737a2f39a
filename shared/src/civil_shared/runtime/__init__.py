"""FastAPI and SQLAlchemy plumbing every service uses, kept in one place."""

# Registers the path convertors before any router declares a route with one.
from civil_shared.runtime import paths as paths
