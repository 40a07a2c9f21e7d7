"""Sales accountability, payment behaviour, warning signals, disputes by category.
Shapes: each function's docstring."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from prometheus_client import Gauge

from services.reporting.deps import ReportingDeps
from services.reporting.domain import behaviour as rules
from services.reporting.domain.kpis import check_as_of, check_range, collection_rate, period_kind, ratio
from services.reporting.repository import flows, reports
from services.reporting.views.common import currency_of, key, money
from shared.context import Context
from shared.db import UnitOfWork

WARNINGS = Gauge("ar_reporting_warnings", "Warning signals raised on the business date, by signal",
                 ["service", "signal"])
SIGNALS = ("overdue_beyond_limit", "grade_downgrade", "overdue_share", "buying_more_paying_slower")


async def salespeople(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, *, start: date, end: date,
                      currency: str | None = None) -> dict:
    """{"start", "end", "currency", "period": quarter|year|custom, "salespeople": [row],
    "teams": [row]}; row = {"salesperson" (the team's name in `teams`), "team", "collected",
    "to_collect", "collection_rate", "target", "met", "written_off", "bad_debt_share",
    "bad_debt_charged"}."""
    c, cur = deps.config, currency_of(deps, currency)
    check_range(start, end, c.max_range_days, ctx.today)
    kind = period_kind(start, end)
    dims = ("salesperson",)
    async with uow:
        await reports.no_jit(uow)
        paid = await flows.collected(uow, cur, start, end, dims)
        due = await flows.falling_due(uow, cur, start, end, dims)
        lost = await flows.fact_sums(uow, "write_off", cur, start, end, dims)
    people: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for i, source in enumerate((paid, due, lost)):
        for k, v in source.items():
            people[key(k[0])][i] += v
    teams: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for name, v in people.items():
        if name in c.teams:
            teams[c.teams[name]] = [a + b for a, b in zip(teams[c.teams[name]], v)]
    default = c.target_year if kind == "year" else c.target_quarter

    def row(name: str, team: str | None, collected: int, to_collect: int, written: int, target: Decimal) -> dict:
        rate = collection_rate(collected, to_collect)
        charged = int((Decimal(written) * c.bad_debt_share).to_integral_value())
        return {"salesperson": name, "team": team, "collected": money(collected, cur),
                "to_collect": money(to_collect, cur), "collection_rate": rate, "target": target,
                "met": None if rate is None else rate >= target, "written_off": money(written, cur),
                "bad_debt_share": c.bad_debt_share, "bad_debt_charged": money(charged, cur)}

    return {"start": start, "end": end, "currency": cur, "period": kind,
            "salespeople": [row(n, c.teams.get(n), *v, c.targets.get(n, default)) for n, v in sorted(people.items())],
            "teams": [row(t, t, *v, default) for t, v in sorted(teams.items())]}


def salespeople_rows(report: dict) -> list[dict]:
    return [*report["salespeople"], *report["teams"]]


async def payment_behaviour(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, *, start: date, end: date,
                            customer_id: str | None = None, currency: str | None = None, offset: int = 0,
                            limit: int = 100) -> dict:
    """{"start", "end", "currency", "items": [{"customer_id", "name", "payments", "paid",
    "average_payment", "cycle_days", "days_late", "methods": {method: amount}, "trend"}],
    "total", "offset", "limit"}: customers who paid in [start, end], by id."""
    c, cur = deps.config, currency_of(deps, currency)
    check_range(start, end, c.max_range_days, ctx.today)
    async with uow:
        await reports.no_jit(uow)
        ids, total = await flows.paying_customers(uow, cur, start, end, offset, limit, customer_id)
        lines = await flows.payments_applied(uow, cur, start, end, ids) if ids else []
        names = await flows.customer_names(uow, ids)
    by_customer: dict[str, list[rules.Applied]] = defaultdict(list)
    for customer, ref, amount, issued, due, paid_on, method in lines:
        by_customer[customer].append(rules.Applied(ref, int(amount), issued, due or paid_on, paid_on, method))
    items = []
    for customer in ids:
        mine = by_customer.get(customer, [])
        paid, count = sum(x.amount_minor for x in mine), len({x.payment for x in mine})
        items.append({"customer_id": customer, "name": names.get(customer), "payments": count,
                      "paid": money(paid, cur), "average_payment": money(paid // count, cur) if count else None,
                      "cycle_days": rules.cycle_days(mine), "days_late": rules.days_late(mine),
                      "methods": {m: money(v, cur) for m, v in rules.methods(mine).items()},
                      "trend": rules.trend(mine, start, end, c.warn_slower_days)})
    return {"start": start, "end": end, "currency": cur, "items": items, "total": total, "offset": offset,
            "limit": limit}


def payment_behaviour_rows(report: dict) -> list[dict]:
    return [{**{k: v for k, v in i.items() if k != "methods"},
             **{f"method_{m}": v for m, v in i["methods"].items()}} for i in report["items"]]


async def warnings(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, *, as_of: date | None = None,
                   currency: str | None = None) -> dict:
    """{"as_of", "currency", "counts": {signal: n}, "warnings": [{"signal", "customer_id",
    "detail", "amount", "since"}]}; the counts also set the gauge `ar_reporting_warnings`
    when the date is today."""
    on = as_of or ctx.today
    check_as_of(on, ctx.today)
    c, cur = deps.config, currency_of(deps, currency)
    w = c.warn_window_days
    async with uow:
        await reports.no_jit(uow)
        long_overdue = await reports.open_split(uow, on, cur, ("customer",),
                                                overdue_before=on - timedelta(days=c.warn_overdue_days))
        split = await reports.open_split(uow, on, cur, ("customer",))
        grades = await flows.grade_changes(uow, on - timedelta(days=c.warn_downgrade_days), on)
        sales_now = await reports.credit_sales(uow, cur, on - timedelta(days=w), on, ("customer",))
        sales_before = await reports.credit_sales(uow, cur, on - timedelta(days=2 * w), on - timedelta(days=w),
                                                  ("customer",))
        late_before = await flows.lateness(uow, cur, on - timedelta(days=2 * w) + timedelta(days=1),
                                           on - timedelta(days=w))
        late_now = await flows.lateness(uow, cur, on - timedelta(days=w) + timedelta(days=1), on)
    out: list[dict] = []
    for (customer,), (overdue, _) in sorted(long_overdue.items()):
        if overdue > 0:
            out.append({"signal": "overdue_beyond_limit", "customer_id": customer, "amount": money(overdue, cur),
                        "detail": f"{money(overdue, cur)} {cur} overdue more than {c.warn_overdue_days} days"})
    for customer, on_day, previous, grade in sorted(grades):
        if rules.is_downgrade(previous, grade):
            out.append({"signal": "grade_downgrade", "customer_id": customer, "since": on_day,
                        "detail": f"grade {previous} → {grade}"})
    for (customer,), (overdue, current) in sorted(split.items()):
        share = ratio(overdue, overdue + current)
        if share is not None and share > c.warn_overdue_share:
            out.append({"signal": "overdue_share", "customer_id": customer, "amount": money(overdue, cur),
                        "detail": f"{share:.2%} of the customer's receivables overdue"})
    overdue_all = sum(o for o, _ in split.values())
    share_all = ratio(overdue_all, sum(o + cu for o, cu in split.values()))
    if share_all is not None and share_all > c.warn_overdue_share:
        out.append({"signal": "overdue_share", "customer_id": None, "amount": money(overdue_all, cur),
                    "detail": f"{share_all:.2%} of all receivables overdue"})
    for (customer,), now in sorted(sales_now.items()):
        before = rules.weighted_days(*late_before.get(customer, (0, 0)))
        after = rules.weighted_days(*late_now.get(customer, (0, 0)))
        if rules.buying_more_paying_slower(sales_before.get((customer,), 0), now, before, after,
                                           c.warn_sales_growth, c.warn_slower_days):
            out.append({"signal": "buying_more_paying_slower", "customer_id": customer, "amount": money(now, cur),
                        "detail": f"sales {money(sales_before.get((customer,), 0), cur)} → {money(now, cur)}, "
                                  f"days late {before} → {after}"})
    counts = {s: sum(1 for x in out if x["signal"] == s) for s in SIGNALS}
    if on == ctx.today:
        for signal, n in counts.items():
            WARNINGS.labels("reporting", signal).set(n)
    return {"as_of": on, "currency": cur, "counts": counts,
            "warnings": [{"amount": None, "since": None, **x} for x in out]}


def warnings_rows(report: dict) -> list[dict]:
    return [dict(x) for x in report["warnings"]]


async def disputes(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, *, start: date, end: date,
                   currency: str | None = None) -> dict:
    """{"start", "end", "currency", "categories": [{"category", "count", "amount", "open",
    "resolved", "outcomes": {outcome: n}, "average_days_to_resolve"}], "frequent": [the
    categories by count, most frequent first]}: disputes opened in [start, end]; open and
    resolved as of today."""
    c, cur = deps.config, currency_of(deps, currency)
    check_range(start, end, c.max_range_days, ctx.today)
    async with uow:
        await reports.no_jit(uow)
        rows = await flows.disputes(uow, start, end, cur)
    groups: dict[str, list] = defaultdict(list)
    for category, amount, opened, resolved_on, outcome in rows:
        groups[key(category)].append((int(amount), opened, resolved_on, outcome))
    categories = []
    for category, items in groups.items():
        done = [(o, r, out) for _, o, r, out in items if r is not None and r <= ctx.today]
        outcomes: dict[str, int] = defaultdict(int)
        for _, _, outcome in done:
            outcomes[outcome or "unknown"] += 1
        spent = sum((r - o).days for o, r, _ in done)
        categories.append({"category": category, "count": len(items), "amount": money(sum(a for a, *_ in items), cur),
                           "open": len(items) - len(done), "resolved": len(done), "outcomes": dict(sorted(outcomes.items())),
                           "average_days_to_resolve": (Decimal(spent) / len(done)).quantize(Decimal("0.1"))
                           if done else None})
    categories.sort(key=lambda x: (-x["count"], x["category"]))
    return {"start": start, "end": end, "currency": cur, "categories": categories,
            "frequent": [x["category"] for x in categories]}


def disputes_rows(report: dict) -> list[dict]:
    return [{**{k: v for k, v in x.items() if k != "outcomes"}, **{f"outcome_{k}": v for k, v in x["outcomes"].items()}}
            for x in report["categories"]]
