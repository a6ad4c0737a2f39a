"""Use cases of de facto unsupported children; each commits once.

Qualification is the pure rule of :mod:`.qualification`, applied on the assessment
day with the ``parent_missing_min_months`` parameter of that year and village. The
allowance is the scattered-orphan standard minus what the child already gets
(``other_support_monthly``), never below zero. There is no public-notice step.
"""

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.auth import Principal
from civil_shared.errors import Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.versioning import check_version
from civil_shared.types import TIANMEN, DisabilityCategory, IdNumber, Period
from civil_welfare.children.support.models import ChildSupportCase
from civil_welfare.children.support.schemas import CaseStatus, CaseStatusChange, Scheme
from civil_welfare.children.support.service import (
    SupportCases,
    area_forbidden,
    child_fields,
    first_period_checked,
    set_guardian,
    values_in_force,
)
from civil_welfare.children.unsupported.qualification import Outcome, ParentState, qualify
from civil_welfare.children.unsupported.schemas import (
    Parent,
    QualificationCheck,
    QualificationOut,
    UnsupportedCreate,
    UnsupportedOut,
    UnsupportedUpdate,
)
from civil_welfare.parameters.by_area import AreaValues
from civil_welfare.parameters.keys import ParameterKey
from civil_welfare.parameters.service import parameter_value

STANDARD = ParameterKey.ORPHAN_SCATTERED_ALLOWANCE
MIN_MONTHS = ParameterKey.PARENT_MISSING_MIN_MONTHS


def top_up(standard: Decimal, other_support: Decimal) -> Decimal:
    """The allowance: the scattered-orphan standard minus what the child already gets."""
    return max(standard - other_support, Decimal("0.00"))


def parent_of(case: ChildSupportCase, which: str) -> Parent:
    category = getattr(case, f"{which}_disability_category")
    return Parent(
        state=ParentState(getattr(case, f"{which}_state")),
        disability_category=DisabilityCategory(category) if category else None,
        disability_grade=getattr(case, f"{which}_disability_grade"),
        out_of_contact_since=getattr(case, f"{which}_out_of_contact_since"),
    )


def set_parent(case: ChildSupportCase, which: str, parent: Parent) -> None:
    setattr(case, f"{which}_state", parent.state.value)
    category = parent.disability_category
    setattr(case, f"{which}_disability_category", category.value if category else None)
    setattr(case, f"{which}_disability_grade", parent.disability_grade)
    setattr(case, f"{which}_out_of_contact_since", parent.out_of_contact_since)


def allowance(case: ChildSupportCase, period: Period, values: AreaValues | None) -> Decimal | None:
    if values is None or case.status == CaseStatus.REVOKED.value:
        return None
    if not case.start_period <= period <= case.end_period:
        return None
    return top_up(values.for_area(case.area_code)[STANDARD], case.other_support_monthly)


