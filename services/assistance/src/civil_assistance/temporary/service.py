"""Use cases of temporary assistance: apply, approve (township or county), reject, pay."""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.temporary.models import TemporaryCase
from civil_assistance.temporary.policy import (
    MULTIPLE_LIMIT,
    above_max,
    approval_required,
    needs_county,
    plain,
    temporary_policy,
)
from civil_assistance.temporary.repository import TemporaryCaseRepository
from civil_assistance.temporary.schemas import (
    ACTIONS,
    Rejection,
    TemporaryAction,
    TemporaryCaseCreate,
    TemporaryCaseOut,
    TemporaryCause,
    TemporaryKind,
    TemporaryStatus,
)
from civil_shared.auth import Principal, Role
from civil_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.idempotency import Idempotency
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, IdNumber, to_fen

#: Who decides as the county (市级民政部门); township officers decide as the township.
COUNTY_ROLES = (Role.ADMIN, Role.CITY_OFFICER)


def case_not_found(case_id: uuid.UUID) -> NotFound:
    return NotFound(f"临时救助记录 {case_id} 不存在", code="ASSISTANCE_TEMPORARY_NOT_FOUND")


def to_out(case: TemporaryCase) -> TemporaryCaseOut:
    status = TemporaryStatus(case.status)
    return TemporaryCaseOut(
        id=case.id,
        id_number=IdNumber(case.id_number),
        name=case.name,
        area_code=AreaCode(case.area_code),
        kind=TemporaryKind(case.kind),
        cause=TemporaryCause(case.cause),
        year=case.year,
        application_date=case.application_date,
        description=case.description,
        amount=case.amount,
        multiple=case.multiple,
        standard_monthly=case.standard_monthly,
        township_limit_multiple=plain(case.township_limit_multiple),
        max_multiple=plain(case.max_multiple),
        approval_required=approval_required(
            case.amount, case.standard_monthly, case.township_limit_multiple
        ),
        income_per_person_yearly=case.income_per_person_yearly,
        average_disposable_income=case.average_disposable_income,
        major_hardship=case.major_hardship,
        major_hardship_reason=case.major_hardship_reason,
        status=status,
        allowed=list(ACTIONS[status]),
        approved_by=case.approved_by,
        approved_at=case.approved_at,
        rejection_reason=case.rejection_reason,
        rejected_by=case.rejected_by,
        rejected_at=case.rejected_at,
        paid_by=case.paid_by,
        paid_at=case.paid_at,
        version=case.version,
    )


def duplicate_case(existing: TemporaryCase | None = None) -> Conflict:
    extra: dict[str, Any] = (
        {"conflicting_case_id": str(existing.id)} if existing is not None else {}
    )
    return Conflict(
        "该对象本年度已因同一事由申请过临时救助（同一事由每人每年限一次）",
        code="ASSISTANCE_TEMPORARY_DUPLICATE",
        **extra,
    )


def ensure_allowed(case: TemporaryCase, action: TemporaryAction) -> None:
    current = TemporaryStatus(case.status)
    allowed = ACTIONS[current]
    if action not in allowed:
        raise Conflict(
            f"临时救助当前为“{current.value}”，不能进行“{action.value}”",
            code="ASSISTANCE_INVALID_TRANSITION",
            current=current.value,
            allowed=[a.value for a in allowed],
        )


