"""Settings of the welfare service (environment prefix ``WELFARE_``)."""

from typing import ClassVar

from civil_shared.runtime.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class WelfareSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WELFARE_", extra="ignore")
    service_name: ClassVar[str] = "welfare"
