"""Every report as a file: `GET /exports/<report>.csv|.xlsx`, with the same parameters,
bounds and errors as its JSON route (the same view answers both); `lang` picks the titles.
A report not listed is a 404 (no such route)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from services.reporting.auth import Reader
from services.reporting.deps import Deps
from services.reporting.endpoints.params import AsOf, Basis, Buckets, Currency, From, GroupBy, Month, To
from services.reporting.outputs.csv import to_csv
from services.reporting.outputs.tables import Table
from services.reporting.outputs.xlsx import to_xlsx
from services.reporting.views.exports import report_table
from shared.problems import problem_responses
from shared.ids import IdQuery
from shared.runtime import Uow
from shared.wire import OffsetQuery

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Format = Annotated[Literal["csv", "xlsx"], Path(description="csv (UTF-8 with BOM) or xlsx")]
Lang = Annotated[Literal["zh-CN", "en"], Query(description="the language of titles and sheet names")]
WindowDays = Annotated[int | None, Query(ge=1, le=3660)]
Months = Annotated[int, Query(ge=1, le=36)]
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


@router.get("/exports/dso.{fmt}", response_class=Response, summary="DSO as CSV or XLSX")
async def dso(fmt: Format, deps: Deps, uow: Uow, ctx: Reader, as_of: AsOf = None, window_days: WindowDays = None,
              method: Literal["standard", "countback"] = "standard", currency: Currency = None,
              lang: Lang = "zh-CN") -> Response:
    table = await report_table(deps, uow, ctx, "dso", as_of=as_of, window_days=window_days, method=method,
                               currency=currency)
    return file_response(table, fmt, lang, f"dso-{method}-{as_of or ctx.today}")


@router.get("/exports/dso_rolling.{fmt}", response_class=Response, summary="The rolling DSO curve as CSV or XLSX")
async def dso_rolling(fmt: Format, deps: Deps, uow: Uow, ctx: Reader, as_of: AsOf = None, months: Months = 12,
                      currency: Currency = None, lang: Lang = "zh-CN") -> Response:
    table = await report_table(deps, uow, ctx, "dso_rolling", as_of=as_of, months=months, currency=currency)
    return file_response(table, fmt, lang, f"dso-rolling-{as_of or ctx.today}")


@router.get("/exports/cei.{fmt}", response_class=Response, summary="CEI of a month as CSV or XLSX")
async def cei(fmt: Format, deps: Deps, uow: Uow, ctx: Reader, month: Month, currency: Currency = None,
              lang: Lang = "zh-CN") -> Response:
    table = await report_table(deps, uow, ctx, "cei", month=month, currency=currency)
    return file_response(table, fmt, lang, f"cei-{month}")


@router.get("/exports/provision.{fmt}", response_class=Response, summary="Provision for bad debts as CSV or XLSX")
async def provision(fmt: Format, deps: Deps, uow: Uow, ctx: Reader, as_of: AsOf = None,
                    method: Literal["flat", "matrix", "ecl"] = "ecl", currency: Currency = None,
                    lang: Lang = "zh-CN") -> Response:
    table = await report_table(deps, uow, ctx, "provision", as_of=as_of, method=method, currency=currency)
    return file_response(table, fmt, lang, f"provision-{method}-{as_of or ctx.today}")


@router.get("/exports/summary.{fmt}", response_class=Response,
            summary="The three-dimension summary (region × product line × customer type) as CSV or XLSX")
async def summary(fmt: Format, deps: Deps, uow: Uow, ctx: Reader, as_of: AsOf = None, currency: Currency = None,
                  lang: Lang = "zh-CN") -> Response:
    table = await report_table(deps, uow, ctx, "summary", as_of=as_of, currency=currency)
    return file_response(table, fmt, lang, f"summary-{as_of or ctx.today}")


@router.get("/exports/salespeople.{fmt}", response_class=Response, summary="Salespeople and teams as CSV or XLSX")
async def salespeople(fmt: Format, deps: Deps, uow: Uow, ctx: Reader, start: From, end: To,
                      currency: Currency = None, lang: Lang = "zh-CN") -> Response:
    table = await report_table(deps, uow, ctx, "salespeople", start=start, end=end, currency=currency)
    return file_response(table, fmt, lang, f"salespeople-{start}-{end}")


@router.get("/exports/payment_behaviour.{fmt}", response_class=Response,
            summary="Payment behaviour per customer as CSV or XLSX")
async def payment_behaviour(fmt: Format, deps: Deps, uow: Uow, ctx: Reader, start: From, end: To,
                            customer_id: IdQuery = None, currency: Currency = None,
                            limit: Annotated[int, Query(ge=1, le=1000)] = 1000, offset: OffsetQuery = 0,
                            lang: Lang = "zh-CN") -> Response:
    table = await report_table(deps, uow, ctx, "payment_behaviour", start=start, end=end, customer_id=customer_id,
                               currency=currency, limit=limit, offset=offset)
    return file_response(table, fmt, lang, f"payment-behaviour-{start}-{end}")


@router.get("/exports/warnings.{fmt}", response_class=Response, summary="Warning signals as CSV or XLSX")
async def warnings(fmt: Format, deps: Deps, uow: Uow, ctx: Reader, as_of: AsOf = None, currency: Currency = None,
                   lang: Lang = "zh-CN") -> Response:
    table = await report_table(deps, uow, ctx, "warnings", as_of=as_of, currency=currency)
    return file_response(table, fmt, lang, f"warnings-{as_of or ctx.today}")


@router.get("/exports/disputes.{fmt}", response_class=Response, summary="Disputes by category as CSV or XLSX")
async def disputes(fmt: Format, deps: Deps, uow: Uow, ctx: Reader, start: From, end: To, currency: Currency = None,
                   lang: Lang = "zh-CN") -> Response:
    table = await report_table(deps, uow, ctx, "disputes", start=start, end=end, currency=currency)
    return file_response(table, fmt, lang, f"disputes-{start}-{end}")
