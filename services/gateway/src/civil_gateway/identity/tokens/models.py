from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Identity, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from civil_gateway.db import Base
from civil_gateway.identity.tokens.schemas import GrantType, SignInOutcome
from civil_shared.runtime.database import one_of


class SignInAttempt(Base):
    """One request for a token, with its outcome: the sign-in log, and what the
    per-user and per-address limits count (in the database, so they hold across workers).

    The password or secret tried is never stored, nor logged.
    """

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        CheckConstraint(one_of("grant_type", GrantType), name="grant_type_known"),
        CheckConstraint(one_of("outcome", SignInOutcome), name="outcome_known"),
        Index("ix_sign_in_attempt_subject_attempted_at", "subject", "attempted_at"),
        Index("ix_sign_in_attempt_client_address_attempted_at", "client_address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    # The wall clock, not the transaction's start: attempts in one transaction keep their order.
    attempted_at: Mapped[datetime] = mapped_column(server_default=func.clock_timestamp())
    grant_type: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(200))
    client_address: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(30))
