"""The month-end packs as the API shows them: one pack's record and status, a page of them,
a pack's file (`xlsx` or `zip`) once it is ready."""
from __future__ import annotations

from services.reporting.deps import ReportingDeps
from services.reporting.repository import packs
from services.reporting.tables import MonthEndPackRow
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import Conflict, NotFound

FIELDS = ("pack_id", "as_of", "period", "status", "requested_by", "requested_at", "completed_at", "error")


def _record(row: MonthEndPackRow) -> dict:
    return {name: getattr(row, name) for name in FIELDS}


async def pack(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, pack_id: str) -> dict:
    async with uow:
        row = await packs.get(uow, pack_id)
        if row is None:
            raise NotFound(f"no month-end pack {pack_id}", "pack_id", "pack.unknown")
        return _record(row)


async def pack_page(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, *, offset: int, limit: int,
                    period: str | None = None) -> dict:
    async with uow:
        rows, total = await packs.page(uow, offset, limit, period)
        return {"items": [_record(r) for r in rows], "total": total, "offset": offset, "limit": limit}


async def pack_file(deps: ReportingDeps, uow: UnitOfWork, ctx: Context, pack_id: str, kind: str) -> tuple[bytes, dict]:
    """A ready pack's workbook (`xlsx`) or CSV zip (`zip`), and its record."""
    async with uow:
        row = await packs.get(uow, pack_id)
        if row is None:
            raise NotFound(f"no month-end pack {pack_id}", "pack_id", "pack.unknown")
        if row.status != "ready":
            raise Conflict(f"month-end pack {pack_id} is {row.status}, not ready", "pack_id", "pack.not_ready")
        return (row.xlsx if kind == "xlsx" else row.csv_zip), _record(row)
