"""Volunteers: register, organisations, activities, service records with their entry
deadline and late flag, the yearly hours summary, and the working calendar (public
holidays and make-up working days 2019–2026 as announced by the State Council)

Revision ID: 7a6aef1009e8
Revises: 8b0116e5992e
Create Date: 2026-11-28 19:30:06.562422
"""

from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7a6aef1009e8"
down_revision: str | None = "8b0116e5992e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 国务院办公厅关于部分节假日安排的通知, 2019–2026: (first day, last day, name) of each
# holiday period, and the weekend days worked in exchange (调休上班). Later years are
# added through PUT /api/v1/working-calendar/{day} once announced.
HOLIDAYS = [
    ("2018-12-30", "2019-01-01", "元旦"),
    ("2019-02-04", "2019-02-10", "春节"),
    ("2019-04-05", "2019-04-07", "清明节"),
    ("2019-05-01", "2019-05-04", "劳动节"),
    ("2019-06-07", "2019-06-09", "端午节"),
    ("2019-09-13", "2019-09-15", "中秋节"),
    ("2019-10-01", "2019-10-07", "国庆节"),
    ("2020-01-01", "2020-01-01", "元旦"),
    ("2020-01-24", "2020-02-02", "春节"),  # extended to 2 February (国办发明电〔2020〕1号)
    ("2020-04-04", "2020-04-06", "清明节"),
    ("2020-05-01", "2020-05-05", "劳动节"),
    ("2020-06-25", "2020-06-27", "端午节"),
    ("2020-10-01", "2020-10-08", "国庆节、中秋节"),
    ("2021-01-01", "2021-01-03", "元旦"),
    ("2021-02-11", "2021-02-17", "春节"),
    ("2021-04-03", "2021-04-05", "清明节"),
    ("2021-05-01", "2021-05-05", "劳动节"),
    ("2021-06-12", "2021-06-14", "端午节"),
    ("2021-09-19", "2021-09-21", "中秋节"),
    ("2021-10-01", "2021-10-07", "国庆节"),
    ("2022-01-01", "2022-01-03", "元旦"),
    ("2022-01-31", "2022-02-06", "春节"),
    ("2022-04-03", "2022-04-05", "清明节"),
    ("2022-04-30", "2022-05-04", "劳动节"),
    ("2022-06-03", "2022-06-05", "端午节"),
    ("2022-09-10", "2022-09-12", "中秋节"),
    ("2022-10-01", "2022-10-07", "国庆节"),
    ("2022-12-31", "2023-01-02", "元旦"),
    ("2023-01-21", "2023-01-27", "春节"),
    ("2023-04-05", "2023-04-05", "清明节"),
    ("2023-04-29", "2023-05-03", "劳动节"),
    ("2023-06-22", "2023-06-24", "端午节"),
    ("2023-09-29", "2023-10-06", "中秋节、国庆节"),
    ("2024-01-01", "2024-01-01", "元旦"),
    ("2024-02-10", "2024-02-17", "春节"),
    ("2024-04-04", "2024-04-06", "清明节"),
    ("2024-05-01", "2024-05-05", "劳动节"),
    ("2024-06-10", "2024-06-10", "端午节"),
    ("2024-09-15", "2024-09-17", "中秋节"),
    ("2024-10-01", "2024-10-07", "国庆节"),
    ("2025-01-01", "2025-01-01", "元旦"),
    ("2025-01-28", "2025-02-04", "春节"),
    ("2025-04-04", "2025-04-06", "清明节"),
    ("2025-05-01", "2025-05-05", "劳动节"),
    ("2025-05-31", "2025-06-02", "端午节"),
    ("2025-10-01", "2025-10-08", "国庆节、中秋节"),
    ("2026-01-01", "2026-01-03", "元旦"),
    ("2026-02-15", "2026-02-23", "春节"),
    ("2026-04-04", "2026-04-06", "清明节"),
    ("2026-05-01", "2026-05-05", "劳动节"),
    ("2026-06-19", "2026-06-21", "端午节"),
    ("2026-09-25", "2026-09-27", "中秋节"),
    ("2026-10-01", "2026-10-07", "国庆节"),
]
WORKDAYS = [
    ("2018-12-29", "元旦调休上班"),
    ("2019-02-02", "春节调休上班"),
    ("2019-02-03", "春节调休上班"),
    ("2019-04-28", "劳动节调休上班"),
    ("2019-05-05", "劳动节调休上班"),
    ("2019-09-29", "国庆节调休上班"),
    ("2019-10-12", "国庆节调休上班"),
    ("2020-01-19", "春节调休上班"),
    ("2020-04-26", "劳动节调休上班"),
    ("2020-05-09", "劳动节调休上班"),
    ("2020-06-28", "端午节调休上班"),
    ("2020-09-27", "国庆节调休上班"),
    ("2020-10-10", "国庆节调休上班"),
    ("2021-02-07", "春节调休上班"),
    ("2021-02-20", "春节调休上班"),
    ("2021-04-25", "劳动节调休上班"),
    ("2021-05-08", "劳动节调休上班"),
    ("2021-09-18", "中秋节调休上班"),
    ("2021-09-26", "国庆节调休上班"),
    ("2021-10-09", "国庆节调休上班"),
    ("2022-01-29", "春节调休上班"),
    ("2022-01-30", "春节调休上班"),
    ("2022-04-02", "清明节调休上班"),
    ("2022-04-24", "劳动节调休上班"),
    ("2022-05-07", "劳动节调休上班"),
    ("2022-10-08", "国庆节调休上班"),
    ("2022-10-09", "国庆节调休上班"),
    ("2023-01-28", "春节调休上班"),
    ("2023-01-29", "春节调休上班"),
    ("2023-04-23", "劳动节调休上班"),
    ("2023-05-06", "劳动节调休上班"),
    ("2023-06-25", "端午节调休上班"),
    ("2023-10-07", "国庆节调休上班"),
    ("2023-10-08", "国庆节调休上班"),
    ("2024-02-04", "春节调休上班"),
    ("2024-02-18", "春节调休上班"),
    ("2024-04-07", "清明节调休上班"),
    ("2024-04-28", "劳动节调休上班"),
    ("2024-05-11", "劳动节调休上班"),
    ("2024-09-14", "中秋节调休上班"),
    ("2024-09-29", "国庆节调休上班"),
    ("2024-10-12", "国庆节调休上班"),
    ("2025-01-26", "春节调休上班"),
    ("2025-02-08", "春节调休上班"),
    ("2025-04-27", "劳动节调休上班"),
    ("2025-09-28", "国庆节调休上班"),
    ("2025-10-11", "国庆节调休上班"),
    ("2026-01-04", "元旦调休上班"),
    ("2026-02-14", "春节调休上班"),
    ("2026-02-28", "春节调休上班"),
    ("2026-05-09", "劳动节调休上班"),
    ("2026-09-20", "国庆节调休上班"),
    ("2026-10-10", "国庆节调休上班"),
]


