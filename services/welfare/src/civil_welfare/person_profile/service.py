"""What welfare holds of one person: registers, subsidies, child cases and visits."""

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.contracts.persons import ProfileRecord, WelfarePersonProfile
from civil_shared.types import IdNumber
from civil_welfare.children.files.models import ChildFile
from civil_welfare.children.support.models import ChildSupportCase
from civil_welfare.disability.models import DisabilitySubsidyGrant, DisabledPerson
from civil_welfare.elderly.models import LeftBehindElder
from civil_welfare.hard_up_elderly.models import HardUpElderSubsidy
from civil_welfare.high_age.models import HighAgeAllowance
from civil_welfare.visits.models import Visit

SERVICE = "welfare"
SUBSIDY_LABELS = {"living": "困难残疾人生活补贴", "care": "重度残疾人护理补贴"}
SCHEME_LABELS = {"orphan": "孤儿基本生活保障", "de_facto_unsupported": "事实无人抚养儿童保障"}
HARD_UP_LABELS = {
    "hard_up_high_age": "经济困难高龄老人补贴",
    "hard_up_disabled": "经济困难失能老人补贴",
}


def _record(resource: str, row: Any, label: str, **fields: Any) -> ProfileRecord:
    return ProfileRecord(
        service=SERVICE,
        resource=resource,
        record_id=str(row.id),
        label=label,
        area_code=fields.pop("area_code", getattr(row, "area_code", None)),
        status=fields.pop("status", getattr(row, "status", None)),
        start=fields.pop("start", None),
        end=fields.pop("end", None),
        facts=fields,
    )


async def person_profile(session: AsyncSession, id_number: IdNumber) -> WelfarePersonProfile:
    number = str(id_number)
    records: list[ProfileRecord] = []
    names: list[str] = []

    elders = (
        await session.scalars(select(LeftBehindElder).where(LeftBehindElder.id_number == number))
    ).all()
    for elder in elders:
        names.append(elder.name)
        records.append(
            _record(
                "left_behind_elder",
                elder,
                "农村留守老人",
                start=elder.registered_date.isoformat(),
                end=elder.left_date.isoformat() if elder.left_date else None,
                risk_level=elder.risk_level,
                worker_name=elder.worker_name,
            )
        )
    allowances = (
        await session.scalars(select(HighAgeAllowance).where(HighAgeAllowance.id_number == number))
    ).all()
    for allowance in allowances:
        names.append(allowance.name)
        records.append(
            _record(
                "high_age_allowance",
                allowance,
                "高龄津贴",
                start=allowance.start_period,
                end=allowance.end_period,
                stop_reason=allowance.stop_reason,
            )
        )
    hard_up = (
        await session.scalars(
            select(HardUpElderSubsidy)
            .where(HardUpElderSubsidy.id_number == number)
            .order_by(HardUpElderSubsidy.start_period)
        )
    ).all()
    for subsidy in hard_up:
        names.append(subsidy.name)
        records.append(
            _record(
                "hard_up_elder_subsidy",
                subsidy,
                HARD_UP_LABELS.get(subsidy.kind, subsidy.kind),
                start=subsidy.start_period,
                end=subsidy.end_period,
                kind=subsidy.kind,
            )
        )
    files = (await session.scalars(select(ChildFile).where(ChildFile.id_number == number))).all()
    for child_file in files:
        names.append(child_file.name)
        records.append(
            _record(
                "child_file",
                child_file,
                "留守、困境儿童档案",
                end=child_file.closed_date.isoformat() if child_file.closed_date else None,
                category=child_file.category,
                close_reason=child_file.close_reason,
            )
        )
    cases = (
        await session.scalars(
            select(ChildSupportCase)
            .where(ChildSupportCase.id_number == number)
            .order_by(ChildSupportCase.start_period)
        )
    ).all()
    for case in cases:
        names.append(case.name)
        records.append(
            _record(
                "child_support_case",
                case,
                SCHEME_LABELS.get(case.scheme, case.scheme),
                start=case.start_period,
                end=case.end_period,
                scheme=case.scheme,
                orphan_kind=case.orphan_kind,
                end_reason=case.end_reason,
            )
        )
    disabled = await session.scalar(
        select(DisabledPerson).where(DisabledPerson.id_number == number)
    )
    if disabled is not None:
        names.append(disabled.name)
        records.append(
            _record(
                "disabled_person",
                disabled,
                "残疾人",
                category=disabled.category,
                grade=disabled.grade,
            )
        )
        grants = (
            await session.scalars(
                select(DisabilitySubsidyGrant)
                .where(DisabilitySubsidyGrant.person_id == disabled.id)
                .order_by(DisabilitySubsidyGrant.start_period)
            )
        ).all()
        for grant in grants:
            records.append(
                _record(
                    "disability_subsidy_grant",
                    grant,
                    SUBSIDY_LABELS.get(grant.subsidy, grant.subsidy),
                    area_code=disabled.area_code,
                    start=grant.start_period,
                    end=grant.end_period,
                    subsidy=grant.subsidy,
                )
            )
    elder_ids = [elder.id for elder in elders]
    file_ids = [child_file.id for child_file in files]
    if elder_ids or file_ids:
        visits = (
            await session.scalars(
                select(Visit)
                .where(or_(Visit.elder_id.in_(elder_ids), Visit.child_file_id.in_(file_ids)))
                .order_by(Visit.visit_date.desc())
            )
        ).all()
        for visit in visits:
            records.append(
                _record(
                    "visit",
                    visit,
                    "探访",
                    status=None,
                    start=visit.visit_date.isoformat(),
                    kind=visit.kind,
                    visitor_name=visit.visitor_name,
                    follow_up_due_date=visit.follow_up_due_date,
                )
            )
    return WelfarePersonProfile(
        id_number=id_number, name=names[0] if names else None, records=records
    )
