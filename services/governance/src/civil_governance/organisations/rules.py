"""Pure rules of the register: the credit code against the type, status changes,
which years may be inspected."""

from datetime import date

from civil_governance.organisations.schemas import OrgStatus
from civil_shared.errors import Conflict, Unprocessable
from civil_shared.types import (
    CIVIL_AFFAIRS_AUTHORITY,
    CreditCode,
    SocialOrgType,
    credit_code_matches_org_type,
)

#: From each status, the statuses an organisation may move to. Deregistration and
#: revocation end the registration for good: a new registration is a new record.
TRANSITIONS: dict[OrgStatus, tuple[OrgStatus, ...]] = {
    OrgStatus.ACTIVE: (OrgStatus.SUSPENDED, OrgStatus.DEREGISTERED, OrgStatus.REVOKED),
    OrgStatus.SUSPENDED: (OrgStatus.ACTIVE, OrgStatus.DEREGISTERED, OrgStatus.REVOKED),
    OrgStatus.DEREGISTERED: (),
    OrgStatus.REVOKED: (),
}


def check_credit_code(code: CreditCode, org_type: SocialOrgType) -> None:
    """422 unless ``code`` was issued by civil affairs to an organisation of ``org_type``.

    GB 32100-2015: the first character is the registering authority (5 = civil
    affairs), the second the kind of organisation within it.
    """
    if credit_code_matches_org_type(code, org_type):
        return
    if code.registration_authority_kind != CIVIL_AFFAIRS_AUTHORITY:
        raise Unprocessable(
            f"统一社会信用代码第1位应为“{CIVIL_AFFAIRS_AUTHORITY}”（民政部门登记），"
            f"实为“{code.registration_authority_kind}”：该代码不是民政部门登记的社会组织代码",
            code="GOVERNANCE_ORG_CREDIT_CODE_AUTHORITY",
            expected=CIVIL_AFFAIRS_AUTHORITY,
            actual=code.registration_authority_kind,
        )
    raise Unprocessable(
        f"统一社会信用代码第2位应为“{org_type.credit_code_char}”（{org_type.label}），"
        f"实为“{code.org_kind}”：代码与社会组织类型不一致",
        code="GOVERNANCE_ORG_CREDIT_CODE_TYPE_MISMATCH",
        expected=org_type.credit_code_char,
        actual=code.org_kind,
    )


def next_status(current: OrgStatus, wanted: OrgStatus) -> OrgStatus:
    """``wanted``, or a 409 naming the statuses allowed from ``current``."""
    allowed = TRANSITIONS[current]
    if wanted not in allowed:
        named = "、".join(f"{s.value}（{s.label}）" for s in allowed) or "无（登记已终止）"
        raise Conflict(
            f"社会组织状态不能从“{current.label}”变为“{wanted.label}”；可变更为：{named}",
            code="GOVERNANCE_ORG_INVALID_TRANSITION",
            current=current.value,
            allowed=[s.value for s in allowed],
        )
    return wanted


def is_terminated(status: OrgStatus) -> bool:
    return not TRANSITIONS[status]


def check_inspection_year(
    year: int,
    *,
    registration_date: date,
    status: OrgStatus,
    status_date: date | None,
    today: date,
) -> None:
    """A year's work is inspected after the year ends, from the year of registration
    to the year the registration ended (for a deregistered or revoked organisation)."""
    last = today.year - 1
    if is_terminated(status) and status_date is not None:
        last = min(last, status_date.year)
    first = registration_date.year
    if first > last:
        raise Unprocessable(
            f"该组织尚无可年检的年度：{first} 年登记，年检在年度结束后进行",
            code="GOVERNANCE_ORG_INSPECTION_YEAR",
        )
    if not first <= year <= last:
        raise Unprocessable(
            f"年检年度应在 {first} 至 {last} 年之间（登记年度起，至上一年度或登记终止的年度）",
            code="GOVERNANCE_ORG_INSPECTION_YEAR",
        )
