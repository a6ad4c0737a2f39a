from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import Response

from civil_gateway.dashboard.dependencies import DashboardReader, load_dashboard
from civil_gateway.dashboard.router import Area, Year
from civil_gateway.dashboard.service import dashboard_areas
from civil_gateway.reports.formats import DOCX, FORMATS, HTML, FormatName, choose
from civil_gateway.reports.render import html, markdown, word
from civil_shared.errors import Problem, Unprocessable

router = APIRouter(prefix="/api/v1/reports", tags=["年度报告"])


@router.get(
    "/annual",
    summary="年度工作情况报告",
    description=(
        "按天门市民政局2020年工作报告第一部分的结构（基本民生保障、基层社会治理、基本社会服务），"
        "用数据看板的实时指标生成该年度的工作情况报告。格式由 format 参数或 Accept 请求头决定："
        "Markdown（text/markdown，默认）、HTML（text/html）或 Word（.docx）。"
        "某服务未能及时应答时，相关数字显示为“（数据暂缺）”，报告注明缺失的服务。"
    ),
    response_class=Response,
    responses={
        200: {
            "description": "报告",
            "content": {f.media_type: {"schema": {"type": "string"}} for f in FORMATS},
        },
        404: {"model": Problem, "description": "统计范围不在本人管辖区域内"},
        406: {"model": Problem, "description": "不支持所要求的格式"},
    },
)
async def annual_report(
    request: Request,
    principal: DashboardReader,
    year: Year,
    area_code: Area = None,
    format: Annotated[
        FormatName | None,
        Query(description="报告格式：markdown、html 或 docx（优先于 Accept 请求头）"),
    ] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    chosen = choose(format, accept)
    areas = dashboard_areas(principal, area_code)
    if len(areas) > 1:
        raise Unprocessable(
            "您管辖多个乡镇（街道），请用 area_code 指定报告的统计范围",
            code="GATEWAY_REPORT_AREA_REQUIRED",
            area_codes=[str(code) for code in areas],
        )
    (area,) = areas
    dashboard = await load_dashboard(request, principal, year, area_code)
    text = markdown(dashboard, area)
    headers = {"Vary": "Accept", "Cache-Control": "private, no-cache"}
    if chosen is DOCX:
        name = f"tianmen-civil-affairs-{year}{'-' + area if area else ''}.docx"
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return Response(word(text), media_type=chosen.media_type, headers=headers)
    body = html(text) if chosen is HTML else text
    return Response(body, media_type=f"{chosen.media_type}; charset=utf-8", headers=headers)
