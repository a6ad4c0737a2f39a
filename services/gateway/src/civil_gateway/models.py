"""Every mapped class, imported once so Alembic and the audit hook see them all."""

from civil_gateway.db import AuditEvent, Base

__all__ = ["AuditEvent", "Base"]
