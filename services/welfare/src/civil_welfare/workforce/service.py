"""Use cases of child directors and supervisors, their training, and the coverage."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from civil_shared.auth import Principal
from civil_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, IdNumber
from civil_welfare.children.files.models import ChildFile
from civil_welfare.children.files.repository import assign_director, release_director
from civil_welfare.children.files.schemas import FileStatus
from civil_welfare.children.support.models import ChildSupportCase
from civil_welfare.pii import audit_pii_read
from civil_welfare.workforce.coverage import NOTE, TOWNSHIPS
from civil_welfare.workforce.models import ChildWelfareWorker, WorkerTraining
from civil_welfare.workforce.repository import WorkerRepository, trained_in
from civil_welfare.workforce.schemas import (
    TRANSITIONS,
    Coverage,
    DirectorCreate,
    SupervisorCreate,
    TownshipGap,
    TrainingIn,
    TrainingOut,
    VillageGap,
    WorkerLeave,
    WorkerOut,
    WorkerRole,
    WorkerStatus,
    WorkerUpdate,
)

W = ChildWelfareWorker
_CODE = {
    WorkerRole.DIRECTOR: "WELFARE_CHILD_DIRECTOR",
    WorkerRole.SUPERVISOR: "WELFARE_CHILD_SUPERVISOR",
}
_PLACE = {WorkerRole.DIRECTOR: "村（社区）", WorkerRole.SUPERVISOR: "乡镇（街道）"}


def worker_not_found(role: WorkerRole, worker_id: uuid.UUID) -> NotFound:
    return NotFound(f"{role.label} {worker_id} 不存在", code=f"{_CODE[role]}_NOT_FOUND")


def post_taken(role: WorkerRole, holder: ChildWelfareWorker | None = None) -> Conflict:
    return Conflict(
        f"该{_PLACE[role]}已有在岗{role.label}：须先办理原{role.label}离任",
        code=f"{_CODE[role]}_POST_TAKEN",
        holder_id=str(holder.id) if holder is not None else None,
    )


def to_out(worker: ChildWelfareWorker, today: date) -> WorkerOut:
    area = AreaCode(worker.area_code)
    dates = [t.training_date for t in worker.trainings]
    return WorkerOut(
        id=worker.id,
        role=WorkerRole(worker.role),
        id_number=IdNumber(worker.id_number),
        name=worker.name,
        phone=worker.phone,
        area_code=area,
        township_code=AreaCode(worker.area_code[:9]),
        appointed_date=worker.appointed_date,
        status=WorkerStatus(worker.status),
        left_date=worker.left_date,
        left_reason=worker.left_reason,
        training_count=len(dates),
        last_training_date=max(dates, default=None),
        trained_this_year=any(d.year == today.year for d in dates),
        version=worker.version,
    )


class WorkforceService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = WorkerRepository(session)

    # --- directors and supervisors ---------------------------------------------------

    async def appoint(
        self, role: WorkerRole, data: DirectorCreate | SupervisorCreate, principal: Principal
    ) -> WorkerOut:
        area = str(data.area_code)
        if not principal.sees_area(area):
            raise Forbidden(f"不能在管辖区域以外聘任{role.label}", code="WELFARE_AREA_FORBIDDEN")
        holder = await self.repository.active_in_area(role, area)
        if holder is not None:
            raise post_taken(role, holder)
        elsewhere = await self.repository.active_post_of(role, str(data.id_number))
        if elsewhere is not None:
            raise Conflict(
                f"此人已是 {elsewhere.area_code} 的在岗{role.label}，一人只能担任一处",
                code=f"{_CODE[role]}_ALREADY_APPOINTED",
                holder_id=str(elsewhere.id),
            )
        worker = ChildWelfareWorker(
            role=role.value,
            id_number=str(data.id_number),
            name=data.name,
            phone=data.phone,
            area_code=area,
            appointed_date=data.appointed_date,
            status=WorkerStatus.ACTIVE.value,
            trainings=[],
        )
        async with unique_or_conflict(self.session, post_taken(role)):
            await self.repository.add(worker)
            if role is WorkerRole.DIRECTOR:
                await assign_director(self.session, worker)
            await self.session.commit()
        return to_out(worker, date.today())

    async def get(self, role: WorkerRole, worker_id: uuid.UUID, principal: Principal) -> WorkerOut:
        worker = await self._visible(role, worker_id, principal)
        await audit_pii_read(self.session, principal, W.__tablename__, [worker.id])
        return to_out(worker, date.today())

    async def list_workers(
        self,
        role: WorkerRole,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        status: WorkerStatus | None = None,
        q: str | None = None,
        trained: bool | None = None,
        year: int | None = None,
    ) -> Page[WorkerOut]:
        conditions: list[ColumnElement[bool]] = [
            W.role == role.value,
            area_condition(W.area_code, principal),
        ]
        if area_code is not None:
            conditions.append(W.area_code.startswith(area_code, autoescape=True))
        if status is not None:
            conditions.append(W.status == status.value)
        if q is not None and q.strip():
            try:
                conditions.append(W.id_number == str(IdNumber(q)))
            except ValueError:
                conditions.append(W.name.contains(q.strip(), autoescape=True))
        if trained is not None:
            was_trained = trained_in(year or date.today().year)
            conditions.append(was_trained if trained else ~was_trained)
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        await audit_pii_read(self.session, principal, W.__tablename__, [w.id for w in items])
        today = date.today()
        return Page[WorkerOut].of([to_out(w, today) for w in items], total, page)

    async def update(
        self,
        role: WorkerRole,
        worker_id: uuid.UUID,
        patch: WorkerUpdate,
        expected_version: int,
        principal: Principal,
    ) -> WorkerOut:
        worker = await self._visible(role, worker_id, principal)
        check_version(worker.version, expected_version)
        if patch.name is not None:
            worker.name = patch.name
        if "phone" in patch.model_fields_set:
            worker.phone = patch.phone
        if patch.appointed_date is not None:
            if worker.left_date is not None and patch.appointed_date > worker.left_date:
                raise Unprocessable("聘任日期晚于离任日期", code=f"{_CODE[role]}_DATES_INVALID")
            worker.appointed_date = patch.appointed_date
        await self.repository.flush()
        await self.session.commit()
        return to_out(worker, date.today())

    async def leave(
        self,
        role: WorkerRole,
        worker_id: uuid.UUID,
        data: WorkerLeave,
        expected_version: int,
        principal: Principal,
    ) -> WorkerOut:
        worker = await self._visible(role, worker_id, principal)
        check_version(worker.version, expected_version)
        current = WorkerStatus(worker.status)
        allowed = TRANSITIONS[current]
        if WorkerStatus.LEFT not in allowed:
            raise Conflict(
                f"{role.label}已离任，不能再次离任；再次任职请重新聘任",
                code=f"{_CODE[role]}_INVALID_TRANSITION",
                current=current.value,
                allowed=[s.value for s in allowed],
            )
        if data.left_date < worker.appointed_date:
            raise Unprocessable("离任日期早于聘任日期", code=f"{_CODE[role]}_DATES_INVALID")
        worker.status = WorkerStatus.LEFT.value
        worker.left_date = data.left_date
        worker.left_reason = data.reason
        await self.repository.flush()
        if role is WorkerRole.DIRECTOR:
            await release_director(self.session, worker.id)
        await self.session.commit()
        return to_out(worker, date.today())

    # --- training ------------------------------------------------------------------

    async def trainings(
        self, role: WorkerRole, worker_id: uuid.UUID, principal: Principal
    ) -> list[TrainingOut]:
        worker = await self._visible(role, worker_id, principal)
        return [TrainingOut.model_validate(t) for t in worker.trainings]

    async def add_training(
        self, role: WorkerRole, worker_id: uuid.UUID, data: TrainingIn, principal: Principal
    ) -> TrainingOut:
        worker = await self._visible(role, worker_id, principal)
        if worker.left_date is not None and data.training_date > worker.left_date:
            raise Unprocessable(
                f"培训日期晚于离任日期（{worker.left_date}）",
                code="WELFARE_TRAINING_AFTER_LEAVING",
            )
        training = WorkerTraining(
            training_date=data.training_date,
            topic=data.topic,
            hours=data.hours,
            organiser=data.organiser,
        )
        exists = Conflict("同一天同一主题的培训已登记", code="WELFARE_TRAINING_EXISTS")
        if any(
            t.training_date == data.training_date and t.topic == data.topic
            for t in worker.trainings
        ):
            raise exists
        async with unique_or_conflict(self.session, exists):
            worker.trainings.append(training)
            await self.repository.flush()
            await self.session.commit()
        return TrainingOut.model_validate(training)

    async def delete_training(
        self,
        role: WorkerRole,
        worker_id: uuid.UUID,
        training_id: uuid.UUID,
        principal: Principal,
    ) -> None:
        worker = await self._visible(role, worker_id, principal)
        training = next((t for t in worker.trainings if t.id == training_id), None)
        if training is None:
            raise NotFound(f"培训记录 {training_id} 不存在", code="WELFARE_TRAINING_NOT_FOUND")
        worker.trainings.remove(training)
        await self.repository.flush()
        await self.session.commit()

    # --- coverage ------------------------------------------------------------------

    async def coverage(
        self,
        principal: Principal,
        area_code: AreaCode | None = None,
        village_codes: Sequence[AreaCode] = (),
    ) -> Coverage:
        def within(column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
            condition = area_condition(column, principal)
            if area_code is not None:
                condition = and_(condition, column.startswith(area_code, autoescape=True))
            return condition

        def visible(code: str) -> bool:
            return principal.sees_area(code) and (area_code is None or code.startswith(area_code))

        sources: dict[str, set[str]] = defaultdict(set)
        active_files = func.count().filter(ChildFile.status == FileStatus.ACTIVE.value)
        rows = await self.session.execute(
            select(ChildFile.area_code, active_files.label("active"))
            .where(within(ChildFile.area_code))
            .group_by(ChildFile.area_code)
        )
        files: dict[str, int] = {row.area_code: row.active for row in rows}
        for village in files:
            sources[village].add("child_file")
        cases = await self.session.scalars(
            select(ChildSupportCase.area_code).distinct().where(within(ChildSupportCase.area_code))
        )
        for village in cases:
            sources[village].add("support_case")
        for village in await self.repository.former_areas(WorkerRole.DIRECTOR, within(W.area_code)):
            sources[village].add("former_director")
        for code in village_codes:
            if visible(code):
                sources[str(code)].add("query")
        directors = await self.repository.active_areas(WorkerRole.DIRECTOR, within(W.area_code))
        known = set(sources) | set(directors)
        gaps = [
            VillageGap(
                area_code=AreaCode(village),
                township_code=AreaCode(village[:9]),
                active_child_files=files.get(village, 0),
                known_from=sorted(sources[village]),
            )
            for village in sorted(known - set(directors))
        ]
        supervisors = await self.repository.active_areas(WorkerRole.SUPERVISOR, within(W.area_code))
        townships = {t for t in TOWNSHIPS if visible(t)}
        townships |= {v[:9] for v in known} | set(supervisors)
        return Coverage(
            area_code=area_code,
            villages_known=len(known),
            villages_with_director=len(known & set(directors)),
            villages_without_director=gaps,
            townships_known=len(townships),
            townships_with_supervisor=len(townships & set(supervisors)),
            townships_without_supervisor=[
                TownshipGap(area_code=AreaCode(t), name=TOWNSHIPS.get(t))
                for t in sorted(townships - set(supervisors))
            ],
            note=NOTE,
        )

    # --- helpers -------------------------------------------------------------------

    async def _visible(
        self, role: WorkerRole, worker_id: uuid.UUID, principal: Principal
    ) -> ChildWelfareWorker:
        worker = await self.repository.get(worker_id)
        missing = worker_not_found(role, worker_id)
        if worker is None or worker.role != role.value:
            raise missing
        ensure_visible(principal, worker.area_code, missing)
        return worker
