import uuid

from sqlalchemy.orm import Mapped, mapped_column

from civil_shared.runtime.disbursements import (
    DisbursementAreaTotalMixin,
    DisbursementLineMixin,
    DisbursementRunMixin,
)
from civil_welfare.db import Base


class DisbursementRun(DisbursementRunMixin, Base):
    pass


class DisbursementLine(DisbursementLineMixin, Base):
    __line_reference__ = "source_id"

    #: The grant or register entry the line pays (a high-age recipient, an orphan, ...).
    source_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class DisbursementAreaTotal(DisbursementAreaTotalMixin, Base):
    pass
