"""Who may manage accounts: administrators only."""

from typing import Annotated, Any

from fastapi import Depends

from civil_shared.auth import Principal, Role
from civil_shared.errors import Problem
from civil_shared.runtime.security import require_roles

Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN))]

Responses = dict[int | str, dict[str, Any]]

ADMIN_ONLY: Responses = {403: {"model": Problem, "description": "仅系统管理员可操作"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
