"""Schemathesis over every operation of the governance service (see civil_cli.fuzzing)."""

from collections.abc import Callable
from typing import Any

import pytest
from schemathesis import Case

from civil_cli.fuzzing import ServiceFuzz
from civil_governance.config import GovernanceSettings
from civil_governance.main import create_app

FUZZ = ServiceFuzz("civil_governance", GovernanceSettings, create_app)


@pytest.fixture(scope="module")
def fuzz_database(create_database: Callable[[str], str]) -> None:
    FUZZ.bind(create_database)


@FUZZ.schema.parametrize()
def test_every_operation_survives_the_fuzzer(case: Case[Any], fuzz_database: None) -> None:
    case.call_and_validate()
