"""Every mapped class, imported once so Alembic and the audit hook see them all."""

from civil_assistance.db import AuditEvent, Base
from civil_assistance.standards.models import AssistanceStandard

__all__ = ["AssistanceStandard", "AuditEvent", "Base"]
