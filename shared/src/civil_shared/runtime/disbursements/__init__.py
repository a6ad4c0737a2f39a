"""Monthly disbursement runs, exactly once per (programme, period), computed in SQL.

A service declares its programmes (a StrEnum), its two tables (subclasses of
:class:`DisbursementRunMixin` and :class:`DisbursementLineMixin`), a
``payable`` query per programme and month, and mounts :func:`disbursement_router`
over a :class:`DisbursementRuns`. Creating, approving (four eyes), paying,
reading and exporting a run live here once; migrations install
:data:`PAID_RUN_GUARD` (and :data:`ADD_AREA_TOTALS`) so that a paid run cannot
change, whoever writes. A third table, a subclass of
:class:`DisbursementAreaTotalMixin`, keeps each run's lines summed by area, for the
statistics.
"""

from civil_shared.runtime.disbursements.ddl import (
    ADD_AREA_TOTALS,
    DROP_AREA_TOTALS,
    DROP_PAID_RUN_GUARD,
    PAID_RUN_GUARD,
)
from civil_shared.runtime.disbursements.models import (
    DisbursementAreaTotalMixin,
    DisbursementLineMixin,
    DisbursementRunMixin,
)
from civil_shared.runtime.disbursements.router import disbursement_router
from civil_shared.runtime.disbursements.runs import (
    AnySelect,
    DisbursementRuns,
    Payable,
    sum_by_area,
)
from civil_shared.runtime.disbursements.schemas import RunOut, RunStatus

__all__ = [
    "ADD_AREA_TOTALS",
    "DROP_AREA_TOTALS",
    "DROP_PAID_RUN_GUARD",
    "PAID_RUN_GUARD",
    "AnySelect",
    "DisbursementAreaTotalMixin",
    "DisbursementLineMixin",
    "DisbursementRunMixin",
    "DisbursementRuns",
    "Payable",
    "RunOut",
    "RunStatus",
    "disbursement_router",
    "sum_by_area",
]
