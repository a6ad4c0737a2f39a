"""Gather a person's profile: the three services asked at once, each within the deadline."""

from __future__ import annotations

import asyncio
from typing import TypeVar

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from civil_gateway.db import AuditEvent
from civil_gateway.peers import Peers
from civil_gateway.profiles.schemas import PersonProfile
from civil_shared.auth import Principal
from civil_shared.contracts.persons import (
    AssistancePersonProfile,
    GovernancePersonProfile,
    PersonSection,
    ProfileRecord,
    WelfarePersonProfile,
)
from civil_shared.errors import NotFound, ServiceUnavailable
from civil_shared.runtime.audit import AuditAction, record_event
from civil_shared.runtime.internal import InternalServiceError
from civil_shared.types import IdNumber

log = structlog.get_logger("civil.gateway.profiles")

S = TypeVar("S", bound=PersonSection)


def person_not_found() -> NotFound:
    return NotFound("未找到该身份证号对应人员的记录", code="GATEWAY_PERSON_NOT_FOUND")


async def _section(
    peers: Peers | None, service: str, id_number: IdNumber, answer: type[S], deadline: float
) -> S | None:
    """The service's part, or None when it is not configured, fails or is too slow."""
    client = peers[service].client if peers is not None else None
    if client is None:
        return None
    try:
        async with asyncio.timeout(deadline):
            section = await client.get(f"/internal/v1/persons/{id_number}/profile", answer)
    except (InternalServiceError, TimeoutError) as exc:
        log.warning("profile section unavailable", service=service, error=type(exc).__name__)
        return None
    if str(section.id_number) != str(id_number):
        log.warning("profile section names another person", service=service)
        return None
    return section


def _visible(principal: Principal, records: list[ProfileRecord]) -> list[ProfileRecord]:
    return [r for r in records if principal.sees_area(r.area_code)]


def _narrowed(principal: Principal, section: S | None) -> S | None:
    """The section as the caller may see it: a township officer only their areas' records."""
    if section is None or principal.area_prefixes is None:
        return section
    narrowed = section.model_copy(update={"records": _visible(principal, section.records)})
    if (
        isinstance(narrowed, AssistancePersonProfile)
        and narrowed.household is not None
        and not principal.sees_area(narrowed.household.area_code)
    ):
        narrowed = narrowed.model_copy(update={"household": None})
    if isinstance(narrowed, GovernancePersonProfile) and not any(
        r.resource == "volunteer" for r in narrowed.records
    ):
        narrowed = narrowed.model_copy(update={"volunteer_hours": []})
    return narrowed


async def person_profile(
    session: AsyncSession,
    peers: Peers | None,
    principal: Principal,
    id_number: IdNumber,
    deadline: float,
) -> PersonProfile:
    assistance, welfare, governance = await asyncio.gather(
        _section(peers, "assistance", id_number, AssistancePersonProfile, deadline),
        _section(peers, "welfare", id_number, WelfarePersonProfile, deadline),
        _section(peers, "governance", id_number, GovernancePersonProfile, deadline),
    )
    answered: dict[str, PersonSection | None] = {
        "assistance": assistance,
        "welfare": welfare,
        "governance": governance,
    }
    degraded = [name for name, section in answered.items() if section is None]
    if len(degraded) == len(answered):
        raise ServiceUnavailable(
            "社会救助、福利、基层治理服务均未应答，暂时无法查询个人档案",
            code="GATEWAY_PROFILE_UNAVAILABLE",
        )
    sections = [s for s in answered.values() if s is not None]
    # Unknown everywhere that answered: a 404 only if every service answered, or if the
    # caller could not see the person anyway (a township officer sees nothing of it).
    if not any(s.records for s in sections) and (not degraded or principal.area_prefixes):
        raise person_not_found()
    shown = PersonProfile(
        id_number=id_number,
        name=next((s.name for s in sections if s.name), None),
        assistance=_narrowed(principal, assistance),
        welfare=_narrowed(principal, welfare),
        governance=_narrowed(principal, governance),
        degraded=degraded,
    )
    visible = [s for s in (shown.assistance, shown.welfare, shown.governance) if s is not None]
    if principal.area_prefixes is not None and not any(s.records for s in visible):
        raise person_not_found()
    if principal.reads_pii:
        await _audit_unmasked(session, id_number, shown)
    return shown


def _id_numbers(profile: PersonProfile) -> list[str]:
    numbers = [str(profile.id_number)]
    household = profile.assistance.household if profile.assistance else None
    if household is not None:
        numbers += [str(m.id_number) for m in household.members if m.id_number != profile.id_number]
    return numbers


async def _audit_unmasked(
    session: AsyncSession, id_number: IdNumber, profile: PersonProfile
) -> None:
    """Every profile read in full is an event of the gateway's audit trail."""
    await record_event(
        session,
        AuditEvent,
        action=AuditAction.READ_PII,
        entity="person_profile",
        entity_id=str(id_number),
        new_values={"id_numbers": _id_numbers(profile), "degraded": profile.degraded},
    )
    await session.commit()


__all__ = ["person_not_found", "person_profile"]
