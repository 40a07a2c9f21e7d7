"""What the dashboard shows, from the same views as the API (so its numbers are the API's):
aging by region and its bucket totals, the customers most overdue, the rolling DSO curve
against its benchmark, the three-dimension summary's flags and the warning signals."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from services.reporting import views
from services.reporting.deps import ReportingDeps
from services.reporting.outputs.dashboard import AgingRow, DashboardData, RagRow, WarningSignal
from shared.context import Context
from shared.db import UnitOfWork

CHART_GROUPS = 12  # bars in the aging chart: the largest regions
TOP_OVERDUE = 10


def slab_floor(label: str) -> int:
    """A slab's first day: 'current' 0, '31-60' 31, '181+' 181."""
    match = re.match(r"(\d+)", label)
    return int(match.group(1)) if match else 0


def top_overdue(by_customer: dict, count: int = TOP_OVERDUE) -> list[tuple[str, Decimal, int]]:
    """Customers by overdue amount (every slab past `current`), with their oldest overdue slab."""
    labels = by_customer["buckets"][1:]
    out = []
    for row in by_customer["rows"]:
        overdue = sum((row["buckets"][label] for label in labels), Decimal(0))
        if overdue > 0:
            oldest = next(label for label in reversed(labels) if row["buckets"][label] > 0)
            out.append((row["key"], overdue, slab_floor(oldest)))
    return sorted(out, key=lambda item: (-item[1], item[0]))[:count]


async def dashboard(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, as_of: date | None = None,
                    currency: str | None = None) -> DashboardData:
    on, cur = as_of or ctx.today, currency
    async with uow:  # one snapshot for the whole page
        by_region = await views.aging(deps, uow, ctx, as_of=on, group_by="region", currency=cur)
        by_customer = await views.aging(deps, uow, ctx, as_of=on, group_by="customer", currency=cur)
        rolling = await views.dso_rolling(deps, uow, ctx, as_of=on, currency=cur)
        summary = await views.summary(deps, uow, ctx, as_of=on, currency=cur)
        warnings = await views.warnings(deps, uow, ctx, as_of=on, currency=cur)
    labels = by_region["buckets"]
    points = [(f"{p['date'].year:04d}-{p['date'].month:02d}", p["dso"]) for p in rolling["points"]
              if p["dso"] is not None]
    return DashboardData(
        as_of=on, currency=by_region["currency"], buckets=labels,
        bucket_totals=[by_region["total"][label] for label in labels],
        disputed=by_region["total"]["disputed"],
        aging_rows=[AgingRow(r["key"], [r["buckets"][label] for label in labels], r["total"])
                    for r in by_region["rows"][:CHART_GROUPS]],
        group_by="region",
        dso_points=points,
        benchmark=rolling["benchmark"],
        top_overdue=top_overdue(by_customer),
        rag=[RagRow(r["region"], r["product_line"], r["customer_type"], r["balance"], r["overdue_rate"],
                    r["collection_progress"], r["rag"]) for r in summary["rows"]],
        warnings=[WarningSignal(w["signal"], w.get("customer_id") or "", w["detail"]) for w in warnings["warnings"]],
    )
