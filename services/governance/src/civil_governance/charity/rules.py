"""Pure rules of charity projects: the status changes."""

from civil_governance.charity.schemas import ProjectStatus
from civil_shared.errors import Conflict

#: From each status, the statuses a project may move to.
PROJECT_TRANSITIONS: dict[ProjectStatus, tuple[ProjectStatus, ...]] = {
    ProjectStatus.PLANNED: (ProjectStatus.ACTIVE, ProjectStatus.TERMINATED),
    ProjectStatus.ACTIVE: (ProjectStatus.COMPLETED, ProjectStatus.TERMINATED),
    ProjectStatus.COMPLETED: (),
    ProjectStatus.TERMINATED: (),
}


def next_project_status(current: ProjectStatus, wanted: ProjectStatus) -> ProjectStatus:
    """``wanted``, or a 409 naming the statuses allowed from ``current``."""
    allowed = PROJECT_TRANSITIONS[current]
    if wanted not in allowed:
        named = "、".join(f"{s.value}（{s.label}）" for s in allowed) or "无（项目已结束）"
        raise Conflict(
            f"慈善项目状态不能从“{current.label}”变为“{wanted.label}”；可变更为：{named}",
            code="GOVERNANCE_CHARITY_PROJECT_INVALID_TRANSITION",
            current=current.value,
            allowed=[s.value for s in allowed],
        )
    return wanted
