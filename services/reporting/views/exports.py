"""Every report as a table for CSV and XLSX: the same view as its JSON route, flattened by
the view's own `<report>_rows`, typed by `outputs.columns`. The month-end pack is a list of
these tables for one month end."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from services.reporting import views
from services.reporting.deps import ReportingDeps
from services.reporting.outputs.columns import table_from_rows
from services.reporting.outputs.tables import Table
from shared.context import Context
from shared.db import UnitOfWork

#: report → (English title, Chinese title); every one is exported as /exports/<report>.csv|.xlsx
REPORTS: dict[str, tuple[str, str]] = {
    "aging": ("Aging", "账龄分析"),
    "dso": ("DSO", "应收账款周转天数"),
    "dso_rolling": ("Rolling DSO", "滚动DSO"),
    "cei": ("CEI", "回款效率指数"),
    "provision": ("Provision for bad debts", "坏账准备"),
    "summary": ("Region × product × type", "三维汇总"),
    "salespeople": ("Salespeople", "销售回款"),
    "warnings": ("Warning signals", "预警信号"),
    "disputes": ("Disputes by category", "争议分类"),
    "payment_behaviour": ("Payment behaviour", "客户付款行为"),
    "activity": ("Daily activity", "每日赊销与回款"),
}


# A file holds every row of a paged report (aging pages at the configured max_rows), up to this.
MAX_EXPORT_ROWS = 200_000


async def report_table(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, report: str, *,
                       name: str | None = None, title: tuple[str, str] | None = None, **params: Any) -> Table:
    """The report's view with these parameters (validated by the view as for its JSON route) as a table."""
    async with uow:  # every page from the same snapshot
        data = await _every_row(getattr(views, report), deps, uow, ctx, params)
    rows = getattr(views, f"{report}_rows")(data)
    currency = data.get("currency") if isinstance(data, dict) else None
    if currency is None and rows and len({r.get("currency") for r in rows}) == 1:
        currency = rows[0].get("currency")  # a list of rows in one currency (activity)
    en, zh = title or REPORTS[report]
    return table_from_rows(name or report, en, zh, rows, currency)


async def _every_row(view, deps: ReportingDeps, uow: UnitOfWork, ctx: Context, params: dict) -> Any:
    """A report paged like aging (`rows`, `count`) read page after page; any other as it is."""
    data = await view(deps, uow, ctx, **params)
    if not (isinstance(data, dict) and "rows" in data and "count" in data):
        return data
    rows = list(data["rows"])
    while len(rows) < min(data["count"], MAX_EXPORT_ROWS):
        page = await view(deps, uow, ctx, **params, offset=len(rows))
        if not page["rows"]:
            break
        rows += page["rows"]
    return {**data, "rows": rows[:MAX_EXPORT_ROWS], "offset": 0, "limit": len(rows)}


@dataclass(frozen=True)
class PackTable:
    name: str
    report: str
    title_en: str
    title_zh: str
    params: dict[str, Any]


def pack_contents(as_of: date) -> list[PackTable]:
    """The month-end pack for `as_of` (a month end): the aging analysis and the KPIs."""
    month = f"{as_of.year:04d}-{as_of.month:02d}"
    start = as_of.replace(day=1)
    return [
        PackTable("aging_by_customer", "aging", "Aging by customer", "账龄分析（客户）",
                  {"as_of": as_of, "group_by": "customer"}),
        PackTable("aging_by_region", "aging", "Aging by region", "账龄分析（区域）", {"as_of": as_of, "group_by": "region"}),
        PackTable("dso", "dso", "DSO", "DSO", {"as_of": as_of}),
        PackTable("dso_countback", "dso", "DSO countback", "DSO（倒推法）", {"as_of": as_of, "method": "countback"}),
        PackTable("dso_rolling", "dso_rolling", "Rolling 12-month DSO", "滚动12个月DSO", {"as_of": as_of}),
        PackTable("cei", "cei", "CEI", "回款效率指数", {"month": month}),
        PackTable("summary", "summary", "Region × product × type", "三维汇总", {"as_of": as_of}),
        PackTable("provision_flat", "provision", "Provision flat", "坏账准备（比例法）", {"as_of": as_of, "method": "flat"}),
        PackTable("provision_matrix", "provision", "Provision matrix", "坏账准备（账龄矩阵）",
                  {"as_of": as_of, "method": "matrix"}),
        PackTable("provision_ecl", "provision", "Provision ECL", "坏账准备（预期信用损失）", {"as_of": as_of, "method": "ecl"}),
        PackTable("salespeople", "salespeople", "Salespeople", "销售回款", {"start": start, "end": as_of}),
        PackTable("warnings", "warnings", "Warning signals", "预警信号", {"as_of": as_of}),
        PackTable("disputes", "disputes", "Disputes by category", "争议分类", {"start": start, "end": as_of}),
        PackTable("activity", "activity", "Daily activity", "每日赊销与回款", {"start": start, "end": as_of}),
    ]


async def pack_tables(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, as_of: date) -> list[Table]:
    return [await report_table(deps, uow, ctx, t.report, name=t.name, title=(t.title_en, t.title_zh), **t.params)
            for t in pack_contents(as_of)]
