"""Use cases of donations and charity projects; each commits exactly once."""

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.charity.models import CharityProject, Donation
from civil_governance.charity.repository import (
    DonationRepository,
    ProjectRepository,
    between,
    donor_or_receipt,
)
from civil_governance.charity.rules import PROJECT_TRANSITIONS, next_project_status
from civil_governance.charity.schemas import (
    DonationFields,
    DonationForm,
    DonationOut,
    DonationPurpose,
    DonationTotals,
    DonorKind,
    GoodsOut,
    ProjectCreate,
    ProjectFields,
    ProjectOut,
    ProjectStatus,
    ProjectStatusChange,
)
from civil_governance.organisations.areas import outside_areas, township_scope, unknown_township
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.scoping import ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode


def donation_not_found(donation_id: uuid.UUID) -> NotFound:
    return NotFound(f"捐赠记录 {donation_id} 不存在", code="GOVERNANCE_DONATION_NOT_FOUND")


def project_not_found(project_id: uuid.UUID) -> NotFound:
    return NotFound(f"慈善项目 {project_id} 不存在", code="GOVERNANCE_CHARITY_PROJECT_NOT_FOUND")


def receipt_taken(receiving_body: str, receipt_number: str) -> Conflict:
    return Conflict(
        f"{receiving_body} 的捐赠票据号 {receipt_number} 已登记",
        code="GOVERNANCE_DONATION_RECEIPT_EXISTS",
    )


def project_exists(organiser: str, name: str) -> Conflict:
    return Conflict(
        f"{organiser} 已有名为“{name}”的慈善项目", code="GOVERNANCE_CHARITY_PROJECT_EXISTS"
    )


def to_out(donation: Donation) -> DonationOut:
    goods = None
    if donation.form == DonationForm.GOODS:
        assert donation.goods_description is not None
        assert donation.goods_unit is not None
        assert donation.goods_quantity is not None
        assert donation.goods_value is not None
        goods = GoodsOut(
            description=donation.goods_description,
            quantity=donation.goods_quantity,
            unit=donation.goods_unit,
            value=donation.goods_value,
        )
    value = donation.amount if donation.amount is not None else donation.goods_value
    assert value is not None  # the money_or_goods CHECK
    return DonationOut(
        id=donation.id,
        donor_name=donation.donor_name,
        donor_kind=DonorKind(donation.donor_kind),
        donation_date=donation.donation_date,
        form=DonationForm(donation.form),
        amount=donation.amount,
        goods=goods,
        value=value,
        purpose=DonationPurpose(donation.purpose),
        purpose_note=donation.purpose_note,
        receiving_body=donation.receiving_body,
        receipt_number=donation.receipt_number,
        township_code=AreaCode(donation.township_code) if donation.township_code else None,
        project_id=donation.project_id,
        notes=donation.notes,
        version=donation.version,
    )


def project_out(project: CharityProject, raised: Decimal, donations: int) -> ProjectOut:
    status = ProjectStatus(project.status)
    return ProjectOut(
        id=project.id,
        name=project.name,
        organiser=project.organiser,
        purpose=DonationPurpose(project.purpose),
        goal_amount=project.goal_amount,
        raised=raised,
        donations=donations,
        start_date=project.start_date,
        end_date=project.end_date,
        status=status,
        status_reason=project.status_reason,
        allowed_statuses=list(PROJECT_TRANSITIONS[status]),
        township_code=AreaCode(project.township_code) if project.township_code else None,
        description=project.description,
        version=project.version,
    )


def _apply(donation: Donation, data: DonationFields) -> None:
    donation.donor_name = data.donor_name
    donation.donor_kind = data.donor_kind.value
    donation.donation_date = data.donation_date
    donation.form = (DonationForm.MONEY if data.amount is not None else DonationForm.GOODS).value
    donation.amount = data.amount
    goods = data.goods
    donation.goods_description = goods.description if goods else None
    donation.goods_quantity = goods.quantity if goods else None
    donation.goods_unit = goods.unit if goods else None
    donation.goods_value = goods.value if goods else None
    donation.purpose = data.purpose.value
    donation.purpose_note = data.purpose_note
    donation.receiving_body = data.receiving_body
    donation.receipt_number = data.receipt_number
    donation.township_code = str(data.township_code) if data.township_code else None
    donation.project_id = data.project_id
    donation.notes = data.notes


