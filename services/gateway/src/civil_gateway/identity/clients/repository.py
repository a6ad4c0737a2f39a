import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from civil_gateway.identity.clients.models import ApiClient
from civil_gateway.identity.passwords import Rehash
from civil_shared.runtime.database import count_rows


class ClientRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, client_pk: uuid.UUID) -> ApiClient | None:
        return await self.session.get(ApiClient, client_pk)

    async def by_client_id(self, client_id: str) -> ApiClient | None:
        query = select(ApiClient).where(ApiClient.client_id == client_id)
        return (await self.session.scalars(query)).one_or_none()

    async def client_id_taken(self, client_id: str) -> bool:
        found = await self.session.scalar(
            select(func.count()).where(ApiClient.client_id == client_id)
        )
        return bool(found)

    async def page(
        self, conditions: list[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[ApiClient], int]:
        query = select(ApiClient).where(*conditions).order_by(ApiClient.client_id)
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def add(self, client: ApiClient) -> ApiClient:
        self.session.add(client)
        await self.session.flush()
        await self.session.refresh(client)  # server defaults: timestamps, flags
        return client

    async def save(self, client: ApiClient) -> ApiClient:
        await self.session.flush()
        await self.session.refresh(client)
        return client

    async def record_token(
        self, client_pk: uuid.UUID, at: datetime, rehash: Rehash | None = None
    ) -> None:
        """Note a token issued, without a new version of the client (see the users')."""
        # updated_at kept as it is: it tells when an administrator last changed the record.
        values: dict[str, object] = {"updated_at": ApiClient.updated_at, "last_token_at": at}
        if rehash is not None:
            values["secret_hash"] = rehash.stored_over(ApiClient.secret_hash)
        await self.session.execute(
            update(ApiClient)
            .where(ApiClient.id == client_pk)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
