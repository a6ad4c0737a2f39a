"""Use cases of the left-behind elderly register; each commits exactly once."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.auth import Principal
from civil_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, IdNumber
from civil_welfare.elderly.models import LeftBehindElder, LeftBehindElderChild
from civil_welfare.elderly.qualification import (
    ELDERLY_MIN_AGE,
    AwayFor,
    ChildSituation,
    Qualification,
    qualify,
)
from civil_welfare.elderly.repository import MIN_MONTHS, ElderRepository, name_or_id_number
from civil_welfare.elderly.repository import qualifies_on as qualifies_on_sql
from civil_welfare.elderly.schemas import (
    TRANSITIONS,
    ChildIn,
    ChildOut,
    ChildRelation,
    ElderCreate,
    ElderOut,
    ElderPatch,
    ElderStatus,
    LivingSituation,
    QualificationOut,
    RiskLevel,
    StatusChange,
    Worker,
)
from civil_welfare.parameters.by_area import values_by_area
from civil_welfare.parameters.service import parameter_value
from civil_welfare.pii import audit_pii_read

FOREIGN_KEY_VIOLATION = "23503"


ENTITY = "left_behind_elder"


def elder_not_found(elder_id: uuid.UUID) -> NotFound:
    return NotFound(f"留守老人记录 {elder_id} 不存在", code="WELFARE_ELDER_NOT_FOUND")


def outside_areas() -> Forbidden:
    return Forbidden("不能在管辖区域以外登记或迁入留守老人", code="WELFARE_AREA_FORBIDDEN")


def already_registered(existing_id: uuid.UUID | None = None) -> Conflict:
    extra: dict[str, Any] = {"existing_id": str(existing_id)} if existing_id is not None else {}
    return Conflict(
        "该老人已在留守老人名册中，一人只登记一次", code="WELFARE_ELDER_EXISTS", **extra
    )


def qualification_of(elder: LeftBehindElder, on: date, min_months: int) -> Qualification:
    id_number = IdNumber(elder.id_number)
    children = [
        ChildSituation(name=c.name, away_for=AwayFor(c.away_for), away_since=c.away_since)
        for c in elder.children
    ]
    return qualify(id_number.age_on(max(on, id_number.birth_date)), children, on, min_months)


def to_out(elder: LeftBehindElder, qualification: Qualification) -> ElderOut:
    id_number = IdNumber(elder.id_number)
    return ElderOut(
        id=elder.id,
        id_number=id_number,
        name=elder.name,
        sex=id_number.sex.value,
        birth_date=id_number.birth_date,
        age=id_number.age_on(date.today()),
        area_code=AreaCode(elder.area_code),
        address=elder.address,
        phone=elder.phone,
        living_situation=LivingSituation(elder.living_situation),
        living_note=elder.living_note,
        risk_level=RiskLevel(elder.risk_level),
        responsible_worker=Worker(
            name=elder.worker_name, username=elder.worker_username, phone=elder.worker_phone
        ),
        children=[
            ChildOut(
                name=c.name,
                relation=ChildRelation(c.relation),
                away_for=AwayFor(c.away_for),
                whereabouts=c.whereabouts,
                away_since=c.away_since,
                phone=c.phone,
            )
            for c in elder.children
        ],
        registered_date=elder.registered_date,
        status=ElderStatus(elder.status),
        status_reason=elder.status_reason,
        left_date=elder.left_date,
        qualification=QualificationOut(
            qualified=qualification.qualified,
            on=qualification.on,
            min_months_away=qualification.min_months_away,
            reasons=list(qualification.reasons),
        ),
        version=elder.version,
    )


def _children(data: list[ChildIn]) -> list[LeftBehindElderChild]:
    return [
        LeftBehindElderChild(
            position=position,
            name=c.name,
            relation=c.relation.value,
            away_for=c.away_for.value,
            whereabouts=c.whereabouts,
            away_since=c.away_since,
            phone=c.phone,
        )
        for position, c in enumerate(data, start=1)
    ]


def _set_worker(elder: LeftBehindElder, worker: Worker) -> None:
    elder.worker_name, elder.worker_username = worker.name, worker.username
    elder.worker_phone = worker.phone


def _check_living(elder: LeftBehindElder) -> None:
    if elder.living_situation == LivingSituation.OTHER and not elder.living_note:
        raise Unprocessable("居住情况为“其他”时须说明", code="WELFARE_ELDER_LIVING_NOTE")


class ElderService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ElderRepository(session)

    # --- reads -------------------------------------------------------------

    async def get(
        self, elder_id: uuid.UUID, principal: Principal, on: date | None = None
    ) -> ElderOut:
        elder = await self._visible(elder_id, principal)
        out = await self._out(elder, on or date.today())
        await audit_pii_read(self.session, principal, ENTITY, [elder.id])
        return out

    async def list(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        risk_level: RiskLevel | None = None,
        status: ElderStatus | None = None,
        living_situation: LivingSituation | None = None,
        worker_username: str | None = None,
        q: str | None = None,
        qualified: bool | None = None,
    ) -> Page[ElderOut]:
        on = date.today()
        rule = await values_by_area(self.session, [MIN_MONTHS], on.year)
        conditions: list[ColumnElement[bool]] = [
            area_condition(LeftBehindElder.area_code, principal)
        ]
        if area_code is not None:
            conditions.append(LeftBehindElder.area_code.startswith(area_code, autoescape=True))
        if risk_level is not None:
            conditions.append(LeftBehindElder.risk_level == risk_level.value)
        if status is not None:
            conditions.append(LeftBehindElder.status == status.value)
        if living_situation is not None:
            conditions.append(LeftBehindElder.living_situation == living_situation.value)
        if worker_username is not None:
            conditions.append(LeftBehindElder.worker_username == worker_username)
        if q is not None and q.strip():
            conditions.append(name_or_id_number(q))
        if qualified is not None:
            test = qualifies_on_sql(on, rule)
            conditions.append(test if qualified else ~test)
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        await audit_pii_read(self.session, principal, ENTITY, [r.id for r in items])
        out = [
            to_out(e, qualification_of(e, on, int(rule.for_area(e.area_code)[MIN_MONTHS])))
            for e in items
        ]
        return Page[ElderOut].of(out, total, page)

    # --- writes ------------------------------------------------------------

    async def create(self, data: ElderCreate, principal: Principal) -> ElderOut:
        if not principal.sees_area(data.area_code):
            raise outside_areas()
        age = data.id_number.age_on(date.today())
        if age < ELDERLY_MIN_AGE:
            raise Unprocessable(
                f"该人员现年{age}岁，未满{ELDERLY_MIN_AGE}周岁，不属于老年人，不能登记为留守老人",
                code="WELFARE_ELDER_TOO_YOUNG",
                age=age,
            )
        if data.registered_date < data.id_number.birth_date:
            raise Unprocessable("纳入日期不能早于出生日期", code="WELFARE_ELDER_DATE")
        existing = await self.repository.find_by_id_number(str(data.id_number))
        if existing is not None:
            raise already_registered(existing.id)
        elder = LeftBehindElder(
            id_number=str(data.id_number),
            name=data.name,
            area_code=str(data.area_code),
            address=data.address,
            phone=data.phone,
            living_situation=data.living_situation.value,
            living_note=data.living_note,
            risk_level=data.risk_level.value,
            registered_date=data.registered_date,
            status=ElderStatus.ACTIVE.value,
            children=_children(data.children),
        )
        _set_worker(elder, data.responsible_worker)
        # The unique ID number decides between two concurrent registrations.
        async with unique_or_conflict(self.session, already_registered()):
            await self.repository.add(elder)
            await self.session.commit()
        return await self._out(elder, date.today())

    async def update(
        self, elder_id: uuid.UUID, patch: ElderPatch, expected_version: int, principal: Principal
    ) -> ElderOut:
        elder = await self._visible(elder_id, principal)
        check_version(elder.version, expected_version)
        sent = patch.model_fields_set
        if patch.area_code is not None:
            if not principal.sees_area(patch.area_code):
                raise outside_areas()
            elder.area_code = str(patch.area_code)
        for field in ("name", "address", "phone", "living_note"):
            if field in sent:
                setattr(elder, field, getattr(patch, field))
        if patch.living_situation is not None:
            elder.living_situation = patch.living_situation.value
        if patch.risk_level is not None:
            elder.risk_level = patch.risk_level.value
        if patch.responsible_worker is not None:
            _set_worker(elder, patch.responsible_worker)
        _check_living(elder)
        if patch.children is not None:
            await self.repository.replace_children(elder, _children(patch.children))
        elder.updated_at = func.now()  # the version moves even if only children changed
        await self.repository.flush()
        await self.session.commit()
        return await self._out(elder, date.today())

    async def change_status(
        self,
        elder_id: uuid.UUID,
        change: StatusChange,
        expected_version: int,
        principal: Principal,
    ) -> ElderOut:
        elder = await self._visible(elder_id, principal)
        check_version(elder.version, expected_version)
        current = ElderStatus(elder.status)
        allowed = TRANSITIONS[current]
        if change.status not in allowed:
            raise Conflict(
                f"留守老人状态不能从“{current.value}”变为“{change.status.value}”",
                code="WELFARE_ELDER_INVALID_TRANSITION",
                current=current.value,
                allowed=[s.value for s in allowed],
            )
        if change.status_date < elder.registered_date:
            raise Unprocessable("日期不能早于纳入名册的日期", code="WELFARE_ELDER_DATE")
        elder.status = change.status.value
        elder.status_reason = change.reason
        elder.left_date = change.status_date if change.status is ElderStatus.LEFT else None
        await self.session.commit()
        return await self._out(elder, date.today())

    async def delete(
        self, elder_id: uuid.UUID, expected_version: int, principal: Principal
    ) -> None:
        elder = await self._visible(elder_id, principal)
        check_version(elder.version, expected_version)
        try:
            await self.repository.delete(elder)
        except IntegrityError as exc:
            await self.session.rollback()
            if getattr(exc.orig, "sqlstate", None) == FOREIGN_KEY_VIOLATION:
                raise Conflict(
                    "该老人已有探访等关联记录，不能删除；如已不再留守，请办理退出",
                    code="WELFARE_ELDER_IN_USE",
                ) from exc
            raise
        await self.session.commit()

    # --- helpers -----------------------------------------------------------

    async def _out(self, elder: LeftBehindElder, on: date) -> ElderOut:
        min_months = await parameter_value(self.session, MIN_MONTHS, on.year, elder.area_code)
        return to_out(elder, qualification_of(elder, on, int(min_months)))

    async def _visible(self, elder_id: uuid.UUID, principal: Principal) -> LeftBehindElder:
        elder = await self.repository.get(elder_id)
        missing = elder_not_found(elder_id)
        if elder is None:
            raise missing
        ensure_visible(principal, elder.area_code, missing)
        return elder