class DonationService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = DonationRepository(session)
        self.projects = ProjectRepository(session)

    async def record(self, data: DonationFields, principal: Principal) -> DonationOut:
        await self._check(data, principal)
        donation = Donation()
        _apply(donation, data)
        race = receipt_taken(data.receiving_body, data.receipt_number)
        async with unique_or_conflict(self.session, race):
            await self.repository.add(donation)
            await self.session.commit()
        return to_out(donation)

    async def update(
        self,
        donation_id: uuid.UUID,
        data: DonationFields,
        expected_version: int,
        principal: Principal,
    ) -> DonationOut:
        donation = await self._visible(donation_id, principal)
        check_version(donation.version, expected_version)
        await self._check(data, principal, besides=donation.id)
        _apply(donation, data)
        race = receipt_taken(data.receiving_body, data.receipt_number)
        async with unique_or_conflict(self.session, race):
            await self.repository.flush()
            await self.session.commit()
        return to_out(donation)

    async def get(self, donation_id: uuid.UUID, principal: Principal) -> DonationOut:
        return to_out(await self._visible(donation_id, principal))

    async def find(
        self,
        page: PageParams,
        principal: Principal,
        *,
        purpose: DonationPurpose | None = None,
        form: DonationForm | None = None,
        donor_kind: DonorKind | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        receiving_body: str | None = None,
        project_id: uuid.UUID | None = None,
        area_code: str | None = None,
        q: str | None = None,
    ) -> Page[DonationOut]:
        _check_period(date_from, date_to)
        conditions = self._scope(principal, area_code)
        conditions += between(date_from, date_to)
        if purpose is not None:
            conditions.append(Donation.purpose == purpose.value)
        if form is not None:
            conditions.append(Donation.form == form.value)
        if donor_kind is not None:
            conditions.append(Donation.donor_kind == donor_kind.value)
        if receiving_body is not None and receiving_body.strip():
            conditions.append(Donation.receiving_body == " ".join(receiving_body.split()))
        if project_id is not None:
            conditions.append(Donation.project_id == project_id)
        if q is not None and q.strip():
            conditions.append(donor_or_receipt(q))
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[DonationOut].of([to_out(d) for d in items], total, page)

    async def totals(
        self,
        principal: Principal,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        area_code: str | None = None,
    ) -> DonationTotals:
        _check_period(date_from, date_to)
        return await self.repository.totals(self._scope(principal, area_code), date_from, date_to)

    @staticmethod
    def _scope(principal: Principal, area_code: str | None) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [township_scope(Donation.township_code, principal)]
        if area_code is not None:
            conditions.append(Donation.township_code.startswith(area_code, autoescape=True))
        return conditions

    async def _check(
        self, data: DonationFields, principal: Principal, *, besides: uuid.UUID | None = None
    ) -> None:
        if not principal.sees_area(data.township_code):
            raise outside_areas()
        if data.township_code is not None and not await self.repository.township_exists(
            data.township_code
        ):
            raise unknown_township(data.township_code)
        existing = await self.repository.with_receipt(
            data.receiving_body, data.receipt_number, besides=besides
        )
        if existing is not None:
            raise receipt_taken(data.receiving_body, data.receipt_number)
        if data.project_id is not None:
            await self._check_project(data, principal)

    async def _check_project(self, data: DonationFields, principal: Principal) -> None:
        """A donation to a project: the project has started, the date lies in its
        period and the purpose is the project's."""
        assert data.project_id is not None
        project = await self.projects.get(data.project_id)
        if project is None or not principal.sees_area(project.township_code):
            raise Unprocessable(
                f"慈善项目 {data.project_id} 不存在", code="GOVERNANCE_DONATION_PROJECT_UNKNOWN"
            )
        if project.status == ProjectStatus.PLANNED:
            raise Unprocessable(
                f"慈善项目“{project.name}”尚在筹备中，不能接受定向捐赠",
                code="GOVERNANCE_DONATION_PROJECT_NOT_STARTED",
            )
        ends = project.end_date
        if data.donation_date < project.start_date or (
            ends is not None and data.donation_date > ends
        ):
            period = f"{project.start_date} 至 {ends or '今'}"
            raise Unprocessable(
                f"捐赠日期不在慈善项目“{project.name}”的期间（{period}）内",
                code="GOVERNANCE_DONATION_OUTSIDE_PROJECT_PERIOD",
            )
        if data.purpose.value != project.purpose:
            raise Unprocessable(
                f"定向捐赠的用途应与慈善项目一致（{DonationPurpose(project.purpose).value}）",
                code="GOVERNANCE_DONATION_PURPOSE_MISMATCH",
            )

    async def _visible(self, donation_id: uuid.UUID, principal: Principal) -> Donation:
        donation = await self.repository.get(donation_id)
        missing = donation_not_found(donation_id)
        if donation is None:
            raise missing
        ensure_visible(principal, donation.township_code, missing)
        return donation


def _check_period(date_from: date | None, date_to: date | None) -> None:
    if date_from is not None and date_to is not None and date_from > date_to:
        raise Unprocessable("起始日期不能晚于截止日期", code="GOVERNANCE_DONATION_PERIOD")


