"""Bulk import (opening balances) from CSV and XLSX with a column mapping."""
import io
import json
from datetime import date

from openpyxl import Workbook

from tests.support.ledger import V1, assert_problem, balance, counts, invoice, outbox
from tests.support.embedded import embedded_product

MAPPING = {"columns": {"invoice_number": "No.", "customer_id": "Customer", "issue_date": "Issued", "due_date": "Due",
                       "amount": "Amount", "paid_amount": "Paid", "paid_date": "Paid on", "region": "Region",
                       "disputed": "Disputed"},
           "date_format": "%d/%m/%Y", "currency": "CNY"}
HEADER = "No.;Customer;Issued;Due;Amount;Paid;Paid on;Region;Disputed\n"
GOOD = ("OB-1;K1;01/03/2026;31/03/2026;1,000.00;400.00;15/04/2026;East;no\n"
        "OB-2;K1;05/03/2026;04/04/2026;250.50;;;East;yes\n"
        "OB-3;K2;10/03/2026;09/04/2026;99.99;99.99;01/04/2026;West;\n")
BAD = ("OB-4;K2;10/03/2026;01/03/2026;10.00;;;;\n"  # due before issue
       "OB-5;K2;10/03/2026;09/04/2026;abc;;;;\n"  # not an amount
       "OB-6;;10/03/2026;09/04/2026;10.00;;;;\n"  # no customer
       "OB-1;K3;10/03/2026;09/04/2026;10.00;;;;\n"  # duplicate number
       "OB-7;K2;10/03/2026;09/04/2026;10.00;20.00;01/04/2026;;\n"  # paid more than the amount
       "OB-8;K2;2026-03-10;09/04/2026;10.00;;;;\n")  # wrong date format


async def post(client, text: str | bytes, mapping=MAPPING, name="opening.csv", **form):
    data = text.encode() if isinstance(text, str) else text
    return await client.post(f"{V1}/imports", files={"file": (name, data, "text/csv")},
                             data={"mapping": json.dumps(mapping), **{k: str(v).lower() for k, v in form.items()}})


