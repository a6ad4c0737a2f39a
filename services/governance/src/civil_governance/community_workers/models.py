"""Post quotas, community workers and their yearly assessments."""

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

from civil_governance.community_workers.rules import (
    DIRECTOR_POSTS,
    SECRETARY_POSTS,
    AssessmentResult,
    WorkerPost,
    WorkerStatus,
)
from civil_governance.db import Base
from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned


def _holds(posts: tuple[WorkerPost, ...]) -> str:
    return f"{one_of('post', posts)} AND status <> 'left'"


class WorkerQuota(Versioned, Timestamps, Base):
    """How many community-worker posts a community is approved (职数核定)."""

    __tablename__ = "community_worker_quota"
    __table_args__ = (CheckConstraint("quota >= 0", name="quota_non_negative"),)

    area_code: Mapped[str] = mapped_column(
        String(12), ForeignKey("community.area_code", ondelete="RESTRICT"), primary_key=True
    )
    quota: Mapped[int] = mapped_column(SmallInteger)
    set_by: Mapped[str] = mapped_column(String(200))


class CommunityWorker(Versioned, Timestamps, Base):
    """A community worker (社区工作者) in one post of one community."""

    __tablename__ = "community_worker"
    __table_args__ = (
        CheckConstraint(r"id_number ~ '^[0-9]{17}[0-9X]$'", name="id_number_format"),
        CheckConstraint(one_of("post", WorkerPost), name="post_known"),
        CheckConstraint(one_of("status", WorkerStatus), name="status_known"),
        CheckConstraint("salary_grade >= 1", name="salary_grade_positive"),
        CheckConstraint(
            "status_date IS NULL OR status_date >= hired_date", name="status_after_hire"
        ),
        CheckConstraint("status = 'active' OR status_date IS NOT NULL", name="status_dated"),
        # A person holds one post at a time, in one community.
        Index(
            "uq_community_worker_one_post",
            "id_number",
            unique=True,
            postgresql_where=text("status <> 'left'"),
        ),
        # One party secretary and one director per community.
        Index(
            "uq_community_worker_one_secretary",
            "area_code",
            unique=True,
            postgresql_where=text(_holds(SECRETARY_POSTS)),
        ),
        Index(
            "uq_community_worker_one_director",
            "area_code",
            unique=True,
            postgresql_where=text(_holds(DIRECTOR_POSTS)),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    area_code: Mapped[str] = mapped_column(
        String(12), ForeignKey("community.area_code", ondelete="RESTRICT"), index=True
    )
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    post: Mapped[str] = mapped_column(String(30))
    salary_grade: Mapped[int] = mapped_column(SmallInteger)
    hired_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), server_default=WorkerStatus.ACTIVE.value)
    status_date: Mapped[date | None]
    status_reason: Mapped[str | None] = mapped_column(Text)


class WorkerAssessment(Timestamps, Base):
    """A worker's yearly assessment (年度考核): one per worker per year."""

    __tablename__ = "worker_assessment"
    __table_args__ = (
        UniqueConstraint("worker_id", "year"),
        CheckConstraint(one_of("result", AssessmentResult), name="result_known"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        Index("ix_worker_assessment_year", "year"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    worker_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("community_worker.id", ondelete="RESTRICT")
    )
    year: Mapped[int] = mapped_column(SmallInteger)
    result: Mapped[str] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
