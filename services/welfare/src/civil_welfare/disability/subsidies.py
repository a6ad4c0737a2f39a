"""Use cases of the two subsidies: decide an application, read the decisions, stop a grant.

A decision asks the assistance service first; when it cannot answer, the request
fails with a 503 problem and nothing is recorded (peers.assistance_status).
"""

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.auth import Principal, Role
from civil_shared.clients.assistance import AssistanceClient
from civil_shared.errors import Conflict, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.idempotency import Idempotency
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, DisabilityCategory, IdNumber, Period
from civil_welfare.disability.eligibility import (
    AssistanceFacts,
    PersonFacts,
    SubsidyPolicy,
    assess,
)
from civil_welfare.disability.models import (
    DisabilitySubsidyApplication,
    DisabilitySubsidyDecision,
    DisabilitySubsidyGrant,
    DisabledPerson,
)
from civil_welfare.disability.orphans import in_orphan_scheme
from civil_welfare.disability.repository import DisabilityRepository
from civil_welfare.disability.schemas import (
    GRANT_TRANSITIONS,
    ApplicationOut,
    AssistanceAnswer,
    DecisionOut,
    DisabilitySubsidy,
    GrantOut,
    GrantStatus,
    GrantStop,
    Outcome,
    RefusalReason,
    RegisterStatus,
    SubsidyApplicationCreate,
)
from civil_welfare.disability.service import stop_grant, visible_person
from civil_welfare.parameters.keys import ParameterKey
from civil_welfare.parameters.service import parameter_value
from civil_welfare.peers import assistance_status
from civil_welfare.pii import audit_pii_read


def grant_not_found(grant_id: uuid.UUID) -> NotFound:
    return NotFound(f"补贴发放记录 {grant_id} 不存在", code="WELFARE_SUBSIDY_GRANT_NOT_FOUND")


def already_granted(subsidy: DisabilitySubsidy, grant_id: uuid.UUID | None = None) -> Conflict:
    return Conflict(
        f"该人员正在享受{subsidy.label}，不能重复申请；如需重新审核，请先停发",
        code="WELFARE_SUBSIDY_ALREADY_GRANTED",
        subsidy=subsidy.value,
        grant_id=str(grant_id) if grant_id is not None else None,
    )


def decision_out(decision: DisabilitySubsidyDecision) -> DecisionOut:
    reasons = [RefusalReason(r) for r in decision.reasons]
    return DecisionOut(
        id=decision.id,
        subsidy=DisabilitySubsidy(decision.subsidy),
        outcome=Outcome(decision.outcome),
        reasons=reasons,
        reason_text="；".join(r.label for r in reasons) or None,
        grant_id=decision.grant_id,
    )


def application_out(application: DisabilitySubsidyApplication) -> ApplicationOut:
    order = list(DisabilitySubsidy)
    return ApplicationOut(
        id=application.id,
        person_id=application.person_id,
        start_period=Period(application.start_period),
        decided_on=application.decided_on,
        decided_by=application.decided_by,
        category=DisabilityCategory(application.category),
        grade=application.grade,
        care_need_months=application.care_need_months,
        in_orphan_scheme=application.in_orphan_scheme,
        assistance=AssistanceAnswer(
            in_dibao=application.in_dibao,
            in_tekun=application.in_tekun,
            household_edge_of_dibao=application.household_edge_of_dibao,
            programmes=list(application.assistance_programmes),
            checked_on=application.assistance_checked_on,
        ),
        decisions=[
            decision_out(d)
            for d in sorted(
                application.decisions, key=lambda d: order.index(DisabilitySubsidy(d.subsidy))
            )
        ],
        notes=application.notes,
    )


def grant_out(grant: DisabilitySubsidyGrant) -> GrantOut:
    person = grant.person
    return GrantOut(
        id=grant.id,
        person_id=grant.person_id,
        id_number=IdNumber(person.id_number),
        name=person.name,
        area_code=AreaCode(person.area_code),
        subsidy=DisabilitySubsidy(grant.subsidy),
        start_period=Period(grant.start_period),
        end_period=Period(grant.end_period) if grant.end_period else None,
        status=GrantStatus(grant.status),
        stop_reason=grant.stop_reason,
        version=grant.version,
    )


