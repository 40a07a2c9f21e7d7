"""The real sample finance teams start from (data/ibm-accounts-receivable.csv, 2,466
invoices of 100 customers, all settled) through POST /imports, then balances as of past
dates checked against figures computed independently from the CSV."""
from __future__ import annotations

import csv
import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from scripts.demo import MAPPING, SAMPLE  # the mapping `make demo` uses
from tests.support.embedded import embedded_product

pytestmark = pytest.mark.e2e


def rows() -> list[dict]:
    def day(text: str) -> date:
        return datetime.strptime(text, "%m/%d/%Y").date()

    with SAMPLE.open(newline="") as f:
        return [{"customer": r["customerID"], "issued": day(r["InvoiceDate"]), "due": day(r["DueDate"]),
                 "settled": day(r["SettledDate"]), "amount": Decimal(r["InvoiceAmount"])} for r in csv.DictReader(f)]


def expected(sample: list[dict], customer: str, on: date) -> tuple[Decimal, Decimal]:
    """Balance and overdue amount at `on`, straight from the CSV."""
    mine = [r for r in sample if r["customer"] == customer and r["issued"] <= on]
    open_then = [r for r in mine if r["settled"] > on]
    return (sum((r["amount"] for r in open_then), Decimal(0)),
            sum((r["amount"] for r in open_then if r["due"] < on), Decimal(0)))


async def test_the_ibm_sample_imports_and_balances_match_the_csv(tmp_path):
    sample = rows()
    assert len(sample) == 2466
    data = SAMPLE.read_bytes()
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        r = await client.post("/ledger/v1/imports", files={"file": ("ibm.csv", data, "text/csv")},
                              data={"mapping": json.dumps(MAPPING)})
        assert r.status_code == 201, r.text[:2000]
        out = r.json()
        assert (out["status"], out["total_rows"], out["imported_invoices"], out["imported_payments"],
                out["rejected_rows"]) == ("imported", 2466, 2466, 2466, 0)
        await client.host.settle()  # our own events come back: no-ops, no dead letters
        page = (await client.get("/ledger/v1/invoices?status=settled&limit=1")).json()
        assert page["total"] == 2466
        customers = sorted({r["customer"] for r in sample})
        for customer in customers[::17]:
            for on in (date(2012, 6, 30), date(2013, 3, 31), date(2013, 12, 31)):
                if not any(r["customer"] == customer and r["issued"] <= on for r in sample):
                    continue
                [b] = (await client.get(f"/ledger/v1/customers/{customer}/balance?as_of={on}")).json()["balances"]
                bal, overdue = expected(sample, customer, on)
                assert (Decimal(b["balance"]), Decimal(b["overdue_amount"]), b["unapplied_cash"]) == (
                    bal, overdue, "0.00"), (customer, on)
            assert (await client.get(f"/ledger/v1/customers/{customer}/balance")).json()["balances"][0]["balance"] == \
                "0.00"
        st = (await client.get(f"/ledger/v1/customers/{customers[0]}/statement?from=2013-01-01&to=2013-12-31")).json()
        assert Decimal(st["closing_balance"]) == expected(sample, customers[0], date(2013, 12, 31))[0]
        again = await client.post("/ledger/v1/imports", files={"file": ("ibm.csv", data, "text/csv")},
                                  data={"mapping": json.dumps(MAPPING)})
        assert (again.json()["already_present"], again.json()["imported_invoices"]) == (2466, 0)
        sweep = (await client.post("/ledger/v1/aging-sweeps", json={"as_of": "2026-06-01"})).json()
        assert sweep["events"] == 0  # everything in the sample is settled
