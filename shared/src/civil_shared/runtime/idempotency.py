"""``Idempotency-Key`` for POSTs that move money or create cases.

The first request with a key claims it by inserting a row, in the same
transaction as its effect; the row stores the response before the use case
commits. A concurrent request with the same key waits on the row's unique index
until the first commits, then replays the stored response. If the first fails,
its claim is rolled back with everything else and the key is free again.
A different body under the same key is refused: the key names one request.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Header
from sqlalchemy import String, func, select
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from civil_shared.errors import Unprocessable

IDEMPOTENCY_HEADER = "Idempotency-Key"


class IdempotencyRecordMixin:
    """Columns of a service's ``idempotency_record`` table."""

    __tablename__ = "idempotency_record"

    actor: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    response_body: Mapped[Any | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    __audit__ = False  # bookkeeping, not a record of the bureau's


IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias=IDEMPOTENCY_HEADER,
        min_length=8,
        max_length=200,
        description="幂等键：重复提交同一请求只生效一次并返回相同结果",
    ),
]


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: Any


def fingerprint(payload: Any) -> str:
    """A stable hash of a request body (sorted keys, so field order does not matter)."""
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


class Idempotency:
    """One request's claim on its key; a no-op when the request has no key."""

    def __init__(
        self,
        session: AsyncSession,
        model: type[IdempotencyRecordMixin],
        *,
        actor: str,
        key: str | None,
        payload: Any,
    ) -> None:
        self.session = session
        self.model = model
        self.actor = actor
        self.key = key
        self.fingerprint = fingerprint(payload)

    async def claim(self) -> StoredResponse | None:
        """Claim the key, or return the response stored by the request that did."""
        if self.key is None:
            return None
        table = self.model.__table__  # type: ignore[attr-defined]
        claimed = await self.session.execute(
            insert(table)
            .values(actor=self.actor, key=self.key, fingerprint=self.fingerprint)
            .on_conflict_do_nothing()
            .returning(table.c.key)
        )
        if claimed.first() is not None:
            return None
        record = await self.session.scalar(
            select(self.model).where(self.model.actor == self.actor, self.model.key == self.key)
        )
        assert record is not None  # the conflicting row is committed, or we would still wait
        if record.fingerprint != self.fingerprint:
            raise Unprocessable(
                "同一幂等键已用于内容不同的请求，请使用新的幂等键",
                code="IDEMPOTENCY_KEY_REUSED",
            )
        assert record.status_code is not None
        return StoredResponse(record.status_code, record.response_body)

    async def remember(self, status_code: int, body: Any) -> None:
        """Store the response; call before the use case commits."""
        if self.key is None:
            return
        table = self.model.__table__  # type: ignore[attr-defined]
        await self.session.execute(
            table.update()
            .where(table.c.actor == self.actor, table.c.key == self.key)
            .values(status_code=status_code, response_body=body)
        )
