"""The first administrator, made outside the API (which needs an administrator to call it).

Locally ``civil create-admin`` (or ``make admin``) calls :func:`create_admin` on the
gateway's database. In a deployment, run it in the gateway's image, e.g. as a
one-off Job after the migrations::

    GATEWAY_DATABASE_URL=... CIVIL_ADMIN_PASSWORD=... \\
        python -m civil_gateway.identity.bootstrap --username admin --display-name 系统管理员

Without ``CIVIL_ADMIN_PASSWORD`` the password is asked for on the terminal (twice).
The same password rules hold as in the API; the password is never printed or logged.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence

from pydantic import SecretStr, ValidationError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from civil_gateway import models
from civil_gateway.identity.users.schemas import StaffRole, UserCreate, UserOut
from civil_gateway.identity.users.service import UserService
from civil_shared.errors import AppError
from civil_shared.runtime.audit import install_audit_hook
from civil_shared.runtime.database import create_sessionmaker
from civil_shared.runtime.settings import asyncpg_url

PASSWORD_ENV = "CIVIL_ADMIN_PASSWORD"  # noqa: S105 - a variable name
#: Who the audit trail names as the creator.
ACTOR = "bootstrap (create-admin)"


class BootstrapError(Exception):
    """Why the administrator was not made, in words for the terminal."""


async def create_admin(
    database_url: str, *, username: str, display_name: str, password: str
) -> UserOut:
    """Create an active administrator in the gateway's (migrated) database."""
    try:
        data = UserCreate(
            username=username,
            display_name=display_name,
            role=StaffRole.ADMIN,
            password=SecretStr(password),
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise BootstrapError(problems) from exc
    install_audit_hook(models.AuditEvent)
    engine = create_async_engine(asyncpg_url(database_url), poolclass=NullPool)
    try:
        async with create_sessionmaker(engine)() as session:
            session.info["actor"] = ACTOR
            try:
                return await UserService(session).create(data)
            except AppError as exc:
                raise BootstrapError(exc.detail) from exc
    finally:
        await engine.dispose()


def read_password(prompt: str = "Password for the new administrator: ") -> str:
    """The password from ``CIVIL_ADMIN_PASSWORD``, else asked for twice on the terminal."""
    configured = os.environ.get(PASSWORD_ENV)
    if configured:
        return configured
    if not sys.stdin.isatty():
        raise BootstrapError(f"no terminal to ask for the password: set {PASSWORD_ENV}")
    first = getpass.getpass(prompt)
    if getpass.getpass("Once more: ") != first:
        raise BootstrapError("the two passwords differ")
    return first


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--username", default="admin", help="user name to sign in with (admin)")
    parser.add_argument(
        "--display-name", default="系统管理员", help="name shown in audit trails (系统管理员)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m civil_gateway.identity.bootstrap",
        description=f"Create an administrator in GATEWAY_DATABASE_URL ({PASSWORD_ENV} or prompt).",
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    database_url = os.environ.get("GATEWAY_DATABASE_URL")
    if not database_url:
        print("GATEWAY_DATABASE_URL is not set", file=sys.stderr)
        return 2
    try:
        user = asyncio.run(
            create_admin(
                database_url,
                username=args.username,
                display_name=args.display_name,
                password=read_password(),
            )
        )
    except BootstrapError as exc:
        print(f"No administrator created: {exc}", file=sys.stderr)
        return 1
    print(f"Administrator {user.username} created (id {user.id}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
