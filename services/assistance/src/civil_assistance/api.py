"""All routers of the assistance service."""

from fastapi import APIRouter

from civil_assistance.applications.router import router as applications_router
from civil_assistance.check_sets.router import internal_router as check_sets_internal
from civil_assistance.disbursements.router import router as disbursements_router
from civil_assistance.enrolments.router import router as enrolments_router
from civil_assistance.helper_ledger.router import router as helper_ledger_router
from civil_assistance.households.router import router as households_router
from civil_assistance.parameters.router import router as parameters_router
from civil_assistance.person_profile.router import internal_router as person_profile_internal
from civil_assistance.person_statuses.router import internal_router as person_statuses_internal
from civil_assistance.persons.router import internal_router as persons_internal
from civil_assistance.rescue.router import router as rescue_router
from civil_assistance.reviews.router import router as reviews_router
from civil_assistance.standards.router import router as standards_router
from civil_assistance.stats.router import internal_router as stats_internal
from civil_assistance.temporary.router import router as temporary_router

routers: list[APIRouter] = [
    households_router,
    standards_router,
    parameters_router,
    applications_router,
    enrolments_router,
    reviews_router,
    disbursements_router,
    temporary_router,
    helper_ledger_router,
    rescue_router,
    persons_internal,
    person_statuses_internal,
    person_profile_internal,
    check_sets_internal,
    stats_internal,
]
