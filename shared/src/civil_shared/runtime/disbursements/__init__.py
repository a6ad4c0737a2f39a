"""Monthly disbursement runs, exactly once per (programme, period), computed in SQL.

A service declares its programmes (a StrEnum), its two tables (subclasses of
:class:`DisbursementRunMixin` and :class:`DisbursementLineMixin`), a
``payable`` query per programme and month, and mounts :func:`disbursement_router`
over a :class:`DisbursementRuns`. Creating, approving (four eyes), paying,
reading and exporting a run live here once; migrations install
:data:`PAID_RUN_GUARD` so that a paid run cannot change, whoever writes.
"""

from civil_shared.runtime.disbursements.ddl import DROP_PAID_RUN_GUARD, PAID_RUN_GUARD
from civil_shared.runtime.disbursements.models import DisbursementLineMixin, DisbursementRunMixin
from civil_shared.runtime.disbursements.router import disbursement_router
from civil_shared.runtime.disbursements.runs import AnySelect, DisbursementRuns, Payable
from civil_shared.runtime.disbursements.schemas import RunOut, RunStatus

__all__ = [
    "DROP_PAID_RUN_GUARD",
    "PAID_RUN_GUARD",
    "AnySelect",
    "DisbursementLineMixin",
    "DisbursementRunMixin",
    "DisbursementRuns",
    "Payable",
    "RunOut",
    "RunStatus",
    "disbursement_router",
]
