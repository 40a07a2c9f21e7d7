"""Aging as of any date (账龄分析表): open amounts per group and slab, disputed amounts apart.

Shape (`aging`): {"as_of", "currency", "basis", "group_by", "buckets": [labels], "rows":
[{"key", "buckets": {label: amount}, "disputed", "total"}], "total": {label: amount,
"disputed", "total"}, "count", "offset", "limit"}. A row's buckets hold its undisputed open
amounts; `disputed` what is under dispute; `total` both. Rows: largest total first."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from services.reporting.deps import ReportingDeps
from services.reporting.domain.aging import GROUPS, Basis, slabs, split_disputed, parse_bounds
from services.reporting.domain.kpis import check_as_of
from services.reporting.repository import reports
from services.reporting.views.common import currency_of, key, money
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import RuleError


def check_group(group_by: str | None) -> str | None:
    if group_by is not None and group_by not in GROUPS:
        raise RuleError(f"group_by is one of {', '.join(GROUPS)}", "group_by", "group_by.unknown")
    return group_by


async def aging(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, *, as_of: date | None = None,
                group_by: str | None = "customer", basis: str = "due_date", buckets: str | None = None,
                currency: str | None = None, offset: int = 0, limit: int | None = None) -> dict:
    on = as_of or ctx.today
    check_as_of(on, ctx.today)
    check_group(group_by)
    table = slabs(parse_bounds(buckets, deps.config.aging_bounds), Basis(basis))
    labels = [s.label for s in table]
    cur = currency_of(deps, currency)
    limit = min(limit or deps.config.max_rows, deps.config.max_rows)
    async with uow:
        await reports.no_jit(uow)
        cells = await reports.aging_cells(uow, on, cur, table, Basis(basis), [group_by])
        disputed = await reports.disputed_on(uow, on, cur)
        disputed_spans = (await reports.spans_of_invoices(uow, list(disputed), on, table, Basis(basis), [group_by])
                          if disputed else [])
    grid: dict[str, list[int]] = defaultdict(lambda: [0] * len(table))
    for group, *minors in cells:
        row = grid[key(group)]
        for i, minor in enumerate(minors):
            row[i] += int(minor or 0)
    apart: dict[str, int] = defaultdict(int)
    per_invoice: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for number, group, slab, minor in disputed_spans:
        per_invoice[number].append((key(group), slab, int(minor)))
    for number, spans in per_invoice.items():
        group = spans[0][0]
        by_slab: dict[int, int] = defaultdict(int)
        for _, slab, minor in spans:
            by_slab[slab] += minor
        for slab, minor in split_disputed(by_slab.items(), disputed[number]).items():
            grid[group][slab] -= minor
            apart[group] += minor
    rows = sorted(({"key": k, "cells": v, "disputed": apart.get(k, 0), "total": sum(v) + apart.get(k, 0)}
                   for k, v in grid.items()), key=lambda r: (-r["total"], r["key"]))
    totals = [sum(r["cells"][i] for r in rows) for i in range(len(table))]
    all_disputed = sum(apart.values())

    def amounts(cells: list[int]) -> dict:
        return {label: money(c, cur) for label, c in zip(labels, cells)}

    return {
        "as_of": on, "currency": cur, "basis": basis, "group_by": group_by, "buckets": labels,
        "rows": [{"key": r["key"], "buckets": amounts(r["cells"]), "disputed": money(r["disputed"], cur),
                  "total": money(r["total"], cur)} for r in rows[offset:offset + limit]],
        "total": {**amounts(totals), "disputed": money(all_disputed, cur),
                  "total": money(sum(totals) + all_disputed, cur)},
        "count": len(rows), "offset": offset, "limit": limit,
    }


def aging_rows(report: dict) -> list[dict]:
    """One flat row per group (and the total last): key, a column per bucket, disputed, total."""
    out = [{"key": r["key"], **r["buckets"], "disputed": r["disputed"], "total": r["total"]} for r in report["rows"]]
    out.append({"key": "total", **report["total"]})
    return out
