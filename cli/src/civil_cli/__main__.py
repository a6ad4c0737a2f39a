"""``civil``: developer commands for running the platform on one machine."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import timedelta

from civil_cli import database
from civil_cli.keys import ensure_dev_keys, mint_token
from civil_cli.services import SERVICES, ServiceSpec, spec


def _service(name: str) -> ServiceSpec:
    try:
        return spec(name)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _selected(services: Sequence[ServiceSpec] | None) -> list[ServiceSpec]:
    chosen = set(services or SERVICES)
    return [service for service in SERVICES if service in chosen]  # always in start order


def _cmd_run(args: argparse.Namespace) -> int:
    from civil_cli import runner  # keeps `civil token` fast: no alembic, no httpx

    return runner.run(_selected(args.services), host=args.host, reload=args.reload)


def _cmd_migrate(args: argparse.Namespace) -> int:
    from civil_cli import runner

    return runner.migrate(_selected(args.services))


def _cmd_db_url(args: argparse.Namespace) -> int:
    # cleanup_mode=None: the server outlives this command, or the URL would be useless.
    server = database.ServerOnDemand(cleanup_mode=None)
    if args.service is None:
        print(server())
    else:
        print(database.service_database_url(args.service, server))
    return 0


def _cmd_db_stop(args: argparse.Namespace) -> int:
    if os.environ.get(database.SERVER_URL_ENV):
        print(
            f"{database.SERVER_URL_ENV} is set: that server is not managed here; nothing to stop."
        )
        return 0
    if not database.embedded_running():
        print("The embedded database is not running.")
        return 0
    if database.stop_embedded(force=True):
        print("The embedded database is stopped.")
        return 0
    print("Could not stop the embedded database; see its log in", database.pgdata_dir() / "log")
    return 1


def _cmd_token(args: argparse.Namespace) -> int:
    roles: list[str] = args.role or ["admin"]
    if "township_officer" in roles and not args.area:
        print(
            "warning: a township_officer sees only its --area codes; this token sees nothing",
            file=sys.stderr,
        )
    keys = ensure_dev_keys(database.data_dir())
    try:
        token = mint_token(
            keys,
            sub=args.sub or f"dev-{roles[0]}",
            roles=roles,
            area_codes=args.area or (),
            scopes=args.scope or (),
            ttl=timedelta(hours=args.ttl_hours),
            name=args.name,
        )
    except ValueError as exc:
        print(f"civil token: error: {exc}", file=sys.stderr)
        return 2
    print(token)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="civil",
        description="Run the Tianmen civil-affairs platform on this machine.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    names = ", ".join(s.name for s in SERVICES)

    run = commands.add_parser(
        "run",
        help="start the database and the services; Ctrl-C stops everything",
        description=(
            "Start the database (embedded unless CIVIL_DATABASE_URL is set), create the "
            "services' databases, apply their migrations and start the services. "
            "Ctrl-C stops the services and the embedded database."
        ),
    )
    run.add_argument("services", nargs="*", type=_service, help=f"only these ({names})")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    run.add_argument(
        "--reload", action="store_true", help="restart a service when its code changes"
    )
    run.set_defaults(handler=_cmd_run)

    migrate = commands.add_parser("migrate", help="apply the services' database migrations")
    migrate.add_argument("services", nargs="*", type=_service, help=f"only these ({names})")
    migrate.set_defaults(handler=_cmd_migrate)

    db_url = commands.add_parser(
        "db-url",
        help="print the database server's URL, or a service's database URL",
        description=(
            "Print the URL of the database server (or of a service's database), e.g. for "
            'psql "$(uv run civil db-url assistance)". Starts the embedded server if needed '
            "and leaves it running: `civil db-stop` stops it (so does the end of a `civil run`)."
        ),
    )
    db_url.add_argument("service", nargs="?", type=_service, help=f"one of {names}")
    db_url.set_defaults(handler=_cmd_db_url)

    db_stop = commands.add_parser("db-stop", help="stop the embedded database server")
    db_stop.set_defaults(handler=_cmd_db_stop)

    token = commands.add_parser(
        "token",
        help="print a development access token",
        description=(
            "Print an access token signed with the development key, which `civil run` "
            "makes the services trust. Use it as: "
            'curl -H "Authorization: Bearer $TOKEN" ...'
        ),
    )
    token.add_argument(
        "--role",
        action="append",
        metavar="ROLE",
        help="admin, city_officer, township_officer, auditor, integrator or service "
        "(repeatable; default admin)",
    )
    token.add_argument("--sub", help="the user name in the token (default dev-<role>)")
    token.add_argument("--name", help="display name, shown in audit trails")
    token.add_argument(
        "--area", action="append", metavar="CODE", help="area code, e.g. 429006100 (repeatable)"
    )
    token.add_argument(
        "--scope", action="append", metavar="SCOPE", help="scope, e.g. pii:read (repeatable)"
    )
    token.add_argument("--ttl-hours", type=float, default=8.0, help="lifetime in hours (8)")
    token.set_defaults(handler=_cmd_token)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
