from civil_governance.config import GovernanceSettings
from civil_governance.models import Base
from civil_shared.runtime.migrations import run_migrations

run_migrations(Base.metadata, GovernanceSettings)
