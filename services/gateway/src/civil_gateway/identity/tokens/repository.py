from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_gateway.identity.tokens.models import SignInAttempt
from civil_gateway.identity.tokens.schemas import FAILURES, GrantType, SignInOutcome

A = SignInAttempt

#: A check takes well under a second; an attempt pending longer was left by a
#: process that died while checking it, and counts as the failure it may have been.
PENDING_STALE = timedelta(seconds=60)


@dataclass(frozen=True)
class Headroom:
    """Where a name and an address stand against their limits of failures."""

    #: Past a limit: how long until one more try is allowed.
    wait: timedelta | None
    #: Whether one more attempt may start: even if it and every attempt in flight
    #: failed, no limit would be passed. Without room (but not past a limit), the
    #: attempt waits for those in flight to end.
    room: bool


class AttemptRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, subject: str, client_address: str | None) -> None:
        """Serialise the reservations of attempts on one name, and from one address,
        until the transaction ends (across workers), so concurrent attempts cannot
        slip past a limit together. Always the name first: no two wait on each other."""
        keys = [f"sign-in:name:{subject}"]
        if client_address is not None:
            keys.append(f"sign-in:address:{client_address}")
        for key in keys:
            await self.session.execute(
                select(func.pg_advisory_xact_lock(func.hashtextextended(literal(key), 0)))
            )

    async def add(
        self,
        grant_type: GrantType,
        subject: str,
        client_address: str | None,
        outcome: SignInOutcome,
    ) -> SignInAttempt:
        attempt = SignInAttempt(
            grant_type=grant_type.value,
            subject=subject,
            client_address=client_address,
            outcome=outcome.value,
        )
        self.session.add(attempt)
        await self.session.flush()
        return attempt

    async def resolve(self, attempt: SignInAttempt, outcome: SignInOutcome) -> None:
        """The outcome of an attempt recorded as pending."""
        attempt.outcome = outcome.value
        await self.session.flush()

    async def headroom(
        self,
        *,
        subject: str,
        client_address: str | None,
        window: timedelta,
        max_per_subject: int,
        max_per_address: int,
    ) -> Headroom:
        """How long until the name (since its last success) and the address each have
        fewer than their limit of failures in the window (None when both have already),
        and whether the attempts in flight leave room for one more."""
        now = func.clock_timestamp()
        in_flight = and_(
            A.outcome == SignInOutcome.PENDING.value, A.attempted_at >= now - PENDING_STALE
        )
        failed = and_(
            A.attempted_at > now - window,
            or_(
                A.outcome.in_([outcome.value for outcome in FAILURES]),
                and_(
                    A.outcome == SignInOutcome.PENDING.value, A.attempted_at < now - PENDING_STALE
                ),
            ),
        )
        last_success = (
            select(func.max(A.attempted_at))
            .where(A.subject == subject, A.outcome == SignInOutcome.SUCCEEDED.value)
            .scalar_subquery()
        )
        scopes: list[tuple[ColumnElement[bool], int]] = [
            (
                and_(
                    A.subject == subject,
                    or_(last_success.is_(None), A.attempted_at > last_success),
                ),
                max_per_subject,
            )
        ]
        if client_address is not None:
            scopes.append((A.client_address == client_address, max_per_address))
        waits: list[timedelta] = []
        room = True
        for scope, limit in scopes:
            # The limit-th newest failure: once it leaves the window, one more try is allowed.
            nth: Select[Any] = (
                select(A.attempted_at + window - now)
                .where(scope, failed)
                .order_by(A.attempted_at.desc())
                .offset(limit - 1)
                .limit(1)
            )
            wait: timedelta | None = await self.session.scalar(nth)
            if wait is not None and wait > timedelta(0):
                waits.append(wait)
            counts = (
                await self.session.execute(
                    select(
                        func.count().filter(failed),
                        func.count().filter(in_flight),
                    ).where(scope, A.attempted_at > now - window)
                )
            ).one()
            room = room and counts[0] + counts[1] < limit
        return Headroom(wait=max(waits, default=None), room=room)
