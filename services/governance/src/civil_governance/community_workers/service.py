"""Use cases of the community-worker register; each commits exactly once."""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.communities.repository import CommunityRepository
from civil_governance.communities.service import visible_community
from civil_governance.community_workers.models import (
    CommunityWorker,
    WorkerAssessment,
    WorkerQuota,
)
from civil_governance.community_workers.repository import (
    QuotaRow,
    WorkerRepository,
    name_or_id_number,
)
from civil_governance.community_workers.rules import (
    IN_POST,
    MINIMUM_HIRING_AGE,
    TRANSITIONS,
    WorkerPost,
    WorkerStatus,
    assessable_years,
    single_holder_groups,
    vacancies,
)
from civil_governance.community_workers.schemas import (
    AssessmentCreate,
    AssessmentOut,
    QuotaOut,
    QuotaSet,
    StatusChange,
    WorkerCreate,
    WorkerOut,
    WorkerPatch,
)
from civil_governance.db import AuditEvent
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, Forbidden, NotFound, PreconditionRequired, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.audit import AuditAction, record_event
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, IdNumber

POST_LABELS = {
    WorkerPost.PARTY_SECRETARY: "党组织书记",
    WorkerPost.DIRECTOR: "村（居）民委员会主任",
    WorkerPost.SECRETARY_AND_DIRECTOR: "书记、主任",
}


def worker_not_found(worker_id: uuid.UUID) -> NotFound:
    return NotFound(f"社区工作者 {worker_id} 不存在", code="GOVERNANCE_WORKER_NOT_FOUND")


def in_post_elsewhere(existing: CommunityWorker | None = None) -> Conflict:
    extra: dict[str, Any] = {"area_code": existing.area_code} if existing is not None else {}
    return Conflict(
        "该人员已在社区工作者岗位上，一人只能在一个村（社区）任一个岗位",
        code="GOVERNANCE_WORKER_IN_POST",
        **extra,
    )


def post_taken(post: WorkerPost) -> Conflict:
    label = POST_LABELS.get(post, post.value)
    return Conflict(
        f"该村（社区）已有在职的{label}，每个村（社区）只设一名党组织书记和一名主任",
        code="GOVERNANCE_WORKER_POST_TAKEN",
    )


def quota_out(row: QuotaRow) -> QuotaOut:
    return QuotaOut(
        area_code=AreaCode(row.quota.area_code),
        community_name=row.community_name,
        quota=row.quota.quota,
        in_post=row.in_post,
        vacancies=vacancies(row.quota.quota, row.in_post),
        version=row.quota.version,
    )


def worker_out(
    worker: CommunityWorker, community_name: str, assessments: list[WorkerAssessment]
) -> WorkerOut:
    id_number = IdNumber(worker.id_number)
    return WorkerOut(
        id=worker.id,
        area_code=AreaCode(worker.area_code),
        community_name=community_name,
        id_number=id_number,
        name=worker.name,
        sex=id_number.sex,
        phone=worker.phone,
        post=WorkerPost(worker.post),
        salary_grade=worker.salary_grade,
        hired_date=worker.hired_date,
        status=WorkerStatus(worker.status),
        status_date=worker.status_date,
        status_reason=worker.status_reason,
        assessments=[AssessmentOut.model_validate(a) for a in assessments],
        version=worker.version,
    )