class ProjectService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ProjectRepository(session)

    async def create(self, data: ProjectCreate, principal: Principal) -> ProjectOut:
        await self._check(data, principal)
        project = CharityProject(status=data.status.value)
        _apply_project(project, data)
        async with unique_or_conflict(self.session, project_exists(data.organiser, data.name)):
            await self.repository.add(project)
            await self.session.commit()
        return project_out(project, Decimal("0.00"), 0)

    async def update(
        self,
        project_id: uuid.UUID,
        data: ProjectFields,
        expected_version: int,
        principal: Principal,
    ) -> ProjectOut:
        project = await self._visible(project_id, principal)
        check_version(project.version, expected_version)
        status = ProjectStatus(project.status)
        if not PROJECT_TRANSITIONS[status]:
            raise Conflict(
                f"慈善项目{status.label}，不能再修改", code="GOVERNANCE_CHARITY_PROJECT_ENDED"
            )
        await self._check(data, principal, besides=project.id)
        first, last = await self.repository.donation_dates(project.id)
        if (first is not None and first < data.start_date) or (
            last is not None and data.end_date is not None and last > data.end_date
        ):
            raise Unprocessable(
                f"项目期间须包含已登记的定向捐赠（{first} 至 {last}）",
                code="GOVERNANCE_CHARITY_PROJECT_PERIOD",
            )
        _apply_project(project, data)
        async with unique_or_conflict(self.session, project_exists(data.organiser, data.name)):
            await self.repository.flush()
            await self.session.commit()
        return await self._out(project)

    async def change_status(
        self,
        project_id: uuid.UUID,
        change: ProjectStatusChange,
        expected_version: int,
        principal: Principal,
    ) -> ProjectOut:
        project = await self._visible(project_id, principal, for_update=True)
        check_version(project.version, expected_version)
        status = next_project_status(ProjectStatus(project.status), change.status)
        if status in (ProjectStatus.COMPLETED, ProjectStatus.TERMINATED):
            end = change.end_date or project.end_date or date.today()
            _, last = await self.repository.donation_dates(project.id)
            if end < project.start_date or (last is not None and end < last):
                raise Unprocessable(
                    "结束日期不能早于项目开始日期或最后一笔定向捐赠的日期",
                    code="GOVERNANCE_CHARITY_PROJECT_PERIOD",
                )
            project.end_date = end
        project.status = status.value
        project.status_reason = change.reason
        await self.repository.flush()
        await self.session.commit()
        return await self._out(project)

    async def get(self, project_id: uuid.UUID, principal: Principal) -> ProjectOut:
        return await self._out(await self._visible(project_id, principal))

    async def find(
        self,
        page: PageParams,
        principal: Principal,
        *,
        status: ProjectStatus | None = None,
        purpose: DonationPurpose | None = None,
        area_code: str | None = None,
        q: str | None = None,
    ) -> Page[ProjectOut]:
        conditions: list[ColumnElement[bool]] = [
            township_scope(CharityProject.township_code, principal)
        ]
        if status is not None:
            conditions.append(CharityProject.status == status.value)
        if purpose is not None:
            conditions.append(CharityProject.purpose == purpose.value)
        if area_code is not None:
            conditions.append(CharityProject.township_code.startswith(area_code, autoescape=True))
        if q is not None and q.strip():
            text = q.strip()
            conditions.append(
                CharityProject.name.contains(text, autoescape=True)
                | CharityProject.organiser.contains(text, autoescape=True)
            )
        rows, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[ProjectOut].of([project_out(p, r, n) for p, r, n in rows], total, page)

    async def _check(
        self, data: ProjectFields, principal: Principal, *, besides: uuid.UUID | None = None
    ) -> None:
        if not principal.sees_area(data.township_code):
            raise outside_areas()
        if data.township_code is not None and not await self.repository.township_exists(
            data.township_code
        ):
            raise unknown_township(data.township_code)
        if await self.repository.named(data.organiser, data.name, besides=besides) is not None:
            raise project_exists(data.organiser, data.name)

    async def _out(self, project: CharityProject) -> ProjectOut:
        raised, donations = await self.repository.raised(project.id)
        return project_out(project, raised, donations)

    async def _visible(
        self, project_id: uuid.UUID, principal: Principal, *, for_update: bool = False
    ) -> CharityProject:
        project = await self.repository.get(project_id, for_update=for_update)
        missing = project_not_found(project_id)
        if project is None:
            raise missing
        ensure_visible(principal, project.township_code, missing)
        return project


def _apply_project(project: CharityProject, data: ProjectFields) -> None:
    project.name = data.name
    project.organiser = data.organiser
    project.purpose = data.purpose.value
    project.goal_amount = data.goal_amount
    project.start_date = data.start_date
    project.end_date = data.end_date
    project.township_code = str(data.township_code) if data.township_code else None
    project.description = data.description
