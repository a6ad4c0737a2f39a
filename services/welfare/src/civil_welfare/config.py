"""Settings of the welfare service (environment prefix ``WELFARE_``)."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from civil_shared.runtime.settings import ServiceSettings


class WelfareSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WELFARE_", extra="ignore")
    service_name: ClassVar[str] = "welfare"
