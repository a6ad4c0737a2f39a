import uuid

from sqlalchemy.orm import Mapped, mapped_column

from civil_assistance.db import Base
from civil_shared.runtime.disbursements import (
    DisbursementAreaTotalMixin,
    DisbursementLineMixin,
    DisbursementRunMixin,
)


class DisbursementRun(DisbursementRunMixin, Base):
    pass


class DisbursementLine(DisbursementLineMixin, Base):
    __line_reference__ = "enrolment_id"

    enrolment_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    household_id: Mapped[uuid.UUID | None]


class DisbursementAreaTotal(DisbursementAreaTotalMixin, Base):
    pass
