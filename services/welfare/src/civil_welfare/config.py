"""Settings of the welfare service (environment prefix ``WELFARE_``)."""

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from civil_shared.runtime.internal import CallingServiceSettings


class WelfareSettings(CallingServiceSettings):
    """The service's database and keys, and how it reaches the assistance service.

    ``WELFARE_ASSISTANCE_URL`` and ``WELFARE_SERVICE_TOKEN_FILE`` (or
    ``WELFARE_SERVICE_TOKEN``) let it ask whether a person is in dibao or tekun;
    ``civil run`` sets both. Without a URL, subsidy decisions answer 503.
    """

    model_config = SettingsConfigDict(env_prefix="WELFARE_", extra="ignore")
    service_name: ClassVar[str] = "welfare"

    assistance_url: str | None = Field(
        default=None, description="Base URL of the assistance service (http://host:8001)"
    )