# volunteer_hours_area = the sums of volunteer_hours_year by (year, area_code), a
# volunteer counted where records > 0. Each statement on volunteer_hours_year adds
# its new rows' contributions and takes away its old rows': one aggregate and one
# upsert a statement (an import's summary upsert included), never a loop.
HOURS_AREA_FUNCTION = """
CREATE FUNCTION volunteer_hours_area_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO volunteer_hours_area AS a (year, area_code, volunteers, hours, records)
        SELECT year, area_code, count(*) FILTER (WHERE records > 0), sum(hours), sum(records)
        FROM new_rows GROUP BY year, area_code
        ON CONFLICT (year, area_code) DO UPDATE
        SET volunteers = a.volunteers + excluded.volunteers,
            hours = a.hours + excluded.hours,
            records = a.records + excluded.records;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE volunteer_hours_area AS a
        SET volunteers = a.volunteers - d.volunteers,
            hours = a.hours - d.hours,
            records = a.records - d.records
        FROM (SELECT year, area_code, count(*) FILTER (WHERE records > 0) AS volunteers,
                     sum(hours) AS hours, sum(records) AS records
              FROM old_rows GROUP BY year, area_code) AS d
        WHERE a.year = d.year AND a.area_code = d.area_code;
    ELSE
        INSERT INTO volunteer_hours_area AS a (year, area_code, volunteers, hours, records)
        SELECT year, area_code, sum(volunteers), sum(hours), sum(records)
        FROM (
            SELECT year, area_code, (records > 0)::int AS volunteers, hours, records
            FROM new_rows
            UNION ALL
            SELECT year, area_code, -(records > 0)::int, -hours, -records FROM old_rows
        ) AS change
        GROUP BY year, area_code
        HAVING sum(volunteers) <> 0 OR sum(hours) <> 0 OR sum(records) <> 0
        ON CONFLICT (year, area_code) DO UPDATE
        SET volunteers = a.volunteers + excluded.volunteers,
            hours = a.hours + excluded.hours,
            records = a.records + excluded.records;
    END IF;
    RETURN NULL;
END
$$
"""


