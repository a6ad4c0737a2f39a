"""Fixtures of the whole-platform tests: the four services as real processes."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from civil_cli.processes import LocalPlatform, local_platform


@pytest.fixture(scope="module")
def platform_env() -> dict[str, str]:
    """Settings every service of ``local_services`` gets; a module overrides it to change them."""
    return {}


@pytest.fixture(scope="module")
def platform_server_url(pg_server_url: str) -> str:
    """The PostgreSQL server ``local_services`` puts its databases on; a module may override it."""
    return pg_server_url


@pytest.fixture(scope="module")
def local_services(
    request: pytest.FixtureRequest,
    platform_server_url: str,
    platform_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LocalPlatform]:
    """The four services, each a uvicorn process of its own, on fresh databases and free ports.

    Unlike ``civil run`` (test_platform_runs.py), one service may be killed and
    started again while the others run on (``kill``, ``freeze``, ``start``).
    """
    module = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    prefix = f"test_{module}_{worker}_{os.getpid()}"[:40]
    with local_platform(
        platform_server_url,
        tmp_path_factory.mktemp("local-services"),
        prefix=prefix,
        env=platform_env,
    ) as platform:
        yield platform


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The demo acceptance (minutes, one module) first: with ``--dist loadfile`` one worker
    takes it at once and the others share every other file meanwhile, instead of it
    starting last and running alone."""
    items.sort(key=lambda item: item.path.name != "test_demo_acceptance.py")
