"""The audit hook records inserts, updates and deletes with old and new values."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.db import AuditEvent
from civil_assistance.standards.models import AssistanceStandard
from civil_shared.runtime.audit import SYSTEM_ACTOR, AuditAction, record_event


async def events(session: AsyncSession) -> list[AuditEvent]:
    return list((await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all())


async def test_update_and_delete_record_old_and_new_values(session: AsyncSession) -> None:
    session.info["actor"] = "migration-script"
    standard = AssistanceStandard(
        programme="urban_dibao",
        year=2031,
        area_code="429006",
        amount=Decimal("600.00"),
        unit="per_month",
        effective_date=date(2031, 1, 1),
    )
    session.add(standard)
    await session.commit()
    standard_id = str(standard.id)
    standard.amount = Decimal("630.00")
    await session.commit()
    await session.delete(standard)
    await session.commit()

    insert, update, delete = await events(session)

    assert [e.action for e in (insert, update, delete)] == ["insert", "update", "delete"]
    assert {e.actor for e in (insert, update, delete)} == {"migration-script"}
    assert update.old_values == {"amount": "600.00"}
    assert update.new_values is not None
    assert update.new_values["amount"] == "630.00"
    assert delete.old_values is not None
    assert delete.old_values["amount"] == "630.00"
    assert delete.new_values is None
    assert insert.entity_id == update.entity_id == delete.entity_id == standard_id


async def test_a_rolled_back_write_leaves_no_audit(session: AsyncSession) -> None:
    session.add(
        AssistanceStandard(
            programme="rural_dibao",
            year=2031,
            area_code="429006",
            amount=Decimal("5400.00"),
            unit="per_year",
            effective_date=date(2031, 1, 1),
        )
    )
    await session.flush()
    await session.rollback()
    assert await events(session) == []


async def test_set_based_writes_record_their_own_event(session: AsyncSession) -> None:
    await record_event(
        session,
        AuditEvent,
        action=AuditAction.BULK,
        entity="assistance_standard",
        new_values={"rows": 3, "total": Decimal("1890.00")},
    )
    (event,) = await events(session)
    assert (event.actor, event.action) == (SYSTEM_ACTOR, "bulk")
    assert event.new_values == {"rows": 3, "total": "1890.00"}
