"""Every mapped class, imported once so Alembic and the audit hook see them all."""

from civil_assistance.applications import models as applications
from civil_assistance.db import AuditEvent, Base, IdempotencyRecord
from civil_assistance.disbursements import models as disbursements
from civil_assistance.enrolments import models as enrolments
from civil_assistance.helper_ledger import models as helper_ledger
from civil_assistance.households import models as households
from civil_assistance.parameters import models as parameters
from civil_assistance.rescue import models as rescue
from civil_assistance.reviews import models as reviews
from civil_assistance.standards.models import AssistanceStandard
from civil_assistance.temporary import models as temporary

__all__ = [
    "AssistanceStandard",
    "AuditEvent",
    "Base",
    "IdempotencyRecord",
    "applications",
    "disbursements",
    "enrolments",
    "helper_ledger",
    "households",
    "parameters",
    "rescue",
    "reviews",
    "temporary",
]
