"""The audit trail: every write a service makes, recorded in its own table.

Each service maps :class:`AuditEventMixin` to an ``audit_event`` table and
calls :func:`install_audit_hook` once. From then on every flush of an ORM
session appends one ``audit_event`` row per inserted, updated or deleted
object, in the same transaction as the change itself: a write that is rolled
back leaves no audit row, and an audit row cannot be lost while its write lands.
Set-based writes (COPY, ``INSERT ... SELECT``) bypass the ORM and record their
own summary event with :func:`record_event`. A model names the columns whose
values must never reach the trail (a password hash) in ``__audit_redacted__``:
their changes are recorded as ``"[redacted]"``.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Identity, String, Text, event, func, insert, inspect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import NO_VALUE, Mapped, Session, mapped_column

SYSTEM_ACTOR = "system"


class AuditAction(enum.StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
    READ_PII = "read_pii"  # an unmasked ID number was shown
    BULK = "bulk"  # a set-based write: import, disbursement run


class AuditEventMixin:
    """Columns of a service's ``audit_event`` table."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now(), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    request_id: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(100), index=True)
    entity_id: Mapped[str | None] = mapped_column(Text)
    old_values: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    new_values: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return str(value)


def _actor_of(session: Session) -> tuple[str, str | None]:
    state = session.info.get("request_state")
    principal = getattr(state, "principal", None) if state is not None else None
    request_id = getattr(state, "request_id", None) if state is not None else None
    actor = principal.sub if principal is not None else session.info.get("actor", SYSTEM_ACTOR)
    return str(actor), request_id


#: What the trail shows in place of a redacted column's value.
REDACTED = "[redacted]"


def _redacted(obj: Any) -> frozenset[str]:
    """Columns whose values the trail must not hold (``__audit_redacted__``), e.g. a
    password hash: a change of them is recorded, the value is not."""
    return frozenset(getattr(obj, "__audit_redacted__", ()))


def _shown(key: str, value: Any, redacted: frozenset[str]) -> Any:
    if key in redacted and value is not None:
        return REDACTED
    return _jsonable(value)


def _column_values(obj: Any) -> dict[str, Any]:
    # Only what is loaded: reading an expired column (a server default, a deleted
    # row) would query in the middle of the flush.
    state = inspect(obj)
    redacted = _redacted(obj)
    return {
        attr.key: _shown(attr.key, state.dict[attr.key], redacted)
        for attr in state.mapper.column_attrs
        if attr.key in state.dict
    }


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    state = inspect(obj)
    redacted = _redacted(obj)
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        old[attr.key] = None if before is NO_VALUE else _shown(attr.key, before, redacted)
        new[attr.key] = _shown(attr.key, history.added[0] if history.added else None, redacted)
    return old, new


def _identity(obj: Any) -> str | None:
    # The identity key is set only after the flush; the primary key columns already are.
    state = inspect(obj)
    key = state.mapper.primary_key_from_instance(obj)
    if any(part is None for part in key):
        return None
    return "/".join(str(part) for part in key)


_hooked_tables: list[Any] = []


def install_audit_hook(audit_model: type[AuditEventMixin]) -> None:
    """Record every ORM write of a session into ``audit_model``'s table.

    Registered on the sync ``Session`` class, which every ``AsyncSession`` wraps;
    a session whose mapped classes belong to another service's metadata is left
    alone, so the hook of one service never writes into another's table.
    """
    table = audit_model.__table__  # type: ignore[attr-defined]
    if any(hooked is table for hooked in _hooked_tables):
        return  # an app built twice (tests do) must not record every write twice
    _hooked_tables.append(table)
    metadata = table.metadata

    @event.listens_for(Session, "after_flush")
    def _record(session: Session, _flush_context: Any) -> None:
        rows: list[dict[str, Any]] = []
        actor, request_id = _actor_of(session)

        def add(action: AuditAction, obj: Any, old: Any, new: Any) -> None:
            obj_table = inspect(obj).mapper.local_table
            if obj_table is table or obj_table.metadata is not metadata:
                return
            if getattr(obj, "__audit__", True) is False:
                return
            rows.append(
                {
                    "actor": actor,
                    "request_id": request_id,
                    "action": action.value,
                    "entity": obj_table.name,
                    "entity_id": _identity(obj),
                    "old_values": old,
                    "new_values": new,
                }
            )

        for obj in session.new:
            add(AuditAction.INSERT, obj, None, _column_values(obj))
        for obj in session.dirty:
            if session.is_modified(obj, include_collections=False):
                old, new = _changes(obj)
                if new:
                    add(AuditAction.UPDATE, obj, old, new)
        for obj in session.deleted:
            add(AuditAction.DELETE, obj, _column_values(obj), None)
        if rows:
            # Same connection, same transaction: the audit lands with the write or not at all.
            session.connection().execute(insert(table), rows)


async def record_event(
    session: AsyncSession,
    audit_model: type[AuditEventMixin],
    *,
    action: AuditAction,
    entity: str,
    entity_id: str | None = None,
    old_values: Mapping[str, Any] | None = None,
    new_values: Mapping[str, Any] | None = None,
) -> None:
    """Record an event the ORM hook cannot see: a bulk write or an unmasked read."""
    actor, request_id = _actor_of(session.sync_session)
    table = audit_model.__table__  # type: ignore[attr-defined]
    await session.execute(
        insert(table).values(
            actor=actor,
            request_id=request_id,
            action=action.value,
            entity=entity,
            entity_id=entity_id,
            old_values=_jsonable(old_values) if old_values is not None else None,
            new_values=_jsonable(new_values) if new_values is not None else None,
        )
    )
