"""Tianmen and its township-level units (DOMAIN.md, statistical codes 2023)

Revision ID: 5b1d0c2e7a41
Revises: e7c27d89b9ba
Create Date: 2026-11-28 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1d0c2e7a41"
down_revision: str | None = "e7c27d89b9ba"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CITY = "429006"

# The report's 25 乡镇街道, then the two farms and the management committee.
# Kept as literal data: a migration must not change when the models do.
TOWNSHIP_UNITS = [
    ("001", "竟陵街道", "street"),
    ("002", "侯口街道", "street"),
    ("003", "杨林街道", "street"),
    ("100", "多宝镇", "town"),
    ("101", "拖市镇", "town"),
    ("102", "张港镇", "town"),
    ("103", "蒋场镇", "town"),
    ("104", "汪场镇", "town"),
    ("105", "渔薪镇", "town"),
    ("106", "黄潭镇", "town"),
    ("107", "岳口镇", "town"),
    ("108", "横林镇", "town"),
    ("109", "彭市镇", "town"),
    ("110", "麻洋镇", "town"),
    ("111", "多祥镇", "town"),
    ("112", "干驿镇", "town"),
    ("113", "马湾镇", "town"),
    ("114", "卢市镇", "town"),
    ("115", "小板镇", "town"),
    ("116", "九真镇", "town"),
    ("118", "皂市镇", "town"),
    ("119", "胡市镇", "town"),
    ("120", "石家河镇", "town"),
    ("121", "佛子山镇", "town"),
    ("201", "净潭乡", "township"),
    ("450", "蒋湖农场", "farm"),
    ("451", "白茅湖农场", "farm"),
    ("452", "沉湖管委会", "management_committee"),
]

division = sa.table(
    "division",
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("level", sa.String),
    sa.column("kind", sa.String),
    sa.column("parent_code", sa.String),
)


def upgrade() -> None:
    op.bulk_insert(
        division,
        [{"code": CITY, "name": "天门市", "level": "county", "kind": "city", "parent_code": None}]
        + [
            {
                "code": CITY + suffix,
                "name": name,
                "level": "township",
                "kind": kind,
                "parent_code": CITY,
            }
            for suffix, name, kind in TOWNSHIP_UNITS
        ],
    )


def downgrade() -> None:
    codes = [CITY + suffix for suffix, _, _ in TOWNSHIP_UNITS]
    op.execute(division.delete().where(division.c.code.in_(codes)))
    op.execute(division.delete().where(division.c.code == CITY))
