"""All routers of the governance service."""

from fastapi import APIRouter

from civil_governance.boundaries.router import disputes_router as boundary_disputes_router
from civil_governance.boundaries.router import router as boundaries_router
from civil_governance.boundary_training.router import router as boundary_training_router
from civil_governance.charity.router import donations_router, projects_router
from civil_governance.communities.router import recognitions_router as covenant_recognitions
from civil_governance.communities.router import router as communities_router
from civil_governance.community_workers.router import router as community_workers_router
from civil_governance.divisions.router import internal_router as divisions_internal
from civil_governance.divisions.router import router as divisions_router
from civil_governance.organisations.router import cases_router as illegal_cases_router
from civil_governance.organisations.router import router as organisations_router
from civil_governance.person_profile.router import internal_router as person_profile_internal
from civil_governance.place_names.router import router as place_names_router
from civil_governance.social_work.router import router as social_work_router
from civil_governance.stats.router import internal_router as stats_internal
from civil_governance.volunteers.router import routers as volunteer_routers

routers: list[APIRouter] = [
    communities_router,
    covenant_recognitions,
    community_workers_router,
    social_work_router,
    divisions_router,
    divisions_internal,
    place_names_router,
    boundaries_router,
    boundary_disputes_router,
    boundary_training_router,
    organisations_router,
    illegal_cases_router,
    donations_router,
    projects_router,
    *volunteer_routers,
    stats_internal,
    person_profile_internal,
]
