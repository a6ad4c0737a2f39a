"""Use cases of orphans and of the orphan allowance standards; each commits once."""

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from civil_shared.auth import Principal
from civil_shared.errors import AppError, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.versioning import check_version
from civil_shared.types import TIANMEN, AreaCode, Period
from civil_welfare.children.orphans.schemas import (
    OrphanCreate,
    OrphanKind,
    OrphanOut,
    OrphanParentState,
    OrphanUpdate,
    Standards,
    check_kind,
)
from civil_welfare.children.orphans.standards import (
    STANDARD_KEYS,
    not_above_warning,
    standard_years,
)
from civil_welfare.children.support.models import ChildSupportCase
from civil_welfare.children.support.schemas import CaseStatus, CaseStatusChange, Scheme
from civil_welfare.children.support.service import (
    PARAMETER_MISSING,
    SupportCases,
    area_forbidden,
    child_fields,
    first_period_checked,
    guardian_of,
    set_guardian,
    values_in_force,
)
from civil_welfare.parameters.by_area import AreaValues
from civil_welfare.parameters.keys import ParameterKey
from civil_welfare.parameters.models import WelfareParameter
from civil_welfare.parameters.service import parameter_value

#: How many years one standards listing may span.
MAX_YEARS = 50


def allowance(case: ChildSupportCase, period: Period, values: AreaValues | None) -> Decimal | None:
    """What ``case`` is paid for ``period``; None outside its months or without a standard."""
    if values is None or case.status == CaseStatus.REVOKED.value:
        return None
    if not case.start_period <= period <= case.end_period or case.orphan_kind is None:
        return None
    return values.for_area(case.area_code)[STANDARD_KEYS[OrphanKind(case.orphan_kind)]]


def to_out(case: ChildSupportCase, today: date, values: AreaValues | None) -> OrphanOut:
    assert case.orphan_kind is not None
    return OrphanOut(
        **child_fields(case, today, allowance(case, Period.of(today), values)),
        kind=OrphanKind(case.orphan_kind),
        institution_name=case.institution_name,
        father_state=OrphanParentState(case.father_state),
        mother_state=OrphanParentState(case.mother_state),
    )


class OrphanService(SupportCases):
    scheme = Scheme.ORPHAN

    async def _values(self, today: date) -> AreaValues | None:
        return await values_in_force(self.session, list(STANDARD_KEYS.values()), today.year)

    async def _out(self, case: ChildSupportCase) -> OrphanOut:
        today = date.today()
        return to_out(case, today, await self._values(today))

    # --- reads ------------------------------------------------------------------

    async def get(self, case_id: uuid.UUID, principal: Principal) -> OrphanOut:
        case = await self.visible(case_id, principal)
        await self.audit_reveal(principal, [case])
        return await self._out(case)

    async def list(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        status: CaseStatus | None = None,
        kind: OrphanKind | None = None,
        q: str | None = None,
        period: Period | None = None,
    ) -> Page[OrphanOut]:
        conditions = self.conditions(
            principal, area_code=area_code, status=status, q=q, period=period
        )
        if kind is not None:
            conditions.append(ChildSupportCase.orphan_kind == kind.value)
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        await self.audit_reveal(principal, items)
        today = date.today()
        values = await self._values(today)
        return Page[OrphanOut].of([to_out(c, today, values) for c in items], total, page)

    # --- writes -----------------------------------------------------------------

    async def create(self, data: OrphanCreate, principal: Principal) -> OrphanOut:
        if not principal.sees_area(data.area_code):
            raise area_forbidden()
        last = first_period_checked(data.id_number, data.assessed_date, data.start_period)
        await self.ensure_free(str(data.id_number), str(data.start_period), str(last))
        case = ChildSupportCase(
            scheme=self.scheme.value,
            id_number=str(data.id_number),
            name=data.name,
            area_code=str(data.area_code),
            father_state=data.father_state.value,
            mother_state=data.mother_state.value,
            orphan_kind=data.kind.value,
            institution_name=data.institution_name,
            other_support_monthly=Decimal("0.00"),
            situation=data.situation,
            assessed_date=data.assessed_date,
            start_period=str(data.start_period),
            end_period=str(last),
            status=CaseStatus.ACTIVE.value,
        )
        set_guardian(case, data.guardian)
        await self.insert(case)
        return await self._out(case)

    async def update(
        self,
        case_id: uuid.UUID,
        patch: OrphanUpdate,
        expected_version: int,
        principal: Principal,
    ) -> OrphanOut:
        case = await self.visible(case_id, principal)
        check_version(case.version, expected_version)
        sent = patch.model_fields_set
        if patch.area_code is not None:
            self.move(case, str(patch.area_code), principal)
        if patch.name is not None:
            case.name = patch.name
        if patch.father_state is not None:
            case.father_state = patch.father_state.value
        if patch.mother_state is not None:
            case.mother_state = patch.mother_state.value
        if "situation" in sent:
            case.situation = patch.situation
        kind = patch.kind or OrphanKind(case.orphan_kind or OrphanKind.SCATTERED)
        institution = (
            patch.institution_name if "institution_name" in sent else case.institution_name
        )
        if kind is OrphanKind.SCATTERED and "institution_name" not in sent:
            institution = None  # leaving the institution drops its name
        guardian = patch.guardian if "guardian" in sent else guardian_of(case)
        try:
            check_kind(kind, institution, guardian)
        except ValueError as exc:
            raise Unprocessable(str(exc), code="WELFARE_ORPHAN_INVALID") from None
        case.orphan_kind, case.institution_name = kind.value, institution
        set_guardian(case, guardian)
        await self.repository.flush()
        out = await self._out(case)
        await self.session.commit()
        return out

    async def change_status(
        self,
        case_id: uuid.UUID,
        change: CaseStatusChange,
        expected_version: int,
        principal: Principal,
    ) -> OrphanOut:
        case = await self.apply_status(case_id, change, expected_version, principal)
        out = await self._out(case)
        await self.session.commit()
        return out

    # --- the standards by year -----------------------------------------------------

    async def standards(
        self, area_code: AreaCode | None, from_year: int | None, to_year: int | None
    ) -> Standards:
        area = str(area_code or TIANMEN)
        keys = list(STANDARD_KEYS.values())
        last = to_year or date.today().year
        first = from_year
        if first is None:
            first = await self.session.scalar(
                select(func.min(WelfareParameter.year)).where(
                    WelfareParameter.key.in_([k.value for k in keys])
                )
            )
        if first is None:
            return Standards(area_code=AreaCode(area), years=[], warnings=[])
        if first > last or last - first >= MAX_YEARS:
            raise Unprocessable(
                f"年度范围应从小到大且不超过 {MAX_YEARS} 年", code="WELFARE_YEAR_RANGE_INVALID"
            )
        scattered, institution = keys
        found: dict[int, tuple[Decimal | None, Decimal | None]] = {}
        for year in range(first, last + 1):
            found[year] = (
                await self._standard(scattered, year, area),
                await self._standard(institution, year, area),
            )
        years = standard_years(found)
        warnings = [
            not_above_warning(y.year, y.scattered, y.institution, f"区域 {area} ")
            for y in years
            if y.institution_above_scattered is False
            and y.scattered is not None
            and y.institution is not None
        ]
        return Standards(area_code=AreaCode(area), years=years, warnings=warnings)

    async def _standard(self, key: ParameterKey, year: int, area: str) -> Decimal | None:
        try:
            return await parameter_value(self.session, key, year, area)
        except AppError as exc:
            if exc.code == PARAMETER_MISSING:
                return None
            raise
