"""Use cases of social-work projects: record a project, correct it, read."""

import uuid
from datetime import date

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.communities.repository import CommunityRepository
from civil_governance.social_work.models import SocialWorkProject
from civil_governance.social_work.repository import ProjectRepository, runs_in_year
from civil_governance.social_work.schemas import (
    ProjectCreate,
    ProjectFields,
    ProjectKind,
    ProjectOut,
    ProjectStage,
    ProjectUpdate,
)
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, CreditCode


def project_not_found(project_id: uuid.UUID) -> NotFound:
    return NotFound(f"社会工作服务项目 {project_id} 不存在", code="GOVERNANCE_PROJECT_NOT_FOUND")


def project_exists() -> Conflict:
    return Conflict(
        "该村（社区）已有同名且同日开始的社会工作服务项目", code="GOVERNANCE_PROJECT_EXISTS"
    )


def stage_on(project: SocialWorkProject, today: date) -> ProjectStage:
    if today < project.start_date:
        return ProjectStage.PLANNED
    if today > project.end_date:
        return ProjectStage.FINISHED
    return ProjectStage.ONGOING


def to_out(
    project: SocialWorkProject, community_name: str, today: date | None = None
) -> ProjectOut:
    return ProjectOut(
        id=project.id,
        area_code=AreaCode(project.area_code),
        community_name=community_name,
        name=project.name,
        kind=ProjectKind(project.kind),
        pilot=project.pilot,
        service=project.service,
        provider_name=project.provider_name,
        provider_credit_code=(
            CreditCode(project.provider_credit_code) if project.provider_credit_code else None
        ),
        budget=project.budget,
        start_date=project.start_date,
        end_date=project.end_date,
        stage=stage_on(project, today or date.today()),
        recorded_by=project.recorded_by,
        version=project.version,
    )


def _apply(project: SocialWorkProject, data: ProjectFields) -> None:
    project.name = data.name
    project.kind = data.kind.value
    project.pilot = data.pilot
    project.service = data.service
    project.provider_name = data.provider_name
    project.provider_credit_code = (
        str(data.provider_credit_code) if data.provider_credit_code else None
    )
    project.budget = data.budget
    project.start_date = data.start_date
    project.end_date = data.end_date


class ProjectService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ProjectRepository(session)
        self.communities = CommunityRepository(session)

    async def create(self, data: ProjectCreate, principal: Principal) -> ProjectOut:
        if not principal.sees_area(data.area_code):
            raise Forbidden("不能在管辖区域以外登记项目", code="GOVERNANCE_AREA_FORBIDDEN")
        if await self.communities.get(data.area_code) is None:
            raise Unprocessable(
                f"村（社区）{data.area_code} 未登记", code="GOVERNANCE_COMMUNITY_NOT_REGISTERED"
            )
        if await self.repository.duplicate(data.area_code, data.name, data.start_date):
            raise project_exists()
        project = SocialWorkProject(area_code=str(data.area_code), recorded_by=principal.sub)
        _apply(project, data)
        async with unique_or_conflict(self.session, project_exists()):
            await self.repository.add(project)
            name = await self.repository.community_name(project.area_code)
            await self.session.commit()
        return to_out(project, name or "")

    async def get(self, project_id: uuid.UUID, principal: Principal) -> ProjectOut:
        project = await self._visible(project_id, principal)
        name = await self.repository.community_name(project.area_code)
        return to_out(project, name or "")

    async def update(
        self, project_id: uuid.UUID, data: ProjectUpdate, expected: int, principal: Principal
    ) -> ProjectOut:
        project = await self._visible(project_id, principal)
        check_version(project.version, expected)
        duplicate = await self.repository.duplicate(
            project.area_code, data.name, data.start_date, besides=project.id
        )
        if duplicate is not None:
            raise project_exists()
        _apply(project, data)
        async with unique_or_conflict(self.session, project_exists()):
            await self.repository.flush()
            name = await self.repository.community_name(project.area_code)
            await self.session.commit()
        return to_out(project, name or "")

    async def list_projects(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        kind: ProjectKind | None = None,
        pilot: bool | None = None,
        year: int | None = None,
        q: str | None = None,
    ) -> Page[ProjectOut]:
        conditions: list[ColumnElement[bool]] = [
            area_condition(SocialWorkProject.area_code, principal)
        ]
        if area_code is not None:
            conditions.append(SocialWorkProject.area_code.startswith(area_code, autoescape=True))
        if kind is not None:
            conditions.append(SocialWorkProject.kind == kind.value)
        if pilot is not None:
            conditions.append(SocialWorkProject.pilot.is_(pilot))
        if year is not None:
            conditions.append(runs_in_year(year))
        if q is not None and q.strip():
            text = q.strip()
            conditions.append(
                SocialWorkProject.name.contains(text, autoescape=True)
                | SocialWorkProject.provider_name.contains(text, autoescape=True)
            )
        rows, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        today = date.today()
        return Page[ProjectOut].of([to_out(p, n, today) for p, n in rows], total, page)

    async def _visible(self, project_id: uuid.UUID, principal: Principal) -> SocialWorkProject:
        project = await self.repository.get(project_id)
        missing = project_not_found(project_id)
        if project is None:
            raise missing
        ensure_visible(principal, project.area_code, missing)
        return project
