from civil_shared.runtime.disbursements import DisbursementRuns, disbursement_router
from civil_welfare.db import AuditEvent, IdempotencyRecord
from civil_welfare.subsidy_runs.models import (
    DisbursementAreaTotal,
    DisbursementLine,
    DisbursementRun,
)
from civil_welfare.subsidy_runs.payable import payable_lines
from civil_welfare.subsidy_runs.schemas import LineOut, Subsidy

runs = DisbursementRuns(
    run_model=DisbursementRun,
    line_model=DisbursementLine,
    area_total_model=DisbursementAreaTotal,
    programmes=Subsidy,
    payable=payable_lines,
    line_out=LineOut,
    audit_model=AuditEvent,
    idempotency_model=IdempotencyRecord,
    code_prefix="WELFARE",
)
router = disbursement_router(runs, programme_label="补贴项目")
