"""Pages a browser opens (shared.runtime's `pages`): the API key as a Bearer header or as
the password of HTTP Basic, which a browser asks for after a 401 with a Basic challenge."""
import base64
from datetime import datetime, timezone
from types import SimpleNamespace
from typing import Annotated

import httpx
from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse

from shared.auth import Principal, requires_page
from shared.clock import FixedClock
from shared.context import Context
from shared.problems import install_problem_handlers

KEYS = {"finance-key": Principal("k1", "finance bot", frozenset({"finance"})),
        "sales-key": Principal("k2", "sales bot", frozenset({"sales"}))}


class Keys:
    async def lookup(self, key: str):
        return KEYS.get(key)


def app() -> FastAPI:
    page = APIRouter()

    @page.get("/page", response_class=HTMLResponse)
    async def show(ctx: Annotated[Context, requires_page("finance")]) -> str:
        return f"<p>{ctx.actor} {ctx.today}</p>"

    application = FastAPI()
    application.state.runtime = SimpleNamespace(
        keys=Keys(), clock=FixedClock(datetime(2026, 11, 30, 4, tzinfo=timezone.utc)))
    install_problem_handlers(application)
    application.include_router(page)
    return application


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


async def get(headers: dict) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app()), base_url="http://t") as client:
        return await client.get("/page", headers=headers)


async def test_without_a_key_the_browser_is_asked_for_one():
    r = await get({})
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic realm=")
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_the_key_as_basic_password_or_bearer_opens_the_page():
    for header in (basic("anyone", "finance-key"), basic("", "finance-key"), "Bearer finance-key"):
        r = await get({"Authorization": header})
        assert r.status_code == 200 and "k1 2026-11-30" in r.text, header


async def test_a_wrong_key_is_asked_again_and_a_wrong_role_refused():
    for header in (basic("u", "nope"), "Basic !!!notbase64", basic("finance-key", ""), "Digest x"):
        r = await get({"Authorization": header})
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic"), header
    assert (await get({"Authorization": basic("u", "sales-key")})).status_code == 403
