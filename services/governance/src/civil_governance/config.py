"""Settings of the governance service (environment prefix ``GOVERNANCE_``)."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from civil_shared.runtime.settings import ServiceSettings


class GovernanceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GOVERNANCE_", extra="ignore")
    service_name: ClassVar[str] = "governance"
