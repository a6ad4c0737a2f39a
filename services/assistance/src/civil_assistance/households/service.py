"""Use cases of households and their members; each commits exactly once."""

import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.db import AuditEvent
from civil_assistance.households.enums import (
    EmploymentStatus,
    IncomeKind,
    IncomeStability,
    PropertyKind,
    Relation,
    ResidenceType,
)
from civil_assistance.households.income import age_of, income_per_person, living_members
from civil_assistance.households.models import (
    Household,
    HouseholdMember,
    HouseholdProperty,
    MemberIncome,
)
from civil_assistance.households.repository import (
    HouseholdRepository,
    in_enrolment,
    name_or_id_number,
)
from civil_assistance.households.schemas import (
    HouseholdCreate,
    HouseholdFields,
    HouseholdOut,
    IncomeIn,
    IncomeOut,
    MemberIn,
    MemberOut,
    MemberPatch,
    PropertyIn,
    PropertyOut,
    check_death_date,
    check_disability,
)
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.audit import AuditAction, record_event
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, DisabilityCategory, IdNumber

FOREIGN_KEY_VIOLATION = "23503"


def household_not_found(household_id: uuid.UUID) -> NotFound:
    return NotFound(f"家庭 {household_id} 不存在", code="ASSISTANCE_HOUSEHOLD_NOT_FOUND")


def outside_areas() -> Forbidden:
    return Forbidden("不能在管辖区域以外登记家庭", code="ASSISTANCE_AREA_FORBIDDEN")


def in_other_household(id_number: str, household_id: uuid.UUID) -> Conflict:
    return Conflict(
        f"身份证号 {IdNumber(id_number).masked} 已是其他家庭的成员，一人只能属于一个家庭",
        code="ASSISTANCE_PERSON_IN_OTHER_HOUSEHOLD",
        household_id=str(household_id),
    )


#: The race a duplicate check cannot see: another request claimed the person first.
RACE = Conflict(
    "该人员刚被登记到其他家庭，或户主已存在，请刷新后重试",
    code="ASSISTANCE_PERSON_IN_OTHER_HOUSEHOLD",
)


def to_out(household: Household, today: date | None = None) -> HouseholdOut:
    on = today or date.today()
    return HouseholdOut(
        id=household.id,
        area_code=AreaCode(household.area_code),
        address=household.address,
        residence_type=ResidenceType(household.residence_type),
        income_stability=IncomeStability(household.income_stability),
        in_poverty_alleviation=household.in_poverty_alleviation,
        member_count=len(living_members(household.members, on)),
        income_per_person=income_per_person(household.members, on),
        members=[_member_out(m, on) for m in _head_first(household.members)],
        properties=[
            PropertyOut(
                id=p.id, kind=PropertyKind(p.kind), description=p.description, value=p.value
            )
            for p in household.properties
        ],
        version=household.version,
    )


_KIND_ORDER = {kind.value: index for index, kind in enumerate(IncomeKind)}


def _head_first(members: Iterable[HouseholdMember]) -> list[HouseholdMember]:
    return sorted(members, key=lambda m: (m.relation != Relation.HEAD, m.id_number))


def _member_out(member: HouseholdMember, on: date) -> MemberOut:
    id_number = IdNumber(member.id_number)
    return MemberOut(
        id=member.id,
        id_number=id_number,
        name=member.name,
        sex=id_number.sex,
        age=age_of(member, on),
        relation=Relation(member.relation),
        employment_status=EmploymentStatus(member.employment_status),
        phone=member.phone,
        disability_category=(
            DisabilityCategory(member.disability_category) if member.disability_category else None
        ),
        disability_grade=member.disability_grade,
        death_date=member.death_date,
        incomes=[
            IncomeOut(
                kind=IncomeKind(i.kind),
                monthly_amount=i.monthly_amount,
                counted=IncomeKind(i.kind).counted,
            )
            for i in sorted(member.incomes, key=lambda i: _KIND_ORDER[i.kind])
        ],
    )


def _new_member(data: MemberIn) -> HouseholdMember:
    return HouseholdMember(
        id_number=str(data.id_number),
        name=data.name,
        relation=data.relation.value,
        employment_status=data.employment_status.value,
        phone=data.phone,
        disability_category=data.disability_category.value if data.disability_category else None,
        disability_grade=data.disability_grade,
        death_date=data.death_date,
        incomes=[
            MemberIncome(kind=i.kind.value, monthly_amount=i.monthly_amount) for i in data.incomes
        ],
    )


def _new_property(data: PropertyIn) -> HouseholdProperty:
    return HouseholdProperty(kind=data.kind.value, description=data.description, value=data.value)


