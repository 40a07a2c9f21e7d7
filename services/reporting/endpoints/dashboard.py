"""The dashboard page, `/reporting/dashboard` (outside /v1 and the OpenAPI schema: a page
for people). A browser signs in with an API key as the HTTP Basic password."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from services.reporting.auth import PageReader
from services.reporting.deps import Deps
from services.reporting.endpoints.params import AsOf, Currency
from services.reporting.outputs.dashboard import render
from services.reporting.views.dashboard import dashboard
from shared.runtime import Uow

router = APIRouter()


@router.get("/dashboard", response_class=HTMLResponse)
async def page(deps: Deps, uow: Uow, ctx: PageReader, as_of: AsOf = None, currency: Currency = None,
               lang: Annotated[Literal["zh-CN", "en"], Query()] = "zh-CN") -> HTMLResponse:
    html = render(await dashboard(deps, uow, ctx, as_of, currency), lang)
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "Content-Security-Policy":
                                       "default-src 'none'; style-src 'unsafe-inline'; img-src data:"})
