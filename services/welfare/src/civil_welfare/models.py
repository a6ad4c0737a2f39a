"""Every mapped class, imported once so Alembic and the audit hook see them all."""

from civil_welfare.db import AuditEvent, Base
from civil_welfare.disability.models import (
    DisabilitySubsidyApplication,
    DisabilitySubsidyDecision,
    DisabilitySubsidyGrant,
    DisabledPerson,
)
from civil_welfare.elderly.models import LeftBehindElder, LeftBehindElderChild
from civil_welfare.funeral.models import FuneralWaiver, PublicCemetery
from civil_welfare.hard_up_elderly.models import HardUpElderSubsidy
from civil_welfare.high_age.models import HighAgeAllowance
from civil_welfare.institutions.models import (
    CareInstitution,
    ClosedManagementPeriod,
    DisabledTekunResident,
)
from civil_welfare.parameters.models import WelfareParameter

__all__ = [
    "AuditEvent",
    "Base",
    "CareInstitution",
    "ClosedManagementPeriod",
    "DisabilitySubsidyApplication",
    "DisabilitySubsidyDecision",
    "DisabilitySubsidyGrant",
    "DisabledPerson",
    "DisabledTekunResident",
    "FuneralWaiver",
    "HardUpElderSubsidy",
    "HighAgeAllowance",
    "LeftBehindElder",
    "LeftBehindElderChild",
    "PublicCemetery",
    "WelfareParameter",
]
