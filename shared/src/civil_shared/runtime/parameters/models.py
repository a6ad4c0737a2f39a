"""The table a service keeps its parameters in."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import CheckConstraint, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.parameters.keys import PolicyKey
from civil_shared.runtime.versioning import Versioned


class ParameterMixin(Versioned, Timestamps):
    """The value of one parameter for one year and area (the city, a township, a village).

    Subclasses set ``__tablename__`` and ``__parameter_keys__`` (their PolicyKey enum).
    """

    __parameter_keys__: ClassVar[type[PolicyKey]]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            UniqueConstraint("key", "year", "area_code"),
            CheckConstraint("value >= 0", name="value_non_negative"),
            CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
            CheckConstraint(one_of("key", cls.__parameter_keys__), name="key_known"),
        )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    key: Mapped[str] = mapped_column(String(60))
    year: Mapped[int]
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    # Four places: shares such as 1/6 (0.1667) do not fit in money's two.
    value: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    effective_date: Mapped[date]
    source: Mapped[str | None] = mapped_column(Text)
