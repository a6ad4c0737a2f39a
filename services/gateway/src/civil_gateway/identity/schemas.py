from pydantic import BaseModel, Field

from civil_shared.auth import Role
from civil_shared.types import AreaCode


class Me(BaseModel):
    sub: str = Field(description="用户名或客户端标识")
    name: str | None = Field(description="显示名称")
    roles: list[Role] = Field(description="角色")
    area_codes: list[AreaCode] = Field(description="管辖区域（乡镇工作人员）")
    scopes: list[str] = Field(description="授权范围")
    city_wide: bool = Field(description="是否可查看全市数据")
