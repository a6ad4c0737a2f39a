import pytest

from civil_cli.pytest_plugin import ServiceUnderTest
from civil_welfare.config import WelfareSettings
from civil_welfare.main import create_app


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        package="civil_welfare", settings_class=WelfareSettings, create_app=create_app
    )
