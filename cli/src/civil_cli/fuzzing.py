"""API fuzzing of one service with schemathesis, in-process, on a real database.

A service's ``tests/test_fuzz.py`` makes a :class:`ServiceFuzz` when pytest
collects it (schemathesis's fixture-lazy loader does not run on pytest 9), binds
its app to a fresh migrated database in a module fixture, and runs every
operation with an administrator's token holding ``pii:read``. Every check
schemathesis has runs on positive and negative data: no 5xx, no response
outside its own schema, every invalid input rejected.

``CIVIL_FUZZ_EXAMPLES`` (examples per operation, default 5) and
``CIVIL_FUZZ_PHASES`` (default ``examples,fuzzing``) bound the run: ``make test``
keeps the defaults, ``make fuzz`` raises them and adds the coverage phase.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

import schemathesis
from fastapi import FastAPI
from schemathesis import BaseSchema, GenerationMode
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from civil_cli.keys import ensure_dev_keys, mint_token
from civil_shared.runtime.app import bind_database
from civil_shared.runtime.database import create_sessionmaker
from civil_shared.runtime.migrations import upgrade
from civil_shared.runtime.settings import ServiceSettings, asyncpg_url

EXAMPLES: Final = int(os.environ.get("CIVIL_FUZZ_EXAMPLES", "5"))
PHASES: Final = os.environ.get("CIVIL_FUZZ_PHASES", "examples,fuzzing").split(",")

#: Valid by the schema is not valid by the rules: a division must sit under an
#: existing one, a person must not be enrolled twice, a record is changed with
#: its ETag. Those answers are 409/412/422/428 problems (documented on every
#: operation); any other status on schema-valid data still fails.
#: 400 is OAuth's answer to a token request without a grant (RFC 6749 5.2).
POSITIVE_STATUSES: Final = ["2XX", "400", "401", "403", "404", "409", "412", "422", "428"]


class ServiceFuzz:
    """One service's app, its schema for ``parametrize()``, and its database binding."""

    def __init__(
        self,
        package: str,
        settings_class: type[ServiceSettings],
        create_app: Callable[..., FastAPI],
        *,
        peers_down: bool = False,
        **settings: Any,
    ) -> None:
        """``peers_down``: the service's peers are not running here (the gateway's
        services), so a 503 problem is the right answer to what needs them."""
        self.package = package
        self.peers_down = peers_down
        # Keys of its own: the app is made at collection, before any fixture.
        self.keys = ensure_dev_keys(Path(tempfile.mkdtemp(prefix="civil-fuzz-keys-")))
        settings = {
            key: (self.keys.keys_dir if value is _KEYS_DIR else value)
            for key, value in settings.items()
        }
        self.app = create_app(
            settings_class(
                jwks_file=self.keys.jwks_path, log_format="console", log_level="ERROR", **settings
            )
        )
        self.schema = self._schema()

    def _schema(self) -> BaseSchema:
        # from_dict, not from_asgi: fetching /openapi.json would start the app's
        # lifespan before it has a database.
        schema = schemathesis.openapi.from_dict(self.app.openapi())
        schema.app = self.app
        schema.config.generation.update(
            modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES
        )
        schema.config.phases.update(phases=PHASES)
        token = mint_token(
            self.keys,
            sub="fuzz-admin",
            roles=["admin"],
            area_codes=[],
            scopes=["pii:read"],
            ttl=timedelta(hours=12),
        )
        schema.config.update(headers={"Authorization": f"Bearer {token}"})
        checks = schema.config.checks
        checks.positive_data_acceptance.expected_statuses = list(POSITIVE_STATUSES)
        if self.peers_down:
            checks.not_a_server_error.expected_statuses = ["2XX", "3XX", "4XX", "503"]
            checks.positive_data_acceptance.expected_statuses.append("503")
        return schema

    def bind(self, create_database: Callable[[str], str]) -> None:
        """Give the app a fresh database, migrated by the service's own migrations.

        One for all the operations' examples: what the fuzzer writes stays, and
        later examples meet it (duplicates, references to real rows).
        """
        url = create_database(f"{self.package}_fuzz")
        upgrade(self.package, url)
        # No pool: schemathesis calls the app on an event loop of its own, and a
        # connection belongs to the loop that opened it.
        engine = create_async_engine(asyncpg_url(url), poolclass=NullPool)
        bind_database(self.app, engine, create_sessionmaker(engine))


class _KeysDir:
    """Stands for the fuzz keys' folder in settings (the gateway signs with it)."""


KEYS_DIR: Final = _KeysDir()
_KEYS_DIR: Final = KEYS_DIR
