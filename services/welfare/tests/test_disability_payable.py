"""What a monthly run of each disability subsidy pays, computed in SQL against the database."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.errors import AppError
from civil_shared.testing.factories import make_id_number
from civil_shared.types import Period
from civil_welfare.disability.models import DisabilitySubsidyGrant, DisabledPerson
from civil_welfare.disability.payable import (
    care_subsidy_lines,
    living_subsidy_lines,
    payable_lines,
)
from civil_welfare.disability.schemas import DisabilitySubsidy
from civil_welfare.parameters.models import WelfareParameter

JULY = Period("2021-07")
DUOBAO_VILLAGE = "429006100201"
TUOSHI_VILLAGE = "429006101003"


async def person(session: AsyncSession, area_code: str = DUOBAO_VILLAGE) -> DisabledPerson:
    number = str(make_id_number())
    row = DisabledPerson(
        id_number=number,
        name="残疾人",
        area_code=area_code,
        certificate_number=f"{number}41",
        category="physical",
        grade=1,
        status="active",
    )
    session.add(row)
    await session.flush()
    return row


async def grant(
    session: AsyncSession,
    owner: DisabledPerson,
    subsidy: str = "living",
    start: str = "2021-01",
    end: str | None = None,
) -> DisabilitySubsidyGrant:
    row = DisabilitySubsidyGrant(
        person_id=owner.id,
        subsidy=subsidy,
        start_period=start,
        end_period=end,
        status="active" if end is None else "stopped",
        stop_reason=None if end is None else "停发",
    )
    session.add(row)
    await session.flush()
    return row


async def lines(
    session: AsyncSession, subsidy: DisabilitySubsidy, period: Period = JULY
) -> dict[object, tuple[str, str, str, Decimal]]:
    query = await payable_lines(session, subsidy, period)
    rows = (await session.execute(query)).mappings().all()
    return {
        r["source_id"]: (r["payee_id_number"], r["payee_name"], r["area_code"], r["amount"])
        for r in rows
    }


async def test_the_lines_carry_the_agreed_columns(session: AsyncSession) -> None:
    query = await living_subsidy_lines(session, JULY)
    assert list(query.selected_columns.keys()) == [
        "source_id",
        "payee_id_number",
        "payee_name",
        "area_code",
        "amount",
    ]


async def test_each_grant_pays_the_years_amount_within_its_periods(session: AsyncSession) -> None:
    someone = await person(session)
    paying = await grant(session, someone, start="2021-07")
    ends_in_july = await grant(session, await person(session), end="2021-07")
    await grant(session, await person(session), end="2021-06")  # stopped before July
    from_august = await grant(session, await person(session), start="2021-08")
    not_begun_stopped = await grant(session, await person(session), start="2021-08", end="2021-07")
    care = await grant(session, someone, subsidy="care")

    living = await lines(session, DisabilitySubsidy.LIVING)

    assert set(living) == {paying.id, ends_in_july.id}
    assert not_begun_stopped.id not in living
    assert living[paying.id] == (someone.id_number, "残疾人", DUOBAO_VILLAGE, Decimal("50.00"))
    assert await lines(session, DisabilitySubsidy.CARE) == {
        care.id: (someone.id_number, "残疾人", DUOBAO_VILLAGE, Decimal("100.00"))
    }
    august = await lines(session, DisabilitySubsidy.LIVING, Period("2021-08"))
    assert set(august) == {paying.id, from_august.id}


async def test_an_areas_own_amount_and_a_new_years_amount_apply(session: AsyncSession) -> None:
    in_duobao = await grant(session, await person(session, DUOBAO_VILLAGE))
    in_tuoshi = await grant(session, await person(session, TUOSHI_VILLAGE))
    session.add_all(
        [
            WelfareParameter(
                key="disability_living_subsidy",
                year=2021,
                area_code="429006100",
                value=Decimal("60"),
                effective_date=date(2021, 1, 1),
            ),
            WelfareParameter(
                key="disability_living_subsidy",
                year=2022,
                area_code="429006",
                value=Decimal("70"),
                effective_date=date(2022, 1, 1),
            ),
        ]
    )
    await session.flush()

    in_2021 = await lines(session, DisabilitySubsidy.LIVING)
    in_2022 = await lines(session, DisabilitySubsidy.LIVING, Period("2022-01"))

    assert (in_2021[in_duobao.id][3], in_2021[in_tuoshi.id][3]) == (Decimal("60"), Decimal("50"))
    # 2022: the city's new amount is the latest year for every area (as parameter_value has it).
    assert (in_2022[in_duobao.id][3], in_2022[in_tuoshi.id][3]) == (Decimal("70"), Decimal("70"))


async def test_without_an_amount_for_the_year_nothing_is_guessed(session: AsyncSession) -> None:
    with pytest.raises(AppError) as missing:
        await care_subsidy_lines(session, Period("2019-12"))
    assert missing.value.code == "WELFARE_PARAMETER_MISSING"
