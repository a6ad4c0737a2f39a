import pytest

from civil_assistance.config import AssistanceSettings
from civil_assistance.main import create_app
from civil_cli.pytest_plugin import ServiceUnderTest


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        package="civil_assistance", settings_class=AssistanceSettings, create_app=create_app
    )
