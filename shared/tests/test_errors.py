from civil_shared.errors import Conflict, NotFound, Unauthorized


def test_problem_carries_stable_code_and_chinese_detail() -> None:
    error = NotFound("家庭不存在", code="ASSISTANCE_HOUSEHOLD_NOT_FOUND")
    problem = error.to_problem(instance="/api/v1/households/1", request_id="r1")
    assert problem.model_dump(exclude_none=True) == {
        "type": "https://civil.tianmen.gov.cn/problems/assistance-household-not-found",
        "title": "Not found",
        "status": 404,
        "detail": "家庭不存在",
        "code": "ASSISTANCE_HOUSEHOLD_NOT_FOUND",
        "instance": "/api/v1/households/1",
        "request_id": "r1",
    }


def test_extra_members_are_part_of_the_problem() -> None:
    error = Conflict("状态不允许", code="ASSISTANCE_INVALID_TRANSITION", allowed=["approved"])
    assert error.to_problem().model_dump()["allowed"] == ["approved"]


def test_unauthorized_asks_for_a_bearer_token() -> None:
    error = Unauthorized()
    assert error.status == 401
    assert error.headers["WWW-Authenticate"].startswith("Bearer")
    assert error.detail
