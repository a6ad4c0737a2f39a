import pytest

from civil_cli.pytest_plugin import ServiceUnderTest
from civil_gateway.config import GatewaySettings
from civil_gateway.main import create_app


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        package="civil_gateway", settings_class=GatewaySettings, create_app=create_app
    )
