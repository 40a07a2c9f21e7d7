"""Month-end packs: asked for, built in the background, listed, downloaded; the schedule
queues the previous month end's pack once from the configured day."""
import io
import zipfile
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from services.reporting import jobs
from services.reporting.bootstrap import dependencies
from services.reporting.config import ReportingConfig
from services.reporting.handlers import month_end_packs
from tests.support.embedded import embedded_product
from tests.support.reporting import BASE, ledger, recorded_invoice

PROBLEM = "application/problem+json"


@pytest.fixture
async def book(tmp_path):
    async with embedded_product(tmp_path, names=["reporting"]) as client:
        await ledger(client, recorded_invoice("I-1", "A", "2026-03-01", "2026-03-31", "100.00", region="East"),
                     recorded_invoice("I-2", "B", "2026-05-01", "2026-05-31", "50.00", region="West"))
        yield client


async def test_a_pack_asked_for_is_built_listed_and_downloaded(book):
    r = await book.post(f"{BASE}/month-end-packs", json={"month": "2026-05"})
    assert r.status_code == 202, r.text
    pack = r.json()
    assert pack["as_of"] == "2026-05-31" and pack["period"] == "2026-05" and pack["status"] == "queued"
    shown = (await book.get(f"{BASE}/month-end-packs/{pack['pack_id']}")).json()
    assert shown["status"] == "ready" and shown["completed_at"] and shown["error"] is None  # built after the answer

    listed = (await book.get(f"{BASE}/month-end-packs?period=2026-05")).json()
    assert listed["total"] == 1 and listed["items"][0]["pack_id"] == pack["pack_id"]

    xlsx = await book.get(f"{BASE}/month-end-packs/{pack['pack_id']}.xlsx")
    assert xlsx.status_code == 200 and "month-end-pack-2026-05" in xlsx.headers["content-disposition"]
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames == [
        "账龄分析（客户）", "账龄分析（区域）", "DSO", "DSO（倒推法）", "滚动12个月DSO", "回款效率指数", "三维汇总",
        "坏账准备（比例法）", "坏账准备（账龄矩阵）", "坏账准备（预期信用损失）", "销售回款", "预警信号", "争议分类",
        "每日赊销与回款"]
    sheet = workbook["账龄分析（客户）"]
    assert sheet.freeze_panes == "A2"
    totals = {row[0].value: Decimal(str(row[-1].value)) for row in sheet.iter_rows(min_row=2)}
    assert totals == {"A": Decimal("100.00"), "B": Decimal("50.00"), "total": Decimal("150.00")}
    archive = zipfile.ZipFile(io.BytesIO((await book.get(f"{BASE}/month-end-packs/{pack['pack_id']}.zip")).content))
    assert "aging_by_customer.csv" in archive.namelist()
    assert archive.read("aging_by_customer.csv").startswith("\ufeff".encode())


@pytest.mark.parametrize("body, field", [({"month": "2026-06"}, "month"), ({"month": "2026-07"}, "month"),
                                         ({"month": "2026-13"}, "month"), ({}, "month"),
                                         ({"month": "2026-05", "x": 1}, "x")])
async def test_a_month_not_ended_or_a_bad_body_is_a_422(book, body, field):
    r = await book.post(f"{BASE}/month-end-packs", json=body)
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM) and field in r.text, r.text


async def test_unknown_packs_are_404_and_unready_files_409(book):
    assert (await book.get(f"{BASE}/month-end-packs/nope")).status_code == 404
    assert (await book.get(f"{BASE}/month-end-packs/nope.xlsx")).status_code == 404
    runtime = book.host.runtime("reporting")
    pack_id = await month_end_packs.request(runtime.deps, runtime.uow(), runtime.system_context(), "2026-04")
    r = await book.get(f"{BASE}/month-end-packs/{pack_id}.zip")
    assert r.status_code == 409 and r.headers["content-type"].startswith(PROBLEM)
    assert (await book.get(f"{BASE}/month-end-packs/{pack_id}.pdf")).status_code == 422


async def test_the_schedule_queues_the_previous_month_end_once_and_builds_it(book):
    runtime = book.host.runtime("reporting")
    runtime.deps = dependencies(runtime, ReportingConfig(pack_day=5))
    assert await jobs.month_end_pack_schedule(runtime) == []  # 1 June: not due before the 5th
    book.clock.set(datetime(2026, 6, 5, 2, tzinfo=timezone.utc))
    assert await jobs.month_end_pack_schedule(runtime) == ["month-end-2026-05"]
    assert await jobs.month_end_pack_schedule(runtime) == []  # once per period
    listed = (await book.get(f"{BASE}/month-end-packs")).json()
    assert [(p["pack_id"], p["as_of"], p["status"], p["requested_by"]) for p in listed["items"]] == [
        ("month-end-2026-05", "2026-05-31", "ready", "system:reporting")]


async def test_the_job_builds_a_pack_left_queued(book):
    runtime = book.host.runtime("reporting")
    ctx = runtime.system_context()
    pack_id = await month_end_packs.request(runtime.deps, runtime.uow(), ctx, "2026-04")
    assert await jobs.month_end_pack_schedule(runtime) == [pack_id]
    assert (await book.get(f"{BASE}/month-end-packs/{pack_id}")).json()["status"] == "ready"
