"""DSO (standard, countback), best possible DSO, ADD, turnover, overdue ratio; the rolling
curve against the benchmark with the largest late payers' share; CEI per month; the
three-dimension summary with RAG flags. Shapes: each function's docstring; formulas:
docs/reporting.md."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from services.reporting.deps import ReportingDeps
from services.reporting.domain import kpis
from services.reporting.repository import flows, reports
from services.reporting.views.common import currency_of, key, money
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import RuleError

_DIMS = ("region", "product_line", "customer_type")


def _window(deps: ReportingDeps, window_days: int | None) -> int:
    n = window_days or deps.config.dso_window_days
    if not 1 <= n <= deps.config.max_range_days:
        raise RuleError(f"window_days runs from 1 to {deps.config.max_range_days}", "window_days", "range.too_long")
    return n


async def _open(uow: UnitOfWork, on: date, cur: str) -> tuple[int, int]:
    """(overdue, current) open on `on`."""
    return (await reports.open_split(uow, on, cur)).get((reports.NONE,), (0, 0))


async def dso(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, *, as_of: date | None = None,
              window_days: int | None = None, method: str = "standard", currency: str | None = None) -> dict:
    """{"as_of", "currency", "method", "window_days", "dso", "best_possible_dso", "add",
    "receivables", "current", "overdue", "credit_sales", "overdue_ratio", "turnover"}."""
    on = as_of or ctx.today
    kpis.check_as_of(on, ctx.today)
    n, cur = _window(deps, window_days), currency_of(deps, currency)
    start = on - timedelta(days=n)
    async with uow:
        await reports.no_jit(uow)
        overdue, current = await _open(uow, on, cur)
        opening = sum(await _open(uow, start, cur))
        sales = (await reports.credit_sales(uow, cur, start, on)).get((reports.NONE,), 0)
        periods = None
        if method == "countback":
            months = kpis.months_back(on, 36)
            periods = list(zip(await reports.monthly_sales(uow, cur, months),
                               [(last - first).days + 1 for first, last in months]))
    receivable = overdue + current
    value = (kpis.countback_dso(receivable, periods) if method == "countback"
             else kpis.standard_dso(receivable, sales, n))
    best = kpis.best_possible_dso(current, sales, n)
    return {"as_of": on, "currency": cur, "method": method, "window_days": n, "dso": value,
            "best_possible_dso": best, "add": kpis.add(value, best), "receivables": money(receivable, cur),
            "current": money(current, cur), "overdue": money(overdue, cur), "credit_sales": money(sales, cur),
            "overdue_ratio": kpis.ratio(overdue, receivable), "turnover": kpis.turnover(sales, opening, receivable)}


def dso_rows(report: dict) -> list[dict]:
    return [{k: v for k, v in report.items()}]


async def dso_rolling(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, *, as_of: date | None = None,
                      months: int = 12, currency: str | None = None) -> dict:
    """{"as_of", "currency", "window_days", "benchmark", "points": [{"date", "dso",
    "receivables", "credit_sales"}], "above_benchmark", "largest_late_payers": [{"customer_id",
    "overdue", "open", "share_of_overdue"}], "largest_late_payers_share",
    "largest_late_payers_dso_days"}: the standard DSO at each month end (and `as_of`)."""
    on = as_of or ctx.today
    kpis.check_as_of(on, ctx.today)
    if not 1 <= months <= 36:
        raise RuleError("months runs from 1 to 36", "months", "range.too_long")
    n, cur = deps.config.dso_window_days, currency_of(deps, currency)
    ends = kpis.month_ends(on, months)
    async with uow:
        await reports.no_jit(uow)
        receivables = await reports.open_totals(uow, ends, cur)
        sales = await reports.sales_windows(uow, cur, [(d - timedelta(days=n), d) for d in ends])
        by_customer = await reports.open_split(uow, on, cur, ("customer",))
    points = [{"date": d, "dso": kpis.standard_dso(r, s, n), "receivables": money(r, cur),
               "credit_sales": money(s, cur)} for d, r, s in zip(ends, receivables, sales)]
    late = sorted(((c[0], o, o + cu) for c, (o, cu) in by_customer.items() if o > 0), key=lambda t: (-t[1], t[0]))
    top = late[:deps.config.largest_late_payers]
    all_overdue = sum(o for _, o, _ in late)
    all_open = sum(o + cu for o, cu in by_customer.values())
    last = points[-1]["dso"] if points else None
    top_open = sum(t for _, _, t in top)
    share_of_dso = (None if last is None or all_open == 0
                    else kpis.days(last * top_open / all_open))
    return {"as_of": on, "currency": cur, "window_days": n, "benchmark": deps.config.dso_benchmark_days,
            "points": points, "above_benchmark": None if last is None else last > deps.config.dso_benchmark_days,
            "largest_late_payers": [{"customer_id": c, "overdue": money(o, cur), "open": money(t, cur),
                                     "share_of_overdue": kpis.ratio(o, all_overdue)} for c, o, t in top],
            "largest_late_payers_share": kpis.ratio(sum(o for _, o, _ in top), all_overdue),
            "largest_late_payers_dso_days": share_of_dso}


def dso_rolling_rows(report: dict) -> list[dict]:
    return [{"date": p["date"], "dso": p["dso"], "benchmark": report["benchmark"], "receivables": p["receivables"],
             "credit_sales": p["credit_sales"]} for p in report["points"]]


async def cei(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, *, month: str,
              currency: str | None = None) -> dict:
    """{"month", "currency", "opening", "credit_sales", "closing", "closing_current", "cei"}
    (the month so far when it is this month)."""
    first, last = kpis.parse_month(month, ctx.today)
    last, cur = min(last, ctx.today), currency_of(deps, currency)
    async with uow:
        await reports.no_jit(uow)
        opening = sum(await _open(uow, first - timedelta(days=1), cur))
        overdue, current = await _open(uow, last, cur)
        sales = (await reports.credit_sales(uow, cur, first - timedelta(days=1), last)).get((reports.NONE,), 0)
    return {"month": month, "currency": cur, "opening": money(opening, cur), "credit_sales": money(sales, cur),
            "closing": money(overdue + current, cur), "closing_current": money(current, cur),
            "cei": kpis.cei(opening, sales, overdue + current, current)}


def cei_rows(report: dict) -> list[dict]:
    return [dict(report)]


async def summary(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, *, as_of: date | None = None,
                  currency: str | None = None) -> dict:
    """The three-dimension summary (region × product line × customer type): {"as_of",
    "currency", "period_start", "rows": [{"region", "product_line", "customer_type",
    "balance", "overdue", "overdue_rate", "collected", "to_collect", "collection_progress",
    "rag"}], "total": {…}}. Collection progress: the collection rate of the month to date."""
    on = as_of or ctx.today
    kpis.check_as_of(on, ctx.today)
    cur, c = currency_of(deps, currency), deps.config
    thresholds = kpis.RagThresholds(c.rag_overdue_amber, c.rag_overdue_red, c.rag_progress_amber, c.rag_progress_red)
    start = date(on.year, on.month, 1)
    async with uow:
        await reports.no_jit(uow)
        balances = await reports.open_split(uow, on, cur, _DIMS)
        paid = await _by_dims(flows.collected, uow, cur, start, on)
        due = await _by_dims(flows.falling_due, uow, cur, start, on)
    cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for k, (overdue, current) in balances.items():
        cells[tuple(key(v) for v in k)][0:2] = [overdue + current, overdue]
    for k, v in paid.items():
        cells[k][2] += v
    for k, v in due.items():
        cells[k][3] += v

    def row(k: tuple, balance: int, overdue: int, collected: int, to_collect: int) -> dict:
        rate, progress = kpis.ratio(overdue, balance), kpis.collection_rate(collected, to_collect)
        return {"region": k[0], "product_line": k[1], "customer_type": k[2], "balance": money(balance, cur),
                "overdue": money(overdue, cur), "overdue_rate": rate, "collected": money(collected, cur),
                "to_collect": money(to_collect, cur), "collection_progress": progress,
                "rag": kpis.rag(rate, progress, thresholds).value}

    rows = [row(k, *v) for k, v in sorted(cells.items())]
    totals = [sum(v[i] for v in cells.values()) for i in range(4)]
    return {"as_of": on, "currency": cur, "period_start": start, "rows": rows,
            "total": row(("total", "total", "total"), *totals)}


async def _by_dims(query, uow: UnitOfWork, cur: str, start: date, end: date) -> dict[tuple, int]:
    """A flow by region × product line × customer type (three single-dimension keys joined
    through the invoice: one query per flow, keyed by the invoice's three dimensions)."""
    return {tuple(key(v) for v in k): m for k, m in (await query(uow, cur, start, end, _DIMS)).items()}


def summary_rows(report: dict) -> list[dict]:
    return [*report["rows"], report["total"]]
