"""API models of visits and of the visit round's schedule."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Final, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from civil_shared.types import AreaCode, IdNumber, IsoDate
from civil_welfare.children.fields import Name, PastDate

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2000)]
Username = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class SubjectKind(StrEnum):
    """elderly 农村留守老人（留守老人名册）; child 留守、困境儿童（儿童档案）."""

    ELDERLY = "elderly"  # 留守老人
    CHILD = "child"  # 留守、困境儿童


class VisitKind(StrEnum):
    """home_visit 入户走访; phone 电话探访; video 视频探访; school 到校了解; other 其他方式."""

    HOME_VISIT = "home_visit"  # 入户走访
    PHONE = "phone"  # 电话探访
    VIDEO = "video"  # 视频探访
    SCHOOL = "school"  # 到校了解
    OTHER = "other"  # 其他


#: The kinds as staff write them (the import's column, the duplicate visit's message).
KIND_LABELS: Final = {
    VisitKind.HOME_VISIT: "入户走访",
    VisitKind.PHONE: "电话探访",
    VisitKind.VIDEO: "视频探访",
    VisitKind.SCHOOL: "到校了解",
    VisitKind.OTHER: "其他",
}


class ScheduleState(StrEnum):
    """overdue 逾期未探访; due 即将到期（N天内到期）; scheduled 未到期; off_round 不在探访范围
    （已退出名册、已销档或年满18周岁）."""

    OVERDUE = "overdue"  # 逾期
    DUE = "due"  # 即将到期
    SCHEDULED = "scheduled"  # 未到期
    OFF_ROUND = "off_round"  # 不在探访范围


class FollowUpState(StrEnum):
    """open 待跟进（未到期）; overdue 跟进逾期; done 已跟进."""

    OPEN = "open"  # 待跟进
    OVERDUE = "overdue"  # 跟进逾期
    DONE = "done"  # 已跟进


class Visitor(BaseModel):
    """Who made the visit (探访人): a platform user, or a village cadre or director without an
    account (name only)."""

    model_config = ConfigDict(extra="forbid")

    name: Name = Field(description="探访人姓名")
    username: Username | None = Field(default=None, description="探访人的平台账号（如有）")


class FollowUpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Text = Field(description="需要跟进的事项（如协调就医、联系子女、申请救助）")
    due_date: IsoDate = Field(description="跟进期限（不早于探访日期）")


class VisitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject_kind: SubjectKind = Field(description="探访对象类别")
    subject_id: uuid.UUID = Field(description="探访对象记录的 id（留守老人记录或儿童档案）")
    visit_date: PastDate = Field(description="探访日期（不晚于今天，不早于对象纳入名册或建档）")
    kind: VisitKind = Field(description="探访方式")
    findings: Text = Field(description="探访发现的情况（生活、健康、安全、学习等）")
    visitor: Visitor | None = Field(
        default=None, description="探访人；不填时为当前登录用户（账号和姓名）"
    )
    follow_up: FollowUpIn | None = Field(default=None, description="需要跟进的事项（如有）")

    @model_validator(mode="after")
    def _follow_up_after_visit(self) -> Self:
        if self.follow_up is not None and self.follow_up.due_date < self.visit_date:
            raise ValueError("跟进期限不能早于探访日期")
        return self


class VisitPatch(BaseModel):
    """Corrections; only the fields sent change. ``follow_up: null`` removes a follow-up
    not yet done."""

    model_config = ConfigDict(extra="forbid")

    visit_date: PastDate | None = Field(default=None, description="探访日期")
    kind: VisitKind | None = Field(default=None, description="探访方式")
    findings: Text | None = Field(default=None, description="探访发现的情况")
    visitor: Visitor | None = Field(default=None, description="探访人")
    follow_up: FollowUpIn | None = Field(default=None, description="需要跟进的事项")

    @model_validator(mode="after")
    def _required(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("至少应修改一项")
        for field in ("visit_date", "kind", "findings", "visitor"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} 不能为空")
        return self


class FollowUpDone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    done_date: PastDate = Field(description="完成跟进的日期（不早于探访日期）")
    result: Text = Field(description="跟进结果")


class FollowUpOut(BaseModel):
    action: str = Field(description="跟进事项")
    due_date: date = Field(description="跟进期限")
    done_date: date | None = Field(description="完成日期")
    result: str | None = Field(description="跟进结果")
    state: FollowUpState = Field(description="跟进状态（按今天）")


class VisitOut(BaseModel):
    id: uuid.UUID
    subject_kind: SubjectKind
    subject_id: uuid.UUID
    subject_name: str = Field(description="探访对象姓名")
    area_code: AreaCode = Field(description="探访时对象所在村（社区）")
    visit_date: date
    kind: VisitKind
    counts_for_round: bool = Field(
        description="是否计入定期探访（留守老人：入户、电话、视频；儿童：入户走访）"
    )
    findings: str
    visitor: Visitor
    follow_up: FollowUpOut | None
    recorded_at: datetime = Field(description="登记时间")
    version: int = Field(description="版本号（与 ETag 相同）")


class Responsible(BaseModel):
    """The worker responsible for the subject's visits: the elder's responsible worker
    (探访责任人), or the child's director (儿童主任)."""

    name: str = Field(description="责任人姓名")
    username: str | None = Field(description="责任人的平台账号（留守老人的探访责任人，如有）")
    director_id: uuid.UUID | None = Field(description="儿童主任 id（儿童）")


