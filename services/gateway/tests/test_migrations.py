from collections.abc import Callable

from civil_cli.pytest_plugin import assert_migrations_roundtrip


def test_migrations_upgrade_check_downgrade_upgrade(create_database: Callable[[str], str]) -> None:
    assert_migrations_roundtrip("civil_gateway", create_database("gateway_migrations"))
