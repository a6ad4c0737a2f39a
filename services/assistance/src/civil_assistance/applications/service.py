"""Use cases of applications: submit, investigate, notice, decide."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.applications.assessment import (
    Verdict,
    assess_dibao_application,
    assess_tekun_application,
    working_age_members,
)
from civil_assistance.applications.models import Application
from civil_assistance.applications.repository import ApplicationRepository
from civil_assistance.applications.schemas import (
    TRANSITIONS,
    ApplicationCreate,
    ApplicationOut,
    ApplicationStatus,
    Decision,
    Investigation,
    NoticeStart,
    Step,
)
from civil_assistance.enrolments.models import EnrolledPerson, Enrolment
from civil_assistance.enrolments.repository import EnrolmentRepository
from civil_assistance.enrolments.schemas import Person, Programme
from civil_assistance.enrolments.service import already_enrolled
from civil_assistance.entitlements.reviews import IncomeStability, review_due_date
from civil_assistance.households.income import living_members
from civil_assistance.households.models import Household
from civil_assistance.parameters.keys import ParameterKey
from civil_assistance.parameters.service import parameter_value, review_intervals
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.idempotency import Idempotency
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, IdNumber, Period


def application_not_found(application_id: uuid.UUID) -> NotFound:
    return NotFound(f"申请 {application_id} 不存在", code="ASSISTANCE_APPLICATION_NOT_FOUND")


def to_out(a: Application) -> ApplicationOut:
    status = ApplicationStatus(a.status)
    return ApplicationOut(
        id=a.id,
        programme=Programme(a.programme),
        household_id=a.household_id,
        applicant=Person(id_number=IdNumber(a.applicant_id_number), name=a.applicant_name),
        area_code=AreaCode(a.area_code),
        application_date=a.application_date,
        staff_related=a.staff_related,
        staff_relation=a.staff_relation,
        status=status,
        allowed_steps=list(TRANSITIONS[status]),
        visit_date=a.visit_date,
        investigators=[n for n in (a.investigator_1, a.investigator_2) if n],
        county_visited=a.county_visited,
        visit_findings=a.visit_findings,
        members=a.members,
        income_per_person=a.income_per_person,
        standard_monthly=a.standard_monthly,
        eligible=a.eligible,
        reasons=list(a.reasons or []),
        monthly_amount=a.monthly_amount,
        self_care_level=a.self_care_level,
        notice_start_date=a.notice_start_date,
        notice_end_date=a.notice_end_date,
        decided_at=a.decided_at,
        decided_by=a.decided_by,
        decision_reason=a.decision_reason,
        enrolment_id=a.enrolment_id,
        version=a.version,
    )


def _step(application: Application, step: Step) -> ApplicationStatus:
    """The status ``step`` leads to, or a 409 naming the steps allowed now."""
    current = ApplicationStatus(application.status)
    allowed = TRANSITIONS[current]
    if step not in allowed:
        raise Conflict(
            f"申请当前为“{current.value}”，不能进行“{step.value}”",
            code="ASSISTANCE_INVALID_TRANSITION",
            current=current.value,
            allowed=[s.value for s in allowed],
        )
    return allowed[step]


class ApplicationService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ApplicationRepository(session)
        self.enrolments = EnrolmentRepository(session)

    async def submit(
        self, data: ApplicationCreate, principal: Principal, idempotency: Idempotency
    ) -> tuple[int, Any]:
        replay = await idempotency.claim()
        if replay is not None:
            return replay.status_code, replay.body
        if not principal.sees_area(data.area_code):
            raise Forbidden("不能受理管辖区域以外的申请", code="ASSISTANCE_AREA_FORBIDDEN")
        if data.household_id is not None:
            household = await self.repository.household(data.household_id)
            if household is None or not principal.sees_area(household.area_code):
                raise Unprocessable("申请家庭不存在", code="ASSISTANCE_HOUSEHOLD_NOT_FOUND")
            if data.applicant.id_number not in {m.id_number for m in household.members}:
                raise Unprocessable(
                    "申请人不是该家庭的成员", code="ASSISTANCE_APPLICANT_NOT_MEMBER"
                )
        enrolled = await self.enrolments.enrolled_elsewhere([str(data.applicant.id_number)])
        if enrolled:
            raise already_enrolled(enrolled)
        duplicate = Conflict(
            "该申请人已有同一项目的申请正在办理", code="ASSISTANCE_APPLICATION_OPEN"
        )
        if await self.repository.open_for(str(data.applicant.id_number), data.programme.value):
            raise duplicate
        application = Application(
            programme=data.programme.value,
            household_id=data.household_id,
            applicant_id_number=str(data.applicant.id_number),
            applicant_name=data.applicant.name,
            area_code=str(data.area_code),
            application_date=data.application_date,
            staff_related=data.staff_related,
            staff_relation=data.staff_relation,
            status=ApplicationStatus.SUBMITTED.value,
        )
        async with unique_or_conflict(self.session, duplicate):
            await self.repository.add(application)
            body = to_out(application).model_dump(mode="json")
            await idempotency.remember(201, body)
            await self.session.commit()
        return 201, body

    async def investigate(
        self, application_id: uuid.UUID, data: Investigation, version: int, principal: Principal
    ) -> ApplicationOut:
        application = await self._for_step(application_id, version, principal, Step.INVESTIGATE)
        if data.visit_date < application.application_date:
            raise Unprocessable("调查日期不能早于申请日期", code="ASSISTANCE_VISIT_DATE")
        if application.staff_related and not data.county_visited:
            # Relatives of staff are visited by the county, not only by the township.
            raise Unprocessable(
                "经办人员近亲属的申请须由县级民政部门入户核查",
                code="ASSISTANCE_COUNTY_VISIT_REQUIRED",
            )
        verdict = await self._assess(application, data)
        application.visit_date = data.visit_date
        application.investigator_1, application.investigator_2 = data.investigators
        application.county_visited = data.county_visited
        application.visit_findings = data.findings
        application.members = verdict.members
        application.income_per_person = verdict.income_per_person
        application.standard_monthly = verdict.standard_monthly
        application.eligible = verdict.eligible
        application.reasons = verdict.reasons
        application.monthly_amount = verdict.monthly_amount
        application.self_care_level = verdict.self_care_level
        application.status = ApplicationStatus.INVESTIGATED.value
        await self.session.commit()
        return to_out(application)

    async def _assess(self, application: Application, data: Investigation) -> Verdict:
        if Programme(application.programme).is_tekun:
            return await assess_tekun_application(self.session, application, data)
        assert application.household_id is not None
        household = await self.repository.household(application.household_id)
        if household is None:
            raise Unprocessable("申请家庭不存在", code="ASSISTANCE_HOUSEHOLD_NOT_FOUND")
        return await assess_dibao_application(self.session, application, household, data)

    async def start_notice(
        self, application_id: uuid.UUID, data: NoticeStart, version: int, principal: Principal
    ) -> ApplicationOut:
        application = await self._for_step(application_id, version, principal, Step.NOTICE)
        if not application.eligible:
            raise Conflict(
                "调查结论为不符合条件，不能公示", code="ASSISTANCE_NOT_ELIGIBLE", allowed=["reject"]
            )
        days = await self._notice_days(application, data.start_date.year)
        application.notice_start_date = data.start_date
        application.notice_end_date = data.start_date + timedelta(days=days)
        application.status = ApplicationStatus.IN_NOTICE.value
        await self.session.commit()
        return to_out(application)

    async def approve(
        self, application_id: uuid.UUID, data: Decision, version: int, principal: Principal
    ) -> ApplicationOut:
        application = await self._for_step(application_id, version, principal, Step.APPROVE)
        if principal.area_prefixes is not None:
            raise Forbidden("审批由县级民政部门作出", code="ASSISTANCE_COUNTY_DECISION")
        if not application.eligible:
            raise Conflict(
                "调查结论为不符合条件", code="ASSISTANCE_NOT_ELIGIBLE", allowed=["reject"]
            )
        if application.status == ApplicationStatus.INVESTIGATED.value:
            if await self._notice_days(application, data.decision_date.year) > 0:
                raise Conflict(
                    "须先张榜公示",
                    code="ASSISTANCE_INVALID_TRANSITION",
                    allowed=["notice", "reject"],
                )
        elif application.notice_end_date and data.decision_date < application.notice_end_date:
            raise Conflict(
                f"公示期至 {application.notice_end_date} 结束，之后方可审批",
                code="ASSISTANCE_NOTICE_NOT_OVER",
            )
        enrolment = await self._enrol(application, data.decision_date)
        application.enrolment_id = enrolment.id
        self._decide(application, ApplicationStatus.APPROVED, data, principal)
        race = Conflict("该对象已在其他救助项目中保障", code="ASSISTANCE_PERSON_ALREADY_ENROLLED")
        async with unique_or_conflict(self.session, race):
            await self.session.commit()
        return to_out(application)

    async def reject(
        self, application_id: uuid.UUID, data: Decision, version: int, principal: Principal
    ) -> ApplicationOut:
        application = await self._for_step(application_id, version, principal, Step.REJECT)
        if not data.reason:
            raise Unprocessable("不予批准须说明理由", code="ASSISTANCE_REASON_REQUIRED")
        self._decide(application, ApplicationStatus.REJECTED, data, principal)
        await self.session.commit()
        return to_out(application)

    async def withdraw(
        self, application_id: uuid.UUID, data: Decision, version: int, principal: Principal
    ) -> ApplicationOut:
        application = await self._for_step(application_id, version, principal, Step.WITHDRAW)
        self._decide(application, ApplicationStatus.WITHDRAWN, data, principal)
        await self.session.commit()
        return to_out(application)

    async def get(self, application_id: uuid.UUID, principal: Principal) -> ApplicationOut:
        return to_out(await self._visible(application_id, principal))

    async def find(
        self,
        page: PageParams,
        principal: Principal,
        *,
        status: ApplicationStatus | None,
        programme: Programme | None,
        area_code: str | None,
        staff_related: bool | None,
    ) -> Page[ApplicationOut]:
        conditions: list[ColumnElement[bool]] = [area_condition(Application.area_code, principal)]
        if status is not None:
            conditions.append(Application.status == status.value)
        if programme is not None:
            conditions.append(Application.programme == programme.value)
        if area_code is not None:
            conditions.append(Application.area_code.startswith(area_code, autoescape=True))
        if staff_related is not None:
            conditions.append(Application.staff_related.is_(staff_related))
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[ApplicationOut].of([to_out(a) for a in items], total, page)

    async def _notice_days(self, application: Application, year: int) -> int:
        return int(
            await parameter_value(
                self.session, ParameterKey.PUBLIC_NOTICE_DAYS, year, application.area_code
            )
        )

    async def _enrol(self, application: Application, decided: date) -> Enrolment:
        """The approved application becomes an enrolment, paid from the next month."""
        people, household = await self._people(application, decided)
        clash = await self.enrolments.enrolled_elsewhere([p.id_number for p in people])
        if clash:
            raise already_enrolled(clash)
        stability = (
            IncomeStability(household.income_stability) if household else IncomeStability.STABLE
        )
        working = working_age_members(household, decided) if household else 0
        intervals = await review_intervals(self.session, decided.year, application.area_code)
        payee = next(
            (p for p in people if p.id_number == application.applicant_id_number), people[0]
        )
        enrolment = Enrolment(
            programme=application.programme,
            household_id=application.household_id,
            area_code=application.area_code,
            payee_id_number=payee.id_number,
            payee_name=payee.name,
            persons=len(people),
            monthly_amount=application.monthly_amount,
            start_period=str(Period.of(decided).next()),
            status="active",
            status_reason="申请获批",
            in_poverty_alleviation=bool(household and household.in_poverty_alleviation),
            next_review_date=review_due_date(decided, stability, working, None, intervals),
            people=people,
        )
        return await self.enrolments.add(enrolment)

    async def _people(
        self, application: Application, on: date
    ) -> tuple[list[EnrolledPerson], Household | None]:
        if application.household_id is None:
            person = EnrolledPerson(
                id_number=application.applicant_id_number, name=application.applicant_name
            )
            return [person], None
        household = await self.repository.household(application.household_id)
        if household is None:
            raise Unprocessable("申请家庭不存在", code="ASSISTANCE_HOUSEHOLD_NOT_FOUND")
        members = living_members(household.members, on)
        return [EnrolledPerson(id_number=m.id_number, name=m.name) for m in members], household

    @staticmethod
    def _decide(
        application: Application, status: ApplicationStatus, data: Decision, principal: Principal
    ) -> None:
        application.status = status.value
        application.decided_at = datetime.now(UTC)
        application.decided_by = principal.sub
        application.decision_reason = data.reason

    async def _for_step(
        self, application_id: uuid.UUID, version: int, principal: Principal, step: Step
    ) -> Application:
        application = await self._visible(application_id, principal)
        check_version(application.version, version)
        _step(application, step)
        return application

    async def _visible(self, application_id: uuid.UUID, principal: Principal) -> Application:
        application = await self.repository.get(application_id)
        missing = application_not_found(application_id)
        if application is None:
            raise missing
        ensure_visible(principal, application.area_code, missing)
        return application
