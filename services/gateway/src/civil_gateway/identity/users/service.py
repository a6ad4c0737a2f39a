"""Use cases of staff accounts: an administrator creates, changes, deactivates them."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, or_
from sqlalchemy.ext.asyncio import AsyncSession

from civil_gateway.identity.clients.repository import ClientRepository
from civil_gateway.identity.passwords import hash_secret, password_problem
from civil_gateway.identity.users.models import StaffUser
from civil_gateway.identity.users.repository import UserRepository, area_filter
from civil_gateway.identity.users.schemas import (
    PasswordReset,
    StaffRole,
    UserCreate,
    UserOut,
    UserUpdate,
    check_role_areas,
)
from civil_shared.errors import Conflict, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode


def user_not_found(user_id: uuid.UUID) -> NotFound:
    return NotFound(f"用户 {user_id} 不存在", code="GATEWAY_USER_NOT_FOUND")


def name_taken(name: str) -> Conflict:
    return Conflict(
        f"用户名 {name} 已被使用（用户与接入系统的标识不能相同）", code="GATEWAY_USERNAME_TAKEN"
    )


def weak_password(problem: str) -> Unprocessable:
    return Unprocessable(f"密码不符合要求：{problem}", code="GATEWAY_PASSWORD_WEAK")


def to_out(user: StaffUser) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=StaffRole(user.role),
        area_codes=[AreaCode(code) for code in user.area_codes],
        pii_read=user.pii_read,
        active=user.active,
        last_signed_in_at=user.last_signed_in_at,
        password_changed_at=user.password_changed_at,
        created_at=user.created_at,
        updated_at=user.updated_at,
        version=user.version,
    )


class UserService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = UserRepository(session)

    async def create(self, data: UserCreate) -> UserOut:
        password = data.password.get_secret_value()
        if problem := password_problem(password, data.username):
            raise weak_password(problem)
        if await self.repository.username_taken(data.username) or await ClientRepository(
            self.session
        ).client_id_taken(data.username):
            raise name_taken(data.username)
        user = StaffUser(
            username=data.username,
            display_name=data.display_name,
            role=data.role.value,
            area_codes=[str(code) for code in data.area_codes],
            pii_read=data.pii_read,
            active=True,
            password_hash=await hash_secret(password),
        )
        async with unique_or_conflict(self.session, name_taken(data.username)):
            await self.repository.add(user)
            await self.session.commit()
        return to_out(user)

    async def _load(self, user_id: uuid.UUID) -> StaffUser:
        user = await self.repository.get(user_id)
        if user is None:
            raise user_not_found(user_id)
        return user

    async def get(self, user_id: uuid.UUID) -> UserOut:
        return to_out(await self._load(user_id))

    async def list(
        self,
        page: PageParams,
        *,
        role: StaffRole | None = None,
        active: bool | None = None,
        area_code: str | None = None,
        q: str | None = None,
    ) -> Page[UserOut]:
        conditions: list[ColumnElement[bool]] = []
        if role is not None:
            conditions.append(StaffUser.role == role.value)
        if active is not None:
            conditions.append(StaffUser.active.is_(active))
        if area_code is not None:
            conditions.append(area_filter(area_code))
        if q:
            conditions.append(
                or_(
                    StaffUser.username.contains(q.strip().lower(), autoescape=True),
                    StaffUser.display_name.contains(q.strip(), autoescape=True),
                )
            )
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[UserOut].of([to_out(user) for user in items], total, page)

    async def update(self, user_id: uuid.UUID, data: UserUpdate, version: int) -> UserOut:
        user = await self._load(user_id)
        check_version(user.version, version)
        role = data.role or StaffRole(user.role)
        if data.area_codes is not None:
            areas = [str(code) for code in data.area_codes]
        else:  # leaving the township role drops the areas; joining it needs them given
            areas = user.area_codes if role is StaffRole.TOWNSHIP_OFFICER else []
        try:
            check_role_areas(role, areas)
        except ValueError as exc:
            raise Unprocessable(str(exc), code="GATEWAY_USER_AREAS_INVALID") from exc
        stays_admin = role is StaffRole.ADMIN and (data.active is not False)
        if user.role == StaffRole.ADMIN and user.active and not stays_admin:
            await self._keep_an_admin(user)
        user.role = role.value
        user.area_codes = areas
        if data.display_name is not None:
            user.display_name = data.display_name
        if data.pii_read is not None:
            user.pii_read = data.pii_read
        if data.active is not None:
            user.active = data.active
        await self.repository.save(user)
        await self.session.commit()
        return to_out(user)

    async def deactivate(self, user_id: uuid.UUID, version: int | None) -> UserOut:
        """Stop a user signing in (tokens already issued lapse within their short lifetime)."""
        user = await self._load(user_id)
        if version is not None:
            check_version(user.version, version)
        if not user.active:
            return to_out(user)
        if user.role == StaffRole.ADMIN:
            await self._keep_an_admin(user)
        user.active = False
        await self.repository.save(user)
        await self.session.commit()
        return to_out(user)

    async def reset_password(self, user_id: uuid.UUID, data: PasswordReset) -> UserOut:
        user = await self._load(user_id)
        password = data.password.get_secret_value()
        if problem := password_problem(password, user.username):
            raise weak_password(problem)
        user.password_hash = await hash_secret(password)
        user.password_changed_at = datetime.now(UTC)
        await self.repository.save(user)
        await self.session.commit()
        return to_out(user)

    async def _keep_an_admin(self, user: StaffUser) -> None:
        if await self.repository.other_active_admins(user.id) == 0:
            raise Conflict(
                "这是最后一个启用的系统管理员账号，不能停用或改为其他角色",
                code="GATEWAY_USER_LAST_ADMIN",
            )
