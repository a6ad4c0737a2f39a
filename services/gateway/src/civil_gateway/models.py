"""Every mapped class, imported once so Alembic and the audit hook see them all."""

from civil_gateway.db import AuditEvent, Base
from civil_gateway.identity.clients.models import ApiClient
from civil_gateway.identity.tokens.models import SignInAttempt
from civil_gateway.identity.users.models import StaffUser

__all__ = ["ApiClient", "AuditEvent", "Base", "SignInAttempt", "StaffUser"]