# volunteer_register_area: each volunteer counts once as joined in the year of
# registration, and once as departed in the year of its deregistration's date
# (while deregistered), both in its village; kept the same way.
REGISTER_AREA_FUNCTION = """
CREATE FUNCTION volunteer_register_area_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO volunteer_register_area AS a (area_code, year, joined, departed)
        SELECT area_code, year, sum(joined), sum(departed)
        FROM (
            SELECT area_code, extract(year FROM registered_date)::smallint AS year,
                   1 AS joined, 0 AS departed FROM new_rows
            UNION ALL
            SELECT area_code, extract(year FROM status_date)::smallint, 0, 1
            FROM new_rows WHERE status = 'deregistered'
        ) AS change
        GROUP BY area_code, year
        ON CONFLICT (area_code, year) DO UPDATE
        SET joined = a.joined + excluded.joined, departed = a.departed + excluded.departed;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE volunteer_register_area AS a
        SET joined = a.joined - d.joined, departed = a.departed - d.departed
        FROM (
            SELECT area_code, year, sum(joined) AS joined, sum(departed) AS departed
            FROM (
                SELECT area_code, extract(year FROM registered_date)::smallint AS year,
                       1 AS joined, 0 AS departed FROM old_rows
                UNION ALL
                SELECT area_code, extract(year FROM status_date)::smallint, 0, 1
                FROM old_rows WHERE status = 'deregistered'
            ) AS gone
            GROUP BY area_code, year
        ) AS d
        WHERE a.area_code = d.area_code AND a.year = d.year;
    ELSE
        INSERT INTO volunteer_register_area AS a (area_code, year, joined, departed)
        SELECT area_code, year, sum(joined), sum(departed)
        FROM (
            SELECT area_code, extract(year FROM registered_date)::smallint AS year,
                   1 AS joined, 0 AS departed FROM new_rows
            UNION ALL
            SELECT area_code, extract(year FROM status_date)::smallint, 0, 1
            FROM new_rows WHERE status = 'deregistered'
            UNION ALL
            SELECT area_code, extract(year FROM registered_date)::smallint, -1, 0
            FROM old_rows
            UNION ALL
            SELECT area_code, extract(year FROM status_date)::smallint, 0, -1
            FROM old_rows WHERE status = 'deregistered'
        ) AS change
        GROUP BY area_code, year
        HAVING sum(joined) <> 0 OR sum(departed) <> 0
        ON CONFLICT (area_code, year) DO UPDATE
        SET joined = a.joined + excluded.joined, departed = a.departed + excluded.departed;
    END IF;
    RETURN NULL;
END
$$
"""
TRANSITION_TABLES = (
    ("INSERT", "NEW TABLE AS new_rows"),
    ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("DELETE", "OLD TABLE AS old_rows"),
)


def _calendar_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for first, last, name in HOLIDAYS:
        day, end = date.fromisoformat(first), date.fromisoformat(last)
        while day <= end:
            rows.append({"day": day, "kind": "holiday", "name": name})
            day += timedelta(days=1)
    rows.extend(
        {"day": date.fromisoformat(day), "kind": "workday", "name": name} for day, name in WORKDAYS
    )
    return rows


