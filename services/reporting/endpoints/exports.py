"""Every report as a file: `GET /exports/<report>.csv|.xlsx`, with the same parameters,
bounds and errors as its JSON route (the same view answers both); `lang` picks the titles.
A report not listed is a 404 (no such route)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from services.reporting.auth import Reader
from services.reporting.deps import Deps
from services.reporting.endpoints.params import AsOf, Basis, Buckets, Currency, From, GroupBy, To
from services.reporting.outputs.csv import to_csv
from services.reporting.outputs.tables import Table
from services.reporting.outputs.xlsx import to_xlsx
from services.reporting.views.exports import report_table
from shared.problems import problem_responses
from shared.runtime import Uow

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Format = Annotated[Literal["csv", "xlsx"], Path(description="csv (UTF-8 with BOM) or xlsx")]
Lang = Annotated[Literal["zh-CN", "en"], Query(description="the language of titles and sheet names")]
FILE = {200: {"description": "The report as a file", "content": {
    CSV: {"schema": {"type": "string"}}, XLSX: {"schema": {"type": "string", "format": "binary"}}}}}

router = APIRouter(tags=["exports"], responses={**problem_responses(401, 403, 404, 422), **FILE})


def file_response(table: Table, fmt: str, lang: str, stem: str) -> Response:
    body, media = (to_csv(table, lang), CSV) if fmt == "csv" else (to_xlsx([table], lang), XLSX)
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})


@router.get("/exports/aging.{fmt}", response_class=Response, summary="Aging as CSV or XLSX",
            description="The rows of `GET /aging` (every group, up to the configured maximum), one currency.")
async def aging(fmt: Format, deps: Deps, uow: Uow, ctx: Reader, as_of: AsOf = None, group_by: GroupBy = "customer",
                basis: Basis = "due_date", buckets: Buckets = None, currency: Currency = None,
                lang: Lang = "zh-CN") -> Response:
    table = await report_table(deps, uow, ctx, "aging", as_of=as_of, group_by=group_by, basis=basis,
                               buckets=buckets, currency=currency)
    return file_response(table, fmt, lang, f"aging-{group_by}-{as_of or ctx.today}")


@router.get("/exports/activity.{fmt}", response_class=Response, summary="Daily activity as CSV or XLSX")
async def activity(fmt: Format, deps: Deps, uow: Uow, ctx: Reader, start: From, end: To,
                   lang: Lang = "zh-CN") -> Response:
    table = await report_table(deps, uow, ctx, "activity", start=start, end=end)
    return file_response(table, fmt, lang, f"activity-{start}-{end}")
