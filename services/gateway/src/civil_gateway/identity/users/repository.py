import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from civil_gateway.identity.passwords import Rehash
from civil_gateway.identity.users.models import StaffUser
from civil_shared.runtime.database import count_rows


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID) -> StaffUser | None:
        return await self.session.get(StaffUser, user_id)

    async def by_username(self, username: str, *, for_update: bool = False) -> StaffUser | None:
        query = select(StaffUser).where(StaffUser.username == username)
        if for_update:
            query = query.with_for_update()
        return (await self.session.scalars(query)).one_or_none()

    async def username_taken(self, username: str) -> bool:
        found = await self.session.scalar(
            select(func.count()).where(StaffUser.username == username)
        )
        return bool(found)

    async def other_active_admins(self, user_id: uuid.UUID) -> int:
        """Active admins other than ``user_id``, rows locked: two admins demoting each
        other at once must not both succeed."""
        ids = await self.session.scalars(
            select(StaffUser.id)
            .where(StaffUser.role == "admin", StaffUser.active, StaffUser.id != user_id)
            .with_for_update()
        )
        return len(ids.all())

    async def page(
        self, conditions: list[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[StaffUser], int]:
        query = select(StaffUser).where(*conditions).order_by(StaffUser.username)
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def add(self, user: StaffUser) -> StaffUser:
        self.session.add(user)
        await self.session.flush()
        await self.session.refresh(user)  # server defaults: timestamps, flags
        return user

    async def save(self, user: StaffUser) -> StaffUser:
        await self.session.flush()
        await self.session.refresh(user)  # updated_at, version
        return user

    async def record_sign_in(
        self, user_id: uuid.UUID, at: datetime, rehash: Rehash | None = None
    ) -> None:
        """Note a sign-in (and a stronger hash of the same password) without a new version:
        signing in must not make an administrator's ETag of the user stale."""
        # updated_at kept as it is: it tells when an administrator last changed the record.
        values: dict[str, object] = {"updated_at": StaffUser.updated_at, "last_signed_in_at": at}
        if rehash is not None:
            values["password_hash"] = rehash.stored_over(StaffUser.password_hash)
        await self.session.execute(
            update(StaffUser)
            .where(StaffUser.id == user_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def area_filter(area_code: str) -> ColumnElement[bool]:
    """Users working in ``area_code``: one of their areas lies inside it or covers it."""
    code = func.unnest(StaffUser.area_codes).column_valued("code")
    return (
        select(literal(1))
        .where(or_(func.starts_with(code, area_code), func.starts_with(area_code, code)))
        .exists()
    )