class UnsupportedChildService(SupportCases):
    scheme = Scheme.DE_FACTO_UNSUPPORTED

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._min_months: dict[tuple[int, str], int] = {}

    # --- the rule ---------------------------------------------------------------

    async def qualification(
        self, father: Parent, mother: Parent, on: date, area_code: str
    ) -> QualificationOut:
        months = self._min_months.get((on.year, area_code))
        if months is None:
            value = await parameter_value(self.session, MIN_MONTHS, on.year, area_code)
            months = self._min_months[(on.year, area_code)] = int(value)
        result = qualify(father.situation(), mother.situation(), on, months)
        return QualificationOut(
            outcome=result.outcome,
            qualifies=result.qualifies,
            father_unable=result.father_unable,
            mother_unable=result.mother_unable,
            reasons=list(result.reasons),
            assessed_on=on,
            parent_missing_min_months=months,
        )

    async def check(self, data: QualificationCheck) -> QualificationOut:
        return await self.qualification(
            data.father, data.mother, data.on or date.today(), str(data.area_code or TIANMEN)
        )

    async def _qualified(
        self, father: Parent, mother: Parent, on: date, area_code: str
    ) -> QualificationOut:
        result = await self.qualification(father, mother, on, area_code)
        if result.outcome is Outcome.ORPHAN:
            raise Unprocessable(
                "父母均死亡或失踪：该儿童属孤儿，请按孤儿登记",
                code="WELFARE_UNSUPPORTED_CHILD_IS_ORPHAN",
                reasons=result.reasons,
            )
        if not result.qualifies:
            raise Unprocessable(
                "不符合事实无人抚养儿童认定条件：" + "；".join(result.reasons),
                code="WELFARE_UNSUPPORTED_CHILD_NOT_QUALIFIED",
                reasons=result.reasons,
            )
        return result

    # --- reads ------------------------------------------------------------------

    async def _values(self, today: date) -> AreaValues | None:
        return await values_in_force(self.session, [STANDARD], today.year)

    async def to_out(
        self, case: ChildSupportCase, today: date, values: AreaValues | None
    ) -> UnsupportedOut:
        father, mother = parent_of(case, "father"), parent_of(case, "mother")
        return UnsupportedOut(
            **child_fields(case, today, allowance(case, Period.of(today), values)),
            father=father,
            mother=mother,
            other_support_monthly=case.other_support_monthly,
            other_support_note=case.other_support_note,
            qualification=await self.qualification(
                father, mother, case.assessed_date, case.area_code
            ),
        )

    async def _out(self, case: ChildSupportCase) -> UnsupportedOut:
        today = date.today()
        return await self.to_out(case, today, await self._values(today))

    async def get(self, case_id: uuid.UUID, principal: Principal) -> UnsupportedOut:
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
        q: str | None = None,
        period: Period | None = None,
    ) -> Page[UnsupportedOut]:
        conditions = self.conditions(
            principal, area_code=area_code, status=status, q=q, period=period
        )
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        await self.audit_reveal(principal, items)
        today = date.today()
        values = await self._values(today)
        return Page[UnsupportedOut].of(
            [await self.to_out(c, today, values) for c in items], total, page
        )

    # --- writes -----------------------------------------------------------------

    async def create(self, data: UnsupportedCreate, principal: Principal) -> UnsupportedOut:
        if not principal.sees_area(data.area_code):
            raise area_forbidden()
        last = first_period_checked(data.id_number, data.assessed_date, data.start_period)
        await self._qualified(data.father, data.mother, data.assessed_date, str(data.area_code))
        await self.ensure_free(str(data.id_number), str(data.start_period), str(last))
        case = ChildSupportCase(
            scheme=self.scheme.value,
            id_number=str(data.id_number),
            name=data.name,
            area_code=str(data.area_code),
            other_support_monthly=data.other_support_monthly,
            other_support_note=data.other_support_note,
            situation=data.situation,
            assessed_date=data.assessed_date,
            start_period=str(data.start_period),
            end_period=str(last),
            status=CaseStatus.ACTIVE.value,
        )
        set_parent(case, "father", data.father)
        set_parent(case, "mother", data.mother)
        set_guardian(case, data.guardian)
        await self.insert(case)
        return await self._out(case)

    async def update(
        self,
        case_id: uuid.UUID,
        patch: UnsupportedUpdate,
        expected_version: int,
        principal: Principal,
    ) -> UnsupportedOut:
        case = await self.visible(case_id, principal)
        check_version(case.version, expected_version)
        sent = patch.model_fields_set
        if patch.area_code is not None:
            self.move(case, str(patch.area_code), principal)
        if patch.name is not None:
            case.name = patch.name
        if patch.guardian is not None:
            set_guardian(case, patch.guardian)
        if patch.other_support_monthly is not None:
            case.other_support_monthly = patch.other_support_monthly
        for field in ("other_support_note", "situation"):
            if field in sent:
                setattr(case, field, getattr(patch, field))
        if sent & {"father", "mother", "assessed_date"}:
            father = patch.father or parent_of(case, "father")
            mother = patch.mother or parent_of(case, "mother")
            on = patch.assessed_date or case.assessed_date
            first_period_checked(IdNumber(case.id_number), on, Period(case.start_period))
            await self._qualified(father, mother, on, case.area_code)
            set_parent(case, "father", father)
            set_parent(case, "mother", mother)
            case.assessed_date = on
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
    ) -> UnsupportedOut:
        case = await self.apply_status(case_id, change, expected_version, principal)
        out = await self._out(case)
        await self.session.commit()
        return out
