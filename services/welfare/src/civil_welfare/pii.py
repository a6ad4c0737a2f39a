"""Unmasked ID numbers shown to a ``pii:read`` holder are an audited event of their own."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.auth import Principal
from civil_shared.runtime.audit import AuditAction, record_event
from civil_welfare.db import AuditEvent


async def audit_pii_read(
    session: AsyncSession, principal: Principal, entity: str, ids: Sequence[object]
) -> None:
    """Record that the rows ``ids`` of ``entity`` were shown unmasked, and commit.

    Nothing is recorded for a caller whose ID numbers are masked, or for no rows.
    """
    if not principal.reads_pii or not ids:
        return
    await record_event(
        session,
        AuditEvent,
        action=AuditAction.READ_PII,
        entity=entity,
        entity_id=str(ids[0]) if len(ids) == 1 else None,
        new_values={"ids": [str(i) for i in ids]},
    )
    await session.commit()
