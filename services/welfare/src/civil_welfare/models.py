"""Every mapped class, imported once so Alembic and the audit hook see them all."""

from civil_welfare.db import AuditEvent, Base
from civil_welfare.parameters.models import WelfareParameter

__all__ = ["AuditEvent", "Base", "WelfareParameter"]
