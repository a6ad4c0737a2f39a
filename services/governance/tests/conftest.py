import pytest

from civil_cli.pytest_plugin import ServiceUnderTest
from civil_governance.config import GovernanceSettings
from civil_governance.main import create_app


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        package="civil_governance", settings_class=GovernanceSettings, create_app=create_app
    )