async def test_a_valid_file_imports_invoices_payments_and_disputes(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        r = await post(client, HEADER + GOOD)
        assert r.status_code == 201, r.text
        out = r.json()
        assert (out["status"], out["total_rows"], out["imported_invoices"], out["imported_payments"],
                out["opened_disputes"], out["rejected"]) == ("imported", 3, 3, 2, 1, [])
        ob1 = (await client.get(f"{V1}/invoices/OB-1")).json()
        assert (ob1["open_amount"], ob1["status"], ob1["region"], ob1["source"]) == ("600.00", "partially_paid",
                                                                                      "East", "import")
        assert (await client.get(f"{V1}/invoices/OB-2")).json()["disputed_amount"] == "250.50"
        assert (await client.get(f"{V1}/invoices/OB-3")).json()["status"] == "settled"
        assert (await balance(client, "K1", as_of="2026-04-01"))["balance"] == "1250.50"
        assert len(await outbox(client, "invoice-recorded")) == 3  # the other services learn about them
        again = await post(client, HEADER + GOOD)  # re-importing the same file is harmless
        assert (again.json()["already_present"], again.json()["imported_invoices"]) == (3, 0)
        stored = await client.get(f"{V1}/imports/{out['batch_id']}")
        assert stored.status_code == 200 and stored.json() == out
        assert_problem(await client.get(f"{V1}/imports/IMP-NOPE"), 404)


async def test_one_bad_row_and_nothing_is_imported_every_reason_listed(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "OB-9", customer="K9", amount="5.00")
        before = await counts(client)
        conflict = "OB-9;K9;01/04/2026;01/05/2026;6.00;;;;\n"
        r = await post(client, HEADER + GOOD + BAD + conflict)
        body = assert_problem(r, 422)
        rejected = [(x["row"], x["field"]) for x in body["result"]["rejected"]]
        assert rejected == [(5, "due_date"), (6, "amount"), (7, "customer_id"), (8, "invoice_number"),
                            (9, "paid_amount"), (10, "issue_date"), (11, "invoice_number")]
        assert body["result"]["status"] == "rejected" and body["errors"][0]["field"] == "rows[5].due_date"
        after = await counts(client)
        assert after.pop("import_batches") == before.pop("import_batches") + 1  # the refused attempt is recorded
        assert after == before


async def test_valid_rows_only_and_dry_run(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        before = await counts(client)
        dry = await post(client, HEADER + GOOD + BAD, dry_run=True)
        assert dry.status_code == 200 and dry.json()["status"] == "dry_run"
        assert (dry.json()["valid_rows"], len(dry.json()["rejected"])) == (3, 6)
        after = await counts(client)
        assert after.pop("import_batches") == 1 and after == {k: v for k, v in before.items() if k != "import_batches"}
        r = await post(client, HEADER + GOOD + BAD, valid_rows_only=True)
        assert r.status_code == 201, r.text
        assert (r.json()["status"], r.json()["imported_invoices"], r.json()["rejected_rows"]) == (
            "partially_imported", 3, 6)


async def test_xlsx_with_real_dates_and_numbers(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Invoice", "Customer", "Date", "Terms", "Total", "Currency"])
    sheet.append(["X-1", "K1", date(2026, 3, 1), "NET30", 1234.5, "USD"])
    sheet.append(["X-2", "K1", date(2026, 3, 2), "EOM+15", 100, "JPY"])
    sheet.append(["X-3", "K1", date(2026, 3, 3), "NET30", 1.005, "USD"])  # three decimals: refused
    buffer = io.BytesIO()
    book.save(buffer)
    mapping = {"columns": {"invoice_number": "Invoice", "customer_id": "Customer", "issue_date": "Date",
                           "payment_terms": "Terms", "amount": "Total", "currency": "Currency"}}
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        r = await post(client, buffer.getvalue(), mapping, name="book.xlsx", valid_rows_only=True)
        assert r.status_code == 201, r.text
        assert r.json()["rejected"] == [{"row": 4, "field": "amount", "reason": "USD allows at most 2 decimals"}]
        x1 = (await client.get(f"{V1}/invoices/X-1")).json()
        assert (x1["amount"], x1["currency"], x1["due_date"]) == ("1234.50", "USD", "2026-03-31")
        assert (await client.get(f"{V1}/invoices/X-2")).json()["due_date"] == "2026-04-15"


async def test_mapping_and_file_errors(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        bad_field = {**MAPPING, "columns": {**MAPPING["columns"], "colour": "Region"}}
        assert_problem(await post(client, HEADER + GOOD, bad_field), 422, "mapping")
        missing = {**MAPPING, "columns": {k: v for k, v in MAPPING["columns"].items() if k != "amount"}}
        assert_problem(await post(client, HEADER + GOOD, missing), 422, "mapping.columns", "import.mapping_incomplete")
        wrong_column = {**MAPPING, "columns": {**MAPPING["columns"], "amount": "Total"}}
        assert_problem(await post(client, HEADER + GOOD, wrong_column), 422, "mapping.columns",
                       "import.unknown_column")
        assert_problem(await post(client, ""), 422, "file", "import.empty")
        assert_problem(await post(client, b"\xff\xfe\xff\x80abc"), 422, "file", "import.encoding")
        r = await client.post(f"{V1}/imports", files={"file": ("a.csv", b"x", "text/csv")}, data={"mapping": "{"})
        assert_problem(r, 422, "mapping")


CHINESE = {"columns": {"invoice_number": "发票号", "customer_id": "客户", "issue_date": "开票日期", "due_date": "到期日",
                       "amount": "金额", "region": "区域"}, "currency": "CNY"}
CHINESE_CSV = "发票号,客户,开票日期,到期日,金额,区域\nFP-1,华东贸易,2026-03-01,2026-03-31,\"1,200.00\",华东\n"


async def test_chinese_spreadsheet_exports_in_every_encoding_they_come_in(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        for n, data in enumerate((CHINESE_CSV.encode("gb18030"), CHINESE_CSV.encode("gbk"),
                                  CHINESE_CSV.encode("utf-8-sig"), CHINESE_CSV.encode("utf-8"))):
            r = await post(client, data.replace(b"FP-1", f"FP-{n}".encode()), CHINESE)
            assert r.status_code == 201 and r.json()["imported_invoices"] == 1, (n, r.text)
            inv = (await client.get(f"{V1}/invoices/FP-{n}")).json()
            assert (inv["customer_id"], inv["region"], inv["amount"]) == ("华东贸易", "华东", "1200.00")
