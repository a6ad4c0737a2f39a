"""Sign-ins at once, on connections that really commit: the password check holds no
database connection, and the limits on failures hold however many guesses arrive together."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from civil_cli.pytest_plugin import unique
from civil_gateway.config import GatewaySettings
from civil_gateway.identity.clients.models import ApiClient
from civil_gateway.identity.clients.repository import ClientRepository
from civil_gateway.identity.passwords import HashingGate, hash_secret, verify_secret
from civil_gateway.identity.tokens import service as token_service
from civil_gateway.identity.tokens.models import SignInAttempt
from civil_gateway.identity.users.models import StaffUser
from civil_gateway.identity.users.repository import UserRepository
from civil_gateway.main import create_app
from civil_shared.runtime.app import bind_database
from civil_shared.runtime.database import create_sessionmaker
from civil_shared.runtime.settings import ServiceSettings

PASSWORD = "Tianmen-2020-pw"
#: Starts a gateway; yields a client of it and a session of its database.
Gateway = Callable[..., AbstractAsyncContextManager[tuple[httpx.AsyncClient, AsyncSession]]]


@pytest.fixture
def gateway(settings: ServiceSettings, committed_database_url: str) -> Gateway:
    """A gateway on the committed database with a pool of ``pool`` connections (no
    overflow, a second's wait), reached from ``address``; it yields a client."""
    assert isinstance(settings, GatewaySettings)

    @asynccontextmanager
    async def start(
        *, pool: int = 10, address: str = "127.0.0.1", **changes: object
    ) -> AsyncIterator[tuple[httpx.AsyncClient, AsyncSession]]:
        app = create_app(settings.model_copy(update=changes))
        engine = create_async_engine(
            committed_database_url, pool_size=pool, max_overflow=0, pool_timeout=1.0
        )
        maker = create_sessionmaker(engine)
        bind_database(app, engine, maker)
        transport = httpx.ASGITransport(app=app, client=(address, 50000))
        try:
            async with (
                httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
                maker() as session,
            ):
                yield client, session
        finally:
            await engine.dispose()

    return start


def a_remote_address() -> str:
    # Each test its own: the committed database keeps every test's failures.
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"  # noqa: S311


async def sign_in(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    form = {"grant_type": "password", "username": username, "password": password}
    return await client.post("/api/v1/auth/token", data=form)


async def outcomes(session: AsyncSession, subjects: list[str]) -> Counter[str]:
    found = await session.scalars(
        select(SignInAttempt.outcome).where(SignInAttempt.subject.in_(subjects))
    )
    return Counter(found.all())


async def test_sixteen_sign_ins_at_once_on_one_connection_all_succeed(
    gateway: Gateway,
) -> None:
    password_hash = await hash_secret(PASSWORD)
    names = [unique("burst-") for _ in range(16)]
    async with gateway(pool=1) as (client, session):
        session.add_all(
            StaffUser(
                username=name,
                display_name="测试用户",
                role="city_officer",
                password_hash=password_hash,
            )
            for name in names
        )
        await session.commit()

        # Each check takes a fifth of a second of CPU: sixteen of them holding the one
        # connection in turn would keep the last sign-in waiting past the pool's second.
        answers = await asyncio.gather(*(sign_in(client, name, PASSWORD) for name in names))

        assert [a.status_code for a in answers] == [200] * 16, [a.text for a in answers]
        assert await outcomes(session, names) == Counter({"succeeded": 16})


async def test_guesses_at_one_name_at_once_get_no_more_tries_than_the_limit(
    gateway: Gateway,
) -> None:
    name = unique("target-")
    async with gateway(address=a_remote_address()) as (client, session):
        session.add(
            StaffUser(
                username=name,
                display_name="测试用户",
                role="city_officer",
                password_hash=await hash_secret(PASSWORD),
            )
        )
        await session.commit()

        answers = await asyncio.gather(
            *(sign_in(client, name, f"Guess-number-{n}") for n in range(12))
        )

        assert Counter(a.status_code for a in answers) == Counter({400: 5, 429: 7})
        assert await outcomes(session, [name]) == Counter(
            {"invalid_credentials": 5, "rate_limited": 7}
        )


async def test_guesses_from_one_address_at_once_get_no_more_tries_than_its_limit(
    gateway: Gateway,
) -> None:
    names = [unique("nobody-") for _ in range(10)]
    async with gateway(address=a_remote_address(), sign_in_max_failures_per_address=3) as (
        client,
        session,
    ):
        answers = await asyncio.gather(*(sign_in(client, n, "Guess-1234") for n in names))

        assert Counter(a.status_code for a in answers) == Counter({400: 3, 429: 7})
        assert await outcomes(session, names) == Counter(
            {"invalid_credentials": 3, "rate_limited": 7}
        )


async def test_a_hopeless_queue_is_refused_with_retry_after(
    gateway: Gateway,
) -> None:
    names = [unique("rush-") for _ in range(8)]
    # A wait of a tenth of a second: two turns at the CPUs at most, the rest would wait
    # longer and are refused, at once or at the deadline.
    async with gateway(sign_in_max_wait_s=0.1) as (client, session):
        answers = await asyncio.gather(*(sign_in(client, n, "Guess-1234") for n in names))

        busy = [a for a in answers if a.status_code == 503]
        assert busy
        assert all(a.json()["code"] == "GATEWAY_SIGN_IN_BUSY" for a in busy)
        assert all(a.json()["error"] == "temporarily_unavailable" for a in busy)
        assert all(int(a.headers["retry-after"]) >= 1 for a in busy)
        assert {a.status_code for a in answers} == {400, 503}
        # A sign-in refused for want of time was never tried: nothing recorded, nothing counted.
        assert sum((await outcomes(session, names)).values()) == len(answers) - len(busy)


# --- a stored hash made with weaker parameters than today's ------------------------------

#: Argon2 parameters below the gateway's: a hash made with them is replaced at sign-in.
_weak_hasher = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8192, parallelism=1),))