class WorkerService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = WorkerRepository(session)
        self.communities = CommunityRepository(session)

    # --- quotas --------------------------------------------------------------

    async def set_quota(
        self, area_code: str, data: QuotaSet, if_match: int | None, principal: Principal
    ) -> tuple[QuotaOut, bool]:
        """Set a community's quota; (the quota, whether it was created)."""
        await visible_community(self.communities, area_code, principal)
        quota = await self.repository.quota(area_code, for_update=True)
        created = quota is None
        if quota is None:
            quota = WorkerQuota(area_code=area_code, quota=data.quota, set_by=principal.sub)
            race = Conflict(
                "该村（社区）的职数刚被核定，请刷新后重试", code="GOVERNANCE_QUOTA_EXISTS"
            )
            async with unique_or_conflict(self.session, race):
                await self.repository.add(quota)
        else:
            if if_match is None:
                raise PreconditionRequired()
            check_version(quota.version, if_match)
            quota.quota, quota.set_by = data.quota, principal.sub
            await self.repository.flush()
        row = await self.repository.quota_row(area_code)
        await self.session.commit()
        assert row is not None
        return quota_out(row), created

    async def get_quota(self, area_code: str, principal: Principal) -> QuotaOut:
        missing = NotFound(
            f"村（社区）{area_code} 未核定社区工作者职数", code="GOVERNANCE_QUOTA_NOT_FOUND"
        )
        ensure_visible(principal, area_code, missing)
        row = await self.repository.quota_row(area_code)
        if row is None:
            raise missing
        return quota_out(row)

    async def quotas(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        vacant_only: bool = False,
    ) -> Page[QuotaOut]:
        conditions: list[ColumnElement[bool]] = [area_condition(WorkerQuota.area_code, principal)]
        if area_code is not None:
            conditions.append(WorkerQuota.area_code.startswith(area_code, autoescape=True))
        rows, total = await self.repository.quota_page(
            conditions, vacant_only=vacant_only, limit=page.limit, offset=page.offset
        )
        return Page[QuotaOut].of([quota_out(r) for r in rows], total, page)

    # --- workers -------------------------------------------------------------

    async def hire(self, data: WorkerCreate, principal: Principal) -> WorkerOut:
        if not principal.sees_area(data.area_code):
            raise Forbidden("不能在管辖区域以外登记社区工作者", code="GOVERNANCE_AREA_FORBIDDEN")
        if data.id_number.age_on(data.hired_date) < MINIMUM_HIRING_AGE:
            raise Unprocessable(
                f"聘用时应年满{MINIMUM_HIRING_AGE}周岁", code="GOVERNANCE_WORKER_AGE"
            )
        # Locked: hires into one community are counted against its quota one at a time.
        quota = await self.repository.quota(data.area_code, for_update=True)
        if quota is None:
            if await self.communities.get(data.area_code) is None:
                raise Unprocessable(
                    f"村（社区）{data.area_code} 未登记", code="GOVERNANCE_COMMUNITY_NOT_REGISTERED"
                )
            raise Unprocessable(
                "该村（社区）尚未核定社区工作者职数，不能聘用",
                code="GOVERNANCE_WORKER_QUOTA_MISSING",
            )
        held = await self.repository.in_post(data.area_code)
        if held >= quota.quota:
            raise Conflict(
                f"该村（社区）核定职数 {quota.quota} 已满（在职 {held} 人）",
                code="GOVERNANCE_WORKER_QUOTA_FULL",
                quota=quota.quota,
                in_post=held,
            )
        existing = await self.repository.in_post_as(str(data.id_number))
        if existing is not None:
            raise in_post_elsewhere(existing)
        await self._ensure_post_free(data.area_code, data.post)
        worker = CommunityWorker(
            area_code=str(data.area_code),
            id_number=str(data.id_number),
            name=data.name,
            phone=data.phone,
            post=data.post.value,
            salary_grade=data.salary_grade,
            hired_date=data.hired_date,
            status=WorkerStatus.ACTIVE.value,
        )
        # Other communities are not locked: the one-post index decides a person's race.
        async with unique_or_conflict(self.session, in_post_elsewhere()):
            await self.repository.add(worker)
            name = await self.repository.community_name(worker.area_code)
            await self.session.commit()
        return worker_out(worker, name or "", [])

    async def get(self, worker_id: uuid.UUID, principal: Principal) -> WorkerOut:
        worker = await self._visible(worker_id, principal)
        await self._audit_reveal(principal, [worker])
        return await self._out(worker)

    async def list_workers(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        status: WorkerStatus | None = None,
        post: WorkerPost | None = None,
        q: str | None = None,
    ) -> Page[WorkerOut]:
        conditions: list[ColumnElement[bool]] = [
            area_condition(CommunityWorker.area_code, principal)
        ]
        if area_code is not None:
            conditions.append(CommunityWorker.area_code.startswith(area_code, autoescape=True))
        if status is not None:
            conditions.append(CommunityWorker.status == status.value)
        if post is not None:
            conditions.append(CommunityWorker.post == post.value)
        if q is not None and q.strip():
            conditions.append(name_or_id_number(q))
        rows, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        assessments = await self.repository.assessments([w.id for w, _ in rows])
        await self._audit_reveal(principal, [w for w, _ in rows])
        items = [
            worker_out(w, name, [a for a in assessments if a.worker_id == w.id]) for w, name in rows
        ]
        return Page[WorkerOut].of(items, total, page)

    async def update(
        self, worker_id: uuid.UUID, patch: WorkerPatch, expected: int, principal: Principal
    ) -> WorkerOut:
        worker = await self._visible(worker_id, principal)
        check_version(worker.version, expected)
        self._ensure_not_left(worker)
        if patch.post is not None and patch.post.value != worker.post:
            await self._ensure_post_free(worker.area_code, patch.post, besides=worker.id)
            worker.post = patch.post.value
        if patch.salary_grade is not None:
            worker.salary_grade = patch.salary_grade
        if "phone" in patch.model_fields_set:
            worker.phone = patch.phone
        race = post_taken(WorkerPost(worker.post))
        async with unique_or_conflict(self.session, race):
            await self.repository.flush()
            out = await self._out(worker)
            await self.session.commit()
        return out

    async def change_status(
        self, worker_id: uuid.UUID, change: StatusChange, expected: int, principal: Principal
    ) -> WorkerOut:
        worker = await self._visible(worker_id, principal)
        check_version(worker.version, expected)
        current = WorkerStatus(worker.status)
        allowed = TRANSITIONS[current]
        if change.status not in allowed:
            raise Conflict(
                f"社区工作者状态不能从“{current.value}”变为“{change.status.value}”",
                code="GOVERNANCE_WORKER_INVALID_TRANSITION",
                current=current.value,
                allowed=[s.value for s in allowed],
            )
        since = worker.status_date or worker.hired_date
        if change.effective_date < since:
            raise Unprocessable(
                f"生效日期不能早于 {since}（聘用或上次状态变更）",
                code="GOVERNANCE_WORKER_STATUS_DATE",
            )
        if change.status is WorkerStatus.LEFT:
            last_assessed = max(
                (a.year for a in await self.repository.assessments([worker.id])), default=None
            )
            if last_assessed is not None and last_assessed > change.effective_date.year:
                raise Unprocessable(
                    f"已有 {last_assessed} 年度考核，离职日期不能早于该年度",
                    code="GOVERNANCE_WORKER_STATUS_DATE",
                )
        worker.status = change.status.value
        worker.status_date = change.effective_date
        worker.status_reason = change.reason
        await self.repository.flush()
        out = await self._out(worker)
        await self.session.commit()
        return out

    async def assess(
        self, worker_id: uuid.UUID, data: AssessmentCreate, principal: Principal
    ) -> AssessmentOut:
        worker = await self._visible(worker_id, principal)
        left = worker.status_date if worker.status == WorkerStatus.LEFT else None
        years = assessable_years(worker.hired_date, left, date.today())
        if data.year not in years:
            raise Unprocessable(
                f"考核年度应在 {years.start}–{years.stop - 1} 之间（聘用至离职或今年）",
                code="GOVERNANCE_ASSESSMENT_YEAR",
            )
        exists = Conflict(
            f"该社区工作者 {data.year} 年度已有考核结果，每人每年一次",
            code="GOVERNANCE_ASSESSMENT_EXISTS",
        )
        if await self.repository.assessment(worker.id, data.year) is not None:
            raise exists
        assessment = WorkerAssessment(
            worker_id=worker.id,
            year=data.year,
            result=data.result.value,
            notes=data.notes,
            recorded_by=principal.sub,
        )
        async with unique_or_conflict(self.session, exists):
            await self.repository.add(assessment)
            await self.session.commit()
        return AssessmentOut.model_validate(assessment)

    # --- helpers -------------------------------------------------------------

    async def _ensure_post_free(
        self, area_code: str, post: WorkerPost, *, besides: uuid.UUID | None = None
    ) -> None:
        for group in single_holder_groups(post):
            if await self.repository.holder_of(area_code, group, besides=besides) is not None:
                raise post_taken(post)

    @staticmethod
    def _ensure_not_left(worker: CommunityWorker) -> None:
        if worker.status not in IN_POST:
            raise Conflict(
                f"该社区工作者已于 {worker.status_date} 离职，不能修改岗位",
                code="GOVERNANCE_WORKER_LEFT",
            )

    async def _out(self, worker: CommunityWorker) -> WorkerOut:
        name = await self.repository.community_name(worker.area_code)
        assessments = await self.repository.assessments([worker.id])
        return worker_out(worker, name or "", assessments)

    async def _visible(self, worker_id: uuid.UUID, principal: Principal) -> CommunityWorker:
        worker = await self.repository.get(worker_id)
        missing = worker_not_found(worker_id)
        if worker is None:
            raise missing
        ensure_visible(principal, worker.area_code, missing)
        return worker

    async def _audit_reveal(self, principal: Principal, workers: list[CommunityWorker]) -> None:
        """Unmasked ID numbers shown to a pii:read holder are themselves an audited event."""
        if not principal.reads_pii or not workers:
            return
        await record_event(
            self.session,
            AuditEvent,
            action=AuditAction.READ_PII,
            entity="community_worker",
            entity_id=str(workers[0].id) if len(workers) == 1 else None,
            new_values={"workers": [str(w.id) for w in workers]},
        )
        await self.session.commit()