class TemporaryCaseService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = TemporaryCaseRepository(session)

    async def apply(
        self, data: TemporaryCaseCreate, principal: Principal, idempotency: Idempotency
    ) -> tuple[int, Any]:
        replay = await idempotency.claim()
        if replay is not None:
            return replay.status_code, replay.body
        if not principal.sees_area(data.area_code):
            raise Forbidden("不能受理管辖区域以外的临时救助申请", code="ASSISTANCE_AREA_FORBIDDEN")
        year = data.application_date.year
        policy = await temporary_policy(self.session, year, data.area_code)
        if data.multiple is not None:
            amount = policy.amount_for(data.multiple)
        else:
            assert data.amount is not None  # the schema requires one of the two
            amount = data.amount
        if amount <= 0:
            raise Unprocessable("救助金额应大于 0", code="ASSISTANCE_TEMPORARY_AMOUNT")
        if policy.multiple_of(amount) >= MULTIPLE_LIMIT:
            raise Unprocessable(
                "救助金额超出范围（不能达到城市低保月标准的100万倍）",
                code="ASSISTANCE_TEMPORARY_AMOUNT",
            )
        if data.kind is TemporaryKind.SPENDING:
            self._check_income(data)
        if above_max(amount, policy.standard_monthly, policy.max_multiple) and not (
            data.major_hardship
        ):
            raise Unprocessable(
                f"救助金额 {amount} 元超过每次上限（城市低保月标准 {policy.standard_monthly} 元"
                f"的 {plain(policy.max_multiple)} 倍）；"
                "确属重大困难的，须标明重大困难个案并说明理由",
                code="ASSISTANCE_TEMPORARY_ABOVE_MAX",
                max_amount=str(to_fen(policy.standard_monthly * policy.max_multiple)),
                max_multiple=str(plain(policy.max_multiple)),
            )
        existing = await self.repository.same_cause_in_year(
            id_number=str(data.id_number), cause=data.cause.value, year=year
        )
        if existing is not None:
            raise duplicate_case(existing)
        case = TemporaryCase(
            id_number=str(data.id_number),
            name=data.name,
            area_code=str(data.area_code),
            kind=data.kind.value,
            cause=data.cause.value,
            year=year,
            application_date=data.application_date,
            description=data.description,
            amount=amount,
            multiple=policy.multiple_of(amount),
            standard_monthly=policy.standard_monthly,
            max_multiple=policy.max_multiple,
            township_limit_multiple=policy.township_limit_multiple,
            income_per_person_yearly=data.income_per_person_yearly,
            average_disposable_income=data.average_disposable_income,
            major_hardship=data.major_hardship,
            major_hardship_reason=data.major_hardship_reason,
            status=TemporaryStatus.APPLIED.value,
            created_by=principal.sub,
        )
        # The partial unique index decides between two concurrent applications.
        async with unique_or_conflict(self.session, duplicate_case()):
            await self.repository.add(case)
            body = to_out(case).model_dump(mode="json")
            await idempotency.remember(201, body)
            await self.session.commit()
        return 201, body

    @staticmethod
    def _check_income(data: TemporaryCaseCreate) -> None:
        income, average = data.income_per_person_yearly, data.average_disposable_income
        # The schema requires both for the spending type.
        assert income is not None
        assert average is not None
        if income >= average:
            raise Unprocessable(
                f"家庭人均收入 {income} 元不低于当地上年人均可支配收入 {average} 元，"
                "不符合支出型临时救助条件",
                code="ASSISTANCE_TEMPORARY_INCOME_TOO_HIGH",
                income_per_person_yearly=str(income),
                average_disposable_income=str(average),
            )

    async def approve(
        self, case_id: uuid.UUID, principal: Principal, expected_version: int | None
    ) -> TemporaryCaseOut:
        case = await self._for_action(case_id, principal, TemporaryAction.APPROVE, expected_version)
        as_county = principal.has_role(*COUNTY_ROLES)
        if needs_county(case.amount, case.standard_monthly, case.township_limit_multiple) and (
            not as_county
        ):
            raise Forbidden(
                f"救助金额超过乡镇审批权限（城市低保月标准的 "
                f"{plain(case.township_limit_multiple)} 倍），须由市级民政部门审批",
                code="ASSISTANCE_TEMPORARY_COUNTY_APPROVAL_REQUIRED",
                approval_required="county",
            )
        case.status = (
            TemporaryStatus.COUNTY_APPROVED if as_county else TemporaryStatus.TOWNSHIP_APPROVED
        ).value
        case.approved_by, case.approved_at = principal.sub, datetime.now(UTC)
        return await self._commit(case)

    async def reject(
        self,
        case_id: uuid.UUID,
        data: Rejection,
        principal: Principal,
        expected_version: int | None,
    ) -> TemporaryCaseOut:
        case = await self._for_action(case_id, principal, TemporaryAction.REJECT, expected_version)
        case.status = TemporaryStatus.REJECTED.value
        case.rejection_reason = data.reason
        case.rejected_by, case.rejected_at = principal.sub, datetime.now(UTC)
        return await self._commit(case)

    async def pay(
        self, case_id: uuid.UUID, principal: Principal, expected_version: int | None
    ) -> TemporaryCaseOut:
        case = await self._for_action(case_id, principal, TemporaryAction.PAY, expected_version)
        case.status = TemporaryStatus.PAID.value
        case.paid_by, case.paid_at = principal.sub, datetime.now(UTC)
        return await self._commit(case)

    async def get(self, case_id: uuid.UUID, principal: Principal) -> TemporaryCaseOut:
        return to_out(await self._visible(case_id, principal))

    async def list(
        self,
        page: PageParams,
        principal: Principal,
        *,
        year: int | None = None,
        area_code: str | None = None,
        status: TemporaryStatus | None = None,
        kind: TemporaryKind | None = None,
        cause: TemporaryCause | None = None,
    ) -> Page[TemporaryCaseOut]:
        conditions: list[ColumnElement[bool]] = [area_condition(TemporaryCase.area_code, principal)]
        if year is not None:
            conditions.append(TemporaryCase.year == year)
        if area_code is not None:
            conditions.append(TemporaryCase.area_code.startswith(area_code, autoescape=True))
        if status is not None:
            conditions.append(TemporaryCase.status == status.value)
        if kind is not None:
            conditions.append(TemporaryCase.kind == kind.value)
        if cause is not None:
            conditions.append(TemporaryCase.cause == cause.value)
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[TemporaryCaseOut].of([to_out(c) for c in items], total, page)

    async def _visible(
        self, case_id: uuid.UUID, principal: Principal, *, for_update: bool = False
    ) -> TemporaryCase:
        case = await self.repository.get(case_id, for_update=for_update)
        missing = case_not_found(case_id)
        if case is None:
            raise missing
        ensure_visible(principal, case.area_code, missing)
        return case

    async def _for_action(
        self,
        case_id: uuid.UUID,
        principal: Principal,
        action: TemporaryAction,
        expected_version: int | None,
    ) -> TemporaryCase:
        # The state is checked before the version: "already paid" says more than "stale".
        case = await self._visible(case_id, principal, for_update=True)
        ensure_allowed(case, action)
        if expected_version is not None:
            check_version(case.version, expected_version)
        return case

    async def _commit(self, case: TemporaryCase) -> TemporaryCaseOut:
        # No stale-version race to catch: the row is locked FOR UPDATE since it was read.
        await self.session.commit()
        return to_out(case)
