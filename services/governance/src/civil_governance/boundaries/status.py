"""What may happen to a boundary line and its disputes, and what status follows.

A line is surveyed (again in each new batch), verified by a team, and may be
disputed at any time; while a dispute is unresolved nothing else happens to it,
and once the last one is resolved the line must be verified again.
"""

from typing import Final

from civil_governance.boundaries.schemas import (
    DisputeStatus,
    LineAction,
    SurveyStatus,
    VerificationResult,
)

S, A = SurveyStatus, LineAction

ACTIONS: Final[dict[SurveyStatus, tuple[LineAction, ...]]] = {
    S.NOT_SURVEYED: (A.SURVEY, A.OPEN_DISPUTE),
    S.SURVEYED: (A.SURVEY, A.VERIFY, A.OPEN_DISPUTE),
    S.VERIFIED: (A.SURVEY, A.VERIFY, A.OPEN_DISPUTE),
    S.DISPUTED: (A.OPEN_DISPUTE, A.RESOLVE_DISPUTE),
}

DISPUTE_TRANSITIONS: Final[dict[DisputeStatus, tuple[DisputeStatus, ...]]] = {
    DisputeStatus.OPEN: (DisputeStatus.MEDIATING, DisputeStatus.RESOLVED),
    DisputeStatus.MEDIATING: (DisputeStatus.RESOLVED,),
    DisputeStatus.RESOLVED: (),
}

UNRESOLVED: Final = (DisputeStatus.OPEN.value, DisputeStatus.MEDIATING.value)


def after_verification(result: VerificationResult) -> SurveyStatus:
    return S.VERIFIED if result is VerificationResult.PASSED else S.SURVEYED


def after_disputes_resolved(surveyed: bool) -> SurveyStatus:
    """Back to awaiting verification (or survey): the settled line is checked again."""
    return S.SURVEYED if surveyed else S.NOT_SURVEYED
