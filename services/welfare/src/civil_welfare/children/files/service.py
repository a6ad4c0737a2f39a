"""Use cases of child files (一人一档); each commits exactly once."""

import uuid
from datetime import date

from sqlalchemy import ColumnElement
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.auth import Principal
from civil_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, IdNumber
from civil_welfare.children.fields import Guardian, GuardianRelation
from civil_welfare.children.files.models import ChildFile
from civil_welfare.children.files.repository import ChildFileRepository, name_or_id_number
from civil_welfare.children.files.schemas import (
    TRANSITIONS,
    ChildCategory,
    ChildFileCreate,
    ChildFileOut,
    ChildFileUpdate,
    CloseReason,
    DirectorRef,
    FileStatus,
    FileStatusChange,
)
from civil_welfare.children.majority import eighteenth_birthday, is_minor_on
from civil_welfare.pii import audit_pii_read
from civil_welfare.workforce.models import ChildWelfareWorker
from civil_welfare.workforce.repository import WorkerRepository
from civil_welfare.workforce.schemas import WorkerRole, WorkerStatus

FOREIGN_KEY_VIOLATION = "23503"


def file_not_found(file_id: uuid.UUID) -> NotFound:
    return NotFound(f"儿童档案 {file_id} 不存在", code="WELFARE_CHILD_FILE_NOT_FOUND")


def outside_areas() -> Forbidden:
    return Forbidden("不能在管辖区域以外建立或迁入儿童档案", code="WELFARE_AREA_FORBIDDEN")


def file_exists(existing_id: uuid.UUID | None = None) -> Conflict:
    return Conflict(
        "该儿童已有档案（一人一档）：请修改或重新启用原档案",
        code="WELFARE_CHILD_FILE_EXISTS",
        existing_id=str(existing_id) if existing_id else None,
    )


def not_minor() -> Unprocessable:
    return Unprocessable("该儿童已年满18周岁，不再建立儿童档案", code="WELFARE_CHILD_NOT_MINOR")


def to_out(child: ChildFile, director: ChildWelfareWorker | None, today: date) -> ChildFileOut:
    id_number = IdNumber(child.id_number)
    area = AreaCode(child.area_code)
    birth = id_number.birth_date
    return ChildFileOut(
        id=child.id,
        id_number=id_number,
        name=child.name,
        sex=id_number.sex,
        birth_date=birth,
        age=id_number.age_on(max(today, birth)),
        turns_18_on=eighteenth_birthday(birth),
        area_code=area,
        township_code=area.parent or area,
        category=ChildCategory(child.category),
        guardian=Guardian(
            name=child.guardian_name,
            relation=GuardianRelation(child.guardian_relation),
            phone=child.guardian_phone,
            id_number=IdNumber(child.guardian_id_number) if child.guardian_id_number else None,
        ),
        school=child.school,
        situation=child.situation,
        director=(
            DirectorRef(id=director.id, name=director.name, phone=director.phone)
            if director is not None
            else None
        ),
        status=FileStatus(child.status),
        close_reason=CloseReason(child.close_reason) if child.close_reason else None,
        closed_date=child.closed_date,
        status_note=child.status_note,
        registered_date=child.registered_date,
        version=child.version,
    )


def _set_guardian(child: ChildFile, guardian: Guardian) -> None:
    child.guardian_name = guardian.name
    child.guardian_relation = guardian.relation.value
    child.guardian_phone = guardian.phone
    child.guardian_id_number = str(guardian.id_number) if guardian.id_number else None


