"""Every mapped class, imported once so Alembic and the audit hook see them all."""

from civil_governance.boundaries.models import (
    BoundaryDispute,
    BoundaryLine,
    BoundaryVerification,
)
from civil_governance.boundary_training.models import (
    BoundaryTraining,
    BoundaryTrainingTownship,
)
from civil_governance.charity.models import CharityProject, Donation
from civil_governance.communities.models import (
    Community,
    Council,
    CouncilMeeting,
    CouncilMember,
    CovenantRecognition,
    CovenantVersion,
)
from civil_governance.community_workers.models import (
    CommunityWorker,
    WorkerAssessment,
    WorkerQuota,
)
from civil_governance.db import AuditEvent, Base, IdempotencyRecord
from civil_governance.divisions.models import Division, DivisionChange
from civil_governance.organisations.models import (
    IllegalOrganisationCase,
    OrganisationInspection,
    SocialOrganisation,
)
from civil_governance.place_names.models import PlaceName, PlaceNameChange
from civil_governance.social_work.models import SocialWorkProject
from civil_governance.volunteers.models import (
    ServiceRecord,
    Volunteer,
    VolunteerActivity,
    VolunteerHoursArea,
    VolunteerHoursYear,
    VolunteerOrganisation,
    VolunteerRegisterArea,
    WorkingCalendarDay,
)

__all__ = [
    "AuditEvent",
    "Base",
    "BoundaryDispute",
    "BoundaryLine",
    "BoundaryTraining",
    "BoundaryTrainingTownship",
    "BoundaryVerification",
    "CharityProject",
    "Community",
    "CommunityWorker",
    "Council",
    "CouncilMeeting",
    "CouncilMember",
    "CovenantRecognition",
    "CovenantVersion",
    "Division",
    "DivisionChange",
    "Donation",
    "IdempotencyRecord",
    "IllegalOrganisationCase",
    "OrganisationInspection",
    "PlaceName",
    "PlaceNameChange",
    "ServiceRecord",
    "SocialOrganisation",
    "SocialWorkProject",
    "Volunteer",
    "VolunteerActivity",
    "VolunteerHoursArea",
    "VolunteerHoursYear",
    "VolunteerOrganisation",
    "VolunteerRegisterArea",
    "WorkerAssessment",
    "WorkerQuota",
    "WorkingCalendarDay",
]