def _replace_incomes(member: HouseholdMember, incomes: list[IncomeIn]) -> None:
    # Reconciled by kind: replacing the collection would INSERT a kind before
    # DELETEing its old row and trip the (member, kind) unique constraint.
    wanted = {i.kind.value: i.monthly_amount for i in incomes}
    for income in list(member.incomes):
        if income.kind in wanted:
            income.monthly_amount = wanted.pop(income.kind)
        else:
            member.incomes.remove(income)
    member.incomes.extend(MemberIncome(kind=k, monthly_amount=v) for k, v in wanted.items())


def _touch(household: Household) -> None:
    """Force an UPDATE of the household row: its version moves and is checked."""
    household.updated_at = func.now()


class HouseholdService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = HouseholdRepository(session)

    # --- reads -------------------------------------------------------------

    async def get(self, household_id: uuid.UUID, principal: Principal) -> HouseholdOut:
        household = await self._visible(household_id, principal)
        await self._audit_reveal(principal, [household])
        return to_out(household)

    async def list_households(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        residence_type: ResidenceType | None = None,
        q: str | None = None,
        programme: str | None = None,
        status: str | None = None,
    ) -> Page[HouseholdOut]:
        conditions: list[ColumnElement[bool]] = [area_condition(Household.area_code, principal)]
        if area_code is not None:
            conditions.append(Household.area_code.startswith(area_code, autoescape=True))
        if residence_type is not None:
            conditions.append(Household.residence_type == residence_type.value)
        if q is not None and q.strip():
            conditions.append(name_or_id_number(q))
        if programme is not None or status is not None:
            conditions.append(in_enrolment(programme, status))
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        await self._audit_reveal(principal, items)
        today = date.today()
        return Page[HouseholdOut].of([to_out(h, today) for h in items], total, page)

    # --- the household -----------------------------------------------------

    async def create(self, data: HouseholdCreate, principal: Principal) -> HouseholdOut:
        if not principal.sees_area(data.area_code):
            raise outside_areas()
        await self._ensure_in_no_other_household([m.id_number for m in data.members])
        household = Household(
            area_code=str(data.area_code),
            address=data.address,
            residence_type=data.residence_type.value,
            income_stability=data.income_stability.value,
            in_poverty_alleviation=data.in_poverty_alleviation,
            members=[_new_member(m) for m in data.members],
            properties=[_new_property(p) for p in data.properties],
        )
        async with unique_or_conflict(self.session, RACE):
            await self.repository.add(household)
            await self.session.commit()
        return to_out(household)

    async def update(
        self,
        household_id: uuid.UUID,
        data: HouseholdFields,
        expected_version: int,
        principal: Principal,
    ) -> HouseholdOut:
        household = await self._visible(household_id, principal)
        check_version(household.version, expected_version)
        if not principal.sees_area(data.area_code):
            raise outside_areas()
        household.area_code = str(data.area_code)
        household.address = data.address
        household.residence_type = data.residence_type.value
        household.income_stability = data.income_stability.value
        household.in_poverty_alleviation = data.in_poverty_alleviation
        household.properties = [_new_property(p) for p in data.properties]
        _touch(household)
        await self.repository.flush()
        await self.session.commit()
        return to_out(household)

    async def delete(
        self, household_id: uuid.UUID, expected_version: int, principal: Principal
    ) -> None:
        household = await self._visible(household_id, principal)
        check_version(household.version, expected_version)
        if await self.repository.is_enrolled(household.id):
            raise Conflict(
                "该家庭正在享受救助，须先终止保障再删除",
                code="ASSISTANCE_HOUSEHOLD_ENROLLED",
            )
        kept = Conflict(
            "该家庭有救助申请或保障记录，须留存备查，不能删除",
            code="ASSISTANCE_HOUSEHOLD_HAS_RECORDS",
        )
        if await self.repository.has_records(household.id):
            raise kept
        try:
            await self.repository.delete(household)
        except IntegrityError as exc:
            # An application or enrolment naming it was made since the check above.
            await self.session.rollback()
            if getattr(exc.orig, "sqlstate", None) == FOREIGN_KEY_VIOLATION:
                raise kept from exc
            raise
        await self.session.commit()

    # --- members -----------------------------------------------------------

    async def add_member(
        self,
        household_id: uuid.UUID,
        data: MemberIn,
        expected_version: int,
        principal: Principal,
    ) -> HouseholdOut:
        household = await self._visible(household_id, principal)
        check_version(household.version, expected_version)
        if any(m.id_number == data.id_number for m in household.members):
            raise Conflict(
                f"身份证号 {data.id_number.masked} 已是本户成员", code="ASSISTANCE_MEMBER_EXISTS"
            )
        if data.relation is Relation.HEAD:
            raise Conflict(
                "本户已有户主；如需更换户主，请修改成员的与户主关系",
                code="ASSISTANCE_HOUSEHOLD_HEAD_EXISTS",
            )
        await self._ensure_in_no_other_household([data.id_number], besides=household.id)
        household.members.append(_new_member(data))
        _touch(household)
        async with unique_or_conflict(self.session, RACE):
            await self.repository.flush()
            await self.session.commit()
        return to_out(household)

    async def update_member(
        self,
        household_id: uuid.UUID,
        member_id: uuid.UUID,
        patch: MemberPatch,
        expected_version: int,
        principal: Principal,
    ) -> HouseholdOut:
        household = await self._visible(household_id, principal)
        check_version(household.version, expected_version)
        member = self._member(household, member_id)
        sent = patch.model_fields_set
        for field in ("name", "phone", "disability_grade", "death_date"):
            if field in sent:
                setattr(member, field, getattr(patch, field))
        if "employment_status" in sent and patch.employment_status is not None:
            member.employment_status = patch.employment_status.value
        if "disability_category" in sent:
            category = patch.disability_category
            member.disability_category = category.value if category else None
        self._check_member(member)
        if patch.incomes is not None:
            _replace_incomes(member, patch.incomes)
        _touch(household)
        async with unique_or_conflict(self.session, RACE):
            await self._change_relation(household, member, patch)
            await self.repository.flush()
            await self.session.commit()
        return to_out(household)

    async def remove_member(
        self,
        household_id: uuid.UUID,
        member_id: uuid.UUID,
        expected_version: int,
        principal: Principal,
    ) -> HouseholdOut:
        household = await self._visible(household_id, principal)
        check_version(household.version, expected_version)
        member = self._member(household, member_id)
        if member.relation == Relation.HEAD:
            raise head_required()
        household.members.remove(member)
        _touch(household)
        await self.repository.flush()
        await self.session.commit()
        return to_out(household)

    # --- helpers -----------------------------------------------------------

    async def _change_relation(
        self, household: Household, member: HouseholdMember, patch: MemberPatch
    ) -> None:
        """Apply a new relation, keeping exactly one head.

        Making a member the head demotes the present head in the same request;
        the demotion is flushed first, the one-head index is checked row by row.
        """
        new = patch.relation
        if new is None or new.value == member.relation:
            if patch.former_head_relation is not None:
                raise Unprocessable(
                    "仅在把成员设为户主时填写原户主的新关系",
                    code="ASSISTANCE_FORMER_HEAD_RELATION_UNEXPECTED",
                )
            return
        if member.relation == Relation.HEAD:
            raise head_required()
        if new is Relation.HEAD:
            if patch.former_head_relation is None:
                raise Unprocessable(
                    "更换户主时须填写原户主的新关系（former_head_relation）",
                    code="ASSISTANCE_FORMER_HEAD_RELATION_REQUIRED",
                )
            for other in household.members:
                if other.relation == Relation.HEAD:
                    other.relation = patch.former_head_relation.value
            await self.repository.flush()
        member.relation = new.value

    @staticmethod
    def _check_member(member: HouseholdMember) -> None:
        try:
            check_disability(
                DisabilityCategory(member.disability_category)
                if member.disability_category
                else None,
                member.disability_grade,
            )
            check_death_date(IdNumber(member.id_number), member.death_date)
        except ValueError as exc:
            raise Unprocessable(str(exc), code="ASSISTANCE_MEMBER_INVALID") from None

    @staticmethod
    def _member(household: Household, member_id: uuid.UUID) -> HouseholdMember:
        for member in household.members:
            if member.id == member_id:
                return member
        raise NotFound(f"成员 {member_id} 不在该家庭中", code="ASSISTANCE_MEMBER_NOT_FOUND")

    async def _ensure_in_no_other_household(
        self, id_numbers: list[IdNumber], *, besides: uuid.UUID | None = None
    ) -> None:
        taken = await self.repository.households_of([str(n) for n in id_numbers], besides=besides)
        for number in id_numbers:
            if str(number) in taken:
                raise in_other_household(str(number), taken[str(number)])

    async def _visible(self, household_id: uuid.UUID, principal: Principal) -> Household:
        household = await self.repository.get(household_id)
        missing = household_not_found(household_id)
        if household is None:
            raise missing
        ensure_visible(principal, household.area_code, missing)
        return household

    async def _audit_reveal(self, principal: Principal, households: list[Household]) -> None:
        """Unmasked ID numbers shown to a pii:read holder are themselves an audited event."""
        if not principal.reads_pii or not households:
            return
        await record_event(
            self.session,
            AuditEvent,
            action=AuditAction.READ_PII,
            entity="household_member",
            entity_id=str(households[0].id) if len(households) == 1 else None,
            new_values={"households": [str(h.id) for h in households]},
        )
        await self.session.commit()


def head_required() -> Conflict:
    return Conflict(
        "每户须有一名户主：请先把另一名成员设为户主",
        code="ASSISTANCE_HOUSEHOLD_HEAD_REQUIRED",
    )
