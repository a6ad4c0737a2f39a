"""Every mapped class, imported once so Alembic and the audit hook see them all."""

from civil_governance.db import AuditEvent, Base
from civil_governance.divisions.models import Division

__all__ = ["AuditEvent", "Base", "Division"]