def upgrade() -> None:
    op.create_table(
        "working_calendar_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind = 'holiday' OR extract(isodow FROM day) IN (6, 7)",
            name=op.f("ck_working_calendar_day_workday_on_weekend"),
        ),
        sa.CheckConstraint(
            "kind IN ('holiday', 'workday')", name=op.f("ck_working_calendar_day_kind_known")
        ),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_working_calendar_day")),
    )
    op.create_table(
        "volunteer",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("registered_date", sa.Date(), nullable=False),
        sa.Column(
            "skills", postgresql.ARRAY(sa.String(length=50)), server_default="{}", nullable=False
        ),
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
        sa.Column("status_date", sa.Date(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "id_number ~ '^[0-9]{17}[0-9X]$'", name=op.f("ck_volunteer_id_number_format")
        ),
        sa.CheckConstraint(
            "status = 'active' OR status_date IS NOT NULL", name=op.f("ck_volunteer_status_dated")
        ),
        sa.CheckConstraint(
            "status IN ('active', 'deregistered')", name=op.f("ck_volunteer_status_known")
        ),
        sa.CheckConstraint("length(area_code) = 12", name=op.f("ck_volunteer_village_level")),
        sa.CheckConstraint(
            "status_date IS NULL OR status_date >= registered_date",
            name=op.f("ck_volunteer_status_after_registration"),
        ),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["division.code"],
            name=op.f("fk_volunteer_area_code_division"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer")),
        sa.UniqueConstraint("id_number", name=op.f("uq_volunteer_id_number")),
    )
    op.create_index(op.f("ix_volunteer_area_code"), "volunteer", ["area_code"], unique=False)
    op.create_table(
        "volunteer_organisation",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=True),
        sa.Column("contact_name", sa.String(length=100), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('volunteer_association', 'volunteer_team', 'social_organisation', "
            "'community', 'public_institution', 'enterprise', 'school', 'other')",
            name=op.f("ck_volunteer_organisation_kind_known"),
        ),
        sa.CheckConstraint(
            "township_code IS NULL OR length(township_code) = 9",
            name=op.f("ck_volunteer_organisation_township_level"),
        ),
        sa.ForeignKeyConstraint(
            ["township_code"],
            ["division.code"],
            name=op.f("fk_volunteer_organisation_township_code_division"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_volunteer_organisation_name")),
    )
    op.create_index(
        op.f("ix_volunteer_organisation_township_code"),
        "volunteer_organisation",
        ["township_code"],
        unique=False,
    )
    op.create_table(
        "volunteer_activity",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("activity_date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=False),
        sa.Column("organiser", sa.String(length=100), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "length(township_code) = 9", name=op.f("ck_volunteer_activity_township_level")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["volunteer_organisation.id"],
            name=op.f("fk_volunteer_activity_organisation_id_volunteer_organisation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["township_code"],
            ["division.code"],
            name=op.f("fk_volunteer_activity_township_code_division"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_activity")),
        sa.UniqueConstraint("code", name=op.f("uq_volunteer_activity_code")),
        sa.UniqueConstraint(
            "id", "activity_date", name=op.f("uq_volunteer_activity_id_activity_date")
        ),
    )
    op.create_index(
        "ix_volunteer_activity_activity_date", "volunteer_activity", ["activity_date"], unique=False
    )
    op.create_index(
        op.f("ix_volunteer_activity_organisation_id"),
        "volunteer_activity",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_volunteer_activity_township_code"),
        "volunteer_activity",
        ["township_code"],
        unique=False,
    )
    op.create_table(
        "volunteer_hours_year",
        sa.Column("volunteer_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("hours", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "records >= 0 AND hours >= 0", name=op.f("ck_volunteer_hours_year_not_negative")
        ),
        sa.PrimaryKeyConstraint("volunteer_id", "year", name=op.f("pk_volunteer_hours_year")),
    )
    op.create_index(
        "ix_volunteer_hours_year_year_area_code",
        "volunteer_hours_year",
        ["year", "area_code"],
        unique=False,
    )
    op.create_table(
        "volunteer_service",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("volunteer_id", sa.Uuid(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entry_deadline", sa.Date(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "late = ((entered_at AT TIME ZONE 'Asia/Shanghai')::date > entry_deadline)",
            name=op.f("ck_volunteer_service_late_by_deadline"),
        ),
        sa.CheckConstraint(
            "entry_deadline > service_date",
            name=op.f("ck_volunteer_service_deadline_after_service"),
        ),
        sa.CheckConstraint(
            "hours > 0 AND hours <= 24", name=op.f("ck_volunteer_service_hours_range")
        ),
        sa.ForeignKeyConstraint(
            ["activity_id", "service_date"],
            ["volunteer_activity.id", "volunteer_activity.activity_date"],
            name=op.f("fk_volunteer_service_activity_id_volunteer_activity"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteer.id"],
            name=op.f("fk_volunteer_service_volunteer_id_volunteer"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_service")),
        sa.UniqueConstraint(
            "volunteer_id",
            "activity_id",
            name=op.f("uq_volunteer_service_volunteer_id_activity_id"),
        ),
    )
    op.create_index(
        "ix_volunteer_service_activity_id", "volunteer_service", ["activity_id"], unique=False
    )
    op.create_table(
        "volunteer_hours_area",
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("volunteers", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("records", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("year", "area_code", name=op.f("pk_volunteer_hours_area")),
    )
    op.create_table(
        "volunteer_register_area",
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("joined", sa.Integer(), nullable=False),
        sa.Column("departed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("area_code", "year", name=op.f("pk_volunteer_register_area")),
    )
    op.execute(HOURS_AREA_FUNCTION)
    op.execute(REGISTER_AREA_FUNCTION)
    for table, rollup in (
        ("volunteer_hours_year", "volunteer_hours_area"),
        ("volunteer", "volunteer_register_area"),
    ):
        for event, tables in TRANSITION_TABLES:
            op.execute(
                f"CREATE TRIGGER {rollup}_{event.lower()} AFTER {event} ON {table}"
                f" REFERENCING {tables}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION {rollup}_apply()"
            )
    # Numbers the activities created without a code of their own: HD<year><number>.
    op.execute("CREATE SEQUENCE volunteer_activity_code_seq")
    calendar = sa.table(
        "working_calendar_day",
        sa.column("day", sa.Date()),
        sa.column("kind", sa.String()),
        sa.column("name", sa.String()),
    )
    op.bulk_insert(calendar, _calendar_rows())


def downgrade() -> None:
    op.execute("DROP SEQUENCE volunteer_activity_code_seq")
    for table, rollup in (
        ("volunteer_hours_year", "volunteer_hours_area"),
        ("volunteer", "volunteer_register_area"),
    ):
        for event, _ in TRANSITION_TABLES:
            op.execute(f"DROP TRIGGER {rollup}_{event.lower()} ON {table}")
        op.execute(f"DROP FUNCTION {rollup}_apply()")
        op.drop_table(rollup)
    op.drop_index("ix_volunteer_service_activity_id", table_name="volunteer_service")
    op.drop_table("volunteer_service")
    op.drop_index("ix_volunteer_hours_year_year_area_code", table_name="volunteer_hours_year")
    op.drop_table("volunteer_hours_year")
    op.drop_index(op.f("ix_volunteer_activity_township_code"), table_name="volunteer_activity")
    op.drop_index(op.f("ix_volunteer_activity_organisation_id"), table_name="volunteer_activity")
    op.drop_index("ix_volunteer_activity_activity_date", table_name="volunteer_activity")
    op.drop_table("volunteer_activity")
    op.drop_index(
        op.f("ix_volunteer_organisation_township_code"), table_name="volunteer_organisation"
    )
    op.drop_table("volunteer_organisation")
    op.drop_index(op.f("ix_volunteer_area_code"), table_name="volunteer")
    op.drop_table("volunteer")
    op.drop_table("working_calendar_day")
