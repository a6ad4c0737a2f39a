"""The person profile's governance part: the volunteer registration and hours by year."""

from datetime import date
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_governance.divisions.models import Division
from civil_governance.volunteers.models import Volunteer, VolunteerHoursYear
from civil_shared.testing.factories import make_id_number

SERVICE = {"scopes": ["internal", "pii:read"]}
VILLAGE = "429006100912"


async def test_profile_gives_the_volunteer_and_hours_by_year(
    client: httpx.AsyncClient, session: AsyncSession, tokens: Tokens
) -> None:
    if await session.get(Division, VILLAGE) is None:
        session.add(
            Division(
                code=VILLAGE,
                name="档案测试村",
                level="village",
                kind="village",
                parent_code=VILLAGE[:9],
            )
        )
        await session.flush()
    number = str(make_id_number(birth_date=date(1980, 2, 2)))
    volunteer = Volunteer(
        id_number=number,
        name="王志愿",
        phone="13900001111",
        area_code=VILLAGE,
        registered_date=date(2019, 3, 5),
        skills=["医疗"],
    )
    session.add(volunteer)
    await session.flush()
    session.add_all(
        [
            VolunteerHoursYear(
                volunteer_id=volunteer.id,
                year=2019,
                area_code=VILLAGE,
                hours=Decimal("4.50"),
                records=2,
            ),
            VolunteerHoursYear(
                volunteer_id=volunteer.id,
                year=2020,
                area_code=VILLAGE,
                hours=Decimal("10.00"),
                records=3,
            ),
        ]
    )
    await session.commit()
    headers = tokens.headers("service", **SERVICE)

    response = await client.get(f"/internal/v1/persons/{number}/profile", headers=headers)
    unknown = await client.get(f"/internal/v1/persons/{make_id_number()}/profile", headers=headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "王志愿"
    assert [(r["resource"], r["area_code"], r["start"]) for r in body["records"]] == [
        ("volunteer", VILLAGE, "2019-03-05")
    ]
    assert [(h["year"], h["hours"], h["records"]) for h in body["volunteer_hours"]] == [
        (2019, "4.50", 2),
        (2020, "10.00", 3),
    ]
    assert body["total_hours"] == "14.50"
    assert unknown.status_code == 200
    assert unknown.json()["records"] == []
