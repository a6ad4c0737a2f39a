import uuid
from datetime import datetime
from typing import ClassVar

from sqlalchemy import CheckConstraint, String, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from civil_gateway.db import Base
from civil_shared.auth import Scope
from civil_shared.runtime.database import Timestamps
from civil_shared.runtime.versioning import Versioned

_GRANTABLE = ", ".join(repr(str(s)) for s in Scope if s is not Scope.INTERNAL)


class ApiClient(Versioned, Timestamps, Base):
    """Another government system calling the platform with client credentials (integrator)."""

    __tablename__ = "api_client"
    __table_args__ = (
        CheckConstraint(
            f"scopes <@ ARRAY[{_GRANTABLE}]::varchar[] AND cardinality(scopes) >= 1",
            name="scopes_known",
        ),
        CheckConstraint("client_id = lower(client_id)", name="client_id_lower_case"),
    )
    __audit_redacted__: ClassVar[frozenset[str]] = frozenset({"secret_hash"})

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(30)))
    area_codes: Mapped[list[str]] = mapped_column(
        ARRAY(String(12)), server_default=text("'{}'::varchar[]")
    )
    active: Mapped[bool] = mapped_column(server_default=text("true"))
    secret_hash: Mapped[str] = mapped_column(Text)
    secret_changed_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_token_at: Mapped[datetime | None]
