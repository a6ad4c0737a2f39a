"""What governance holds of one person: the volunteer registration and hours, community posts."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.community_workers.models import CommunityWorker
from civil_governance.volunteers.models import Volunteer, VolunteerHoursYear
from civil_shared.contracts.persons import (
    GovernancePersonProfile,
    ProfileRecord,
)
from civil_shared.contracts.persons import (
    VolunteerHoursYear as HoursOut,
)
from civil_shared.types import IdNumber

SERVICE = "governance"


async def person_profile(session: AsyncSession, id_number: IdNumber) -> GovernancePersonProfile:
    number = str(id_number)
    records: list[ProfileRecord] = []
    names: list[str] = []
    hours: list[HoursOut] = []
    volunteer = await session.scalar(select(Volunteer).where(Volunteer.id_number == number))
    if volunteer is not None:
        names.append(volunteer.name)
        years = (
            await session.execute(
                select(
                    VolunteerHoursYear.year, VolunteerHoursYear.hours, VolunteerHoursYear.records
                )
                .where(VolunteerHoursYear.volunteer_id == volunteer.id)
                .order_by(VolunteerHoursYear.year)
            )
        ).all()
        hours = [HoursOut(year=year, hours=total, records=count) for year, total, count in years]
        records.append(
            ProfileRecord(
                service=SERVICE,
                resource="volunteer",
                record_id=str(volunteer.id),
                label="注册志愿者",
                area_code=volunteer.area_code,
                status=volunteer.status,
                start=volunteer.registered_date.isoformat(),
                end=volunteer.status_date.isoformat() if volunteer.status_date else None,
                facts={"skills": "、".join(volunteer.skills) or None},
            )
        )
    workers = (
        await session.scalars(
            select(CommunityWorker)
            .where(CommunityWorker.id_number == number)
            .order_by(CommunityWorker.hired_date)
        )
    ).all()
    for worker in workers:
        names.append(worker.name)
        records.append(
            ProfileRecord(
                service=SERVICE,
                resource="community_worker",
                record_id=str(worker.id),
                label="社区工作者",
                area_code=worker.area_code,
                status=worker.status,
                start=worker.hired_date.isoformat(),
                end=worker.status_date.isoformat()
                if worker.status != "active" and worker.status_date
                else None,
                facts={"post": worker.post},
            )
        )
    return GovernancePersonProfile(
        id_number=id_number,
        name=names[0] if names else None,
        records=records,
        volunteer_hours=hours,
        total_hours=sum((h.hours for h in hours), Decimal("0.00")),
    )
