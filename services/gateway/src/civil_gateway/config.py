"""Settings of the gateway service (environment prefix ``GATEWAY_``)."""

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from civil_shared.runtime.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")
    service_name: ClassVar[str] = "gateway"
