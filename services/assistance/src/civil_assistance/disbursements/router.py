from civil_assistance.db import AuditEvent, IdempotencyRecord
from civil_assistance.disbursements.models import (
    DisbursementAreaTotal,
    DisbursementLine,
    DisbursementRun,
)
from civil_assistance.disbursements.payable import payable_lines
from civil_assistance.disbursements.schemas import LineOut
from civil_assistance.enrolments.schemas import Programme
from civil_shared.runtime.disbursements import DisbursementRuns, disbursement_router

runs = DisbursementRuns(
    run_model=DisbursementRun,
    line_model=DisbursementLine,
    area_total_model=DisbursementAreaTotal,
    programmes=Programme,
    payable=payable_lines,
    line_out=LineOut,
    audit_model=AuditEvent,
    idempotency_model=IdempotencyRecord,
    code_prefix="ASSISTANCE",
)
router = disbursement_router(runs, programme_label="救助项目")
