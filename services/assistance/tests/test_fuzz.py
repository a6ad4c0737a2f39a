"""Schemathesis over every operation of the assistance service (see civil_cli.fuzzing)."""

from collections.abc import Callable
from typing import Any

import pytest
from schemathesis import Case

from civil_assistance.config import AssistanceSettings
from civil_assistance.main import create_app
from civil_cli.fuzzing import ServiceFuzz

FUZZ = ServiceFuzz("civil_assistance", AssistanceSettings, create_app)


@pytest.fixture(scope="module")
def fuzz_database(create_database: Callable[[str], str]) -> None:
    FUZZ.bind(create_database)


@FUZZ.schema.parametrize()
def test_every_operation_survives_the_fuzzer(case: Case[Any], fuzz_database: None) -> None:
    case.call_and_validate()
