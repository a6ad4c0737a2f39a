"""Settings of the assistance service (environment prefix ``ASSISTANCE_``)."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from civil_shared.runtime.settings import ServiceSettings


class AssistanceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANCE_", extra="ignore")
    service_name: ClassVar[str] = "assistance"
