"""The rules of the community-worker register that are pure functions of its values."""

from datetime import date
from enum import StrEnum

#: Salary grades run from 1 to this (the "three posts, eighteen grades" 三岗十八级
#: sequence Hubei's cities use for community workers). Held in the schema, not in a
#: CHECK, so a city that sets another number changes one constant (or a parameter).
HIGHEST_SALARY_GRADE = 18

#: Community workers are adults on the day they are hired.
MINIMUM_HIRING_AGE = 18


class WorkerPost(StrEnum):
    """party_secretary 党组织书记; director 村（居）民委员会主任; secretary_and_director
    书记、主任“一肩挑”; deputy 副书记、副主任; committee_member 两委委员;
    full_time_worker 专职社区工作者; grid_worker 专职网格员."""

    PARTY_SECRETARY = "party_secretary"  # 党组织书记
    DIRECTOR = "director"  # 村（居）民委员会主任
    SECRETARY_AND_DIRECTOR = "secretary_and_director"  # 书记、主任“一肩挑”
    DEPUTY = "deputy"  # 副书记、副主任
    COMMITTEE_MEMBER = "committee_member"  # 两委委员
    FULL_TIME_WORKER = "full_time_worker"  # 专职社区工作者
    GRID_WORKER = "grid_worker"  # 专职网格员


#: Posts a community has one holder of at a time: one secretary, one director
#: (a secretary-and-director holds both).
SECRETARY_POSTS = (WorkerPost.PARTY_SECRETARY, WorkerPost.SECRETARY_AND_DIRECTOR)
DIRECTOR_POSTS = (WorkerPost.DIRECTOR, WorkerPost.SECRETARY_AND_DIRECTOR)


def single_holder_groups(post: WorkerPost) -> list[tuple[WorkerPost, ...]]:
    """The one-holder groups ``post`` belongs to (none for ordinary posts)."""
    return [group for group in (SECRETARY_POSTS, DIRECTOR_POSTS) if post in group]


class WorkerStatus(StrEnum):
    """active 在岗; on_leave 离岗（病假、借调等，仍占职数）; left 离职（辞职、解聘、退休）."""

    ACTIVE = "active"  # 在岗
    ON_LEAVE = "on_leave"  # 离岗，仍占职数
    LEFT = "left"  # 离职


#: Statuses that hold one of the community's posts (count against the quota).
IN_POST = (WorkerStatus.ACTIVE, WorkerStatus.ON_LEAVE)

#: Which statuses a worker may move to from each status.
TRANSITIONS: dict[WorkerStatus, tuple[WorkerStatus, ...]] = {
    WorkerStatus.ACTIVE: (WorkerStatus.ON_LEAVE, WorkerStatus.LEFT),
    WorkerStatus.ON_LEAVE: (WorkerStatus.ACTIVE, WorkerStatus.LEFT),
    WorkerStatus.LEFT: (),
}


class AssessmentResult(StrEnum):
    """excellent 优秀; competent 称职; basically_competent 基本称职; incompetent 不称职."""

    EXCELLENT = "excellent"  # 优秀
    COMPETENT = "competent"  # 称职
    BASICALLY_COMPETENT = "basically_competent"  # 基本称职
    INCOMPETENT = "incompetent"  # 不称职


def assessable_years(hired: date, left: date | None, today: date) -> range:
    """The years a worker can be assessed for: from the year of hiring to the year
    of leaving (or this year)."""
    return range(hired.year, (left or today).year + 1)


def vacancies(quota: int, in_post: int) -> int:
    """Posts of the quota nobody holds; never negative (over-staffing is not a vacancy)."""
    return max(quota - in_post, 0)
