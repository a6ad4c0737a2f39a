"""What a run of one programme pays for one month: every payable enrolment, once."""

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.enrolments.models import PAID_STATUSES, Enrolment
from civil_assistance.enrolments.schemas import Programme
from civil_shared.runtime.disbursements import AnySelect
from civil_shared.types import Period


async def payable_lines(session: AsyncSession, programme: Programme, period: Period) -> AnySelect:
    month = str(period)
    return select(
        Enrolment.id.label("enrolment_id"),
        Enrolment.household_id.label("household_id"),
        Enrolment.payee_id_number.label("payee_id_number"),
        Enrolment.payee_name.label("payee_name"),
        Enrolment.area_code.label("area_code"),
        Enrolment.persons.label("persons"),
        Enrolment.monthly_amount.label("amount"),
    ).where(
        Enrolment.programme == programme.value,
        Enrolment.status.in_(PAID_STATUSES),
        Enrolment.start_period <= month,
        or_(Enrolment.end_period.is_(None), Enrolment.end_period >= month),
        or_(Enrolment.status != "gradual_exit", Enrolment.gradual_exit_until >= month),
    )
