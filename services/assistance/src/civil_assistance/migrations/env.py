from civil_assistance.config import AssistanceSettings
from civil_assistance.models import Base
from civil_shared.runtime.migrations import run_migrations

run_migrations(Base.metadata, AssistanceSettings)
