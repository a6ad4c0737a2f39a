"""Every mapped class, imported once so Alembic and the audit hook see them all."""

from civil_welfare.children.files.models import ChildFile
from civil_welfare.children.support.models import ChildSupportCase
from civil_welfare.db import AuditEvent, Base, IdempotencyRecord
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
from civil_welfare.subsidy_runs.models import DisbursementLine, DisbursementRun
from civil_welfare.visits.models import Visit
from civil_welfare.workforce.models import ChildWelfareWorker, WorkerTraining

__all__ = [
    "AuditEvent",
    "Base",
    "CareInstitution",
    "ChildFile",
    "ChildSupportCase",
    "ChildWelfareWorker",
    "ClosedManagementPeriod",
    "DisabilitySubsidyApplication",
    "DisabilitySubsidyDecision",
    "DisabilitySubsidyGrant",
    "DisabledPerson",
    "DisabledTekunResident",
    "DisbursementLine",
    "DisbursementRun",
    "FuneralWaiver",
    "HardUpElderSubsidy",
    "HighAgeAllowance",
    "IdempotencyRecord",
    "LeftBehindElder",
    "LeftBehindElderChild",
    "PublicCemetery",
    "Visit",
    "WelfareParameter",
    "WorkerTraining",
]
