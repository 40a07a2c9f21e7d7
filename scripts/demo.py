"""`make demo`: load the real sample (data/ibm-accounts-receivable.csv: 2,466 invoices of
100 customers, with the date each was settled) into a running `make run` instance
through the ledger's bulk import, then print a short summary: what was imported, one
customer's balance as of a past date and today, and the result of an aging sweep.

    python -m scripts.demo [--url http://127.0.0.1:8000] [--key ...] [--settled-until 2013-09-30]

AR_URL and AR_API_KEY default to the embedded product and its development admin key.
--settled-until leaves settlements after that date out (as the ledger stood then), so
the aging sweep has overdue invoices to report; by default everything is imported.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import httpx

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ibm-accounts-receivable.csv"
# The sample's header: countryCode, customerID, PaperlessDate, invoiceNumber, InvoiceDate, DueDate,
# InvoiceAmount, Disputed, SettledDate, PaperlessBill, DaysToSettle, DaysLate
MAPPING = {"columns": {"invoice_number": "invoiceNumber", "customer_id": "customerID", "issue_date": "InvoiceDate",
                       "due_date": "DueDate", "amount": "InvoiceAmount", "settled_date": "SettledDate",
                       "region": "countryCode", "disputed": "Disputed"},
           "date_format": "%m/%d/%Y", "currency": "USD"}


def sample_bytes(settled_until: date | None) -> bytes:
    data = SAMPLE.read_bytes()
    if settled_until is None:
        return data
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    for row in rows:
        if row["SettledDate"] and datetime.strptime(row["SettledDate"], "%m/%d/%Y").date() > settled_until:
            row["SettledDate"] = ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def wait_for(client: httpx.Client, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if client.get("/ledger/readyz").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"no ledger answering at {client.base_url}: start it with `make run`")
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("AR_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--key", default=os.environ.get("AR_API_KEY", "dev-admin-key-change-me"))
    parser.add_argument("--settled-until", type=date.fromisoformat, default=None)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None,
                        help="the past date of the balance shown; default the customer's last invoice date")
    args = parser.parse_args(argv)
    data = sample_bytes(args.settled_until)
    with httpx.Client(base_url=args.url, headers={"Authorization": f"Bearer {args.key}"}, timeout=300) as client:
        wait_for(client)
        started = time.perf_counter()
        r = client.post("/ledger/v1/imports", files={"file": (SAMPLE.name, data, "text/csv")},
                        data={"mapping": json.dumps(MAPPING)})
        if r.status_code not in (200, 201):
            print(f"import refused ({r.status_code}):\n{r.text[:3000]}")
            return 1
        result = r.json()
        print(f"== import of {SAMPLE.name} ({time.perf_counter() - started:.1f} s)")
        for k in ("batch_id", "status", "total_rows", "imported_invoices", "imported_payments", "already_present",
                  "opened_disputes", "rejected_rows"):
            print(f"  {k:18} {result[k]}")
        rows = list(csv.DictReader(io.StringIO(data.decode())))
        customer, invoices = Counter(row["customerID"] for row in rows).most_common(1)[0]
        as_of = args.as_of or max(datetime.strptime(row["InvoiceDate"], "%m/%d/%Y").date()
                                  for row in rows if row["customerID"] == customer)
        print(f"== customer {customer} ({invoices} invoices)")
        for label, query in ((f"as of {as_of}", f"?as_of={as_of}"), ("today", "")):
            for b in client.get(f"/ledger/v1/customers/{customer}/balance{query}").json()["balances"]:
                print(f"  {label:18} balance {b['balance']} {b['currency']}, overdue {b['overdue_amount']}, "
                      f"aging {b['aging']}")
        # The server's business date: pinned by AR_BUSINESS_DATE in a demo of another day.
        today = date.fromisoformat(os.environ["AR_BUSINESS_DATE"]) if os.environ.get("AR_BUSINESS_DATE") else date.today()
        r = client.post("/ledger/v1/aging-sweeps", json={"as_of": today.isoformat()})
        if r.status_code != 200:
            print(f"aging sweep refused: {r.status_code} {r.text}", file=sys.stderr)
            return 1
        sweep = r.json()
        print(f"== aging sweep for {sweep['as_of']}: {sweep['examined']} instalments examined, "
              f"{sweep['events']} overdue-threshold events emitted in {sweep['seconds']} s")
        overdue = client.get(f"/ledger/v1/invoices?overdue_on={today}&limit=1").json()["total"]
        print(f"  open and overdue invoices today: {overdue}")
        print("  (the events reach credit, dunning and reporting in the background: in the embedded mode the "
              "whole sample takes about a minute; then see /dunning/v1/cases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
