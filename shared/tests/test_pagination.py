"""Paging parameters and the page envelope."""

from __future__ import annotations

from typing import Annotated

import httpx
import pytest
from fastapi import FastAPI, Query
from pydantic import BaseModel, ValidationError

from civil_shared.pagination import MAX_LIMIT, Page, PageParams


class Item(BaseModel):
    name: str


def test_page_params_defaults() -> None:
    params = PageParams()
    assert params.limit == 50
    assert params.offset == 0


@pytest.mark.parametrize(("limit", "offset"), [(1, 0), (500, 0), (50, 10_000)])
def test_page_params_bounds_ok(limit: int, offset: int) -> None:
    params = PageParams(limit=limit, offset=offset)
    assert (params.limit, params.offset) == (limit, offset)


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (501, 0), (50, -1), (50, 2**63)])
def test_page_params_bounds_rejected(limit: int, offset: int) -> None:
    with pytest.raises(ValidationError):
        PageParams(limit=limit, offset=offset)


def test_page_of() -> None:
    params = PageParams(limit=2, offset=4)
    page = Page[Item].of([Item(name="a"), Item(name="b")], 7, params)
    assert page.items == [Item(name="a"), Item(name="b")]
    assert (page.total, page.limit, page.offset) == (7, 2, 4)
    assert page.model_dump(mode="json") == {
        "items": [{"name": "a"}, {"name": "b"}],
        "total": 7,
        "limit": 2,
        "offset": 4,
    }


def test_page_without_total_and_from_tuple() -> None:
    page = Page[int].of((1, 2, 3), None, PageParams())
    assert page.items == [1, 2, 3]
    assert page.total is None


def test_page_validates_items() -> None:
    with pytest.raises(ValidationError):
        Page[int].of(["x"], 1, PageParams())  # type: ignore[list-item]


def test_page_json_schema_is_generic() -> None:
    schema = Page[Item].model_json_schema()
    assert schema["properties"]["items"]["items"] == {"$ref": "#/$defs/Item"}
    assert set(schema["required"]) == {"items", "limit", "offset"}


async def test_page_params_as_fastapi_query() -> None:
    app = FastAPI()

    @app.get("/items")
    async def items(params: Annotated[PageParams, Query()]) -> Page[Item]:
        names = [f"n{i}" for i in range(10)]
        chosen = names[params.offset : params.offset + params.limit]
        return Page[Item].of([Item(name=n) for n in chosen], len(names), params)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as c:
        body = (await c.get("/items", params={"limit": 3, "offset": 8})).json()
        assert body == {
            "items": [{"name": "n8"}, {"name": "n9"}],
            "total": 10,
            "limit": 3,
            "offset": 8,
        }
        assert (await c.get("/items")).json()["limit"] == 50
        assert (await c.get("/items", params={"limit": MAX_LIMIT + 1})).status_code == 422
