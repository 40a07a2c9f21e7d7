"""Month-end packs on PostgreSQL: the schedule run by two workers at once queues one pack,
two builders at once build it once (a conditional UPDATE claims it), and the files are kept
and read back intact (bytea)."""
from __future__ import annotations

import asyncio
import io
import zipfile
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from services.reporting.bootstrap import SERVICE
from services.reporting.handlers import month_end_packs
from services.reporting.views import month_end_packs as pack_views
from shared.clock import FixedClock
from shared.runtime import ServiceRuntime
from shared.settings import Settings
from tests.support.infra import fresh_postgres_database

pytestmark = pytest.mark.postgres


@pytest.fixture
async def reporting(postgres_admin_url, tmp_path):
    async with fresh_postgres_database(postgres_admin_url) as url:
        rt = ServiceRuntime(SERVICE, Settings(env="test", reporting_database_url=url, data_dir=tmp_path,
                                              bootstrap_admin_key="it-admin-key-0123456789abcdef-xyz"),
                            clock=FixedClock(datetime(2026, 6, 5, 2, tzinfo=timezone.utc)))
        await rt.open()
        yield rt
        await rt.close()


async def test_scheduled_once_built_once_and_kept(reporting):
    rt, ctx = reporting, reporting.system_context()
    queued = await asyncio.gather(*[month_end_packs.schedule(rt.deps, rt.uow(), ctx) for _ in range(4)])
    assert queued.count("month-end-2026-05") == 1 and queued.count(None) == 3
    built = await asyncio.gather(*[month_end_packs.build(rt.deps, rt.uow(), ctx, "month-end-2026-05")
                                   for _ in range(3)])
    assert built.count("ready") == 1 and built.count(None) == 2
    assert await month_end_packs.waiting(rt.deps, rt.uow(), ctx) == []

    xlsx, record = await pack_views.pack_file(rt.deps, rt.uow(), ctx, "month-end-2026-05", "xlsx")
    assert record["status"] == "ready" and str(record["as_of"]) == "2026-05-31"
    assert load_workbook(io.BytesIO(xlsx)).sheetnames[0] == "账龄分析（客户）"
    archive, _ = await pack_views.pack_file(rt.deps, rt.uow(), ctx, "month-end-2026-05", "zip")
    assert "aging_by_customer.csv" in zipfile.ZipFile(io.BytesIO(archive)).namelist()
