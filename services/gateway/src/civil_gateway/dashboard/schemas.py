from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from civil_shared.types import AreaCode

Figure = int | Decimal


class Indicator(BaseModel):
    """One figure of the dashboard for one area."""

    key: str = Field(
        description="稳定的指标键（如 assistance.rural_dibao.households）",
        examples=["assistance.rural_dibao.households"],
    )
    label: str = Field(description="指标名称", examples=["农村低保户数"])
    value: Figure | None = Field(
        description="本年数值（整数；金额、时长等为字符串形式的小数）；未知为空"
    )
    unit: str = Field(description="单位", examples=["户"])
    previous: Figure | None = Field(description="上年同一指标；未知为空")
    growth_pct: Decimal | None = Field(
        description="较上年增长（%，两位小数）；上年为空或为0时为空", examples=["5.00"]
    )
    area_code: AreaCode = Field(description="统计范围：429006 为全市，9位为乡镇（街道）")
    source: str = Field(
        description="数据来源服务：assistance 社会救助；welfare 特殊群体福利；governance 基层治理"
    )


class SourceStatus(BaseModel):
    service: str = Field(description="服务")
    label: str = Field(description="服务名称")
    ok: bool = Field(description="是否在时限内应答")
    failure: str | None = Field(
        description="未应答的原因：timeout 超时；unreachable 无法连接；server_error 服务错误；"
        "rejected 拒绝请求；bad_answer 应答格式不符；not_configured 网关未配置该服务"
    )


class Dashboard(BaseModel):
    """``GET /api/v1/dashboard``: the year's indicators of the caller's areas."""

    year: int = Field(description="年度")
    area_codes: list[AreaCode] = Field(description="统计范围（429006 为全市）")
    indicators: list[Indicator] = Field(description="各项指标，每个统计范围一组")
    degraded: list[str] = Field(
        description="未在时限内应答的服务（其指标缺失，其余照常提供）",
        examples=[["welfare"]],
    )
    sources: list[SourceStatus] = Field(description="各服务的应答情况")
    generated_at: datetime = Field(description="生成时间")

    def figure(self, key: str, area_code: str) -> Indicator | None:
        """The indicator ``key`` of ``area_code``, if the dashboard has it."""
        for indicator in self.indicators:
            if indicator.key == key and indicator.area_code == area_code:
                return indicator
        return None
