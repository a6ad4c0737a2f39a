from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.enrolments.models import Enrolment
from civil_assistance.reviews.models import EnrolmentReview
from civil_shared.runtime.database import count_rows

#: Enrolments that are reviewed: a gradual exit or an end needs no further review.
REVIEWED_STATUSES = ("active", "suspended")


class ReviewRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, review: EnrolmentReview) -> EnrolmentReview:
        self.session.add(review)
        await self.session.flush()
        return review

    async def of_enrolment(self, enrolment_id: Any) -> list[EnrolmentReview]:
        query = (
            select(EnrolmentReview)
            .where(EnrolmentReview.enrolment_id == enrolment_id)
            .order_by(EnrolmentReview.review_date.desc())
        )
        return list((await self.session.scalars(query)).all())

    def _due(self, until: date, visible: ColumnElement[bool]) -> list[ColumnElement[bool]]:
        return [
            Enrolment.status.in_(REVIEWED_STATUSES),
            Enrolment.next_review_date <= until,
            visible,
        ]

    async def due(
        self, until: date, visible: ColumnElement[bool], *, limit: int, offset: int
    ) -> tuple[list[Enrolment], int]:
        query = (
            select(Enrolment)
            .where(*self._due(until, visible))
            .order_by(Enrolment.next_review_date, Enrolment.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def due_by_township(
        self, as_of: date, until: date, visible: ColumnElement[bool]
    ) -> list[Any]:
        township = func.left(Enrolment.area_code, 9).label("township")
        query = (
            select(
                township,
                func.count().label("due"),
                func.count().filter(Enrolment.next_review_date < as_of).label("overdue"),
            )
            .where(*self._due(until, visible))
            .group_by(township)
            .order_by(township)
        )
        return list((await self.session.execute(query)).all())
