"""Alembic, run the same way for every service.

Each service ships ``alembic.ini`` and ``migrations/`` inside its package;
``env.py`` is two lines that call :func:`run_migrations`. The database URL comes
from the Alembic config's attributes (tests, the runner) or the service settings.
"""

from __future__ import annotations

import asyncio
from importlib.resources import files

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from civil_shared.runtime.settings import ServiceSettings, asyncpg_url


def alembic_config(package: str, database_url: str | None = None) -> Config:
    """The Alembic config of a service package, optionally aimed at a database."""
    root = files(package)
    config = Config(str(root / "alembic.ini"))
    config.set_main_option("script_location", str(root / "migrations"))
    if database_url is not None:
        config.attributes["database_url"] = asyncpg_url(database_url)
    return config


def upgrade(package: str, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(package, database_url), revision)


def downgrade(package: str, database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(package, database_url), revision)


def check(package: str, database_url: str) -> None:
    """Raise if the models differ from what the migrations create."""
    command.check(alembic_config(package, database_url))


def run_migrations(metadata: MetaData, settings_class: type[ServiceSettings]) -> None:
    """Body of a service's ``env.py``."""
    config = context.config
    url = config.attributes.get("database_url") or settings_class().database_url
    if url is None:
        prefix = settings_class.model_config.get("env_prefix", "")
        raise RuntimeError(f"{prefix}DATABASE_URL is not set")

    def configure(connection: Connection | None = None) -> None:
        context.configure(
            connection=connection,
            url=None if connection is not None else url,
            target_metadata=metadata,
            compare_type=True,
            compare_server_default=True,
            literal_binds=connection is None,
        )

    if context.is_offline_mode():
        configure()
        with context.begin_transaction():
            context.run_migrations()
        return

    def run(connection: Connection) -> None:
        configure(connection)
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(run)
                await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(run_async())
