"""Use cases of the register, its inspections and the illegal-organisation cases;
each commits exactly once."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.organisations.areas import outside_areas, township_scope, unknown_township
from civil_governance.organisations.models import (
    IllegalOrganisationCase,
    OrganisationInspection,
    SocialOrganisation,
)
from civil_governance.organisations.repository import (
    CaseRepository,
    OrganisationRepository,
    inspected,
    name_or_credit_code,
)
from civil_governance.organisations.rules import (
    TRANSITIONS,
    check_credit_code,
    check_inspection_year,
    is_terminated,
    next_status,
)
from civil_governance.organisations.schemas import (
    CaseClose,
    CaseFields,
    CaseOut,
    CaseOutcome,
    CaseSource,
    InspectionCreate,
    InspectionFields,
    InspectionOut,
    InspectionResult,
    OrganisationFields,
    OrganisationOut,
    OrgStatus,
    StatusChange,
)
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.scoping import ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, CreditCode, SocialOrgType

# --- problems ------------------------------------------------------------------


def organisation_not_found(organisation_id: uuid.UUID) -> NotFound:
    return NotFound(f"社会组织 {organisation_id} 不存在", code="GOVERNANCE_ORG_NOT_FOUND")


def case_not_found(case_id: uuid.UUID) -> NotFound:
    return NotFound(f"非法社会组织案件 {case_id} 不存在", code="GOVERNANCE_ILLEGAL_CASE_NOT_FOUND")


def inspection_not_found(year: int) -> NotFound:
    return NotFound(f"该组织没有 {year} 年度的年检记录", code="GOVERNANCE_ORG_INSPECTION_NOT_FOUND")


def name_taken(name: str, holder: SocialOrganisation | None = None) -> Conflict:
    extra: dict[str, Any] = (
        {"conflicting_organisation_id": str(holder.id)} if holder is not None else {}
    )
    return Conflict(
        f"名称“{name}”已被在册（正常或停止活动）的社会组织使用",
        code="GOVERNANCE_ORG_NAME_TAKEN",
        **extra,
    )


def credit_code_taken(code: str, holder: SocialOrganisation | None = None) -> Conflict:
    extra: dict[str, Any] = (
        {"conflicting_organisation_id": str(holder.id)} if holder is not None else {}
    )
    return Conflict(
        f"统一社会信用代码 {code} 已登记", code="GOVERNANCE_ORG_CREDIT_CODE_TAKEN", **extra
    )


#: The race the duplicate checks cannot see: a concurrent registration won.
REGISTRATION_RACE = Conflict(
    "名称或统一社会信用代码刚被其他登记使用，请刷新后重试", code="GOVERNANCE_ORG_NAME_TAKEN"
)


# --- output ----------------------------------------------------------------------


def to_out(
    organisation: SocialOrganisation,
    last_year: int | None = None,
    last_result: str | None = None,
) -> OrganisationOut:
    org_type = SocialOrgType(organisation.org_type)
    status = OrgStatus(organisation.status)
    return OrganisationOut(
        id=organisation.id,
        name=organisation.name,
        org_type=org_type,
        org_type_label=org_type.label,
        credit_code=CreditCode(organisation.credit_code),
        registration_date=organisation.registration_date,
        registering_authority=organisation.registering_authority,
        township_code=AreaCode(organisation.township_code) if organisation.township_code else None,
        legal_representative=organisation.legal_representative,
        address=organisation.address,
        business_scope=organisation.business_scope,
        status=status,
        status_date=organisation.status_date,
        status_reason=organisation.status_reason,
        allowed_statuses=list(TRANSITIONS[status]),
        last_inspection_year=last_year,
        last_inspection_result=InspectionResult(last_result) if last_result else None,
        version=organisation.version,
    )


def inspection_out(inspection: OrganisationInspection) -> InspectionOut:
    return InspectionOut(
        id=inspection.id,
        organisation_id=inspection.organisation_id,
        year=inspection.year,
        result=InspectionResult(inspection.result),
        inspected_date=inspection.inspected_date,
        notes=inspection.notes,
        version=inspection.version,
    )


def case_out(case: IllegalOrganisationCase) -> CaseOut:
    return CaseOut(
        id=case.id,
        name=case.name,
        source=CaseSource(case.source),
        source_detail=case.source_detail,
        opened_date=case.opened_date,
        township_code=AreaCode(case.township_code) if case.township_code else None,
        activities=case.activities,
        investigation_notes=case.investigation_notes,
        outcome=CaseOutcome(case.outcome) if case.outcome else None,
        outcome_date=case.outcome_date,
        outcome_notes=case.outcome_notes,
        closed=case.outcome is not None,
        version=case.version,
    )


# --- the register --------------------------------------------------------------


class OrganisationService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = OrganisationRepository(session)

    async def register(self, data: OrganisationFields, principal: Principal) -> OrganisationOut:
        await self._check_fields(data, principal)
        organisation = SocialOrganisation(status=OrgStatus.ACTIVE.value)
        _apply(organisation, data)
        async with unique_or_conflict(self.session, REGISTRATION_RACE):
            await self.repository.add(organisation)
            await self.session.commit()
        return to_out(organisation)

    async def update(
        self,
        organisation_id: uuid.UUID,
        data: OrganisationFields,
        expected_version: int,
        principal: Principal,
    ) -> OrganisationOut:
        organisation = await self._visible(organisation_id, principal)
        check_version(organisation.version, expected_version)
        if is_terminated(OrgStatus(organisation.status)):
            raise Conflict(
                f"该社会组织已{OrgStatus(organisation.status).label}，登记信息不能再修改",
                code="GOVERNANCE_ORG_TERMINATED",
            )
        if (
            organisation.status_date is not None
            and data.registration_date > organisation.status_date
        ):
            raise Unprocessable("登记日期不能晚于最近一次状态变更日期", code="GOVERNANCE_ORG_DATES")
        await self._check_fields(data, principal, besides=organisation.id)
        _apply(organisation, data)
        async with unique_or_conflict(self.session, REGISTRATION_RACE):
            await self.repository.flush()
            await self.session.commit()
        return await self._out(organisation)

    async def change_status(
        self,
        organisation_id: uuid.UUID,
        change: StatusChange,
        expected_version: int,
        principal: Principal,
    ) -> OrganisationOut:
        organisation = await self._visible(organisation_id, principal, for_update=True)
        check_version(organisation.version, expected_version)
        status = next_status(OrgStatus(organisation.status), change.status)
        if change.effective_date < organisation.registration_date:
            raise Unprocessable("状态变更日期不能早于登记日期", code="GOVERNANCE_ORG_DATES")
        if (
            organisation.status_date is not None
            and change.effective_date < organisation.status_date
        ):
            raise Unprocessable(
                f"状态变更日期不能早于上一次变更日期 {organisation.status_date}",
                code="GOVERNANCE_ORG_DATES",
            )
        # A suspended organisation keeps its name, so a return to active cannot clash.
        organisation.status = status.value
        organisation.status_date = change.effective_date
        organisation.status_reason = change.reason
        await self.repository.flush()
        await self.session.commit()
        return await self._out(organisation)

    async def get(self, organisation_id: uuid.UUID, principal: Principal) -> OrganisationOut:
        return await self._out(await self._visible(organisation_id, principal))

    async def find(
        self,
        page: PageParams,
        principal: Principal,
        *,
        org_type: SocialOrgType | None = None,
        status: OrgStatus | None = None,
        area_code: str | None = None,
        q: str | None = None,
        inspection_year: int | None = None,
        inspection_result: InspectionResult | None = None,
    ) -> Page[OrganisationOut]:
        conditions: list[ColumnElement[bool]] = [
            township_scope(SocialOrganisation.township_code, principal)
        ]
        if org_type is not None:
            conditions.append(SocialOrganisation.org_type == org_type.value)
        if status is not None:
            conditions.append(SocialOrganisation.status == status.value)
        if area_code is not None:
            conditions.append(
                SocialOrganisation.township_code.startswith(area_code, autoescape=True)
            )
        if q is not None and q.strip():
            conditions.append(name_or_credit_code(q))
        if inspection_year is not None:
            conditions.append(inspected(inspection_year, inspection_result))
        elif inspection_result is not None:
            raise Unprocessable(
                "按年检结论查询时须同时给出年检年度", code="GOVERNANCE_ORG_INSPECTION_YEAR_REQUIRED"
            )
        rows, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[OrganisationOut].of([to_out(o, y, r) for o, y, r in rows], total, page)

    # --- inspections ---------------------------------------------------------

    async def add_inspection(
        self, organisation_id: uuid.UUID, data: InspectionCreate, principal: Principal
    ) -> InspectionOut:
        organisation = await self._visible(organisation_id, principal)
        check_inspection_year(
            data.year,
            registration_date=organisation.registration_date,
            status=OrgStatus(organisation.status),
            status_date=organisation.status_date,
            today=date.today(),
        )
        existing = await self.repository.inspection(organisation.id, data.year)
        exists = Conflict(
            f"该组织 {data.year} 年度的年检已登记；如需更正请修改该记录",
            code="GOVERNANCE_ORG_INSPECTION_EXISTS",
        )
        if existing is not None:
            raise exists
        inspection = OrganisationInspection(
            organisation_id=organisation.id,
            year=data.year,
            result=data.result.value,
            inspected_date=data.inspected_date,
            notes=data.notes,
        )
        async with unique_or_conflict(self.session, exists):
            await self.repository.add(inspection)
            await self.session.commit()
        return inspection_out(inspection)

    async def update_inspection(
        self,
        organisation_id: uuid.UUID,
        year: int,
        data: InspectionFields,
        expected_version: int,
        principal: Principal,
    ) -> InspectionOut:
        organisation = await self._visible(organisation_id, principal)
        inspection = await self.repository.inspection(organisation.id, year)
        if inspection is None:
            raise inspection_not_found(year)
        check_version(inspection.version, expected_version)
        inspection.result = data.result.value
        inspection.inspected_date = data.inspected_date
        inspection.notes = data.notes
        await self.repository.flush()
        await self.session.commit()
        return inspection_out(inspection)

    async def inspection(
        self, organisation_id: uuid.UUID, year: int, principal: Principal
    ) -> InspectionOut:
        organisation = await self._visible(organisation_id, principal)
        inspection = await self.repository.inspection(organisation.id, year)
        if inspection is None:
            raise inspection_not_found(year)
        return inspection_out(inspection)

    async def inspections(
        self, organisation_id: uuid.UUID, principal: Principal
    ) -> list[InspectionOut]:
        organisation = await self._visible(organisation_id, principal)
        return [inspection_out(i) for i in await self.repository.inspections(organisation.id)]

    # --- helpers -------------------------------------------------------------

    async def _check_fields(
        self,
        data: OrganisationFields,
        principal: Principal,
        *,
        besides: uuid.UUID | None = None,
    ) -> None:
        if not principal.sees_area(data.township_code):
            raise outside_areas()
        check_credit_code(data.credit_code, data.org_type)
        if data.township_code is not None and not await self.repository.township_exists(
            data.township_code
        ):
            raise unknown_township(data.township_code)
        holder = await self.repository.with_credit_code(str(data.credit_code), besides=besides)
        if holder is not None:
            raise credit_code_taken(data.credit_code, holder)
        holder = await self.repository.holding_name(data.name, besides=besides)
        if holder is not None:
            raise name_taken(data.name, holder)

    async def _out(self, organisation: SocialOrganisation) -> OrganisationOut:
        latest = await self.repository.latest_inspection(organisation.id)
        if latest is None:
            return to_out(organisation)
        return to_out(organisation, latest.year, latest.result)

    async def _visible(
        self, organisation_id: uuid.UUID, principal: Principal, *, for_update: bool = False
    ) -> SocialOrganisation:
        organisation = await self.repository.get(organisation_id, for_update=for_update)
        missing = organisation_not_found(organisation_id)
        if organisation is None:
            raise missing
        ensure_visible(principal, organisation.township_code, missing)
        return organisation


def _apply(organisation: SocialOrganisation, data: OrganisationFields) -> None:
    organisation.name = data.name
    organisation.org_type = data.org_type.value
    organisation.credit_code = str(data.credit_code)
    organisation.registration_date = data.registration_date
    organisation.registering_authority = data.registering_authority
    organisation.township_code = str(data.township_code) if data.township_code else None
    organisation.legal_representative = data.legal_representative
    organisation.address = data.address
    organisation.business_scope = data.business_scope


# --- cases against illegal organisations ------------------------------------


class CaseService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = CaseRepository(session)

    async def open(self, data: CaseFields, principal: Principal) -> CaseOut:
        await self._check_area(data.township_code, principal)
        case = IllegalOrganisationCase()
        _apply_case(case, data)
        await self.repository.add(case)
        await self.session.commit()
        return case_out(case)

    async def update(
        self, case_id: uuid.UUID, data: CaseFields, expected_version: int, principal: Principal
    ) -> CaseOut:
        case = await self._visible(case_id, principal)
        check_version(case.version, expected_version)
        self._ensure_open(case)
        await self._check_area(data.township_code, principal)
        _apply_case(case, data)
        await self.repository.flush()
        await self.session.commit()
        return case_out(case)

    async def close(
        self, case_id: uuid.UUID, data: CaseClose, expected_version: int, principal: Principal
    ) -> CaseOut:
        case = await self._visible(case_id, principal, for_update=True)
        check_version(case.version, expected_version)
        self._ensure_open(case)
        if data.outcome_date < case.opened_date:
            raise Unprocessable("处理日期不能早于立案日期", code="GOVERNANCE_ILLEGAL_CASE_DATES")
        case.outcome = data.outcome.value
        case.outcome_date = data.outcome_date
        case.outcome_notes = data.outcome_notes
        await self.repository.flush()
        await self.session.commit()
        return case_out(case)

    async def get(self, case_id: uuid.UUID, principal: Principal) -> CaseOut:
        return case_out(await self._visible(case_id, principal))

    async def find(
        self,
        page: PageParams,
        principal: Principal,
        *,
        source: CaseSource | None = None,
        outcome: CaseOutcome | None = None,
        closed: bool | None = None,
        closed_year: int | None = None,
        area_code: str | None = None,
        q: str | None = None,
    ) -> Page[CaseOut]:
        model = IllegalOrganisationCase
        conditions: list[ColumnElement[bool]] = [township_scope(model.township_code, principal)]
        if source is not None:
            conditions.append(model.source == source.value)
        if outcome is not None:
            conditions.append(model.outcome == outcome.value)
        if closed is not None:
            conditions.append(model.outcome.is_not(None) if closed else model.outcome.is_(None))
        if closed_year is not None:
            conditions.append(
                (model.outcome_date >= date(closed_year, 1, 1))
                & (model.outcome_date < date(closed_year + 1, 1, 1))
            )
        if area_code is not None:
            conditions.append(model.township_code.startswith(area_code, autoescape=True))
        if q is not None and q.strip():
            conditions.append(model.name.contains(q.strip(), autoescape=True))
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[CaseOut].of([case_out(c) for c in items], total, page)

    async def _check_area(self, township_code: AreaCode | None, principal: Principal) -> None:
        if not principal.sees_area(township_code):
            raise outside_areas()
        if township_code is not None and not await self.repository.township_exists(township_code):
            raise unknown_township(township_code)

    @staticmethod
    def _ensure_open(case: IllegalOrganisationCase) -> None:
        if case.outcome is not None:
            raise Conflict(
                f"该案件已于 {case.outcome_date} 结案，不能再修改",
                code="GOVERNANCE_ILLEGAL_CASE_CLOSED",
                allowed=[],
            )

    async def _visible(
        self, case_id: uuid.UUID, principal: Principal, *, for_update: bool = False
    ) -> IllegalOrganisationCase:
        case = await self.repository.get(case_id, for_update=for_update)
        missing = case_not_found(case_id)
        if case is None:
            raise missing
        ensure_visible(principal, case.township_code, missing)
        return case


def _apply_case(case: IllegalOrganisationCase, data: CaseFields) -> None:
    case.name = data.name
    case.source = data.source.value
    case.source_detail = data.source_detail
    case.opened_date = data.opened_date
    case.township_code = str(data.township_code) if data.township_code else None
    case.activities = data.activities
    case.investigation_notes = data.investigation_notes
