"""GET /exports/<report>.csv|.xlsx: the JSON route's numbers as files, same parameters and errors."""
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.support.embedded import embedded_product
from tests.support.reporting import BASE, dispute, ledger, recorded_invoice


@pytest.fixture
async def book(tmp_path):
    async with embedded_product(tmp_path, names=["reporting"]) as client:
        await ledger(client, recorded_invoice("I-1", "A", "2026-03-01", "2026-03-31", "100.00", region="East"),
                     recorded_invoice("I-2", "A", "2026-05-01", "2026-05-31", "50.00", region="East"),
                     recorded_invoice("I-3", "B", "2026-05-20", "2026-06-19", "200.00", region="West"),
                     dispute("D-1", "I-3", "B", "2026-05-25", "80.00"))
        yield client


async def test_aging_as_csv_has_the_json_numbers(book):
    body = (await book.get(f"{BASE}/aging?group_by=region")).json()
    r = await book.get(f"{BASE}/exports/aging.csv?group_by=region&lang=en")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="aging-region-2026-06-01.csv"' in r.headers["content-disposition"]
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Group,Current,1-30,31-60,61-90,91-180,181+,Disputed,Total"
    rows = {line.split(",")[0]: line.split(",") for line in lines[1:]}
    for row in body["rows"]:
        assert rows[row["key"]][-1] == row["total"] and rows[row["key"]][-2] == row["disputed"]
    assert rows["total"][-1] == body["total"]["total"] == "350.00"
    assert r.content.startswith("\ufeff".encode())


async def test_aging_as_xlsx_in_chinese(book):
    r = await book.get(f"{BASE}/exports/aging.xlsx?as_of=2026-05-31")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(r.content))["账龄分析"]
    assert sheet["A1"].value == "分组" and sheet["B1"].value == "未到期" and sheet.freeze_panes == "A2"
    values = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert Decimal(str(values["A"][-1].value)) == Decimal("150.00")
    assert values["A"][-1].number_format == "#,##0.00"


async def test_activity_exports_with_its_own_parameters(book):
    r = await book.get(f"{BASE}/exports/activity.csv?from=2026-03-01&to=2026-05-31&lang=en")
    assert r.status_code == 200, r.text
    assert r.content.decode("utf-8-sig").splitlines()[0].startswith("Day,Currency")


@pytest.mark.parametrize("path, status", [
    ("exports/planets.csv", 404), ("exports/aging.pdf", 422), ("exports/aging.csv?group_by=planet", 422),
    ("exports/aging.xlsx?as_of=2026-06-02", 422), ("exports/aging.csv?lang=fr", 422),
    ("exports/activity.csv?from=2026-01-01", 422),
])
async def test_bad_input_is_a_problem(book, path, status):
    r = await book.get(f"{BASE}/{path}")
    assert r.status_code == status and r.headers["content-type"].startswith("application/problem+json"), r.text


@pytest.mark.parametrize("report, query, json_path", [
    ("dso", "method=countback", "dso?method=countback"), ("dso_rolling", "months=3", "dso/rolling?months=3"),
    ("cei", "month=2026-05", "cei?month=2026-05"), ("provision", "method=matrix", "provision?method=matrix"),
    ("summary", "", "summary"), ("salespeople", "from=2026-04-01&to=2026-05-31", "salespeople?from=2026-04-01&to=2026-05-31"),
    ("payment_behaviour", "from=2026-01-01&to=2026-05-31", "payment-behaviour?from=2026-01-01&to=2026-05-31"),
    ("warnings", "", "warnings"), ("disputes", "from=2026-05-01&to=2026-05-31", "disputes?from=2026-05-01&to=2026-05-31"),
])
async def test_every_report_exports_as_csv_and_xlsx(book, report, query, json_path):
    body = (await book.get(f"{BASE}/{json_path}")).json()
    empty = report == "payment_behaviour" and not body["items"]  # no payments in this book: an empty file
    for fmt in ("csv", "xlsx"):
        r = await book.get(f"{BASE}/exports/{report}.{fmt}?{query}&lang=en")
        assert r.status_code == 200, (fmt, r.text)
        if fmt == "xlsx":
            sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
            assert sheet.freeze_panes == "A2" and (empty or sheet["A1"].value)
        else:
            assert empty or r.content.decode("utf-8-sig").splitlines()[0]


async def test_exported_kpis_equal_the_json(book):
    dso = (await book.get(f"{BASE}/dso")).json()
    lines = (await book.get(f"{BASE}/exports/dso.csv?lang=en")).content.decode("utf-8-sig").splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    values = dict(zip(header, row))
    assert values["DSO (days)"] == (dso["dso"] or "") and values["Receivables"] == dso["receivables"]
    provision = (await book.get(f"{BASE}/provision?method=flat")).json()
    sheet = load_workbook(io.BytesIO((await book.get(f"{BASE}/exports/provision.xlsx?method=flat")).content)).worksheets[0]
    total = [row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "total"][0]
    assert Decimal(str(total[3])) == Decimal(provision["provision"])


async def test_a_file_holds_every_row_past_the_pages_maximum(tmp_path):
    from services.reporting.bootstrap import dependencies
    from services.reporting.config import ReportingConfig

    async with embedded_product(tmp_path, names=["reporting"]) as client:
        runtime = client.host.runtime("reporting")
        runtime.deps = dependencies(runtime, ReportingConfig(max_rows=10))
        await ledger(client, *[recorded_invoice(f"I-{n}", f"C{n:02d}", "2026-05-01", "2026-05-31", f"{n}.00")
                               for n in range(1, 24)])
        assert len((await client.get(f"{BASE}/aging")).json()["rows"]) == 10
        lines = (await client.get(f"{BASE}/exports/aging.csv?lang=en")).content.decode("utf-8-sig").splitlines()
        keys = [line.split(",")[0] for line in lines[1:]]
        assert keys == [f"C{n:02d}" for n in range(23, 0, -1)] + ["total"]
        assert lines[-1].split(",")[-1] == f"{sum(range(1, 24))}.00"
