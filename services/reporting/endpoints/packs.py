"""Month-end packs: ask for one (built at once in the background, and by the job if this
process stops), follow its status, list them, download its XLSX or CSV zip."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from services.reporting.auth import Reader
from services.reporting.deps import Deps
from services.reporting.endpoints.exports import XLSX
from services.reporting.handlers import month_end_packs
from services.reporting.schemas import MonthEndPackOut, MonthEndPackPage
from services.reporting.views import month_end_packs as pack_views
from shared.problems import problem_responses
from shared.runtime import Uow
from shared.wire import OffsetQuery

ZIP = "application/zip"
PackId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,100}$", description="a month-end pack's id")]
Period = Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
Limit = Annotated[int, Query(ge=1, le=200)]

router = APIRouter(tags=["month-end packs"], responses=problem_responses(401, 403, 422))


class MonthEndPackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="the month (YYYY-MM, ended) the pack is for")


@router.post("/month-end-packs", status_code=202, response_model=MonthEndPackOut,
             summary="Ask for a month-end pack (aging and KPIs as XLSX and CSV) for a past month end",
             description="Queued, then built in the background: follow `GET /month-end-packs/{pack_id}` until "
                         "`status` is `ready` (or `failed`, with `error`).")
async def request(body: MonthEndPackIn, background: BackgroundTasks, deps: Deps, uow: Uow,
                  ctx: Reader) -> MonthEndPackOut:
    pack_id = await month_end_packs.request(deps, uow, ctx, body.month)
    background.add_task(month_end_packs.build, deps, uow, ctx, pack_id)
    return MonthEndPackOut.model_validate(await pack_views.pack(deps, uow, ctx, pack_id))


@router.get("/month-end-packs", response_model=MonthEndPackPage, summary="The month-end packs, newest first")
async def page(deps: Deps, uow: Uow, ctx: Reader, period: Period = None, limit: Limit = 50,
               offset: OffsetQuery = 0) -> MonthEndPackPage:
    return MonthEndPackPage.model_validate(
        await pack_views.pack_page(deps, uow, ctx, offset=offset, limit=limit, period=period))


@router.get("/month-end-packs/{pack_id}.{kind}", response_class=Response, summary="A ready pack's file",
            responses={**problem_responses(404, 409), 200: {"description": "The workbook or the CSV zip", "content": {
                XLSX: {"schema": {"type": "string", "format": "binary"}},
                ZIP: {"schema": {"type": "string", "format": "binary"}}}}})
async def download(pack_id: PackId, kind: Annotated[Literal["xlsx", "zip"], Path()], deps: Deps, uow: Uow,
                   ctx: Reader) -> Response:
    body, record = await pack_views.pack_file(deps, uow, ctx, pack_id, kind)
    name = f"month-end-pack-{record['period']}-{pack_id}.{kind}"
    return Response(body, media_type=XLSX if kind == "xlsx" else ZIP,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/month-end-packs/{pack_id}", response_model=MonthEndPackOut, summary="A month-end pack and its status",
            responses=problem_responses(404))
async def show(pack_id: PackId, deps: Deps, uow: Uow, ctx: Reader) -> MonthEndPackOut:
    return MonthEndPackOut.model_validate(await pack_views.pack(deps, uow, ctx, pack_id))
