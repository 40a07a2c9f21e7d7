"""The whole product (EmbeddedHost, the four services on SQLite) stopped while the events
of an import are still being delivered, then started again on the same files: every
subscriber ends with each event exactly once in its inbox, nothing dead-lettered, and every
outbox row marked delivered."""
from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

from tests.support.embedded import embedded_product

MAPPING = {"columns": {"invoice_number": "number", "customer_id": "customer", "issue_date": "issued",
                       "due_date": "due", "amount": "amount"}, "date_format": "%Y-%m-%d", "currency": "CNY"}
INVOICES = 600


def csv_file() -> bytes:
    rows = ["number,customer,issued,due,amount"]
    for i in range(INVOICES):
        due = date(2026, 5, 1) + timedelta(days=i % 60)
        rows.append(f"RS-{i:05d},C-{i % 40:03d},{(due - timedelta(days=30)).isoformat()},{due.isoformat()},"
                    f"{100 + i}.00")
    return ("\n".join(rows) + "\n").encode()


def inbox_counts(tmp_path, topic: str) -> dict[str, int]:
    out = {}
    for name in ("credit", "reporting"):  # the subscribers of invoice-recorded
        with sqlite3.connect(tmp_path / f"{name}.sqlite3") as db:
            out[name] = db.execute("SELECT count(*) FROM inbox WHERE topic = ?", (topic,)).fetchone()[0]
    return out


async def test_a_restart_mid_backlog_delivers_the_rest_exactly_once(tmp_path):
    async with embedded_product(tmp_path) as client:
        r = await client.post("/ledger/v1/imports", files={"file": ("i.csv", csv_file(), "text/csv")},
                              data={"mapping": json.dumps(MAPPING)})
        assert r.status_code == 201, r.text
    before = inbox_counts(tmp_path, "invoice-recorded")
    assert min(before.values()) < INVOICES, before  # stopped with part of the backlog undelivered

    async with embedded_product(tmp_path) as client:
        await client.host.settle(timeout=300)
    assert inbox_counts(tmp_path, "invoice-recorded") == {"credit": INVOICES, "reporting": INVOICES}
    for name in ("ledger", "credit", "dunning", "reporting"):
        with sqlite3.connect(tmp_path / f"{name}.sqlite3") as db:
            assert db.execute("SELECT count(*) FROM dead_letters").fetchone()[0] == 0, name
            assert db.execute("SELECT count(*) FROM outbox WHERE published_at IS NULL").fetchone()[0] == 0, name
            assert db.execute("SELECT count(*) FROM inbox WHERE outcome != 'applied'").fetchone()[0] == 0, name
