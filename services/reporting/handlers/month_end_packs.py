"""Month-end packs (月结报表包): asked for on demand or by the schedule, then built from the
views into an XLSX workbook (a sheet per table) and a zip of CSVs, and kept.

A pack is `queued` when asked for, `building` while one builder holds it (claimed by one
conditional UPDATE), then `ready` (its files kept) or `failed` (a report refused the date:
the error kept). The route starts the build at once; the job builds what is still queued,
and takes back a build left `building` (`pack_stale_seconds` after it was asked for: its
process died, or the database failed mid-build). Rendering runs in a thread: a large
workbook must not hold up the event loop.
"""
from __future__ import annotations

import asyncio
import secrets
from datetime import date, timedelta

from sqlalchemy import exc as sa_exc

from services.reporting.deps import ReportingDeps
from services.reporting.domain.month_end import parse_month, period_of, scheduled_due, scheduled_pack_id
from services.reporting.outputs.csv import to_csv_zip
from services.reporting.outputs.tables import Table
from services.reporting.outputs.xlsx import to_xlsx
from services.reporting.repository import month_end_queue, packs
from services.reporting.tables import MonthEndPackRow
from services.reporting.views.exports import pack_tables
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import RuleError

QUEUED, READY, FAILED = "queued", "ready", "failed"  # and "building": repository/month_end_queue.py


def _row(pack_id: str, as_of: date, ctx: Context) -> MonthEndPackRow:
    return MonthEndPackRow(pack_id=pack_id, as_of=as_of, period=period_of(as_of), status=QUEUED,
                           requested_by=ctx.actor[:100], requested_at=ctx.now)


async def request(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, month: str) -> str:
    """A pack for the end of `month` (YYYY-MM, ended), queued; its id."""
    as_of = parse_month(month, ctx.today)
    pack_id = "pack-" + secrets.token_hex(8)
    async with uow:
        packs.add(uow, _row(pack_id, as_of, ctx))
        await uow.commit()
    return pack_id


async def schedule(deps: ReportingDeps, uow: UnitOfWork, ctx: Context) -> str | None:
    """The scheduled pack of the previous month end, queued once from the configured day."""
    as_of = scheduled_due(ctx.today, deps.config.pack_day)
    if as_of is None:
        return None
    pack_id = scheduled_pack_id(as_of)
    try:
        async with uow:
            if await packs.get(uow, pack_id) is not None:
                return None
            packs.add(uow, _row(pack_id, as_of, ctx))
            await uow.commit()
    except sa_exc.IntegrityError:  # another worker queued it at the same moment
        return None
    return pack_id


async def build(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, pack_id: str) -> str | None:
    """Build a queued (or abandoned) pack; its final status, or None when another builder has it."""
    stale_before = ctx.now - timedelta(seconds=deps.config.pack_stale_seconds)
    async with uow:
        as_of = await month_end_queue.claim(uow, pack_id, stale_before)
        await uow.commit()
    if as_of is None:
        return None
    xlsx = csv_zip = error = None
    try:
        async with uow:  # every table from the same snapshot
            tables = await pack_tables(deps, uow, ctx, as_of)
        xlsx, csv_zip = await asyncio.to_thread(_render, tables, deps.config.pack_language)
    except RuleError as refused:  # a report refused the date (e.g. before the data starts)
        error = refused.message[:2000]
    async with uow:
        row = await packs.get(uow, pack_id)
        row.xlsx, row.csv_zip = xlsx, csv_zip
        row.status, row.error, row.completed_at = (FAILED if error else READY), error, ctx.now
        await uow.commit()
    return row.status


def _render(tables: list[Table], lang: str) -> tuple[bytes, bytes]:
    return to_xlsx(tables, lang), to_csv_zip(tables, lang)


async def waiting(deps: ReportingDeps, uow: UnitOfWork, ctx: Context) -> list[str]:
    """The packs a builder should take: queued, or building for longer than the stale limit."""
    async with uow:
        return await month_end_queue.waiting(uow, ctx.now - timedelta(seconds=deps.config.pack_stale_seconds))
