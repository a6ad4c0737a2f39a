"""Communities, their three councils with members and meetings, and their covenant."""

import uuid
from datetime import date

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from civil_governance.communities.schemas import CouncilKind, MemberRole
from civil_governance.db import Base
from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned


class Community(Versioned, Timestamps, Base):
    """An urban community or a village (城乡社区) as governance sees it.

    Keyed by its 12-digit division code, which must exist in the division tree:
    the name and the type (社区 or 村) are the division's, never copied, so a
    renaming or a village turned community (村改居) shows here at once.
    """

    __tablename__ = "community"
    __table_args__ = (
        CheckConstraint(r"area_code ~ '^429006[0-9]{6}$'", name="village_in_tianmen"),
        CheckConstraint("population >= 0", name="population_non_negative"),
        CheckConstraint("households >= 0 AND households <= population", name="households_range"),
        CheckConstraint("pilot_year BETWEEN 2000 AND 2100", name="pilot_year_range"),
    )

    area_code: Mapped[str] = mapped_column(
        String(12), ForeignKey("division.code", ondelete="RESTRICT"), primary_key=True
    )
    population: Mapped[int]
    households: Mapped[int]
    # Rural community-building pilot (农村社区建设试点): the year it was designated.
    pilot_year: Mapped[int | None] = mapped_column(SmallInteger)


class Council(Timestamps, Base):
    """One of a community's three councils (三会); each kind at most once."""

    __tablename__ = "community_council"
    __table_args__ = (
        UniqueConstraint("area_code", "kind"),
        CheckConstraint(one_of("kind", CouncilKind), name="kind_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    area_code: Mapped[str] = mapped_column(
        String(12), ForeignKey("community.area_code", ondelete="RESTRICT")
    )
    kind: Mapped[str] = mapped_column(String(30))
    established_date: Mapped[date]


class CouncilMember(Versioned, Timestamps, Base):
    """A member of a council for a term: from ``since`` until the day before ``until``."""

    __tablename__ = "council_member"
    __table_args__ = (
        CheckConstraint(one_of("role", MemberRole), name="role_known"),
        CheckConstraint("until IS NULL OR until > since", name="until_after_since"),
        # One serving chair per council; a new chair means ending the old term first.
        Index(
            "uq_council_member_one_chair",
            "council_id",
            unique=True,
            postgresql_where=text("role = 'chair' AND until IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    council_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("community_council.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    since: Mapped[date]
    until: Mapped[date | None]


class CouncilMeeting(Versioned, Timestamps, Base):
    """A meeting a council held: date, topic, what it decided, who came."""

    __tablename__ = "council_meeting"
    __table_args__ = (
        Index("ix_council_meeting_council_date", "council_id", "meeting_date"),
        Index("ix_council_meeting_meeting_date", "meeting_date"),
        CheckConstraint("attendance >= 1", name="attendance_positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    council_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("community_council.id", ondelete="RESTRICT")
    )
    meeting_date: Mapped[date]
    topic: Mapped[str] = mapped_column(String(200))
    decisions: Mapped[str] = mapped_column(Text)
    attendance: Mapped[int] = mapped_column(SmallInteger)
    recorded_by: Mapped[str] = mapped_column(String(200))


class CovenantVersion(Timestamps, Base):
    """One adopted version of a community's village rules or residents' covenant.

    Versions are numbered 1, 2, … per community and never edited: a change is a
    new version, which supersedes the current one on its adoption date.
    """

    __tablename__ = "covenant_version"
    __table_args__ = (
        UniqueConstraint("area_code", "version_number"),
        CheckConstraint("version_number >= 1", name="version_number_positive"),
        CheckConstraint(
            "superseded_date IS NULL OR superseded_date > adopted_date",
            name="superseded_after_adopted",
        ),
        # One current version per community.
        Index(
            "uq_covenant_version_one_current",
            "area_code",
            unique=True,
            postgresql_where=text("superseded_date IS NULL"),
        ),
        Index("ix_covenant_version_adopted_date", "adopted_date"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    area_code: Mapped[str] = mapped_column(
        String(12), ForeignKey("community.area_code", ondelete="RESTRICT")
    )
    version_number: Mapped[int] = mapped_column(SmallInteger)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    adopted_date: Mapped[date]
    superseded_date: Mapped[date | None]
    recorded_by: Mapped[str] = mapped_column(String(200))


class CovenantRecognition(Timestamps, Base):
    """A covenant version recognised as exemplary (示范村规民约): by whom, in which year."""

    __tablename__ = "covenant_recognition"
    __table_args__ = (
        UniqueConstraint("version_id", "year", "recognised_by"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        Index("ix_covenant_recognition_year", "year"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("covenant_version.id", ondelete="RESTRICT"), index=True
    )
    year: Mapped[int] = mapped_column(SmallInteger)
    recognised_by: Mapped[str] = mapped_column(String(200))
    honour: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(200))
