"""Use cases of township boundary lines; each write commits exactly once.

The city registers lines; an officer of either township records surveys,
verifications and disputes of its lines (a line outside its township is not
found). Status changes lock the line row, so two at once cannot cross.
"""

import uuid
from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.boundaries.models import BoundaryDispute, BoundaryLine, BoundaryVerification
from civil_governance.boundaries.repository import BoundaryRepository, touches, visible_line
from civil_governance.boundaries.schemas import (
    BoundaryCreate,
    BoundaryDetail,
    BoundaryOut,
    BoundaryPatch,
    DisputeIn,
    DisputeOut,
    DisputeStatus,
    DisputeStatusChange,
    LineAction,
    SurveyIn,
    SurveyStatus,
    VerificationIn,
    VerificationOut,
)
from civil_governance.boundaries.status import (
    ACTIONS,
    DISPUTE_TRANSITIONS,
    after_disputes_resolved,
    after_verification,
)
from civil_governance.divisions.repository import DivisionRepository
from civil_governance.divisions.schemas import DivisionBrief
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, AreaLevel

Names = dict[str, str]

#: Lengths are kept to the metre (NUMERIC(9,3) km) and shown so, also before a reload.
METRE = Decimal("0.001")

STATUS_LABELS = {
    SurveyStatus.NOT_SURVEYED: "未勘测",
    SurveyStatus.SURVEYED: "已勘测",
    SurveyStatus.VERIFIED: "已核查确认",
    SurveyStatus.DISPUTED: "有争议",
}
ACTION_LABELS = {
    LineAction.SURVEY: "勘测",
    LineAction.VERIFY: "核查",
    LineAction.OPEN_DISPUTE: "登记争议",
    LineAction.RESOLVE_DISPUTE: "调处争议",
}


def line_not_found(line_id: uuid.UUID) -> NotFound:
    return NotFound(f"界线 {line_id} 不存在", code="GOVERNANCE_BOUNDARY_NOT_FOUND")


def dispute_not_found(dispute_id: uuid.UUID) -> NotFound:
    return NotFound(f"界线争议 {dispute_id} 不存在", code="GOVERNANCE_BOUNDARY_DISPUTE_NOT_FOUND")


def line_exists(holder: BoundaryLine | None = None) -> Conflict:
    extra: dict[str, Any] = {"conflicting_line_id": str(holder.id)} if holder is not None else {}
    return Conflict(
        "这两个乡镇（街道）之间的界线已登记", code="GOVERNANCE_BOUNDARY_EXISTS", **extra
    )


def ensure_allowed(line: BoundaryLine, action: LineAction) -> None:
    """409 naming what may be done now, unless ``action`` is one of them."""
    current = SurveyStatus(line.survey_status)
    allowed = ACTIONS[current]
    if action not in allowed:
        raise Conflict(
            f"界线当前为“{STATUS_LABELS[current]}”，不能{ACTION_LABELS[action]}",
            code="GOVERNANCE_BOUNDARY_INVALID_TRANSITION",
            current=current.value,
            allowed=[a.value for a in allowed],
        )


def _townships(line: BoundaryLine, names: Names) -> list[DivisionBrief]:
    return [
        DivisionBrief(code=AreaCode(code), name=names.get(code, ""))
        for code in (line.township_a_code, line.township_b_code)
    ]


def to_out(line: BoundaryLine, names: Names, unresolved: int) -> BoundaryOut:
    return BoundaryOut(
        id=line.id,
        townships=_townships(line, names),
        length_km=Decimal(line.length_km).quantize(METRE),
        survey_status=SurveyStatus(line.survey_status),
        survey_batch=line.survey_batch,
        surveyed_date=line.surveyed_date,
        notes=line.notes,
        open_disputes=unresolved,
        allowed_actions=list(ACTIONS[SurveyStatus(line.survey_status)]),
        version=line.version,
    )


def dispute_out(dispute: BoundaryDispute, line: BoundaryLine, names: Names) -> DisputeOut:
    status = DisputeStatus(dispute.status)
    return DisputeOut(
        id=dispute.id,
        line_id=dispute.line_id,
        townships=_townships(line, names),
        opened_date=dispute.opened_date,
        description=dispute.description,
        status=status,
        resolution=dispute.resolution,
        resolved_date=dispute.resolved_date,
        recorded_by=dispute.recorded_by,
        allowed_statuses=list(DISPUTE_TRANSITIONS[status]),
        version=dispute.version,
    )


