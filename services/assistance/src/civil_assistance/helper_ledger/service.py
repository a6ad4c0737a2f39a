"""Use cases of the helper ledger: assign a helper, end it, log visits, read."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.helper_ledger.models import HelperAssignment, HelperVisit
from civil_assistance.helper_ledger.repository import HelperLedgerRepository
from civil_assistance.helper_ledger.schemas import (
    AssignmentCreate,
    AssignmentDetail,
    AssignmentEnd,
    AssignmentOut,
    BeneficiaryReason,
    HelperRole,
    VisitCreate,
    VisitOut,
)
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, IdNumber


def assignment_not_found(assignment_id: uuid.UUID) -> NotFound:
    return NotFound(
        f"帮扶记录 {assignment_id} 不存在", code="ASSISTANCE_HELPER_ASSIGNMENT_NOT_FOUND"
    )


def to_out(assignment: HelperAssignment, last_visit_date: date | None) -> AssignmentOut:
    return AssignmentOut(
        id=assignment.id,
        id_number=IdNumber(assignment.id_number),
        name=assignment.name,
        area_code=AreaCode(assignment.area_code),
        reason=BeneficiaryReason(assignment.reason),
        reason_note=assignment.reason_note,
        has_phone=assignment.has_phone,
        helper_name=assignment.helper_name,
        helper_phone=assignment.helper_phone,
        helper_role=HelperRole(assignment.helper_role),
        helper_relation=assignment.helper_relation,
        start_date=assignment.start_date,
        end_date=assignment.end_date,
        end_reason=assignment.end_reason,
        active=assignment.end_date is None,
        last_visit_date=last_visit_date,
        version=assignment.version,
    )


def already_helped(existing: HelperAssignment | None = None) -> Conflict:
    extra: dict[str, Any] = (
        {"conflicting_assignment_id": str(existing.id)} if existing is not None else {}
    )
    return Conflict(
        "该对象已有在帮扶中的帮扶人；更换帮扶人须先结束原帮扶",
        code="ASSISTANCE_HELPER_ASSIGNMENT_EXISTS",
        **extra,
    )


class HelperLedgerService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = HelperLedgerRepository(session)

    async def assign(self, data: AssignmentCreate, principal: Principal) -> AssignmentDetail:
        if not principal.sees_area(data.area_code):
            raise Forbidden("不能在管辖区域以外登记帮扶对象", code="ASSISTANCE_AREA_FORBIDDEN")
        existing = await self.repository.active_for(str(data.id_number))
        if existing is not None:
            raise already_helped(existing)
        assignment = HelperAssignment(
            id_number=str(data.id_number),
            name=data.name,
            area_code=str(data.area_code),
            reason=data.reason.value,
            reason_note=data.reason_note,
            has_phone=data.has_phone,
            helper_name=data.helper_name,
            helper_phone=data.helper_phone,
            helper_role=data.helper_role.value,
            helper_relation=data.helper_relation,
            start_date=data.start_date,
        )
        # The partial unique index decides between two concurrent assignments.
        async with unique_or_conflict(self.session, already_helped()):
            await self.repository.add(assignment)
            await self.session.commit()
        return AssignmentDetail(**to_out(assignment, None).model_dump(), visits=[])

    async def end(
        self,
        assignment_id: uuid.UUID,
        data: AssignmentEnd,
        principal: Principal,
        expected_version: int | None,
    ) -> AssignmentDetail:
        assignment = await self._visible(assignment_id, principal, for_update=True)
        if assignment.end_date is not None:
            raise Conflict(
                f"该帮扶已于 {assignment.end_date} 结束",
                code="ASSISTANCE_HELPER_ASSIGNMENT_ENDED",
            )
        if expected_version is not None:
            check_version(assignment.version, expected_version)
        if data.end_date < assignment.start_date:
            raise Unprocessable("结束日期不能早于开始日期", code="ASSISTANCE_HELPER_END_DATE")
        assignment.end_date, assignment.end_reason = data.end_date, data.reason
        await self.session.commit()  # the row is locked FOR UPDATE: no stale-version race
        return await self._detail(assignment)

    async def add_visit(
        self, assignment_id: uuid.UUID, data: VisitCreate, principal: Principal
    ) -> VisitOut:
        assignment = await self._visible(assignment_id, principal)
        if data.visit_date < assignment.start_date or (
            assignment.end_date is not None and data.visit_date >= assignment.end_date
        ):
            raise Unprocessable(
                "走访日期应在帮扶期间内（开始日期之后、结束日期之前）",
                code="ASSISTANCE_HELPER_VISIT_DATE",
            )
        visit = HelperVisit(
            assignment_id=assignment.id,
            visit_date=data.visit_date,
            findings=data.findings,
            follow_up=data.follow_up,
            recorded_by=principal.sub,
        )
        await self.repository.add(visit)
        await self.session.commit()
        return VisitOut.model_validate(visit)

    async def get(self, assignment_id: uuid.UUID, principal: Principal) -> AssignmentDetail:
        return await self._detail(await self._visible(assignment_id, principal))

    async def visits(
        self, assignment_id: uuid.UUID, principal: Principal, page: PageParams
    ) -> Page[VisitOut]:
        await self._visible(assignment_id, principal)
        items, total = await self.repository.visits(
            assignment_id, limit=page.limit, offset=page.offset
        )
        return Page[VisitOut].of([VisitOut.model_validate(v) for v in items], total, page)

    async def list(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        reason: BeneficiaryReason | None = None,
        active: bool | None = None,
        id_number: str | None = None,
    ) -> Page[AssignmentOut]:
        conditions: list[ColumnElement[bool]] = [
            area_condition(HelperAssignment.area_code, principal)
        ]
        if area_code is not None:
            conditions.append(HelperAssignment.area_code.startswith(area_code, autoescape=True))
        if reason is not None:
            conditions.append(HelperAssignment.reason == reason.value)
        if active is not None:
            ended = HelperAssignment.end_date.is_not(None)
            conditions.append(~ended if active else ended)
        if id_number is not None:
            conditions.append(HelperAssignment.id_number == id_number)
        rows, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[AssignmentOut].of([to_out(a, last) for a, last in rows], total, page)

    async def _detail(self, assignment: HelperAssignment) -> AssignmentDetail:
        visits, _ = await self.repository.visits(assignment.id)
        last = visits[0].visit_date if visits else None
        return AssignmentDetail(
            **to_out(assignment, last).model_dump(),
            visits=[VisitOut.model_validate(v) for v in visits],
        )

    async def _visible(
        self, assignment_id: uuid.UUID, principal: Principal, *, for_update: bool = False
    ) -> HelperAssignment:
        assignment = await self.repository.get(assignment_id, for_update=for_update)
        missing = assignment_not_found(assignment_id)
        if assignment is None:
            raise missing
        ensure_visible(principal, assignment.area_code, missing)
        return assignment
