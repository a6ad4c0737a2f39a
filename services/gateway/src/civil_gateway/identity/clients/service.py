"""Use cases of API clients: an administrator registers another government system,
changes what it is granted, deactivates it or replaces its secret."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, or_
from sqlalchemy.ext.asyncio import AsyncSession

from civil_gateway.identity.clients.models import ApiClient
from civil_gateway.identity.clients.repository import ClientRepository
from civil_gateway.identity.clients.schemas import (
    ClientCreate,
    ClientOut,
    ClientUpdate,
    ClientWithSecret,
)
from civil_gateway.identity.passwords import hash_secret, new_client_secret
from civil_gateway.identity.users.repository import UserRepository
from civil_shared.auth import Scope
from civil_shared.errors import Conflict, NotFound
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode


def client_not_found(client_pk: uuid.UUID) -> NotFound:
    return NotFound(f"接入系统 {client_pk} 不存在", code="GATEWAY_CLIENT_NOT_FOUND")


def client_id_taken(client_id: str) -> Conflict:
    return Conflict(
        f"系统标识 {client_id} 已被使用（用户与接入系统的标识不能相同）",
        code="GATEWAY_CLIENT_ID_TAKEN",
    )


def to_out(client: ApiClient) -> ClientOut:
    return ClientOut(
        id=client.id,
        client_id=client.client_id,
        name=client.name,
        scopes=[Scope(scope) for scope in client.scopes],
        area_codes=[AreaCode(code) for code in client.area_codes],
        active=client.active,
        secret_changed_at=client.secret_changed_at,
        last_token_at=client.last_token_at,
        created_at=client.created_at,
        updated_at=client.updated_at,
        version=client.version,
    )


def with_secret(client: ApiClient, secret: str) -> ClientWithSecret:
    return ClientWithSecret(**to_out(client).model_dump(), client_secret=secret)


class ClientService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ClientRepository(session)

    async def create(self, data: ClientCreate) -> ClientWithSecret:
        if await self.repository.client_id_taken(data.client_id) or await UserRepository(
            self.session
        ).username_taken(data.client_id):
            raise client_id_taken(data.client_id)
        secret = new_client_secret()
        client = ApiClient(
            client_id=data.client_id,
            name=data.name,
            scopes=[str(scope) for scope in data.scopes],
            area_codes=[str(code) for code in data.area_codes],
            active=True,
            secret_hash=await hash_secret(secret),
        )
        async with unique_or_conflict(self.session, client_id_taken(data.client_id)):
            await self.repository.add(client)
            await self.session.commit()
        return with_secret(client, secret)

    async def _load(self, client_pk: uuid.UUID) -> ApiClient:
        client = await self.repository.get(client_pk)
        if client is None:
            raise client_not_found(client_pk)
        return client

    async def get(self, client_pk: uuid.UUID) -> ClientOut:
        return to_out(await self._load(client_pk))

    async def list(
        self, page: PageParams, *, active: bool | None = None, q: str | None = None
    ) -> Page[ClientOut]:
        conditions: list[ColumnElement[bool]] = []
        if active is not None:
            conditions.append(ApiClient.active.is_(active))
        if q:
            conditions.append(
                or_(
                    ApiClient.client_id.contains(q.strip().lower(), autoescape=True),
                    ApiClient.name.contains(q.strip(), autoescape=True),
                )
            )
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[ClientOut].of([to_out(client) for client in items], total, page)

    async def update(self, client_pk: uuid.UUID, data: ClientUpdate, version: int) -> ClientOut:
        client = await self._load(client_pk)
        check_version(client.version, version)
        if data.name is not None:
            client.name = data.name
        if data.scopes is not None:
            client.scopes = [str(scope) for scope in data.scopes]
        if data.area_codes is not None:
            client.area_codes = [str(code) for code in data.area_codes]
        if data.active is not None:
            client.active = data.active
        await self.repository.save(client)
        await self.session.commit()
        return to_out(client)

    async def deactivate(self, client_pk: uuid.UUID, version: int | None) -> ClientOut:
        """Stop a client getting tokens (those issued lapse within their short lifetime)."""
        client = await self._load(client_pk)
        if version is not None:
            check_version(client.version, version)
        if client.active:
            client.active = False
            await self.repository.save(client)
            await self.session.commit()
        return to_out(client)

    async def rotate_secret(self, client_pk: uuid.UUID, version: int | None) -> ClientWithSecret:
        """A new secret, shown once; the old one stops working at once."""
        client = await self._load(client_pk)
        if version is not None:
            check_version(client.version, version)
        secret = new_client_secret()
        client.secret_hash = await hash_secret(secret)
        client.secret_changed_at = datetime.now(UTC)
        await self.repository.save(client)
        await self.session.commit()
        return with_secret(client, secret)
