"""All routers of the welfare service."""

from fastapi import APIRouter

from civil_welfare.check_sets.router import internal_router as check_sets_internal
from civil_welfare.children.files.router import router as child_files_router
from civil_welfare.children.orphans.router import router as orphans_router
from civil_welfare.children.unsupported.router import router as unsupported_children_router
from civil_welfare.disability.router import applications_router as disability_applications_router
from civil_welfare.disability.router import grants_router as disability_grants_router
from civil_welfare.disability.router import router as disability_router
from civil_welfare.elderly.router import router as elderly_router
from civil_welfare.funeral.router import routers as funeral_routers
from civil_welfare.hard_up_elderly.router import router as hard_up_elderly_router
from civil_welfare.high_age.router import router as high_age_router
from civil_welfare.institutions.router import routers as institution_routers
from civil_welfare.parameters.router import router as parameters_router
from civil_welfare.person_profile.router import internal_router as person_profile_internal
from civil_welfare.stats.router import internal_router as stats_router
from civil_welfare.subsidy_runs.router import router as subsidy_runs_router
from civil_welfare.visits.router import routers as visit_routers
from civil_welfare.workforce.router import routers as workforce_routers

routers: list[APIRouter] = [
    parameters_router,
    elderly_router,
    high_age_router,
    hard_up_elderly_router,
    *institution_routers,
    *funeral_routers,
    disability_router,
    disability_grants_router,
    disability_applications_router,
    child_files_router,
    orphans_router,
    unsupported_children_router,
    *workforce_routers,
    *visit_routers,
    subsidy_runs_router,
    stats_router,
    person_profile_internal,
    check_sets_internal,
]
