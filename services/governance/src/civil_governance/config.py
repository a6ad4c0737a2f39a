"""Settings of the governance service (environment prefix ``GOVERNANCE_``)."""

from typing import ClassVar

from civil_shared.runtime.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class GovernanceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GOVERNANCE_", extra="ignore")
    service_name: ClassVar[str] = "governance"
