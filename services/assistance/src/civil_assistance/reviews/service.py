"""Use cases of reviews: record a review and its outcome, list what is due."""

import uuid
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.enrolments.models import Enrolment
from civil_assistance.enrolments.repository import EnrolmentRepository
from civil_assistance.enrolments.schemas import EnrolmentStatus
from civil_assistance.enrolments.service import to_out as enrolment_out
from civil_assistance.enrolments.service import visible_enrolment
from civil_assistance.entitlements.reviews import gradual_exit_last_period, review_due_date
from civil_assistance.parameters.keys import ParameterKey
from civil_assistance.parameters.service import parameter_value, review_intervals
from civil_assistance.reviews.models import EnrolmentReview
from civil_assistance.reviews.repository import ReviewRepository
from civil_assistance.reviews.schemas import (
    DueReview,
    ReviewCreate,
    ReviewOut,
    ReviewOutcome,
    ReviewResult,
    TownshipDue,
)
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.scoping import area_condition
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, Period


class ReviewService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ReviewRepository(session)
        self.enrolments = EnrolmentRepository(session)

    async def review(
        self,
        enrolment_id: uuid.UUID,
        data: ReviewCreate,
        expected_version: int,
        principal: Principal,
    ) -> ReviewResult:
        enrolment = await self._visible(enrolment_id, principal)
        check_version(enrolment.version, expected_version)
        if enrolment.status not in ("active", "suspended"):
            raise Conflict(
                "只有在保或暂停的对象需要复核",
                code="ASSISTANCE_INVALID_TRANSITION",
                current=enrolment.status,
                allowed=[],
            )
        year, area = data.review_date.year, enrolment.area_code
        intervals = await review_intervals(self.session, year, area)
        next_review: date | None = review_due_date(
            data.review_date,
            data.income_stability,
            data.working_age_members,
            data.member_death_date,
            intervals,
        )
        previous_amount = enrolment.monthly_amount
        if data.outcome is ReviewOutcome.CHANGE_AMOUNT:
            assert data.new_monthly_amount is not None
            enrolment.monthly_amount = data.new_monthly_amount
        elif data.outcome is ReviewOutcome.GRADUAL_EXIT:
            assert data.gradual_exit_months is not None
            await self._start_gradual_exit(enrolment, data, year)
            next_review = None
        elif data.outcome is ReviewOutcome.END:
            enrolment.status = EnrolmentStatus.ENDED.value
            enrolment.status_reason = data.findings
            enrolment.end_period = str(Period.of(data.review_date))
            await self.enrolments.set_people_enrolled(enrolment.id, False)
            next_review = None
        enrolment.next_review_date = next_review
        review = await self.repository.add(
            EnrolmentReview(
                enrolment_id=enrolment.id,
                review_date=data.review_date,
                outcome=data.outcome.value,
                findings=data.findings,
                income_stability=data.income_stability.value,
                working_age_members=data.working_age_members,
                previous_amount=previous_amount,
                monthly_amount=enrolment.monthly_amount,
                next_review_date=next_review,
                reviewed_by=principal.sub,
            )
        )
        await self.session.commit()
        return ReviewResult(
            review=ReviewOut.model_validate(review), enrolment=enrolment_out(enrolment)
        )

    async def _start_gradual_exit(
        self, enrolment: Enrolment, data: ReviewCreate, year: int
    ) -> None:
        assert data.gradual_exit_months is not None
        limit = int(
            await parameter_value(
                self.session, ParameterKey.GRADUAL_EXIT_MAX_MONTHS, year, enrolment.area_code
            )
        )
        if data.gradual_exit_months > limit:
            raise Unprocessable(
                f"渐退期最长 {limit} 个月",
                code="ASSISTANCE_GRADUAL_EXIT_TOO_LONG",
                max_months=limit,
            )
        first = Period.of(data.review_date).next()
        enrolment.status = EnrolmentStatus.GRADUAL_EXIT.value
        enrolment.status_reason = data.findings
        enrolment.gradual_exit_until = str(
            gradual_exit_last_period(first, data.gradual_exit_months, limit)
        )

    async def history(self, enrolment_id: uuid.UUID, principal: Principal) -> list[ReviewOut]:
        await self._visible(enrolment_id, principal)
        return [
            ReviewOut.model_validate(r) for r in await self.repository.of_enrolment(enrolment_id)
        ]

    async def due(
        self, page: PageParams, principal: Principal, as_of: date, within_days: int
    ) -> Page[DueReview]:
        items, total = await self.repository.due(
            as_of + timedelta(days=within_days),
            area_condition(Enrolment.area_code, principal),
            limit=page.limit,
            offset=page.offset,
        )
        rows = [
            DueReview(
                enrolment_id=e.id,
                programme=e.programme,
                area_code=AreaCode(e.area_code),
                payee_name=e.payee_name,
                next_review_date=e.next_review_date,
                overdue=e.next_review_date < as_of,
            )
            for e in items
            if e.next_review_date is not None
        ]
        return Page[DueReview].of(rows, total, page)

    async def due_by_township(
        self, principal: Principal, as_of: date, within_days: int
    ) -> list[TownshipDue]:
        rows = await self.repository.due_by_township(
            as_of,
            as_of + timedelta(days=within_days),
            area_condition(Enrolment.area_code, principal),
        )
        return [
            TownshipDue(township=AreaCode(r.township), due=r.due, overdue=r.overdue) for r in rows
        ]

    async def _visible(self, enrolment_id: uuid.UUID, principal: Principal) -> Enrolment:
        return await visible_enrolment(self.enrolments, enrolment_id, principal)
