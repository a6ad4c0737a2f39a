"""Settings of the gateway service (environment prefix ``GATEWAY_``)."""

from typing import ClassVar

from civil_shared.runtime.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")
    service_name: ClassVar[str] = "gateway"