class BoundaryService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = BoundaryRepository(session)
        self.divisions = DivisionRepository(session)

    # --- lines -------------------------------------------------------------

    async def create(self, data: BoundaryCreate, principal: Principal) -> BoundaryDetail:
        first, second = sorted((str(data.township_a_code), str(data.township_b_code)))
        if first == second:
            raise Unprocessable(
                "界线两侧须是两个不同的乡镇（街道）", code="GOVERNANCE_BOUNDARY_SAME_TOWNSHIP"
            )
        await self._ensure_townships([first, second])
        holder = await self.repository.line_between(first, second)
        if holder is not None:
            raise line_exists(holder)
        surveyed = data.surveyed_date is not None
        line = BoundaryLine(
            township_a_code=first,
            township_b_code=second,
            length_km=data.length_km,
            survey_status=(SurveyStatus.SURVEYED if surveyed else SurveyStatus.NOT_SURVEYED).value,
            survey_batch=data.survey_batch,
            surveyed_date=data.surveyed_date,
            notes=data.notes,
            recorded_by=principal.sub,
        )
        async with unique_or_conflict(self.session, line_exists()):
            await self.repository.add(line)
            await self.session.commit()
        return await self._detail(line)

    async def get(self, line_id: uuid.UUID, principal: Principal) -> BoundaryDetail:
        return await self._detail(await self._visible(line_id, principal))

    async def list(
        self,
        page: PageParams,
        principal: Principal,
        *,
        township: str | None = None,
        status: SurveyStatus | None = None,
        survey_batch: str | None = None,
    ) -> Page[BoundaryOut]:
        conditions: list[ColumnElement[bool]] = [visible_line(principal)]
        if township is not None:
            conditions.append(touches(township))
        if status is not None:
            conditions.append(BoundaryLine.survey_status == status.value)
        if survey_batch is not None:
            conditions.append(BoundaryLine.survey_batch == survey_batch)
        lines, total = await self.repository.page_lines(
            conditions, limit=page.limit, offset=page.offset
        )
        names = await self._names(c for line in lines for c in _codes(line))
        unresolved = await self.repository.unresolved_counts([line.id for line in lines])
        items = [to_out(line, names, unresolved.get(line.id, 0)) for line in lines]
        return Page[BoundaryOut].of(items, total, page)

    async def update(
        self, line_id: uuid.UUID, patch: BoundaryPatch, expected_version: int, principal: Principal
    ) -> BoundaryDetail:
        line = await self._visible(line_id, principal)
        check_version(line.version, expected_version)
        if patch.length_km is not None:
            line.length_km = patch.length_km
        if "notes" in patch.model_fields_set:
            line.notes = patch.notes
        await self.repository.flush()
        await self.session.commit()
        return await self._detail(line)

    async def survey(
        self,
        line_id: uuid.UUID,
        data: SurveyIn,
        principal: Principal,
        expected_version: int | None,
    ) -> BoundaryDetail:
        line = await self._for_change(line_id, principal, expected_version)
        ensure_allowed(line, LineAction.SURVEY)
        if line.surveyed_date is not None and data.surveyed_date < line.surveyed_date:
            raise Unprocessable(
                f"勘测日期不能早于上次勘测（{line.surveyed_date}）",
                code="GOVERNANCE_BOUNDARY_SURVEY_DATE",
            )
        line.survey_batch, line.surveyed_date = data.survey_batch, data.surveyed_date
        if data.length_km is not None:
            line.length_km = data.length_km
        line.survey_status = SurveyStatus.SURVEYED.value
        await self.repository.flush()
        await self.session.commit()
        return await self._detail(line)

    async def verify(
        self, line_id: uuid.UUID, data: VerificationIn, principal: Principal
    ) -> VerificationOut:
        line = await self._for_change(line_id, principal, None)
        ensure_allowed(line, LineAction.VERIFY)
        if line.surveyed_date is not None and data.verified_date < line.surveyed_date:
            raise Unprocessable(
                f"核查日期不能早于勘测日期（{line.surveyed_date}）",
                code="GOVERNANCE_BOUNDARY_VERIFICATION_DATE",
            )
        verification = BoundaryVerification(
            line_id=line.id,
            verified_date=data.verified_date,
            team=data.team,
            result=data.result.value,
            notes=data.notes,
            recorded_by=principal.sub,
        )
        line.survey_status = after_verification(data.result).value
        await self.repository.add(verification)
        await self.session.commit()
        return VerificationOut.model_validate(verification)

    # --- disputes ----------------------------------------------------------

    async def open_dispute(
        self, line_id: uuid.UUID, data: DisputeIn, principal: Principal
    ) -> DisputeOut:
        line = await self._for_change(line_id, principal, None)
        ensure_allowed(line, LineAction.OPEN_DISPUTE)
        dispute = BoundaryDispute(
            line_id=line.id,
            opened_date=data.opened_date,
            description=data.description,
            status=DisputeStatus.OPEN.value,
            recorded_by=principal.sub,
        )
        line.survey_status = SurveyStatus.DISPUTED.value
        await self.repository.add(dispute)
        await self.session.commit()
        return dispute_out(dispute, line, await self._names(_codes(line)))

    async def change_dispute(
        self,
        line_id: uuid.UUID,
        dispute_id: uuid.UUID,
        data: DisputeStatusChange,
        principal: Principal,
        expected_version: int | None,
    ) -> DisputeOut:
        line = await self._for_change(line_id, principal, None)
        dispute = await self.repository.get_dispute(dispute_id, for_update=True)
        if dispute is None or dispute.line_id != line.id:
            raise dispute_not_found(dispute_id)
        if expected_version is not None:
            check_version(dispute.version, expected_version)
        current = DisputeStatus(dispute.status)
        allowed = DISPUTE_TRANSITIONS[current]
        if data.status not in allowed:
            raise Conflict(
                f"争议状态不能从“{current.value}”变为“{data.status.value}”",
                code="GOVERNANCE_BOUNDARY_DISPUTE_TRANSITION",
                current=current.value,
                allowed=[s.value for s in allowed],
            )
        if data.resolved_date is not None and data.resolved_date < dispute.opened_date:
            raise Unprocessable(
                f"解决日期不能早于争议登记日期（{dispute.opened_date}）",
                code="GOVERNANCE_BOUNDARY_DISPUTE_DATE",
            )
        dispute.status = data.status.value
        dispute.resolution, dispute.resolved_date = data.resolution, data.resolved_date
        await self.repository.flush()
        if data.status is DisputeStatus.RESOLVED:
            still_open = (await self.repository.unresolved_counts([line.id])).get(line.id, 0)
            if not still_open:
                line.survey_status = after_disputes_resolved(line.surveyed_date is not None).value
                await self.repository.flush()
        await self.session.commit()
        return dispute_out(dispute, line, await self._names(_codes(line)))

    async def list_disputes(
        self,
        page: PageParams,
        principal: Principal,
        *,
        township: str | None = None,
        status: DisputeStatus | None = None,
    ) -> Page[DisputeOut]:
        conditions: list[ColumnElement[bool]] = [visible_line(principal)]
        if township is not None:
            conditions.append(touches(township))
        if status is not None:
            conditions.append(BoundaryDispute.status == status.value)
        rows, total = await self.repository.page_disputes(
            conditions, limit=page.limit, offset=page.offset
        )
        names = await self._names(c for _, line in rows for c in _codes(line))
        return Page[DisputeOut].of([dispute_out(d, line, names) for d, line in rows], total, page)

    # --- helpers -----------------------------------------------------------

    async def _ensure_townships(self, codes: Collection[str]) -> None:
        found = await self.divisions.get_many(codes)
        for code in codes:
            division = found.get(code)
            if division is None or division.level != AreaLevel.TOWNSHIP.value:
                raise Unprocessable(
                    f"乡镇（街道）代码 {code} 不存在", code="GOVERNANCE_BOUNDARY_TOWNSHIP_UNKNOWN"
                )

    async def _names(self, codes: Iterable[str]) -> Names:
        return {c: d.name for c, d in (await self.divisions.get_many(set(codes))).items()}

    async def _detail(self, line: BoundaryLine) -> BoundaryDetail:
        names = await self._names(_codes(line))
        disputes = await self.repository.disputes(line.id)
        unresolved = sum(1 for d in disputes if d.status != DisputeStatus.RESOLVED)
        return BoundaryDetail(
            **to_out(line, names, unresolved).model_dump(),
            verifications=[
                VerificationOut.model_validate(v)
                for v in await self.repository.verifications(line.id)
            ],
            disputes=[dispute_out(d, line, names) for d in disputes],
        )

    async def _visible(
        self, line_id: uuid.UUID, principal: Principal, *, for_update: bool = False
    ) -> BoundaryLine:
        line = await self.repository.get_line(line_id, for_update=for_update)
        if line is None or not (
            principal.sees_area(line.township_a_code) or principal.sees_area(line.township_b_code)
        ):
            raise line_not_found(line_id)
        return line

    async def _for_change(
        self, line_id: uuid.UUID, principal: Principal, expected_version: int | None
    ) -> BoundaryLine:
        """The line, locked: its status changes, and two changes must not cross."""
        line = await self._visible(line_id, principal, for_update=True)
        if expected_version is not None:
            check_version(line.version, expected_version)
        return line


def _codes(line: BoundaryLine) -> tuple[str, str]:
    return line.township_a_code, line.township_b_code
