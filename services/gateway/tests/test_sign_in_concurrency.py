"""Sign-ins at once, on connections that really commit: the password check holds no
database connection, and the limits on failures hold however many guesses arrive together."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from civil_cli.pytest_plugin import unique
from civil_gateway.config import GatewaySettings
from civil_gateway.identity.passwords import hash_secret
from civil_gateway.identity.tokens.models import SignInAttempt
from civil_gateway.identity.users.models import StaffUser
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