class ScheduleOut(BaseModel):
    """Where one subject stands in the visit round on ``on``."""

    subject_kind: SubjectKind
    subject_id: uuid.UUID
    id_number: IdNumber
    name: str
    area_code: AreaCode
    township_code: AreaCode
    responsible: Responsible | None = Field(description="探访责任人；儿童未指定儿童主任时为空")
    registered_date: date = Field(description="纳入名册（建档）日期")
    last_visit_date: date | None = Field(description="最近一次计入定期探访的探访日期")
    interval_months: int = Field(description="探访周期（月，政策参数，按年度和区域）")
    due_date: date | None = Field(
        description="下次探访截止日：最近一次探访（从未探访的为纳入名册日）加探访周期；"
        "月末无对应日的取该月最后一天；不在探访范围时为空"
    )
    state: ScheduleState
    overdue_days: int = Field(description="逾期天数（未逾期为0）")
    on: date = Field(description="按哪一天计算")


class WorkerLoad(BaseModel):
    """Due and overdue visits of one responsible worker (per township and kind)."""

    subject_kind: SubjectKind
    township_code: AreaCode
    responsible: Responsible | None = Field(description="责任人；为空表示未指定")
    overdue: int = Field(description="逾期未探访对象数")
    due: int = Field(description="即将到期对象数")
    subjects: int = Field(description="在探访范围内的对象数")


class VisitCounts(BaseModel):
    visits_made: int = Field(description="年内探访次数（各方式合计）")
    visits_made_elderly: int = Field(description="其中留守老人")
    visits_made_children: int = Field(description="其中儿童")
    subjects_elderly: int = Field(description="统计时点在探访范围内的留守老人")
    subjects_children: int = Field(description="统计时点在探访范围内的儿童")
    overdue_elderly: int | None = Field(
        description="统计时点逾期未探访的留守老人（周期未设定为空）"
    )
    overdue_children: int | None = Field(description="统计时点逾期未探访的儿童（周期未设定为空）")
    overdue: int | None = Field(description="统计时点逾期未探访对象合计")


class TownshipVisits(VisitCounts):
    area_code: AreaCode = Field(description="乡镇（街道）代码")


class VisitSummary(VisitCounts):
    """Visits made in ``year`` (by the township where they were made) and subjects overdue on
    ``on`` (by the township where they now are)."""

    year: int
    on: date = Field(description="统计时点：该年12月31日；当年为今日")
    area_code: AreaCode | None = Field(description="统计范围（空为全市或本人管辖区域）")
    by_township: list[TownshipVisits] = Field(description="按乡镇（街道）分列（仅列有数据的）")
