"""FastAPI and SQLAlchemy plumbing every service uses, kept in one place."""
