"""Schemathesis over every operation of the gateway service (see civil_cli.fuzzing)."""

from collections.abc import Callable
from typing import Any

import pytest
from schemathesis import Case

from civil_cli.fuzzing import KEYS_DIR, ServiceFuzz
from civil_gateway.config import GatewaySettings
from civil_gateway.main import create_app

# The four services are not running here: what the gateway asks them answers 503.
FUZZ = ServiceFuzz(
    "civil_gateway", GatewaySettings, create_app, peers_down=True, signing_keys_dir=KEYS_DIR
)


@pytest.fixture(scope="module")
def fuzz_database(create_database: Callable[[str], str]) -> None:
    FUZZ.bind(create_database)


@FUZZ.schema.parametrize()
def test_every_operation_survives_the_fuzzer(case: Case[Any], fuzz_database: None) -> None:
    case.call_and_validate()
