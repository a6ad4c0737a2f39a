"""``civil``: developer commands for running the platform on one machine."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import timedelta

from civil_cli import database
from civil_cli.keys import ensure_dev_keys, mint_token, rotate_keys
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

    return runner.run(_selected(args.services), host=args.host, reload=args.reload, demo=args.demo)


def _cmd_demo_load(args: argparse.Namespace) -> int:
    import asyncio

    from civil_cli.demo.loader import LoadError, load, sign_ins

    keys = ensure_dev_keys(database.data_dir())
    try:
        seconds = asyncio.run(load(args.gateway, keys, seed=args.seed))
    except LoadError as exc:
        print(f"civil demo load: {exc}", file=sys.stderr)
        return 1
    print(f"Loaded tianmen-2020 in {seconds:.0f} s.")
    for line in sign_ins(args.gateway):
        print(line)
    return 0


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


def _cmd_create_admin(args: argparse.Namespace) -> int:
    # Imported here: the gateway (and its password hashing) only for this command.
    import asyncio

    from civil_gateway.identity.bootstrap import BootstrapError, create_admin, read_password
    from civil_shared.runtime.migrations import upgrade

    server = database.ServerOnDemand("stop")
    try:
        url = database.service_database_url(spec("gateway"), server)
        upgrade("civil_gateway", url)  # works before the first `civil run` too
        user = asyncio.run(
            create_admin(
                url,
                username=args.username,
                display_name=args.display_name,
                password=read_password(),
            )
        )
    except BootstrapError as exc:
        print(f"civil create-admin: no administrator created: {exc}", file=sys.stderr)
        return 1
    finally:
        if database.holds_embedded():
            database.stop_embedded()
    print(f"Administrator {user.username} created. Sign in at the gateway:")
    print(
        "  curl -d grant_type=password -d username="
        f"{user.username} --data-urlencode password=... "
        f"http://127.0.0.1:{spec('gateway').port}/api/v1/auth/token"
    )
    return 0


def _cmd_keys_rotate(args: argparse.Namespace) -> int:
    key = rotate_keys(database.data_dir(), algorithm=args.algorithm)
    print(f"Added signing key {key.kid} ({key.algorithm}) as {key.path}.")
    print(
        "The gateway publishes it at once and signs with it once it has been published "
        "for GATEWAY_SIGNING_KEY_ACTIVATION_S (60 s). Retire an old key by deleting its "
        "file once the last token it signed has expired (15 minutes; the services' own "
        "tokens are made again at the next `civil run`)."
    )
    return 0


def _cmd_keys_list(args: argparse.Namespace) -> int:
    keys = ensure_dev_keys(database.data_dir())
    print(f"Signing keys in {keys.keys_dir} (all published, oldest first):")
    for key in keys.ring.keys:
        mark = "  <- signs now" if key.kid == keys.kid else ""
        print(f"  {key.path.name}  {key.algorithm:5}  {key.kid}{mark}")
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
    demo = run.add_mutually_exclusive_group()
    demo.add_argument(
        "--demo",
        action="store_const",
        const=True,
        default=None,
        help="drop the services' databases, start afresh and load the tianmen-2020 demo "
        "dataset (make demo); by default it is loaded on the first start of empty databases",
    )
    demo.add_argument(
        "--no-demo",
        dest="demo",
        action="store_const",
        const=False,
        help="never load the demo dataset (also CIVIL_DEMO=0)",
    )
    run.set_defaults(handler=_cmd_run)

    demo_cmd = commands.add_parser(
        "demo",
        help="the tianmen-2020 demo dataset: load",
        description=(
            "Load the tianmen-2020 demo dataset into a running platform through its gateway "
            "(a second load changes nothing). Sign-ins admin, city, duobao and auditor get "
            "the password in CIVIL_DEMO_PASSWORD (default demo-password)."
        ),
    )
    demo_actions = demo_cmd.add_subparsers(dest="demo_command", required=True, metavar="ACTION")
    demo_load = demo_actions.add_parser("load", help="load the dataset through the gateway")
    demo_load.add_argument(
        "--gateway",
        default=f"http://127.0.0.1:{spec('gateway').port}",
        help="the gateway's address (http://127.0.0.1:8000)",
    )
    demo_load.add_argument("--seed", type=int, default=2020, help="generator seed (2020)")
    demo_load.set_defaults(handler=_cmd_demo_load)

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
            "Print an access token signed with the gateway's current key (the services run "
            "by `civil run` trust it), without signing in. Use it as: "
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

    admin = commands.add_parser(
        "create-admin",
        help="create an administrator who signs in at the gateway",
        description=(
            "Create an administrator in the gateway's database (GATEWAY_DATABASE_URL, else the "
            "embedded server), migrating it first. The password comes from CIVIL_ADMIN_PASSWORD "
            "or is asked for; at least 10 characters. The administrator then creates the other "
            "users and API clients through /api/v1/users and /api/v1/clients."
        ),
    )
    admin.add_argument("--username", default="admin", help="user name to sign in with (admin)")
    admin.add_argument(
        "--display-name", default="系统管理员", help="name shown in audit trails (系统管理员)"
    )
    admin.set_defaults(handler=_cmd_create_admin)

    keys = commands.add_parser(
        "keys",
        help="the gateway's signing keys: rotate, list",
        description=(
            "The gateway signs tokens with the newest key of <data>/keys/gateway/ and publishes "
            "all of them at /.well-known/jwks.json. To retire a key, delete its file once "
            "every token it signed has expired."
        ),
    )
    key_commands = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    rotate = key_commands.add_parser("rotate", help="add a new signing key")
    rotate.add_argument(
        "--algorithm", choices=["RS256", "EdDSA"], default="RS256", help="RS256 (RSA 2048) or EdDSA"
    )
    rotate.set_defaults(handler=_cmd_keys_rotate)
    listing = key_commands.add_parser("list", help="list the signing keys")
    listing.set_defaults(handler=_cmd_keys_list)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
