from civil_shared.runtime.migrations import run_migrations
from civil_welfare.config import WelfareSettings
from civil_welfare.models import Base

run_migrations(Base.metadata, WelfareSettings)
