from civil_gateway.config import GatewaySettings
from civil_gateway.models import Base
from civil_shared.runtime.migrations import run_migrations

run_migrations(Base.metadata, GatewaySettings)
