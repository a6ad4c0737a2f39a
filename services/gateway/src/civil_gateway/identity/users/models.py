import uuid
from datetime import datetime
from typing import ClassVar

from sqlalchemy import CheckConstraint, String, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from civil_gateway.db import Base
from civil_gateway.identity.users.schemas import StaffRole
from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned


class StaffUser(Versioned, Timestamps, Base):
    """A member of the bureau's staff who signs in with a user name and password."""

    __tablename__ = "staff_user"
    __table_args__ = (
        CheckConstraint(one_of("role", StaffRole), name="role_known"),
        CheckConstraint(
            "(role = 'township_officer') = (cardinality(area_codes) >= 1)",
            name="areas_only_for_township_officers",
        ),
        CheckConstraint("username = lower(username)", name="username_lower_case"),
    )
    #: The hash is a secret too: the audit trail records that it changed, not its value.
    __audit_redacted__: ClassVar[frozenset[str]] = frozenset({"password_hash"})

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    area_codes: Mapped[list[str]] = mapped_column(
        ARRAY(String(12)), server_default=text("'{}'::varchar[]")
    )
    pii_read: Mapped[bool] = mapped_column(server_default=text("false"))
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    password_hash: Mapped[str] = mapped_column(Text)
    password_changed_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_signed_in_at: Mapped[datetime | None]