@dataclass(frozen=True)
class Grant:
    """One of the two grants, for tests that hold for both: its account and its form."""

    name: str
    model: type[StaffUser] | type[ApiClient]
    hash_column: str
    #: The repository method that reads the account, before the check and after it.
    lookup: tuple[type[Any], str]

    def account(self, name: str, secret_hash: str) -> StaffUser | ApiClient:
        if self.model is StaffUser:
            return StaffUser(
                username=name,
                display_name="测试用户",
                role="city_officer",
                password_hash=secret_hash,
            )
        return ApiClient(
            client_id=name, name="测试接入系统", scopes=["assistance:read"], secret_hash=secret_hash
        )

    def form(self, name: str, secret: str) -> dict[str, str]:
        if self.model is StaffUser:
            return {"grant_type": "password", "username": name, "password": secret}
        return {"grant_type": "client_credentials", "client_id": name, "client_secret": secret}

    async def stored_hash(self, session: AsyncSession, name: str) -> str:
        column = getattr(self.model, self.hash_column)
        key = StaffUser.username if self.model is StaffUser else ApiClient.client_id
        found: str = (await session.execute(select(column).where(key == name))).scalar_one()
        await session.commit()
        return found


GRANTS = [
    Grant("password", StaffUser, "password_hash", (UserRepository, "by_username")),
    Grant("client_credentials", ApiClient, "secret_hash", (ClientRepository, "by_client_id")),
]


async def token(client: httpx.AsyncClient, form: dict[str, str]) -> httpx.Response:
    return await client.post("/api/v1/auth/token", data=form)


@pytest.mark.parametrize("grant", GRANTS, ids=lambda g: g.name)
async def test_right_sign_ins_at_once_after_the_hashing_parameters_change_all_succeed(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch, grant: Grant
) -> None:
    """Four workers of an integrator (or four tabs of a user) sign in at once, all checking
    the old hash; the first to finish stores a stronger one. The others, reading the
    account again, must see only a new hash of the same secret, not a changed secret."""
    workers = 4
    weak_hash = _weak_hasher.hash(PASSWORD)
    name = unique("rehash-")
    # Every check against the old hash is done before any sign-in records its outcome,
    # and then they record one after another, each well after the one before.
    checked_old = asyncio.Barrier(workers)

    async def verify(secret: str, hashed: str | None) -> tuple[bool, str | None]:
        result = await verify_secret(secret, hashed)
        if hashed == weak_hash:
            order = await checked_old.wait()
            await asyncio.sleep(0.3 * order)
        return result

    monkeypatch.setattr(token_service, "verify_secret", verify)
    # A turn for each, as on a machine with as many CPUs: all four check at once.
    gate = HashingGate(workers)
    monkeypatch.setattr(token_service, "hashing_gate", lambda: gate)
    async with gateway(address=a_remote_address()) as (client, session):
        session.add(grant.account(name, weak_hash))
        await session.commit()

        answers = await asyncio.gather(
            *(token(client, grant.form(name, PASSWORD)) for _ in range(workers))
        )

        assert [a.status_code for a in answers] == [200] * workers, [a.text for a in answers]
        assert await outcomes(session, [name]) == Counter({"succeeded": workers})
        stored = await grant.stored_hash(session, name)
        assert stored != weak_hash  # upgraded, by one of them
        assert await verify_secret(PASSWORD, stored) == (True, None)


@pytest.mark.parametrize("grant", GRANTS, ids=lambda g: g.name)
async def test_a_secret_changed_during_a_sign_in_is_not_overwritten_by_its_rehash(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch, grant: Grant
) -> None:
    """An administrator sets a new password (or reissues a secret) just after a sign-in
    with the old one read the account for the last time: that sign-in's stronger hash of
    the old secret must not replace the new one."""
    weak_hash = _weak_hasher.hash(PASSWORD)
    new_secret = "Jingling-2024-new"
    new_hash = await hash_secret(new_secret)
    name = unique("changed-")
    repository, method = grant.lookup
    read = getattr(repository, method)
    reads = 0

    async with gateway(address=a_remote_address()) as (client, session):

        async def read_then_change(self: Any, *args: Any, **kwargs: Any) -> object:
            nonlocal reads
            found = await read(self, *args, **kwargs)
            reads += 1
            if reads == 2:  # the read after the check: the administrator's change commits
                column = getattr(grant.model, grant.hash_column)
                await session.execute(
                    update(grant.model).where(grant.model.id == found.id).values({column: new_hash})
                )
                await session.commit()
            return found

        monkeypatch.setattr(repository, method, read_then_change)
        session.add(grant.account(name, weak_hash))
        await session.commit()

        # Checked, and read again, before the change: it signs in.
        assert (await token(client, grant.form(name, PASSWORD))).status_code == 200
        monkeypatch.setattr(repository, method, read)

        assert await grant.stored_hash(session, name) == new_hash
        assert (await token(client, grant.form(name, new_secret))).status_code == 200
        assert (await token(client, grant.form(name, PASSWORD))).status_code in (400, 401)
