from datetime import timedelta
from typing import Any

from sqlalchemy import Select, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_gateway.identity.tokens.models import SignInAttempt
from civil_gateway.identity.tokens.schemas import FAILURES, GrantType, SignInOutcome

A = SignInAttempt


class AttemptRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, subject: str) -> None:
        """Serialise the attempts on one name until the transaction ends (across workers),
        so concurrent guesses cannot slip past the limit together."""
        key = func.hashtextextended(literal("sign-in:") + subject, 0)
        await self.session.execute(select(func.pg_advisory_xact_lock(key)))

    async def add(
        self,
        grant_type: GrantType,
        subject: str,
        client_address: str | None,
        outcome: SignInOutcome,
    ) -> None:
        self.session.add(
            SignInAttempt(
                grant_type=grant_type.value,
                subject=subject,
                client_address=client_address,
                outcome=outcome.value,
            )
        )
        await self.session.flush()

    async def wait_before_next(
        self,
        *,
        subject: str,
        client_address: str | None,
        window: timedelta,
        max_per_subject: int,
        max_per_address: int,
    ) -> timedelta | None:
        """How long until the name (since its last success) and the address each have
        fewer than their limit of failures in the window; None when both have already."""
        since = func.clock_timestamp() - window
        failed = A.outcome.in_([outcome.value for outcome in FAILURES]) & (A.attempted_at > since)
        last_success = (
            select(func.max(A.attempted_at))
            .where(A.subject == subject, A.outcome == SignInOutcome.SUCCEEDED.value)
            .scalar_subquery()
        )
        # The limit-th newest failure: once it leaves the window, one more try is allowed.
        waits: list[Select[Any]] = [
            select(A.attempted_at + window - func.clock_timestamp())
            .where(
                failed,
                A.subject == subject,
                or_(last_success.is_(None), A.attempted_at > last_success),
            )
            .order_by(A.attempted_at.desc())
            .offset(max_per_subject - 1)
            .limit(1)
        ]
        if client_address is not None:
            waits.append(
                select(A.attempted_at + window - func.clock_timestamp())
                .where(failed, A.client_address == client_address)
                .order_by(A.attempted_at.desc())
                .offset(max_per_address - 1)
                .limit(1)
            )
        found: list[timedelta] = []
        for query in waits:
            wait: timedelta | None = await self.session.scalar(query)
            if wait is not None:
                found.append(wait)
        longest = max(found, default=None)
        return longest if longest is not None and longest > timedelta(0) else None
