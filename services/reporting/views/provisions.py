"""Provision for bad debts as of a date: flat, matrix or expected credit loss (ECL, the
simplified approach's provision matrix from observed loss rates), with the coverage of
actual write-offs and the adequacy test (seed 000).

Shape: {"as_of", "currency", "method", "open", "provision", "rate" (flat only), "slabs":
[{"bucket", "open", "rate", "provision", "exposure", "losses"}], "written_off_12m",
"coverage", "adequacy": {"current", "required", "shortfall", "adequate", "proposed_rate",
"impact"}, "lookback_months"}."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from services.reporting.deps import ReportingDeps
from services.reporting.domain import provision as rules
from services.reporting.domain.aging import Basis, slabs
from services.reporting.domain.kpis import check_as_of, months_back
from services.reporting.repository import flows, reports
from services.reporting.views.common import currency_of, money
from shared.context import Context
from shared.db import UnitOfWork

DUE = Basis.DUE_DATE


async def _by_slab(uow: UnitOfWork, on: date, cur: str, table) -> list[int]:
    out = [0] * len(table)
    for _, *minors in await reports.aging_cells(uow, on, cur, table, DUE, (None,)):
        out = [a + int(b or 0) for a, b in zip(out, minors)]
    return out


async def _observed(uow: UnitOfWork, on: date, cur: str, table, lookback: int) -> tuple[list[int], list[int]]:
    """Exposure and losses per slab: what was open in each slab at each month end of the
    look-back, and of it what was written off between then and `on` (oldest slab first)."""
    exposure, losses = [0] * len(table), [0] * len(table)
    snapshots = [last for _, last in months_back(on, lookback + 1)[1:]]
    for totals in await reports.slab_totals(uow, snapshots, cur, table):
        exposure = [a + b for a, b in zip(exposure, totals)]
    for snapshot in snapshots:
        written = await flows.write_off_exposures(uow, cur, snapshot, on)
        if not written:
            continue
        open_then: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for number, _, slab, minor in await reports.spans_of_invoices(uow, list(written), snapshot, table, DUE,
                                                                      (None,)):
            open_then[number][slab] += int(minor)
        for number, amount in written.items():
            for slab, minor in rules.allocate_oldest_first(open_then.get(number, {}), amount).items():
                losses[slab] += minor
    return exposure, losses


async def provision(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, *, as_of: date | None = None,
                    method: str = "ecl", currency: str | None = None) -> dict:
    on = as_of or ctx.today
    check_as_of(on, ctx.today)
    cur, c = currency_of(deps, currency), deps.config
    table = slabs(c.aging_bounds, DUE)
    async with uow:
        await reports.no_jit(uow)
        open_by = await _by_slab(uow, on, cur, table)
        exposure, losses = await _observed(uow, on, cur, table, c.ecl_lookback_months)
        written_12m = sum((await flows.fact_sums(uow, "write_off", cur, on - timedelta(days=364), on)).values())
    total = sum(open_by)
    ecl_rates = rules.loss_rates(exposure, losses)
    ecl = rules.matrix(open_by, ecl_rates)
    current = rules.flat(total, c.provision_flat_rate)
    if method == "flat":
        rates = [c.provision_flat_rate] * len(table)
    elif method == "matrix":
        rates = list(c.provision_matrix_rates)
    else:
        rates = ecl_rates
    per_slab = rules.matrix(open_by, rates)
    amount = current if method == "flat" else sum(per_slab)
    check = rules.adequacy(total, current, sum(ecl))
    return {
        "as_of": on, "currency": cur, "method": method, "open": money(total, cur), "provision": money(amount, cur),
        "rate": c.provision_flat_rate if method == "flat" else None,
        "slabs": [{"bucket": s.label, "open": money(o, cur), "rate": r, "provision": money(p, cur),
                   "exposure": money(e, cur) if method == "ecl" else None,
                   "losses": money(x, cur) if method == "ecl" else None}
                  for s, o, r, p, e, x in zip(table, open_by, rates, per_slab, exposure, losses)],
        "written_off_12m": money(written_12m, cur), "coverage": rules.coverage(amount, written_12m),
        "adequacy": {"current": money(check.current, cur), "required": money(check.required, cur),
                     "shortfall": money(check.shortfall, cur), "adequate": check.adequate,
                     "proposed_rate": check.proposed_rate, "impact": money(check.impact, cur)},
        "lookback_months": c.ecl_lookback_months if method == "ecl" else None,
    }


def provision_rows(report: dict) -> list[dict]:
    rows = [dict(s) for s in report["slabs"]]
    rows.append({"bucket": "total", "open": report["open"], "rate": report["rate"], "provision": report["provision"]})
    return rows
