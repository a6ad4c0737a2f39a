"""What the orphan and de facto unsupported use cases share: the child's one case a month,
its periods up to the 18th birthday, its status, scoping and the standards in force."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.auth import Principal
from civil_shared.errors import AppError, Conflict, Forbidden, NotFound, Unprocessable
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, IdNumber, Period
from civil_welfare.children.fields import Guardian, GuardianRelation
from civil_welfare.children.majority import is_minor_on, last_minor_period
from civil_welfare.children.support.models import ChildSupportCase
from civil_welfare.children.support.repository import (
    SupportCaseRepository,
    covering,
    name_or_id_number,
    overlap_or_conflict,
)
from civil_welfare.children.support.schemas import (
    TRANSITIONS,
    CaseStatus,
    CaseStatusChange,
    EndReason,
    Scheme,
)
from civil_welfare.parameters.by_area import AreaValues, values_by_area
from civil_welfare.parameters.keys import ParameterKey
from civil_welfare.pii import audit_pii_read

PARAMETER_MISSING = "WELFARE_PARAMETER_MISSING"

_NOT_FOUND_CODES = {
    Scheme.ORPHAN: "WELFARE_ORPHAN_NOT_FOUND",
    Scheme.DE_FACTO_UNSUPPORTED: "WELFARE_UNSUPPORTED_CHILD_NOT_FOUND",
}


def area_forbidden() -> Forbidden:
    return Forbidden("不能在管辖区域以外登记或迁入儿童", code="WELFARE_AREA_FORBIDDEN")


def already_supported(existing: ChildSupportCase | None) -> Conflict:
    """A child is in one case a month: never orphan and de facto unsupported at once."""
    if existing is None:  # the database's exclusion constraint caught a concurrent write
        return Conflict(
            "该儿童在相同月份已有孤儿或事实无人抚养儿童保障，同一儿童不能同时享受两类保障",
            code="WELFARE_CHILD_ALREADY_SUPPORTED",
        )
    scheme = Scheme(existing.scheme)
    return Conflict(
        f"身份证号 {IdNumber(existing.id_number).masked} 在 {existing.start_period} 至 "
        f"{existing.end_period} 已按{scheme.label}保障，同一儿童不能同时为孤儿和事实无人抚养"
        "儿童，也不能重复保障；请先终止原保障",
        code="WELFARE_CHILD_ALREADY_SUPPORTED",
        scheme=scheme.value,
        conflicting_case_id=str(existing.id),
        conflicting_periods=[existing.start_period, existing.end_period],
    )


def guardian_of(case: ChildSupportCase) -> Guardian | None:
    if case.guardian_name is None or case.guardian_relation is None:
        return None
    return Guardian(
        name=case.guardian_name,
        relation=GuardianRelation(case.guardian_relation),
        phone=case.guardian_phone,
        id_number=IdNumber(case.guardian_id_number) if case.guardian_id_number else None,
    )


def set_guardian(case: ChildSupportCase, guardian: Guardian | None) -> None:
    case.guardian_name = guardian.name if guardian else None
    case.guardian_relation = guardian.relation.value if guardian else None
    case.guardian_phone = guardian.phone if guardian else None
    case.guardian_id_number = str(guardian.id_number) if guardian and guardian.id_number else None


def first_period_checked(id_number: IdNumber, assessed_date: date, start: Period) -> Period:
    """The last month the case may pay (the 18th-birthday month), after checking that the
    child is a minor on the assessment day and that the first month is within reach."""
    birth = id_number.birth_date
    if assessed_date < birth:
        raise Unprocessable("认定日期早于出生日期", code="WELFARE_CHILD_PERIOD_INVALID")
    if not is_minor_on(id_number, assessed_date):
        raise Unprocessable(
            "认定日该儿童已年满18周岁，不能按孤儿或事实无人抚养儿童保障",
            code="WELFARE_CHILD_NOT_MINOR",
        )
    last = last_minor_period(id_number)
    if start < Period.of(birth):
        raise Unprocessable("起始发放月份早于出生月份", code="WELFARE_CHILD_PERIOD_INVALID")
    if start > last:
        raise Unprocessable(
            f"起始发放月份晚于年满18周岁的月份（{last}），没有可发放的月份",
            code="WELFARE_CHILD_NOT_MINOR",
        )
    return last


def child_fields(case: ChildSupportCase, today: date, allowance: Any) -> dict[str, Any]:
    """The fields of ``ChildPart`` for ``case``."""
    id_number = IdNumber(case.id_number)
    area = AreaCode(case.area_code)
    return {
        "id": case.id,
        "scheme": Scheme(case.scheme),
        "id_number": id_number,
        "name": case.name,
        "sex": id_number.sex,
        "birth_date": id_number.birth_date,
        "age": id_number.age_on(max(today, id_number.birth_date)),
        "area_code": area,
        "township_code": area.parent,
        "guardian": guardian_of(case),
        "assessed_date": case.assessed_date,
        "start_period": Period(case.start_period),
        "end_period": Period(case.end_period),
        "turns_18_period": last_minor_period(id_number),
        "status": CaseStatus(case.status),
        "end_reason": EndReason(case.end_reason) if case.end_reason else None,
        "changed_date": case.changed_date,
        "status_note": case.status_note,
        "situation": case.situation,
        "monthly_allowance": allowance,
        "version": case.version,
    }


async def values_in_force(
    session: AsyncSession, keys: Sequence[ParameterKey], year: int
) -> AreaValues | None:
    """The standards of ``year`` by area, or None while one is not set (shown as unknown;
    a monthly run refuses instead)."""
    try:
        return await values_by_area(session, keys, year)
    except AppError as exc:
        if exc.code == PARAMETER_MISSING:
            return None
        raise


class SupportCases:
    """Use cases both schemes share; a subclass names its ``scheme``."""

    scheme: Scheme

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = SupportCaseRepository(session)

    def not_found(self, case_id: uuid.UUID) -> NotFound:
        return NotFound(
            f"{self.scheme.label}保障记录 {case_id} 不存在", code=_NOT_FOUND_CODES[self.scheme]
        )

    async def visible(self, case_id: uuid.UUID, principal: Principal) -> ChildSupportCase:
        case = await self.repository.get(case_id)
        missing = self.not_found(case_id)
        if case is None or case.scheme != self.scheme.value:
            raise missing
        ensure_visible(principal, case.area_code, missing)
        return case

    async def ensure_free(
        self, id_number: str, start: str, end: str, *, besides: uuid.UUID | None = None
    ) -> None:
        existing = await self.repository.overlapping(id_number, start, end, besides=besides)
        if existing is not None:
            raise already_supported(existing)

    async def insert(self, case: ChildSupportCase) -> None:
        """Add and commit; the exclusion constraint settles a concurrent case of the child."""
        async with overlap_or_conflict(self.session, already_supported(None)):
            await self.repository.add(case)
            await self.session.commit()

    def conditions(
        self,
        principal: Principal,
        *,
        area_code: str | None,
        status: CaseStatus | None,
        q: str | None,
        period: Period | None,
    ) -> list[ColumnElement[bool]]:
        C = ChildSupportCase
        conditions: list[ColumnElement[bool]] = [
            C.scheme == self.scheme.value,
            area_condition(C.area_code, principal),
        ]
        if area_code is not None:
            conditions.append(C.area_code.startswith(area_code, autoescape=True))
        if status is not None:
            conditions.append(C.status == status.value)
        if q is not None and q.strip():
            conditions.append(name_or_id_number(q))
        if period is not None:
            conditions.append(covering(str(period)))
        return conditions

    def move(self, case: ChildSupportCase, area_code: str, principal: Principal) -> None:
        if not principal.sees_area(area_code):
            raise area_forbidden()
        case.area_code = area_code

    async def apply_status(
        self,
        case_id: uuid.UUID,
        change: CaseStatusChange,
        expected_version: int,
        principal: Principal,
    ) -> ChildSupportCase:
        """End or revoke a case; the caller commits after adding what it shows."""
        case = await self.visible(case_id, principal)
        check_version(case.version, expected_version)
        current = CaseStatus(case.status)
        allowed = TRANSITIONS[current]
        if change.status not in allowed:
            raise Conflict(
                f"保障状态不能从“{current.value}”变为“{change.status.value}”",
                code="WELFARE_CHILD_SUPPORT_INVALID_TRANSITION",
                current=current.value,
                allowed=[s.value for s in allowed],
            )
        if change.changed_date < case.assessed_date:
            raise Unprocessable("终止（撤销）日期早于认定日期", code="WELFARE_CHILD_PERIOD_INVALID")
        if change.end_period is not None:
            if not case.start_period <= change.end_period <= case.end_period:
                raise Unprocessable(
                    f"最后发放月份应在 {case.start_period} 至 {case.end_period} 之间"
                    "（不晚于年满18周岁的月份）",
                    code="WELFARE_CHILD_PERIOD_INVALID",
                )
            case.end_period = str(change.end_period)
        case.status = change.status.value
        case.end_reason = change.reason.value if change.reason else None
        case.changed_date = change.changed_date
        case.status_note = change.note
        await self.repository.flush()
        return case

    async def audit_reveal(self, principal: Principal, cases: Sequence[ChildSupportCase]) -> None:
        await audit_pii_read(self.session, principal, "child_support_case", [c.id for c in cases])