class ChildFileService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ChildFileRepository(session)
        self.workers = WorkerRepository(session)

    # --- reads ------------------------------------------------------------------

    async def get(self, file_id: uuid.UUID, principal: Principal) -> ChildFileOut:
        child = await self._visible(file_id, principal)
        await audit_pii_read(self.session, principal, "child_file", [child.id])
        return await self._out(child)

    async def list(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        category: ChildCategory | None = None,
        status: FileStatus | None = None,
        director_id: uuid.UUID | None = None,
        without_director: bool | None = None,
        q: str | None = None,
    ) -> Page[ChildFileOut]:
        conditions: list[ColumnElement[bool]] = [area_condition(ChildFile.area_code, principal)]
        if area_code is not None:
            conditions.append(ChildFile.area_code.startswith(area_code, autoescape=True))
        if category is not None:
            conditions.append(ChildFile.category == category.value)
        if status is not None:
            conditions.append(ChildFile.status == status.value)
        if director_id is not None:
            conditions.append(ChildFile.director_id == director_id)
        if without_director is not None:
            conditions.append(
                ChildFile.director_id.is_(None)
                if without_director
                else ChildFile.director_id.is_not(None)
            )
        if q is not None and q.strip():
            conditions.append(name_or_id_number(q))
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        await audit_pii_read(self.session, principal, "child_file", [c.id for c in items])
        directors = await self.repository.workers({c.director_id for c in items if c.director_id})
        today = date.today()
        return Page[ChildFileOut].of(
            [
                to_out(c, directors.get(c.director_id) if c.director_id else None, today)
                for c in items
            ],
            total,
            page,
        )

    # --- writes -----------------------------------------------------------------

    async def create(self, data: ChildFileCreate, principal: Principal) -> ChildFileOut:
        if not principal.sees_area(data.area_code):
            raise outside_areas()
        if not is_minor_on(data.id_number, date.today()):
            raise not_minor()
        existing = await self.repository.by_id_number(str(data.id_number))
        if existing is not None:
            raise file_exists(existing.id)
        village = str(data.area_code)
        director = await self._director(data.director_id, village)
        child = ChildFile(
            id_number=str(data.id_number),
            name=data.name,
            area_code=village,
            category=data.category.value,
            school=data.school,
            situation=data.situation,
            director_id=director.id if director else None,
            status=FileStatus.ACTIVE.value,
            registered_date=data.registered_date or date.today(),
        )
        _set_guardian(child, data.guardian)
        async with unique_or_conflict(self.session, file_exists()):
            await self.repository.add(child)
            await self.session.commit()
        return to_out(child, director, date.today())

    async def update(
        self,
        file_id: uuid.UUID,
        patch: ChildFileUpdate,
        expected_version: int,
        principal: Principal,
    ) -> ChildFileOut:
        child = await self._visible(file_id, principal)
        check_version(child.version, expected_version)
        sent = patch.model_fields_set
        moved = patch.area_code is not None and str(patch.area_code) != child.area_code
        if patch.area_code is not None:
            if not principal.sees_area(patch.area_code):
                raise outside_areas()
            child.area_code = str(patch.area_code)
        if patch.name is not None:
            child.name = patch.name
        if patch.category is not None:
            child.category = patch.category.value
        if patch.guardian is not None:
            _set_guardian(child, patch.guardian)
        for field in ("school", "situation"):
            if field in sent:
                setattr(child, field, getattr(patch, field))
        if "director_id" in sent:
            director = (
                await self._director(patch.director_id, child.area_code)
                if patch.director_id is not None
                else None
            )
        elif moved:
            # A child who moves is looked after by the new village's director, if any.
            director = await self._director(None, child.area_code)
        else:
            director = await self._current_director(child)
        child.director_id = director.id if director else None
        await self.repository.flush()
        await self.session.commit()
        return to_out(child, director, date.today())

    async def change_status(
        self,
        file_id: uuid.UUID,
        change: FileStatusChange,
        expected_version: int,
        principal: Principal,
    ) -> ChildFileOut:
        child = await self._visible(file_id, principal)
        check_version(child.version, expected_version)
        current = FileStatus(child.status)
        allowed = TRANSITIONS[current]
        if change.status not in allowed:
            raise Conflict(
                f"档案状态不能从“{current.value}”变为“{change.status.value}”",
                code="WELFARE_CHILD_FILE_INVALID_TRANSITION",
                current=current.value,
                allowed=[s.value for s in allowed],
            )
        id_number = IdNumber(child.id_number)
        if change.status is FileStatus.ACTIVE and not is_minor_on(id_number, change.changed_date):
            raise not_minor()
        if change.reason is CloseReason.TURNED_18 and is_minor_on(id_number, change.changed_date):
            raise Unprocessable(
                f"该儿童 {eighteenth_birthday(id_number.birth_date)} 才年满18周岁",
                code="WELFARE_CHILD_FILE_CLOSE_REASON",
            )
        child.status = change.status.value
        child.close_reason = change.reason.value if change.reason else None
        child.closed_date = change.changed_date if change.status is FileStatus.CLOSED else None
        child.status_note = change.note
        director = await self._current_director(child)
        if change.status is FileStatus.ACTIVE and director is None:
            director = await self._director(None, child.area_code)
            child.director_id = director.id if director else None
        await self.repository.flush()
        await self.session.commit()
        return to_out(child, director, date.today())

    async def delete(self, file_id: uuid.UUID, expected_version: int, principal: Principal) -> None:
        child = await self._visible(file_id, principal)
        check_version(child.version, expected_version)
        try:
            await self.repository.delete(child)
        except IntegrityError as exc:
            await self.session.rollback()
            if getattr(exc.orig, "sqlstate", None) == FOREIGN_KEY_VIOLATION:
                raise Conflict(
                    "该档案已有探访等记录，不能删除；儿童不再需要关爱时请销档",
                    code="WELFARE_CHILD_FILE_IN_USE",
                ) from exc
            raise
        await self.session.commit()

    # --- helpers ----------------------------------------------------------------

    async def _director(
        self, director_id: uuid.UUID | None, village: str
    ) -> ChildWelfareWorker | None:
        """The director responsible for a child of ``village``: the one named, which must be
        the village's active director (422 otherwise), or, when none is named, the
        village's active director if there is one."""
        if director_id is None:
            return await self.workers.active_in_area(WorkerRole.DIRECTOR, village)
        director = await self.workers.get(director_id)
        if (
            director is None
            or director.role != WorkerRole.DIRECTOR.value
            or director.status != WorkerStatus.ACTIVE.value
            or director.area_code != village
        ):
            raise Unprocessable(
                f"儿童主任 {director_id} 不是该儿童所在村（社区）{village} 的在岗儿童主任",
                code="WELFARE_CHILD_DIRECTOR_MISMATCH",
                director_id=str(director_id),
                area_code=village,
            )
        return director

    async def _current_director(self, child: ChildFile) -> ChildWelfareWorker | None:
        return await self.workers.get(child.director_id) if child.director_id else None

    async def _out(self, child: ChildFile) -> ChildFileOut:
        return to_out(child, await self._current_director(child), date.today())

    async def _visible(self, file_id: uuid.UUID, principal: Principal) -> ChildFile:
        child = await self.repository.get(file_id)
        missing = file_not_found(file_id)
        if child is None:
            raise missing
        ensure_visible(principal, child.area_code, missing)
        return child
