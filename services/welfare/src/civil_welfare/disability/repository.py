"""Queries of the disabled persons' register and the subsidies; only flushes, never commits."""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.runtime.database import count_rows
from civil_shared.types import IdNumber
from civil_welfare.disability.models import (
    DisabilitySubsidyApplication,
    DisabilitySubsidyGrant,
    DisabledPerson,
)
from civil_welfare.disability.schemas import GrantStatus

CERTIFICATE_LENGTH = 20


def name_id_or_certificate(q: str) -> ColumnElement[bool]:
    """A full ID number or certificate number matches exactly; anything else is a
    part of the name."""
    term = q.strip().upper()
    if len(term) == CERTIFICATE_LENGTH:
        return DisabledPerson.certificate_number == term
    try:
        return DisabledPerson.id_number == str(IdNumber(term))
    except ValueError:
        return DisabledPerson.name.contains(q.strip(), autoescape=True)


def has_active_grant(subsidy: str) -> ColumnElement[bool]:
    return exists().where(
        DisabilitySubsidyGrant.person_id == DisabledPerson.id,
        DisabilitySubsidyGrant.subsidy == subsidy,
        DisabilitySubsidyGrant.status == GrantStatus.ACTIVE.value,
    )


class DisabilityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- persons ------------------------------------------------------------

    async def get(self, person_id: uuid.UUID) -> DisabledPerson | None:
        return await self.session.get(DisabledPerson, person_id)

    async def by_id_number(self, id_number: str) -> DisabledPerson | None:
        return await self.session.scalar(
            select(DisabledPerson).where(DisabledPerson.id_number == id_number)
        )

    async def by_certificate(self, certificate_number: str) -> DisabledPerson | None:
        return await self.session.scalar(
            select(DisabledPerson).where(DisabledPerson.certificate_number == certificate_number)
        )

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[DisabledPerson], int]:
        query = (
            select(DisabledPerson)
            .where(*conditions)
            .order_by(DisabledPerson.area_code, DisabledPerson.name, DisabledPerson.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def has_applications(self, person_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(DisabilitySubsidyApplication.id)
            .where(DisabilitySubsidyApplication.person_id == person_id)
            .limit(1)
        )
        return found is not None

    async def add(self, row: object) -> None:
        self.session.add(row)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()

    async def delete(self, person: DisabledPerson) -> None:
        await self.session.delete(person)
        await self.session.flush()

    # --- applications -------------------------------------------------------

    async def applications(
        self, person_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[list[DisabilitySubsidyApplication], int]:
        query = (
            select(DisabilitySubsidyApplication)
            .where(DisabilitySubsidyApplication.person_id == person_id)
            .order_by(
                DisabilitySubsidyApplication.created_at.desc(), DisabilitySubsidyApplication.id
            )
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    # --- grants -------------------------------------------------------------

    async def grant(self, grant_id: uuid.UUID) -> DisabilitySubsidyGrant | None:
        return await self.session.get(DisabilitySubsidyGrant, grant_id)

    async def grant_page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[DisabilitySubsidyGrant], int]:
        query = (
            select(DisabilitySubsidyGrant)
            .join(DisabledPerson, DisabledPerson.id == DisabilitySubsidyGrant.person_id)
            .where(*conditions)
            .order_by(
                DisabledPerson.area_code,
                DisabledPerson.name,
                DisabilitySubsidyGrant.subsidy,
                DisabilitySubsidyGrant.start_period.desc(),
                DisabilitySubsidyGrant.id,
            )
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)