async def subsidy_policy(session: AsyncSession, year: int, area_code: str) -> SubsidyPolicy:
    """The year's rule parameters for the area; a 409 when one is not set (never guessed)."""

    async def value(key: ParameterKey) -> int:
        return int(await parameter_value(session, key, year, area_code))

    return SubsidyPolicy(
        living_for_edge_of_dibao=await value(ParameterKey.LIVING_SUBSIDY_EDGE_OF_DIBAO) == 1,
        care_for_grade3_mental=await value(ParameterKey.CARE_SUBSIDY_GRADE3_MENTAL) == 1,
        care_need_min_months=await value(ParameterKey.CARE_NEED_MIN_MONTHS),
    )


class SubsidyService:
    def __init__(
        self,
        session: AsyncSession,
        assistance: AssistanceClient | None = None,
        today: date | None = None,
    ) -> None:
        self.session = session
        self.assistance = assistance
        self.today = today or date.today()
        self.repository = DisabilityRepository(session)

    async def decide(
        self,
        person_id: uuid.UUID,
        data: SubsidyApplicationCreate,
        principal: Principal,
        idempotency: Idempotency,
    ) -> tuple[int, Any]:
        """Decide an application for one or both subsidies on today's facts and record it.

        Granted subsidies start paying in ``start_period``. The person's facts come
        from the register, dibao and tekun from the assistance service (503 when it
        cannot say), the orphan scheme from the children's register. A repeat with
        the same ``Idempotency-Key`` gets the first answer back, decided once.
        """
        replay = await idempotency.claim()
        if replay is not None:
            return replay.status_code, replay.body
        person = await visible_person(self.repository, person_id, principal)
        today = self.today
        if person.status != RegisterStatus.ACTIVE:
            raise Conflict(
                "该人员不在册（已迁出、死亡或证件注销），不能申请补贴",
                code="WELFARE_DISABLED_PERSON_NOT_ACTIVE",
                person_status=person.status,
            )
        # An administrator may enter decisions taken before the platform (补录): the
        # start may then lie in the past; everyone else decides from this month on.
        if data.start_period < Period.of(today) and not principal.has_role(Role.ADMIN):
            raise Unprocessable(
                f"起始发放月份不能早于审核当月（{Period.of(today)}）",
                code="WELFARE_SUBSIDY_START_IN_PAST",
            )
        for grant in person.grants:
            subsidy = DisabilitySubsidy(grant.subsidy)
            if grant.status == GrantStatus.ACTIVE and subsidy in data.subsidies:
                raise already_granted(subsidy, grant.id)
        policy = await subsidy_policy(self.session, today.year, person.area_code)
        orphan = await in_orphan_scheme(self.session, person.id_number, data.start_period)
        answer = await assistance_status(self.assistance, IdNumber(person.id_number), today)

        facts = PersonFacts(
            category=DisabilityCategory(person.category),
            grade=person.grade,
            care_need_since=person.care_need_since,
            in_orphan_scheme=orphan,
        )
        application = DisabilitySubsidyApplication(
            person_id=person.id,
            start_period=str(data.start_period),
            decided_on=today,
            decided_by=principal.sub,
            category=person.category,
            grade=person.grade,
            care_need_months=facts.care_need_months(today),
            in_orphan_scheme=orphan,
            in_dibao=answer.in_dibao,
            in_tekun=answer.in_tekun,
            household_edge_of_dibao=answer.household_edge_of_dibao,
            assistance_programmes=sorted({e.programme for e in answer.enrolments}),
            assistance_checked_on=answer.checked_on,
            notes=data.notes,
            decisions=[],
        )
        grants: list[DisabilitySubsidyGrant] = []
        for subsidy in (s for s in DisabilitySubsidy if s in data.subsidies):
            verdict = assess(subsidy, facts, AssistanceFacts.of(answer), policy, today)
            grant_id: uuid.UUID | None = None
            if verdict.granted:
                grant = DisabilitySubsidyGrant(
                    id=uuid.uuid4(),
                    person_id=person.id,
                    subsidy=subsidy.value,
                    start_period=str(data.start_period),
                    status=GrantStatus.ACTIVE.value,
                )
                grants.append(grant)
                grant_id = grant.id
            application.decisions.append(
                DisabilitySubsidyDecision(
                    subsidy=subsidy.value,
                    outcome=(Outcome.GRANTED if verdict.granted else Outcome.REFUSED).value,
                    reasons=[r.value for r in verdict.reasons],
                    grant_id=grant_id,
                )
            )
        # Two officers deciding the same person at once: the one-active-grant index decides.
        race = Conflict(
            "该人员的补贴刚被他人审核同意，请刷新后查看", code="WELFARE_SUBSIDY_ALREADY_GRANTED"
        )
        async with unique_or_conflict(self.session, race):
            for grant in grants:  # before the decisions that name them
                await self.repository.add(grant)
            await self.repository.add(application)
            body = application_out(application).model_dump(mode="json")
            await idempotency.remember(201, body)
            await self.session.commit()
        return 201, body

    async def applications(
        self, person_id: uuid.UUID, page: PageParams, principal: Principal
    ) -> Page[ApplicationOut]:
        person = await visible_person(self.repository, person_id, principal)
        items, total = await self.repository.applications(
            person.id, limit=page.limit, offset=page.offset
        )
        return Page[ApplicationOut].of([application_out(a) for a in items], total, page)

    # --- grants -------------------------------------------------------------

    async def grants(
        self,
        page: PageParams,
        principal: Principal,
        *,
        subsidy: DisabilitySubsidy | None = None,
        status: GrantStatus | None = None,
        area_code: str | None = None,
        person_id: uuid.UUID | None = None,
        paid_in: Period | None = None,
    ) -> Page[GrantOut]:
        conditions: list[ColumnElement[bool]] = [
            area_condition(DisabledPerson.area_code, principal)
        ]
        if subsidy is not None:
            conditions.append(DisabilitySubsidyGrant.subsidy == subsidy.value)
        if status is not None:
            conditions.append(DisabilitySubsidyGrant.status == status.value)
        if area_code is not None:
            conditions.append(DisabledPerson.area_code.startswith(area_code, autoescape=True))
        if person_id is not None:
            conditions.append(DisabilitySubsidyGrant.person_id == person_id)
        if paid_in is not None:
            month = str(paid_in)
            conditions.append(DisabilitySubsidyGrant.start_period <= month)
            conditions.append(
                or_(
                    DisabilitySubsidyGrant.end_period.is_(None),
                    DisabilitySubsidyGrant.end_period >= month,
                )
            )
        items, total = await self.repository.grant_page(
            conditions, limit=page.limit, offset=page.offset
        )
        await audit_pii_read(
            self.session, principal, "disability_subsidy_grant", [g.id for g in items]
        )
        return Page[GrantOut].of([grant_out(g) for g in items], total, page)

    async def grant(self, grant_id: uuid.UUID, principal: Principal) -> GrantOut:
        grant = await self._visible_grant(grant_id, principal)
        await audit_pii_read(self.session, principal, "disability_subsidy_grant", [grant.id])
        return grant_out(grant)

    async def stop(
        self, grant_id: uuid.UUID, data: GrantStop, expected_version: int, principal: Principal
    ) -> GrantOut:
        grant = await self._visible_grant(grant_id, principal)
        check_version(grant.version, expected_version)
        current = GrantStatus(grant.status)
        allowed = GRANT_TRANSITIONS[current]
        if GrantStatus.STOPPED not in allowed:
            raise Conflict(
                "该补贴已停发",
                code="WELFARE_SUBSIDY_GRANT_INVALID_TRANSITION",
                current=current.value,
                allowed=[s.value for s in allowed],
            )
        start = Period(grant.start_period)
        end = data.end_period or max(Period.of(self.today), start.previous())
        if end < start.previous():
            raise Unprocessable(
                f"最后发放月份不能早于起始月份（{start}）的前一月",
                code="WELFARE_SUBSIDY_END_BEFORE_START",
            )
        stop_grant(grant, data.reason, end)
        await self.repository.flush()
        await self.session.commit()
        return grant_out(grant)

    async def _visible_grant(
        self, grant_id: uuid.UUID, principal: Principal
    ) -> DisabilitySubsidyGrant:
        grant = await self.repository.grant(grant_id)
        missing = grant_not_found(grant_id)
        if grant is None:
            raise missing
        ensure_visible(principal, grant.person.area_code, missing)
        return grant
